/**
 * PostgreSQL text cannot hold U+0000: a NUL in a stored string fails the statement
 * ("invalid byte sequence for encoding UTF8: 0x00", SQLSTATE 22021) and the citizen got an
 * internal error. No one types a NUL on purpose, so it is removed from every string of a payload
 * before the payload is parsed. Plain objects and arrays are copied; anything else is returned as is.
 */
export function withoutNul(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withoutNul(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: a "__proto__" key stays an own property instead of a prototype.
    Object.defineProperty(copy, key, { value: withoutNul(item, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
