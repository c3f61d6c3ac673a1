import { createHash } from 'node:crypto';
import { bitcoinLib, bitcoinNetwork } from '../../core/bitcoin-network.js';

/** What an output script is; the standard kinds have an address, the rest get a script id. */
export type ScriptType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness-unknown' | 'p2pk' | 'multisig' | 'op_return' | 'nonstandard';

const OP_RETURN = 0x6a;
const OP_CHECKSIG = 0xac;
const OP_CHECKMULTISIG = 0xae;

/**
 * The stable id of a script that has no address (bare P2PK, bare multisig, OP_RETURN, non-standard):
 * `script:` followed by the first 40 hex digits (160 bits) of SHA-256 over the raw script bytes. The same script
 * always gets the same id, on every source, so the id can be labeled and followed like an address. It is not an
 * address: nothing outside chaintrail knows it, and `normalizeAddress` rejects it.
 */
export function scriptId(script: Uint8Array): string {
  return `script:${createHash('sha256').update(script).digest('hex').slice(0, 40)}`;
}

/** True when `value` is a `script:` id as `scriptId` makes them (`script:` and 40 lower-case hex digits). */
export function isScriptId(value: string): boolean {
  return /^script:[0-9a-f]{40}$/.test(value);
}

function equalsAt(script: Uint8Array, length: number, head: number[], tail: number[]): boolean {
  if (script.length !== length) return false;
  for (let i = 0; i < head.length; i++) if (script[i] !== head[i]) return false;
  for (let i = 0; i < tail.length; i++) if (script[length - tail.length + i] !== tail[i]) return false;
  return true;
}

/** Classifies an output script by its byte pattern (no exceptions on the hot path). */
export function scriptType(script: Uint8Array): ScriptType {
  if (equalsAt(script, 25, [0x76, 0xa9, 0x14], [0x88, 0xac])) return 'p2pkh';
  if (equalsAt(script, 23, [0xa9, 0x14], [0x87])) return 'p2sh';
  if (equalsAt(script, 22, [0x00, 0x14], [])) return 'p2wpkh';
  if (equalsAt(script, 34, [0x00, 0x20], [])) return 'p2wsh';
  if (equalsAt(script, 34, [0x51, 0x20], [])) return 'p2tr';
  const first = script[0];
  // Witness v1..v16 programs of 2..40 bytes other than P2TR: future segwit versions.
  if (first !== undefined && first >= 0x51 && first <= 0x60 && script.length >= 4 && script.length <= 42 && script[1] === script.length - 2) {
    return 'witness-unknown';
  }
  if (first === OP_RETURN) return 'op_return';
  if ((script.length === 35 && first === 33) || (script.length === 67 && first === 65)) {
    if (script[script.length - 1] === OP_CHECKSIG) return 'p2pk';
  }
  if (script.length > 0 && script[script.length - 1] === OP_CHECKMULTISIG && first !== undefined && first >= 0x51 && first <= 0x60) return 'multisig';
  return 'nonstandard';
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58check of version byte + 20-byte hash, with node:crypto's SHA-256 (the pure-JS one dominates decoding). */
function base58check(version: number, hash: Uint8Array): string {
  const payload = Buffer.alloc(25);
  payload[0] = version;
  payload.set(hash, 1);
  const check = createHash('sha256')
    .update(createHash('sha256').update(payload.subarray(0, 21)).digest())
    .digest();
  check.copy(payload, 21, 0, 4);
  const digits = [0];
  for (const byte of payload) {
    let carry = byte;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = '';
  for (let i = 0; i < payload.length && payload[i] === 0; i++) out += '1';
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58[digits[i]!];
  return out;
}

/** Address types bitcoinjs-lib renders; the rest fall back to a script id. */
const ADDRESSABLE = new Set<ScriptType>(['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr', 'witness-unknown']);

/**
 * The address of an output script as bitcoinjs-lib renders it (`address.fromOutputScript`: base58check for
 * P2PKH/P2SH, bech32 for v0 witness, bech32m for taproot and later versions), or its script id when it has none
 * (including a P2TR output whose key is not a valid curve point, which bitcoinjs-lib refuses).
 */
export function scriptAddress(script: Uint8Array, chain: string): { address: string; type: ScriptType } {
  const type = scriptType(script);
  const network = bitcoinNetwork(chain);
  // Hash-based types encode directly (the byte pattern is already checked); bitcoinjs-lib's payment validation
  // is the slow part of decoding a block. Tests hold these equal to address.fromOutputScript on real blocks.
  if (type === 'p2pkh') return { address: base58check(network.pubKeyHash, script.subarray(3, 23)), type };
  if (type === 'p2sh') return { address: base58check(network.scriptHash, script.subarray(2, 22)), type };
  if (type === 'p2wpkh' || type === 'p2wsh') return { address: bitcoinLib().address.toBech32(script.subarray(2), 0, network.bech32), type };
  if (ADDRESSABLE.has(type)) {
    try {
      return { address: bitcoinLib().address.fromOutputScript(script, network), type };
    } catch {
      return { address: scriptId(script), type: 'nonstandard' };
    }
  }
  return { address: scriptId(script), type };
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A txid as people and APIs write it: the hash bytes reversed. */
export function hashToTxid(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}

/**
 * The data an OP_RETURN output carries (its pushes after OP_RETURN, joined), as hex; undefined for any other script
 * or a push that runs past the script's end. THORChain writes its memos (`OUT:<hash>`, `=:ETH.ETH:0x…`) there.
 */
export function nullData(script: Uint8Array): string | undefined {
  if (script[0] !== OP_RETURN) return undefined;
  const parts: Uint8Array[] = [];
  let i = 1;
  while (i < script.length) {
    const op = script[i]!;
    let length: number;
    let at = i + 1;
    if (op >= 1 && op <= 75) length = op;
    else if (op === 0x4c) length = script[at++] ?? -1;
    else if (op === 0x4d) [length, at] = [(script[at] ?? -1) | ((script[at + 1] ?? 0) << 8), at + 2];
    else if (op === 0x4e) return undefined;
    else return undefined;
    if (length < 0 || at + length > script.length) return undefined;
    parts.push(script.subarray(at, at + length));
    i = at + length;
  }
  return Buffer.concat(parts).toString('hex');
}
