import { createHash } from 'node:crypto';
import { lazyPackage } from './lazy.js';
import { eip55 } from './eip55.js';
import { getChain, type ChainInfo } from './chain.js';
import { InvalidAddressError } from './errors.js';
import { bitcoinLib, bitcoinNetwork } from './bitcoin-network.js';
import { decodeBase58, hasNoBitcoinScript, standardBitcoinAddress } from './bitcoin-address.js';

// ethers' base58 and byte helpers, loaded with the first TRON address.
const ethersUtils = lazyPackage<typeof import('ethers/utils')>('ethers/utils');

const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;
const TRON_HEX = /^(0x)?41[0-9a-fA-F]{40}$/;

function invalid(chain: string, input: string, why: string): InvalidAddressError {
  return new InvalidAddressError(`Invalid ${chain} address "${truncate(input)}": ${why}`, { details: { chain, address: input } });
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}

/**
 * The one internal form of an address: EVM lower-case hex, TRON base58check, Bitcoin as bitcoinjs-lib renders
 * its output script (so bech32 is lower-case). Throws InvalidAddressError on anything else.
 */
export function normalizeAddress(chain: string, input: string): string {
  const info = getChain(chain);
  if (typeof input !== 'string') throw invalid(info.id, String(input), 'not a string');
  const raw = input.trim();
  try {
    return normalizeIn(info, raw);
  } catch (error) {
    // A person who gave the right address on the wrong chain is told which chain it fits.
    const others = error instanceof InvalidAddressError ? addressChainsOf(raw, info.id) : [];
    if (others.length === 0) throw error;
    const e = error as InvalidAddressError;
    throw new InvalidAddressError(`${e.shortMessage}; it is a valid ${others.join(' and ')} address`, { details: { ...e.details, fitsChains: others } });
  }
}

function normalizeIn(info: ChainInfo, raw: string): string {
  switch (info.family) {
    case 'evm':
      return normalizeEvm(info.id, raw);
    case 'tron':
      return normalizeTron(raw);
    case 'utxo':
      return normalizeBitcoin(info.id, raw);
  }
}

/** Chains whose address form this is, other than `except` and its family's kin (any EVM chain counts as ethereum). */
export function addressChainsOf(input: string, except?: string): string[] {
  const skip = except === undefined ? undefined : getChain(except);
  return ['ethereum', 'tron', 'bitcoin', 'bitcoin-testnet'].filter((id) => {
    const info = getChain(id);
    if (skip && (skip.id === id || (skip.family !== 'utxo' && skip.family === info.family))) return false;
    try {
      normalizeIn(info, input.trim());
      return true;
    } catch {
      return false;
    }
  });
}

const EVM_LOWER = /^0x[0-9a-f]{40}$/;
const EVM_UPPER = /^0x[0-9A-F]{40}$/;

function normalizeEvm(chain: string, raw: string): string {
  // Single-case hex carries no EIP-55 checksum: nothing to verify, and no keccak per address on big datasets.
  if (EVM_LOWER.test(raw)) return raw;
  if (EVM_UPPER.test(raw)) return raw.toLowerCase();
  if (!EVM_HEX.test(raw)) throw invalid(chain, raw, 'expected 0x followed by 40 hex digits');
  // A mixed-case address whose EIP-55 checksum is wrong is a typo, not a different address.
  const lower = raw.toLowerCase();
  if (eip55(lower) !== raw) throw invalid(chain, raw, 'bad EIP-55 checksum (mixed case that does not match)');
  return lower;
}

function tronChecksum(payload: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(payload).digest();
  return new Uint8Array(createHash('sha256').update(once).digest().subarray(0, 4));
}

/** 0x41-prefixed 21-byte hex (as TRON nodes print it) to base58check `T…`. */
export function tronHexToBase58(hex: string): string {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (!/^41[0-9a-fA-F]{40}$/.test(clean)) throw invalid('tron', hex, 'expected 41 followed by 40 hex digits');
  const payload = ethersUtils().getBytes(`0x${clean}`);
  const full = new Uint8Array(25);
  full.set(payload);
  full.set(tronChecksum(payload), 21);
  return ethersUtils().encodeBase58(full);
}

/** Base58check `T…` to 0x41-prefixed hex. */
export function tronBase58ToHex(address: string): string {
  return ethersUtils().hexlify(decodeTron(address)).toLowerCase();
}

/** An EVM-style 20-byte hex address (as in TRC-20 event topics) to TRON base58. */
export function tronFromEvmHex(hex: string): string {
  if (!EVM_HEX.test(hex)) throw invalid('tron', hex, 'expected 0x followed by 40 hex digits');
  return tronHexToBase58(`41${hex.slice(2)}`);
}

function decodeTron(address: string): Uint8Array {
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(address)) throw invalid('tron', address, 'expected base58 starting with T, 34 characters');
  // Base58 without ethers (no module load, no BigInt): a value of more than 25 bytes is no TRON address.
  const digits = decodeBase58(address);
  if (!digits || digits.length > 25) throw invalid('tron', address, 'not valid base58');
  const bytes = new Uint8Array(25);
  bytes.set(digits, 25 - digits.length);
  const payload = bytes.slice(0, 21);
  const check = tronChecksum(payload);
  if (payload[0] !== 0x41 || check.some((b, i) => b !== bytes[21 + i])) throw invalid('tron', address, 'bad base58check checksum');
  return payload;
}

function normalizeTron(raw: string): string {
  if (TRON_HEX.test(raw)) return tronHexToBase58(raw);
  decodeTron(raw);
  return raw;
}

function normalizeBitcoin(chain: string, raw: string): string {
  // P2PKH, P2SH and segwit v0 without bitcoinjs-lib (bitcoin-address.ts), and text that can be no address at all
  // with bitcoinjs-lib's words for it; Taproot, later segwit versions and their errors through bitcoinjs-lib.
  const standard = standardBitcoinAddress(chain, raw);
  if (standard !== undefined) return standard;
  if (hasNoBitcoinScript(raw)) throw invalid(chain, raw, `${raw} has no matching Script`);
  const network = bitcoinNetwork(chain);
  try {
    const { address } = bitcoinLib();
    return address.fromOutputScript(address.toOutputScript(raw, network), network);
  } catch (error) {
    throw invalid(chain, raw, error instanceof Error ? error.message : 'not a valid address');
  }
}

// Reports print the same addresses many times; the checksum is a keccak hash, so remember it (bounded).
const checksummed = new Map<string, string>();

/** The form shown to people: EIP-55 checksummed for EVM, unchanged otherwise. */
export function formatAddress(chain: string, normalized: string): string {
  if (getChain(chain).family !== 'evm') return normalized;
  // Only well-formed addresses are remembered, so a hit needs no check of the form.
  let out = checksummed.get(normalized);
  if (out !== undefined) return out;
  out = eip55(normalized);
  if (out === undefined) return normalized;
  if (checksummed.size >= 250_000) checksummed.clear();
  checksummed.set(normalized, out);
  return out;
}

/**
 * formatAddress without its memo, for a caller that keeps what it made (a report's names, by flow node): a lookup in
 * a memo of 250,000 addresses costs about what the checksum does.
 */
export function formatAddressOnce(chain: string, normalized: string): string {
  return getChain(chain).family === 'evm' ? (eip55(normalized) ?? normalized) : normalized;
}

/** True when the address parses on that chain. */
export function isValidAddress(chain: string, input: string): boolean {
  try {
    normalizeAddress(chain, input);
    return true;
  } catch {
    return false;
  }
}
