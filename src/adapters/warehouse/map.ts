import { normalizeAddress, tronBase58ToHex, tronFromEvmHex } from '../../core/address.js';
import { nativeAsset } from '../../core/asset.js';
import { getChain } from '../../core/chain.js';
import { ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { issuesOf } from '../validate.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { tracePosition } from '../evm-rpc/map.js';
import { MovementRowSchema, type MovementRow, type WrapRow } from './schema.js';
import { decodeWrapLog } from '../../core/wrapped-native.js';
import type { z } from 'zod';

const LOWER_HEX = /^0x[0-9a-f]{40}$/;

/**
 * Addresses as the tables write them, and back. EVM tables (blockchain-etl) hold lower-case 0x hex. For TRON the
 * tables are taken to hold the 20-byte body as 0x hex (as TRC-20 event topics carry it); reports show base58.
 */
export interface AddressCodec {
  toTable(address: string): string;
  fromTable(raw: string): string;
  tx(raw: string): string;
}

export function addressCodec(chain: string): AddressCodec {
  const info = getChain(chain);
  if (info.family === 'tron') {
    return {
      toTable: (a) => `0x${tronBase58ToHex(normalizeAddress(info.id, a)).slice(4)}`,
      fromTable: (raw) => (/^0x[0-9a-fA-F]{40}$/.test(raw) ? tronFromEvmHex(raw) : normalizeAddress(info.id, raw)),
      tx: (raw) => raw.toLowerCase().replace(/^0x/, ''),
    };
  }
  return {
    toTable: (a) => normalizeAddress(info.id, a),
    // Lower-case hex is already the normalized form; only other spellings pay for a checksum check.
    fromTable: (raw) => (LOWER_HEX.test(raw) ? raw : normalizeAddress(info.id, raw)),
    tx: (raw) => (raw.toLowerCase().startsWith('0x') ? raw.toLowerCase() : `0x${raw.toLowerCase()}`),
  };
}

/** Validates one row of the movements query; the error names the row and the problem, never trusts a shape. */
export function parseMovementRow(raw: unknown, index: number, where: string): MovementRow {
  return parseRow(MovementRowSchema, raw, index, where);
}

/** One row of a movements query checked against `schema`; the error names the row and the problem. */
export function parseRow<S extends z.ZodType>(schema: S, raw: unknown, index: number, where: string): z.output<S> {
  return parseInput(schema, raw, `${where}: row ${index} is not a blockchain-etl movement`, {
    error: (message, details) =>
      new ResponseShapeError(message, {
        details: { where, row: index, issues: issuesOf(details).map((i) => ({ path: i.path.map(String), message: i.message })) },
      }),
  });
}

/** A validated movement row to a movement; `token` resolves a contract to its asset. */
export function rowToTransfer(
  chain: string,
  row: Exclude<MovementRow, { kind: 'cut' } | { kind: 'tx' }>,
  codec: AddressCodec,
  token: (contract: string) => AssetRef,
): AccountTransfer {
  // One object literal per kind, no spreads: a hop can return tens of thousands of rows.
  const from = codec.fromTable(row.from_address);
  const to = codec.fromTable(row.to_address);
  const tx = codec.tx(row.transaction_hash);
  const txIndex = row.transaction_index ?? undefined;
  let t: AccountTransfer;
  switch (row.kind) {
    case 'token':
      t = {
        chain,
        type: 'token',
        from,
        to,
        asset: token(codec.fromTable(row.contract)),
        amount: row.value,
        tx,
        logIndex: row.log_index,
        block: row.block_number,
        time: row.block_time,
      };
      break;
    case 'native': {
      t = { chain, type: 'native', from, to, asset: nativeAsset(chain), amount: row.value, tx, logIndex: -1, block: row.block_number, time: row.block_time };
      if (row.gas_used !== null && row.gas_price !== null) t.fee = row.gas_used * row.gas_price;
      break;
    }
    case 'internal': {
      // The same position numbering as the RPC adapter's traces, so both sources name a movement alike.
      const path = (row.trace_address.match(/\d+/g) ?? []).map(Number);
      t = {
        chain,
        type: 'internal',
        from,
        to,
        asset: nativeAsset(chain),
        amount: row.value,
        tx,
        logIndex: tracePosition(path),
        block: row.block_number,
        time: row.block_time,
      };
      break;
    }
  }
  if (txIndex !== undefined) t.txIndex = txIndex;
  return t;
}

/**
 * A wrapped native contract's Deposit/Withdrawal row as a movement of its token (the wrapper pays dst, src pays the
 * wrapper), placed at the log's index; undefined for a log that is not one (`wrappers`: contracts as the tables write them).
 */
export function wrapRowToTransfer(
  chain: string,
  w: WrapRow,
  codec: AddressCodec,
  token: (contract: string) => AssetRef,
  wrappers: ReadonlySet<string>,
): AccountTransfer | undefined {
  const decoded = decodeWrapLog({ address: w.contract, topics: w.topics.split(',').filter(Boolean), data: w.data }, wrappers);
  if (!decoded) return undefined;
  const [from, to] = [codec.fromTable(decoded.from), codec.fromTable(decoded.to)];
  const place = { tx: codec.tx(w.transaction_hash), logIndex: w.log_index, block: w.block_number, time: w.block_time };
  const t: AccountTransfer = { chain, type: 'token', from, to, asset: token(codec.fromTable(w.contract)), amount: decoded.amount, ...place };
  if (w.transaction_index !== null && w.transaction_index !== undefined) t.txIndex = w.transaction_index;
  return t;
}
