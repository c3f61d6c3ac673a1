import { createHash } from 'node:crypto';
import { decodeBase58, encodeBase58, getBytes, toBeHex } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../src/core/address.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** TRON base58check as ethers reads it (the decoder chaintrail used before): the address, or why not. */
function reference(text: string): string {
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(text)) return 'expected base58 starting with T, 34 characters';
  let bytes: Uint8Array;
  try {
    bytes = getBytes(toBeHex(decodeBase58(text), 25));
  } catch {
    return 'not valid base58';
  }
  const payload = bytes.slice(0, 21);
  const check = sha256(sha256(payload));
  if (payload[0] !== 0x41 || [0, 1, 2, 3].some((i) => check[i] !== bytes[21 + i])) return 'bad base58check checksum';
  return text;
}

function answer(text: string): string {
  try {
    return normalizeAddress('tron', text);
  } catch (error) {
    return (error as Error).message.replace(/^Invalid tron address "[^"]*": /, '').replace(/; it is a valid .*$/, '');
  }
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

describe('TRON base58 addresses without ethers', () => {
  it('answer as ethers-based decoding does for real, damaged and random T… strings', () => {
    const real = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((body) => {
      const payload = Uint8Array.from([0x41, ...body]);
      return encodeBase58(Uint8Array.from([...payload, ...sha256(sha256(payload)).subarray(0, 4)]));
    });
    const damaged = fc.tuple(real, fc.nat(33), fc.nat(57)).map(([text, at, c]) => text.slice(0, at + 1) + BASE58[c] + text.slice(at + 2));
    const random = fc.stringMatching(/^T[1-9A-HJ-NP-Za-km-z]{33}$/);
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(real, damaged, random), (text) => {
        const expected = reference(text);
        if (expected === text) valid++;
        expect(answer(text)).toBe(expected);
      }),
      { numRuns: 3000, seed: 31 },
    );
    expect(valid).toBeGreaterThan(500);
  });
});
