import { getChain, type ChainInfo } from '../../core/chain.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, sortChronologically, transferId, type AccountTransfer } from '../../core/movement.js';
import type { TransactionResult, TransferQuery, TransferResult } from '../adapter.js';
import type { WarehouseEngine } from './engine.js';
import { MissingTableError } from './errors.js';
import { parseMovementRow, parseRow, rowToTransfer, wrapRowToTransfer, type AddressCodec } from './map.js';
import { buildTransactionQuery, buildTransfersQuery, type RenderedQuery, type TransfersSpec } from './query.js';
import { WrapRowSchema, type MovementRow, type WrapRow } from './schema.js';
import type { TableSetup } from './tables.js';
import type { TokenBook } from './tokens.js';

/** What both reads share: the engine, the one chain its tables hold, and what the adapter learnt so far. */
export interface WarehouseContext {
  engine: WarehouseEngine;
  info: ChainInfo;
  codec: AddressCodec;
  tables: () => Promise<TableSetup>;
  tokens: TokenBook;
  /** Wrapped native contracts (normalized): their Deposit/Withdrawal move the token too. */
  wrapped: ReadonlySet<string>;
  /** What the report must say (the adapter's notes). */
  notes: Set<string>;
}

type Movement = Exclude<MovementRow, { kind: 'cut' } | { kind: 'tx' }>;

/** The chain asked for, when it is the one this source serves. */
export function chainOf(ctx: WarehouseContext, chain: string): string {
  const id = getChain(chain).id;
  if (id !== ctx.info.id) {
    throw new InvalidInputError(`This warehouse source serves ${ctx.info.id}, not ${id}`, {
      details: { endpoint: ctx.engine.endpoint, chain: id, serves: ctx.info.id },
    });
  }
  return id;
}

/** A frontier's movements in one query; addresses whose rows were cut come back in `truncated`. */
export async function readTransfers(ctx: WarehouseContext, q: TransferQuery): Promise<TransferResult> {
  const { engine, codec } = ctx;
  q.signal?.throwIfAborted();
  const chain = chainOf(ctx, q.chain);
  const addresses = [...new Set(q.addresses.map((a) => codec.toTable(a)))].sort();
  if (addresses.length === 0) return { transfers: [], truncated: [] };
  const can = await ctx.tables();
  ctx.tokens.prime(q.assets);
  const query = buildTransfersQuery(engine.dialect, transfersSpec(ctx, q, can, addresses));
  const rows = await queryRows(engine, query, q.signal);
  const truncated = new Set<string>();
  const movements: Movement[] = [];
  const wraps: WrapRow[] = [];
  for (const row of rows) {
    if (row.kind === 'cut') truncated.add(codec.fromTable(row.from_address));
    else if (row.kind === 'wrap') wraps.push(row);
    else if (row.kind !== 'tx') movements.push(row);
  }
  await resolveMovementTokens(ctx, [...movements, ...wraps], can, q.signal);
  const unique = new Map<string, AccountTransfer>();
  const wrappers = new Set([...ctx.wrapped].map(codec.toTable));
  for (const t of [
    ...movements.map((row) => rowToTransfer(chain, row, codec, ctx.tokens.get)),
    ...wraps.flatMap((row) => wrapRowToTransfer(chain, row, codec, ctx.tokens.get, wrappers) ?? []),
  ])
    unique.set(transferId(t), t);
  return { transfers: sortChronologically([...unique.values()], (t) => t), truncated: [...truncated].sort() };
}

/** What a transfer query asks the tables for; an asset asked for by name needs its table. */
function transfersSpec(ctx: WarehouseContext, q: TransferQuery, can: TableSetup, addresses: string[]): TransfersSpec {
  const { engine, codec, info } = ctx;
  const contracts = q.assets
    ? [
        ...new Set([
          ...q.assets.flatMap((a) => (a.kind === 'token' && a.contract && getChain(a.chain).id === info.id ? [codec.toTable(a.contract)] : [])),
          ...(q.tokens ?? []).map((c) => codec.toTable(c)),
        ]),
      ].sort()
    : undefined;
  // No asset list means everything the tables hold; an asset asked for by name needs its table.
  const askedNative = q.assets?.some((a) => a.kind === 'native' && getChain(a.chain).id === info.id) ?? false;
  const native = askedNative || (!q.assets && can.transactions);
  const wantTokens = q.assets ? contracts!.length > 0 : can.tokens;
  if (wantTokens && !can.tokens) {
    throw new MissingTableError(`Table token_transfers is needed but not available at ${engine.endpoint}`, {
      details: { table: 'token_transfers', endpoint: engine.endpoint },
    });
  }
  if (native && !can.transactions) {
    throw new MissingTableError(`Table transactions is needed for ${info.native.symbol} but not available at ${engine.endpoint}`, {
      details: { table: 'transactions', endpoint: engine.endpoint },
    });
  }
  return {
    addresses,
    direction: q.direction,
    ...wrapsSpec(ctx, can, contracts),
    ...(q.fromTime !== undefined ? { fromTime: q.fromTime } : {}),
    ...(q.toTime !== undefined ? { toTime: q.toTime } : {}),
    ...(contracts !== undefined ? { contracts } : {}),
    native,
    internal: can.internal,
    tokenTxIndex: can.txIndex && wantTokens,
    ...(q.maxPerAddress !== undefined ? { maxPerAddress: q.maxPerAddress } : {}),
  };
}

