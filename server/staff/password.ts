import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** Shortest password a person may choose. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted: bounds the hashing work one request can cause. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms here.
 * `Algorithm` is a const enum that tsx cannot inline, hence the literal.
 */
const ARGON2_OPTIONS: Options = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id (PHC string with its own random salt). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when the password matches the stored hash; a malformed hash is a mismatch, not a crash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification against a throw-away hash, so that an unknown or inactive
 * email answers as slowly as a wrong password and timing does not tell which emails exist.
 */
export async function spendVerificationTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  await verifyPassword(await dummyHash, password);
}

/** No 0/O, 1/l/I: a one-time password is often read out or copied by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random one-time password: 20 characters from a 56-letter alphabet (about 116 bits) in groups
 * of five, e.g. `Xk7pQ-m3RtA-9wZbn-Hc4Ef`.
 */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g += 1) {
    let group = '';
    for (let i = 0; i < 5; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** Why a chosen password is refused (Vietnamese, shown to the person), or null when it is fine. */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`;
  if (length > MAX_PASSWORD_LENGTH) return `Mật khẩu không được dài quá ${MAX_PASSWORD_LENGTH} ký tự.`;
  if (password.trim() === '') return 'Mật khẩu không được chỉ gồm khoảng trắng.';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'Mật khẩu không được trùng với email.';
  return null;
}
