import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../src/core/address.js';
import { decodeBase58, decodeBase58Check, standardBitcoinAddress } from '../../src/core/bitcoin-address.js';
import { bitcoinLib, bitcoinNetwork } from '../../src/core/bitcoin-network.js';
import { InvalidAddressError } from '../../src/core/errors.js';

const CHAINS = ['bitcoin', 'bitcoin-testnet', 'bitcoin-regtest'] as const;
type Kind = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

/** A real address of the kind on the network, built by bitcoinjs-lib (undefined when the bytes are no Taproot key). */
function build(kind: Kind, chain: string, bytes: Uint8Array): string | undefined {
  const { payments } = bitcoinLib();
  const network = bitcoinNetwork(chain);
  try {
    if (kind === 'p2tr') return payments.p2tr({ pubkey: bytes.subarray(0, 32), network }).address;
    if (kind === 'p2wsh') return payments.p2wsh({ hash: bytes.subarray(0, 32), network }).address;
    return payments[kind]({ hash: bytes.subarray(0, 20), network }).address;
  } catch {
    return undefined;
  }
}

/** bitcoinjs-lib's answer: the address its output script renders, or its error message. */
function reference(chain: string, text: string): { ok: string } | { error: string } {
  const { address } = bitcoinLib();
  const network = bitcoinNetwork(chain);
  try {
    return { ok: address.fromOutputScript(address.toOutputScript(text, network), network) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Ways a person or a file gets an address wrong (or merely writes it differently). */
const mutate = (text: string, how: number, at: number, char: number): string => {
  const i = at % text.length;
  const alphabet = text.toLowerCase().startsWith('bc') || text.toLowerCase().startsWith('tb') ? BECH32 : BASE58;
  switch (how) {
    case 0:
      return text;
    case 1:
      return text.toUpperCase();
    case 2:
      return text.slice(0, i) + alphabet[char % alphabet.length] + text.slice(i + 1);
    case 3:
      return text.slice(0, i) + text.slice(i + 1);
    case 4:
      return text.slice(0, i) + (text[i] === text[i]!.toUpperCase() ? text[i]!.toLowerCase() : text[i]!.toUpperCase()) + text.slice(i + 1);
    default:
      return `${text}${alphabet[char % alphabet.length]}`;
  }
};

describe('Bitcoin addresses without bitcoinjs-lib', () => {
  it('answer exactly as bitcoinjs-lib for real and damaged addresses of every kind and network', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'),
        fc.constantFrom(...CHAINS),
        fc.constantFrom(...CHAINS),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(5),
        fc.nat(),
        fc.nat(),
        (kind, builtOn, askedOn, bytes, how, at, char) => {
          const built = build(kind, builtOn, bytes);
          if (built === undefined) return;
          const text = mutate(built, how, at, char);
          const expected = reference(askedOn, text);
          const standard = standardBitcoinAddress(askedOn, text);
          // Recognised without bitcoinjs-lib: only when bitcoinjs-lib gives the same address.
          if (standard !== undefined) {
            expect(expected).toEqual({ ok: standard });
            fast++;
          } else if ('ok' in expected) {
            // What is left to bitcoinjs-lib: Taproot (its key must be on the curve) and nothing else that is valid.
            expect(kind).toBe('p2tr');
          }
          // normalizeAddress answers as bitcoinjs-lib does, the same address or an error quoting its message.
          if ('ok' in expected) expect(normalizeAddress(askedOn, text)).toBe(expected.ok);
          else expect(() => normalizeAddress(askedOn, text)).toThrow(InvalidAddressError);
          if ('error' in expected) expect(() => normalizeAddress(askedOn, text)).toThrow(expected.error);
        },
      ),
      { numRuns: 1500, seed: 17 },
    );
    expect(fast).toBeGreaterThan(100);
  });

  it('word junk as bitcoinjs-lib does without loading it, and leave bech32-checked text to it', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.stringMatching(/^[13mn2][1-9A-HJ-NP-Za-km-z]{20,40}$/),
      fc.stringMatching(/^(bc|tb|bcrt|ltc|BC)1[02-9ac-hj-np-zA-Z]{4,90}$/),
    );
    fc.assert(
      fc.property(fc.constantFrom(...CHAINS), junk, (chain, text) => {
        const expected = reference(chain, text.trim());
        if ('ok' in expected) expect(normalizeAddress(chain, text)).toBe(expected.ok);
        else expect(() => normalizeAddress(chain, text)).toThrow(expected.error);
      }),
      { numRuns: 2000, seed: 23 },
    );
  });

  it('decode base58 as its big-endian number with a zero byte per leading 1, and check the base58check sum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(4), (bytes, zeros) => {
        const data = Uint8Array.from([...new Array(zeros).fill(0), ...bytes]);
        let n = 0n;
        for (const b of data) n = n * 256n + BigInt(b);
        let text = '';
        while (n > 0n) {
          text = BASE58[Number(n % 58n)] + text;
          n /= 58n;
        }
        text = '1'.repeat(data.findIndex((b) => b !== 0) < 0 ? data.length : data.findIndex((b) => b !== 0)) + text;
        expect(decodeBase58(text)).toEqual(data);
      }),
      { numRuns: 500, seed: 2 },
    );
    expect(decodeBase58('0OIl')).toBeUndefined();
    expect(decodeBase58Check('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')?.length).toBe(21);
    expect(decodeBase58Check('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toBeUndefined();
  });
});