/**
 * The wrapped native contracts whose Deposit/Withdrawal a transfer query reads from `logs`: those among its token
 * contracts (all of them when every token is read). Without a logs table they cannot be read, and the notes say so.
 */
function wrapsSpec(ctx: WarehouseContext, can: TableSetup, contracts: string[] | undefined): { wrapped?: string[] } {
  const all = [...ctx.wrapped].map(ctx.codec.toTable).sort();
  const wanted = contracts === undefined ? all : all.filter((c) => contracts.includes(c));
  if (wanted.length === 0) return {};
  if (can.logs) return { wrapped: wanted };
  ctx.notes.add(
    `No logs table at ${ctx.engine.endpoint}: wrapped ${ctx.info.native.symbol} Deposit/Withdrawal events (wrapping and unwrapping) cannot be seen, so an address that unwrapped looks as if it still held the wrapped token.`,
  );
  return {};
}

/** Every movement of one transaction the tables hold. */
export async function readTransaction(ctx: WarehouseContext, chainInput: string, hash: string, signal: AbortSignal | undefined): Promise<TransactionResult> {
  const { engine, codec } = ctx;
  signal?.throwIfAborted();
  const chain = chainOf(ctx, chainInput);
  const tx = codec.tx(hash.trim());
  if (!/^(0x)?[0-9a-f]{64}$/.test(tx)) throw new InvalidInputError(`Invalid transaction hash "${hash}"`, { details: { chain, tx: hash } });
  const can = await ctx.tables();
  if (!can.tokens && !can.transactions) {
    throw new MissingTableError(`Neither token_transfers nor transactions is available at ${engine.endpoint}`, { details: { endpoint: engine.endpoint } });
  }
  // Tables hold EVM hashes with 0x; TRON ids are looked up in both spellings' canonical (0x) form.
  const tableHash = tx.startsWith('0x') ? tx : `0x${tx}`;
  const rows = await queryRows(
    engine,
    buildTransactionQuery(engine.dialect, { hash: tableHash, native: can.transactions, internal: can.internal && can.transactions, tokens: can.tokens }),
    signal,
  );
  if (rows.length === 0)
    throw new NotFoundError(`Transaction ${hash} not found on ${chain} at ${engine.endpoint}`, { details: { chain, tx: hash, endpoint: engine.endpoint } });
  const movements = rows.filter((r): r is Movement => r.kind !== 'cut' && r.kind !== 'tx');
  await resolveMovementTokens(ctx, movements, can, signal);
  const transfers = movements.map((r) => rowToTransfer(chain, r, codec, ctx.tokens.get)).sort(compareTransfers);
  return { chain, tx, transfers };
}

async function queryRows(engine: WarehouseEngine, query: RenderedQuery, signal: AbortSignal | undefined): Promise<(MovementRow | WrapRow)[]> {
  const where = `${engine.kind} ${engine.endpoint}`;
  return (await engine.query(query, signal)).map((raw, i) =>
    (raw as { kind?: unknown } | null)?.kind === 'wrap' ? parseRow(WrapRowSchema, raw, i, where) : parseMovementRow(raw, i, where),
  );
}

function resolveMovementTokens(ctx: WarehouseContext, movements: (Movement | WrapRow)[], can: TableSetup, signal: AbortSignal | undefined): Promise<void> {
  return ctx.tokens.resolve(
    movements.flatMap((r) => (r.kind === 'token' || r.kind === 'wrap' ? [ctx.codec.fromTable(r.contract)] : [])),
    can.tokenTable,
    signal,
  );
}
