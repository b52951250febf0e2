// Shared by the fuzz tests; named *.test.ts only to sit among them (it defines no test itself).
import fc from 'fast-check';

/**
 * Shared generators of hostile input for the fuzz tests. Run counts scale with FUZZ_SCALE (1 by
 * default; CI keeps the whole fuzz suite well under a minute), and FUZZ_SEED replays a failure.
 */
export const FUZZ_SCALE = Number(process.env.FUZZ_SCALE ?? 1) || 1;
export const runs = (n: number) => Math.max(1, Math.round(n * FUZZ_SCALE));
export const fuzzParams = (numRuns: number) => ({
  numRuns,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

/** Keys that pollute prototypes when merged carelessly. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Strings a citizen, a bot or an attacker might send. */
export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 50 }),
  fc.constantFrom('\uD800', '\uDFFF', 'a\uD83D', '\u202E\u0000', '\uFEFF', 'ly\u0301 ho\u0302n', '<script>alert(1)</script>', "' OR 1=1 --", '${7*7}', '{{7*7}}', '%00', '../../etc/passwd'),
  fc.integer({ min: 990, max: 1010 }).map((n) => 'ă'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON-ish value, hostile strings included, with polluting keys among object keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...POLLUTING_KEYS)), tie('value'), { maxKeys: 4 }),
  ),
})).value;
