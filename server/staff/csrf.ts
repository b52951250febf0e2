import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random token (32 bytes, base64url). */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares a submitted token with the expected one in constant time. Both sides are hashed
 * first, so lengths always match and the comparison leaks neither length nor prefix.
 */
export function csrfTokensMatch(expected: string | undefined, submitted: unknown): boolean {
  if (!expected || typeof submitted !== 'string' || submitted.length === 0 || submitted.length > 200) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(submitted, 'utf8').digest();
  return timingSafeEqual(a, b);
}
