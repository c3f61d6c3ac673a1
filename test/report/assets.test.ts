import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/report/assets.js';

const viaDate = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('isoTime', () => {
  it('writes whole seconds as Date does, from the day cache', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (s) => isoTime(s) === viaDate(s)),
      { numRuns: 20_000 },
    );
    for (const s of [0, 59, 60, 3599, 3600, 86_399, 86_400, 951_782_400, 1_760_000_000, 253_402_300_799]) expect(isoTime(s)).toBe(viaDate(s));
  });

  it('gives the same text when a time repeats, and the right one when times share a remembered slot', () => {
    // Times 4096 s apart (and whole days apart) land in the same slot of the remembered results.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_000_000_000 }), fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }), (base, steps) => {
        const times = steps.flatMap((k) => [base + k * 4096, base + k * 86_400 * 32, base]);
        for (const s of [...times, ...times.reverse()]) expect(isoTime(s)).toBe(viaDate(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('hands fractions, times before 1970 and years past 9999 to Date', () => {
    for (const s of [1.5, 1_760_000_000.25, -1, -86_401, 253_402_300_800, 253_402_387_200]) expect(isoTime(s)).toBe(viaDate(s));
    expect(isoTime(1.5)).toBe('1970-01-01T00:00:01.500Z');
  });
});
