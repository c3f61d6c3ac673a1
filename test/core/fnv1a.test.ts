import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../src/core/fnv1a.js';

describe('fnv1a', () => {
  it('gives the 32-bit FNV-1a values of the reference test vectors', () => {
    // The FNV reference test vectors for FNV-1a, 32 bits.
    expect(['', 'a', 'b', 'foobar'].map((s) => fnv1a(s).toString(16))).toEqual(['811c9dc5', 'e40c292c', 'e70c2de5', 'bf9cf968']);
  });

  it('hashes UTF-16 code units as unsigned 32-bit numbers', () => {
    const h = fnv1a('\u{1F600}é');
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(h).not.toBe(fnv1a('\uD83Dé'));
  });
});
