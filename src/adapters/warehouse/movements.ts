import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import { formatUnits } from '../../core/asset.js';
import { WITHDRAWAL_TOPIC } from '../../core/wrapped-native.js';
import type { TransactionMovements } from '../adapter.js';
import { parseMovementRow, parseRow, rowToTransfer, wrapRowToTransfer } from './map.js';
import { chainOf, type WarehouseContext } from './reads.js';
import { WrapRowSchema, type MovementRow, type WrapRow } from './schema.js';
import type { TableSetup } from './tables.js';
import { buildContractsQuery, buildTxMovementsQuery } from './tx-query.js';

const hash = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte hash in hex');
/** The rows of the batch query that are not movements of their own: failed frames, reverted transactions, wrap logs. */
const ExtraRowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('failed'), transaction_hash: hash, trace_address: z.string().regex(/^(\d+(,\d+)*)?$/, 'expected a trace address like "0,1"') }),
  z.object({ kind: z.literal('reverted'), transaction_hash: hash }),
  WrapRowSchema,
]);
type ExtraRow = z.infer<typeof ExtraRowSchema>;
const ContractRowSchema = z.object({ address: z.string() });
type Movement = Exclude<MovementRow, { kind: 'cut' } | { kind: 'tx' }>;

/**
 * getTransactionMovements and getContracts over blockchain-etl tables: one query per batch of hashes (token
 * transfers, transactions' own value, nested trace value, wrapped-native logs), and one per batch of addresses not
 * known yet for contracts (the `contracts` table, else creations in `traces`), remembered for the adapter's life.
 */
