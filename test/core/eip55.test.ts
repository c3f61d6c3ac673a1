import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getAddress, hexlify } from 'ethers';
import { eip55 } from '../../src/core/eip55.js';

describe('eip55', () => {
  it('gives ethers’ checksum for any 20 bytes written in lower, upper or mixed case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (bytes, upper) => {
        const lower = hexlify(bytes);
        const mixed = `0x${[...lower.slice(2)].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')}`;
        expect(eip55(lower)).toBe(getAddress(lower));
        expect(eip55(mixed)).toBe(getAddress(lower));
      }),
      { numRuns: 3000 },
    );
  });

  it('checksums the examples of the EIP (all caps, all lower, mixed) and leaves the one buffer clean between calls', () => {
    for (const a of [
      '0x52908400098527886E0F7030069857D2E4169EE7',
      '0xde709f2102306220921060314715629080e2fb77',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    ])
      expect(eip55(a.toLowerCase())).toBe(a);
  });

  it('answers undefined for anything but 0x and 40 hex digits', () => {
    for (const bad of [
      '',
      '0x',
      `0X${'a'.repeat(40)}`,
      `0x${'a'.repeat(39)}`,
      `0x${'a'.repeat(41)}`,
      `0x${'g'.repeat(40)}`,
      `0x${'a'.repeat(39)}/`,
      `0x${'a'.repeat(39)}G`,
    ])
      expect(eip55(bad)).toBeUndefined();
  });
});
