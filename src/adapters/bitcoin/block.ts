import { bitcoinLib } from '../../core/bitcoin-network.js';
import type { Block } from 'bitcoinjs-lib';
import { InvalidInputError } from '../../core/errors.js';
import { decodeParsedTransaction, type DecodedTransaction } from './decode.js';
import { hashToTxid } from './script.js';

/** A decoded block (`decodeBlock`): header hash, previous hash, time, whether the merkle root checks out, and its transactions. */
export interface DecodedBlock {
  hash: string;
  prevHash: string;
  /** Header time, unix seconds. */
  time: number;
  /** True when the transactions hash to the header's merkle root (and witness commitment, for segwit blocks). */
  merkleValid: boolean;
  transactions: DecodedTransaction[];
}

/** Network magic that prefixes each block in blk*.dat files and some test data (mainnet f9beb4d9). */
const MAGIC: Record<string, number> = { bitcoin: 0xd9b4bef9, 'bitcoin-testnet': 0x0709110b, 'bitcoin-regtest': 0xdab5bffa };

/** A serialized block (header + transactions) -> decoded block; the merkle root is checked, not assumed. */
export function decodeBlock(raw: Uint8Array, chain: string): DecodedBlock {
  let block: Block;
  try {
    block = bitcoinLib().Block.fromBuffer(raw);
  } catch (error) {
    throw new InvalidInputError(`Not a serialized Bitcoin block: ${(error as Error).message}`, { details: { length: raw.length }, cause: error });
  }
  const transactions = (block.transactions ?? []).map((tx) => decodeParsedTransaction(tx, chain));
  return {
    hash: block.getId(),
    prevHash: block.prevHash ? hashToTxid(block.prevHash) : '0'.repeat(64),
    time: block.timestamp,
    merkleValid: block.checkTxRoots(),
    transactions,
  };
}

/**
 * Splits a stream of framed blocks (4-byte network magic + 4-byte little-endian length + block, as in Bitcoin
 * Core's blk*.dat) into raw blocks. Zero padding after the last block (preallocated files) ends the stream.
 */
export function splitFramedBlocks(stream: Uint8Array, chain = 'bitcoin'): Uint8Array[] {
  const magic = MAGIC[chain] ?? MAGIC.bitcoin!;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const blocks: Uint8Array[] = [];
  let offset = 0;
  while (offset + 8 <= stream.length) {
    const word = view.getUint32(offset, true);
    if (word === 0) break;
    if (word !== magic) throw new InvalidInputError(`Bad block framing at byte ${offset}: expected network magic`, { details: { offset } });
    const length = view.getUint32(offset + 4, true);
    if (offset + 8 + length > stream.length) throw new InvalidInputError(`Truncated block at byte ${offset}`, { details: { offset, length } });
    blocks.push(stream.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return blocks;
}

/** True when the bytes start with a network magic (framed) rather than a block header's version. */
export function isFramed(stream: Uint8Array, chain = 'bitcoin'): boolean {
  if (stream.length < 4) return false;
  return new DataView(stream.buffer, stream.byteOffset, 4).getUint32(0, true) === (MAGIC[chain] ?? MAGIC.bitcoin);
}
