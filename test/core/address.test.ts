import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getAddress, hexlify } from 'ethers';
import {
  formatAddress,
  formatAddressOnce,
  normalizeAddress,
  tronBase58ToHex,
  tronHexToBase58,
  tronFromEvmHex,
  isValidAddress,
} from '../../src/core/address.js';
import { InvalidAddressError } from '../../src/core/errors.js';

describe('EVM addresses', () => {
  it('normalizes checksummed and lower-case input to lower-case and prints EIP-55 checksums', () => {
    const usdt = '0xdAC17F958D2ee523a2206206994597C13D831ec7';
    expect(normalizeAddress('ethereum', usdt)).toBe(usdt.toLowerCase());
    expect(normalizeAddress('evm:56', usdt.toLowerCase())).toBe(usdt.toLowerCase());
    expect(formatAddress('ethereum', usdt.toLowerCase())).toBe(usdt);
  });

  it('prints the same EIP-55 checksum as ethers for any address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const lower = hexlify(bytes);
        expect(formatAddress('evm:137', lower)).toBe(getAddress(lower));
      }),
      { numRuns: 2000 },
    );
  });

  it('prints any text as the uncached rule does, from the memo or not (formatAddressOnce: never): EIP-55 of 0x and 40 hex digits of either case, anything else unchanged, on every chain family', () => {
    // The rule without the memo or the char-code check: the documented form by regular expression, ethers' checksum.
    const reference = (chain: string, text: string) =>
      ['ethereum', 'evm:56', 'evm:8453'].includes(chain) && /^0x[0-9a-fA-F]{40}$/.test(text) ? getAddress(text.toLowerCase()) : text;
    // Mostly 0x and 40 hex digits of mixed case, then edited near the edges of the form: another prefix, one digit
    // swapped for a character just outside the hex ranges, one digit dropped or added.
    const prefix = fc.oneof({ arbitrary: fc.constant('0x'), weight: 6 }, fc.constantFrom('0X', '', '0', 'x0', '00x'));
    const edit = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      fc.tuple(fc.constantFrom('replace', 'drop', 'add'), fc.nat(39), fc.constantFrom('g', 'G', '/', ':', '`', '@', ' ', '\n', 'a', 'F', '0')),
    );
    const hexText = fc.tuple(prefix, fc.stringMatching(/^[0-9a-fA-F]{40}$/), edit).map(([p, hex, e]) => {
      if (!e) return `${p}${hex}`;
      const [how, at, c] = e;
      return `${p}${hex.slice(0, at)}${how === 'drop' ? '' : c}${hex.slice(how === 'add' ? at : at + 1)}`;
    });
    const text = fc.oneof(
      hexText,
      fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => hexlify(b)),
      fc.string({ maxLength: 50 }),
    );
    fc.assert(
      fc.property(fc.constantFrom('ethereum', 'evm:56', 'evm:8453', 'tron', 'bitcoin', 'bitcoin-testnet'), text, (chain, t) => {
        // Twice: the first call may fill the memo, the second reads it; and without the memo.
        expect(formatAddress(chain, t)).toBe(reference(chain, t));
        expect(formatAddress(chain, t)).toBe(reference(chain, t));
        expect(formatAddressOnce(chain, t)).toBe(reference(chain, t));
      }),
      { numRuns: 4000 },
    );
  });

  it('rejects a mixed-case address whose checksum is wrong, naming the address', () => {
    const typo = '0xdAC17F958D2ee523a2206206994597C13D831Ec7';
    expect(() => normalizeAddress('ethereum', typo)).toThrow(InvalidAddressError);
    expect(() => normalizeAddress('ethereum', typo)).toThrow(/checksum/);
  });

  it('rejects wrong lengths and non-hex', () => {
    for (const bad of ['0x1234', 'dAC17F958D2ee523a2206206994597C13D831ec7', '0xzzC17F958D2ee523a2206206994597C13D831ec7', '']) {
      expect(isValidAddress('ethereum', bad)).toBe(false);
    }
  });
});

describe('TRON addresses', () => {
  const usdt = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
  const usdtHex = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';

  it('converts base58check to 0x41 hex and back', () => {
    expect(tronBase58ToHex(usdt)).toBe(`0x${usdtHex}`);
    expect(tronHexToBase58(usdtHex)).toBe(usdt);
    expect(tronFromEvmHex(`0x${usdtHex.slice(2)}`)).toBe(usdt);
  });

  it('normalizes hex input to base58', () => {
    expect(normalizeAddress('tron', usdtHex)).toBe(usdt);
    expect(normalizeAddress('tron', usdt)).toBe(usdt);
  });

  it('rejects a base58 address with a broken checksum', () => {
    const broken = `${usdt.slice(0, -1)}u`;
    expect(() => normalizeAddress('tron', broken)).toThrow(/checksum/);
    expect(() => normalizeAddress('tron', '0xdAC17F958D2ee523a2206206994597C13D831ec7')).toThrow(InvalidAddressError);
  });
});

describe('Bitcoin addresses', () => {
  it('accepts P2PKH, P2SH, P2WPKH, P2WSH and P2TR and lower-cases bech32', () => {
    const cases = [
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
    ];
    for (const a of cases) expect(normalizeAddress('bitcoin', a)).toBe(a);
    expect(normalizeAddress('bitcoin', cases[2]!.toUpperCase())).toBe(cases[2]);
  });

  it('rejects testnet addresses on mainnet and garbage, with a typed error', () => {
    expect(() => normalizeAddress('bitcoin', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')).toThrow(InvalidAddressError);
    expect(normalizeAddress('bitcoin-testnet', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')).toBe('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx');
    expect(() => normalizeAddress('bitcoin', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toThrow(InvalidAddressError);
  });
});
