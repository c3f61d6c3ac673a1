import { createHash } from 'node:crypto';

/**
 * The common Bitcoin address forms recognised without bitcoinjs-lib: P2PKH and P2SH (base58check) and segwit v0
 * (P2WPKH, P2WSH; BIP-173 bech32). Screening a list of a thousand addresses through bitcoinjs-lib costs a module load
 * of a few hundred milliseconds and most of a millisecond per address (a payment object built and every script
 * type tried); these checks take microseconds. Anything else (Taproot and later segwit versions, whose checks need
 * the curve, and every invalid address) returns undefined, and the caller asks bitcoinjs-lib, which also words the
 * error. test/core/bitcoin-address.test.ts holds both to the same answers.
 */

/** Version bytes and bech32 prefix of each Bitcoin network chaintrail knows (as bitcoinjs-lib's `networks`). */
const NETWORKS: Record<string, { pubKeyHash: number; scriptHash: number; bech32: string }> = {
  bitcoin: { pubKeyHash: 0x00, scriptHash: 0x05, bech32: 'bc' },
  'bitcoin-testnet': { pubKeyHash: 0x6f, scriptHash: 0xc4, bech32: 'tb' },
  'bitcoin-regtest': { pubKeyHash: 0x6f, scriptHash: 0xc4, bech32: 'bcrt' },
};

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_VALUE = new Map([...BASE58].map((c, i) => [c, i]));
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_VALUE = new Map([...BECH32].map((c, i) => [c, i]));

/** Base58 to bytes (each leading '1' a zero byte), or undefined on a character outside the alphabet. */
export function decodeBase58(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58_VALUE.get(char);
    if (carry === undefined) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** The payload of a base58check string whose 4-byte double-SHA-256 checksum matches, else undefined. */
export function decodeBase58Check(text: string): Uint8Array | undefined {
  const bytes = decodeBase58(text);
  if (!bytes || bytes.length < 5) return undefined;
  const payload = bytes.subarray(0, -4);
  const check = sha256(sha256(payload));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[bytes.length - 4 + i]) return undefined;
  return payload;
}

function polymod(values: readonly number[]): number {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!;
  }
  return chk >>> 0;
}

const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

/**
 * The prefix and 5-bit words of a bech32 or bech32m string and which checksum it carries (BIP-173, BIP-350), or
 * undefined when it is neither: the same checks as the `bech32` package bitcoinjs-lib decodes with (8 to 90
 * characters, one case, a prefix of printable ASCII before the last '1', at least 6 data characters).
 */
export function decodeBech32Words(text: string): { prefix: string; words: number[]; bech32m: boolean } | undefined {
  if (text.length < 8 || text.length > 90 || (text !== text.toLowerCase() && text !== text.toUpperCase())) return undefined;
  const lower = text.toLowerCase();
  const split = lower.lastIndexOf('1');
  if (split < 1 || lower.length - split - 1 < 6) return undefined;
  const prefix = lower.slice(0, split);
  const expanded: number[] = [];
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 33 || c > 126) return undefined;
    expanded.push(c >> 5);
  }
  expanded.push(0);
  for (let i = 0; i < prefix.length; i++) expanded.push(prefix.charCodeAt(i) & 31);
  const words: number[] = [];
  for (const char of lower.slice(split + 1)) {
    const value = BECH32_VALUE.get(char);
    if (value === undefined) return undefined;
    words.push(value);
  }
  const check = polymod([...expanded, ...words]);
  if (check !== BECH32_CONST && check !== BECH32M_CONST) return undefined;
  return { prefix, words: words.slice(0, -6), bech32m: check === BECH32M_CONST };
}

/**
 * A segwit v0 address in bech32 (BIP-173): its prefix and witness program, or undefined when it is not one (mixed
 * case, bad character or checksum, another witness version, bad padding, a program of other than 20 or 32 bytes).
 */
export function decodeSegwitV0(text: string): { prefix: string; program: Uint8Array } | undefined {
  const decoded = decodeBech32Words(text);
  // Version 0 is bech32; later versions are bech32m (BIP-350).
  if (!decoded || decoded.bech32m || decoded.words[0] !== 0) return undefined;
  // 5-bit groups to bytes, without padding: fewer than 5 bits left over, all zero.
  const program: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const word of decoded.words.slice(1)) {
    acc = (acc << 5) | word;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      program.push((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits >= 5 || acc !== 0 || (program.length !== 20 && program.length !== 32)) return undefined;
  return { prefix: decoded.prefix, program: Uint8Array.from(program) };
}

/**
 * The normalized form of a P2PKH, P2SH or segwit v0 address of the chain's network (bech32 lower-cased, base58 as
 * given), exactly as bitcoinjs-lib renders its output script; undefined for any other text (ask bitcoinjs-lib).
 */
export function standardBitcoinAddress(chain: string, address: string): string | undefined {
  const network = NETWORKS[chain];
  if (!network) return undefined;
  const segwit = decodeSegwitV0(address);
  if (segwit) return segwit.prefix === network.bech32 ? address.toLowerCase() : undefined;
  if (address.length > 35) return undefined;
  const payload = decodeBase58Check(address);
  if (payload?.length !== 21) return undefined;
  return payload[0] === network.pubKeyHash || payload[0] === network.scriptHash ? address : undefined;
}

/**
 * True when bitcoinjs-lib can only answer "<address> has no matching Script": the text is no standard address of the
 * network (standardBitcoinAddress gave undefined) and carries no bech32 or bech32m checksum, so neither a Taproot nor
 * a later segwit address, nor a prefix to complain about. Saves loading bitcoinjs-lib for junk.
 */
export function hasNoBitcoinScript(address: string): boolean {
  return decodeBech32Words(address) === undefined;
}
