import { normalizeAddress, tronBase58ToHex, tronFromEvmHex } from '../../core/address.js';
import { nativeAsset } from '../../core/asset.js';
import { getChain } from '../../core/chain.js';
import { describeZodIssues, ResponseShapeError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { tracePosition } from '../evm-rpc/map.js';
import { MovementRowSchema, type MovementRow } from './schema.js';

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
  const parsed = MovementRowSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ResponseShapeError(`${where}: row ${index} is not a blockchain-etl movement: ${describeZodIssues(parsed.error.issues)}`, {
      details: { where, row: index, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return parsed.data;
}

/** A validated movement row to a movement; `token` resolves a contract to its asset. */
export function rowToTransfer(
  chain: string,
  row: Exclude<MovementRow, { kind: 'cut' } | { kind: 'tx' }>,
  codec: AddressCodec,
  token: (contract: string) => AssetRef,
): AccountTransfer {
  const base = {
    chain,
    from: codec.fromTable(row.from_address),
    to: codec.fromTable(row.to_address),
    amount: row.value,
    tx: codec.tx(row.transaction_hash),
    block: row.block_number,
    ...(row.transaction_index !== null ? { txIndex: row.transaction_index } : {}),
    time: row.block_time,
  };
  switch (row.kind) {
    case 'token':
      return { ...base, type: 'token', asset: token(codec.fromTable(row.contract)), logIndex: row.log_index };
    case 'native': {
      const fee = row.gas_used !== null && row.gas_price !== null ? row.gas_used * row.gas_price : undefined;
      return { ...base, type: 'native', asset: nativeAsset(chain), logIndex: -1, ...(fee !== undefined ? { fee } : {}) };
    }
    case 'internal': {
      // The same position numbering as the RPC adapter's traces, so both sources name a movement alike.
      const path = (row.trace_address.match(/\d+/g) ?? []).map(Number);
      return { ...base, type: 'internal', asset: nativeAsset(chain), logIndex: tracePosition(path) };
    }
  }
}