export function createWarehouseMovements(ctx: WarehouseContext, wrapped: Set<string>) {
  const notes = new Set<string>();
  const known = new Map<string, boolean>();

  async function getTransactionMovements(chainInput: string, hashes: string[], opts?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements> {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    const chain = chainOf(ctx, chainInput);
    const wanted = [...new Set(hashes.map((h) => tableHash(chain, ctx.codec.tx(h.trim()), h)))].sort();
    const can = await ctx.tables();
    const wrappers = can.logs ? [...wrapped].map(ctx.codec.toTable).sort() : [];
    const spec = { hashes: wanted, tokens: can.tokens, native: can.transactions, internal: can.internal, wrapped: wrappers };
    const query = buildTxMovementsQuery(ctx.engine.dialect, spec);
    const done = (movements: AccountTransfer[], unseen: string[] = []) => ({
      movements,
      internalVisible: can.internal,
      notes: [...movementNotes(ctx, can, wrapped, notes), ...unseen],
    });
    if (query.tables.length === 0 || wanted.length === 0) return done([]);
    const where = `${ctx.engine.kind} ${ctx.engine.endpoint}`;
    const rows = (await ctx.engine.query(query, signal)).map((raw, i) => readRow(raw, i, where));
    const seen = new Set(rows.flatMap((r) => ('transaction_hash' in r ? [canonical(r.transaction_hash)] : [])));
    const missing = wanted.filter((h) => !seen.has(h));
    if (missing.length > 0) {
      throw new NotFoundError(`Transactions not found on ${chain} at ${ctx.engine.endpoint}: ${missing.join(', ')}`, {
        details: { chain, txs: missing, endpoint: ctx.engine.endpoint },
      });
    }
    const movements = keptMovements(rows);
    const wraps = rows.filter((r): r is WrapRow => r.kind === 'wrap' && !reverted(rows, r.transaction_hash));
    const contracts = [...movements.flatMap((r) => (r.kind === 'token' ? [r.contract] : [])), ...wraps.map((w) => w.contract)];
    await ctx.tokens.resolve(contracts.map(ctx.codec.fromTable), can.tokenTable, signal);
    const out = movements.map((r) => rowToTransfer(chain, r, ctx.codec, ctx.tokens.get));
    const wrapMoves = wraps.flatMap((w) => wrapRowToTransfer(chain, w, ctx.codec, ctx.tokens.get, new Set(wrappers)) ?? []);
    return done([...out, ...wrapMoves].sort(compareTransfers), can.internal ? [] : unseenUnwraps(ctx, wraps));
  }

  async function getContracts(chainInput: string, addresses: string[], opts?: { signal?: AbortSignal | undefined }): Promise<Set<string>> {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    chainOf(ctx, chainInput);
    const wanted = [...new Set(addresses.map((a) => ctx.codec.fromTable(ctx.codec.toTable(a))))];
    const missing = wanted.filter((a) => !known.has(a)).sort();
    if (missing.length > 0) {
      const can = await ctx.tables();
      const from = can.contracts ? 'contracts' : can.traces ? 'traces' : undefined;
      if (from === undefined) {
        notes.add(
          `Neither a contracts nor a traces table at ${ctx.engine.endpoint}: which addresses are contracts is unknown, so no address was taken for one.`,
        );
      } else {
        const rows = await ctx.engine.query(buildContractsQuery(ctx.engine.dialect, missing.map(ctx.codec.toTable), from), signal);
        const where = `${ctx.engine.kind} ${ctx.engine.endpoint}`;
        const found = new Set(rows.map((raw, i) => ctx.codec.fromTable(parseRow(ContractRowSchema, raw, i, where).address)));
        for (const a of missing) known.set(a, found.has(a));
      }
    }
    return new Set(wanted.filter((a) => known.get(a)));
  }

  return { getTransactionMovements, getContracts };
}

/**
 * Without traces, each unwrap (a wrapped-native `Withdrawal`) of these transactions, named: the native value the
 * wrapper released went on by internal calls the tables cannot show, so what it paid for (a swap's output) is missing.
 * Returned with this answer only (they name transactions a trace asked about).
 */
function unseenUnwraps(ctx: WarehouseContext, wraps: readonly WrapRow[]): string[] {
  const { symbol, decimals } = ctx.info.native;
  return wraps.flatMap((w) => {
    const topics = w.topics.toLowerCase().split(',');
    if (topics[0] !== WITHDRAWAL_TOPIC || topics.length !== 2 || w.data.length !== 66) return [];
    const by = ctx.codec.fromTable(`0x${topics[1]!.slice(-40)}`);
    const amount = formatUnits(BigInt(w.data), decimals);
    return [
      `Transaction ${ctx.codec.tx(w.transaction_hash)}: ${amount} wrapped ${symbol} was unwrapped by ${by} (Withdrawal, log ${w.log_index}); the ${symbol} it released moved by internal calls, which no traces table at ${ctx.engine.endpoint} shows, so where it went (a swap's output) cannot be seen.`,
    ];
  });
}

/** What the tables could not show, for the report (kept in `notes`, which the adapter's life shares). */
function movementNotes(ctx: WarehouseContext, can: TableSetup, wrapped: Set<string>, notes: Set<string>): string[] {
  const at = ctx.engine.endpoint;
  const native = ctx.info.native.symbol;
  if (!can.internal) {
    notes.add(
      `Internal ${native} on ${ctx.info.id} was not read (${can.traces ? 'reading traces was turned off' : `no traces table at ${at}`}): native value paid out by contracts inside a transaction (a swap or unwrap through a router, a splitter) cannot be seen, so those conversions are missing.`,
    );
  }
  if (!can.logs && wrapped.size > 0) {
    notes.add(
      `No logs table at ${at}: wrapped ${native} Deposit/Withdrawal events (wrapping and unwrapping) cannot be seen, so those conversions are missing.`,
    );
  }
  if (!can.transactions) {
    notes.add(`No transactions table at ${at}: transactions' own ${native} value was not read, and a reverted transaction cannot be told apart.`);
  }
  return [...notes].sort();
}

function canonical(h: string): string {
  const lower = h.toLowerCase();
  return lower.startsWith('0x') ? lower : `0x${lower}`;
}

/** A hash as the tables write it (0x, lower-case); TRON ids are looked up in that form too. */
function tableHash(chain: string, tx: string, input: string): string {
  const h = canonical(tx);
  if (!/^0x[0-9a-f]{64}$/.test(h))
    throw new InvalidInputError(`Invalid transaction hash "${input}": expected 32 bytes in hex`, { details: { chain, tx: input } });
  return h;
}

function readRow(raw: unknown, index: number, where: string): MovementRow | ExtraRow {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  if (kind !== 'failed' && kind !== 'reverted' && kind !== 'wrap') return parseMovementRow(raw, index, where);
  return parseRow(ExtraRowSchema, raw, index, where);
}

function reverted(rows: readonly (MovementRow | ExtraRow)[], tx: string): boolean {
  return rows.some((r) => r.kind === 'reverted' && canonical(r.transaction_hash) === canonical(tx));
}

/** Movements of transactions that did not revert, without nested value under a failed frame. */
function keptMovements(rows: readonly (MovementRow | ExtraRow)[]): Movement[] {
  const revertedTxs = new Set(rows.flatMap((r) => (r.kind === 'reverted' ? [canonical(r.transaction_hash)] : [])));
  const failed = new Map<string, string[]>();
  for (const r of rows)
    if (r.kind === 'failed') failed.set(canonical(r.transaction_hash), [...(failed.get(canonical(r.transaction_hash)) ?? []), r.trace_address]);
  return rows.filter((r): r is Movement => {
    if (r.kind !== 'token' && r.kind !== 'native' && r.kind !== 'internal') return false;
    const tx = canonical(r.transaction_hash);
    if (revertedTxs.has(tx)) return false;
    if (r.kind !== 'internal') return true;
    const path = r.trace_address.replace(/[[\]\s]/g, '');
    return !(failed.get(tx) ?? []).some((p) => p === '' || path === p || path.startsWith(`${p},`));
  });
}
