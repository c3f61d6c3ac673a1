import { z } from 'zod';
import { getChain, type ChainInfo } from '../../core/chain.js';
import { describeZodIssues, InvalidInputError, NotFoundError } from '../../core/errors.js';
import { parseOptions } from '../validate.js';
import { compareTransfers, sortChronologically, transferId, type AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { freezableStablecoin } from '../../core/stablecoins.js';
import type { AdapterStats, ChainAdapter, TransactionResult, TransferQuery, TransferResult } from '../adapter.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { MissingTableError } from './errors.js';
import { addressCodec, parseMovementRow, rowToTransfer } from './map.js';
import { buildTokensQuery, buildTransactionQuery, buildTransfersQuery, type WarehouseTable } from './query.js';
import { TokenRowSchema } from './schema.js';

/** Zod schema of `createWarehouseAdapter`'s options (strict); the adapter throws InvalidInputError when they fail it. */
export const WarehouseAdapterOptionsSchema = z
  .object({
    engine: z.custom<WarehouseEngine>((v) => typeof v === 'object' && v !== null && typeof (v as WarehouseEngine).query === 'function', 'expected a warehouse engine'),
    chain: z.string(),
    /** Frontier addresses per query (the engine splits larger frontiers). */
    maxAddressesPerCall: z.number().int().min(1).max(100_000).default(10_000),
    /**
     * Read nested value transfers from `traces`. Default: when the table is there; without it the report says that
     * internal transfers were not visible. `true` makes a missing `traces` table an error.
     */
    internal: z.boolean().optional(),
    /**
     * Order token transfers inside a block by joining `transactions` for transaction_index (token_transfers has no
     * such column). Default: on for DuckDB when `transactions` is there; off for BigQuery (it would scan the hash
     * column of every transaction in the window).
     */
    joinTransactionIndex: z.boolean().optional(),
  })
  .strict();
/** Options of `createWarehouseAdapter`: the engine (DuckDB or BigQuery) and the chain its tables hold. */
export type WarehouseAdapterOptions = z.input<typeof WarehouseAdapterOptionsSchema>;

/** A ChainAdapter over blockchain-etl tables, with its engine and query figures; close it when done. */
export interface WarehouseAdapter extends ChainAdapter {
  readonly kind: 'duckdb' | 'bigquery';
  readonly warehouse: WarehouseEngine;
  stats(): AdapterStats & WarehouseQueryStats;
  close(): Promise<void>;
}

/**
 * A chain's movements out of blockchain-etl tables (token_transfers, transactions, traces, tokens) through a
 * warehouse engine: a whole frontier per query, both directions, time window and token contracts as parameters.
 */
export function createWarehouseAdapter(input: WarehouseAdapterOptions): WarehouseAdapter {
  const options = parseOptions(WarehouseAdapterOptionsSchema, input, 'Invalid warehouse adapter options');
  const engine = options.engine;
  const info = accountChain(options.chain);
  const codec = addressCodec(info.id);
  const notes = new Set<string>();
  const tokens = new Map<string, AssetRef>();
  let setup: Promise<{ internal: boolean; txIndex: boolean; tokens: boolean; transactions: boolean; tokenTable: boolean }> | undefined;

  function chainOf(chain: string): string {
    const id = getChain(chain).id;
    if (id !== info.id) {
      throw new InvalidInputError(`This warehouse source serves ${info.id}, not ${id}`, { details: { endpoint: engine.endpoint, chain: id, serves: info.id } });
    }
    return id;
  }

  /** Which tables are there decides, once, what can be read. */
  function prepare() {
    setup ??= (async () => {
      const has = async (t: WarehouseTable) => engine.hasTable(t);
      const [transfers, transactions, traces, tokenTable] = await Promise.all([has('token_transfers'), has('transactions'), has('traces'), has('tokens')]);
      if (options.internal === true && !traces) {
        throw new MissingTableError(`Table traces is needed (internal: true) but not available at ${engine.endpoint}`, { details: { table: 'traces', endpoint: engine.endpoint } });
      }
      const internal = options.internal ?? traces;
      if (!internal) {
        notes.add(
          `${info.native.symbol} moved by contracts (internal transfers) on ${info.id} was not visible: ${traces ? 'reading traces was turned off' : `no traces table at ${engine.endpoint}`}; only transactions' own value was read.`,
        );
      }
      const txIndex = (options.joinTransactionIndex ?? engine.kind === 'duckdb') && transactions;
      if (!txIndex && transfers) {
        notes.add(`Token transfers on ${info.id} inside one block were ordered by transaction hash and log index (token_transfers has no transaction_index${transactions ? '; joinTransactionIndex is off' : ''}).`);
      }
      return { internal, txIndex, tokens: transfers, transactions, tokenTable };
    })().catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  }

  function prime(assets: readonly AssetRef[] | undefined) {
    for (const a of assets ?? []) {
      if (a.kind === 'token' && a.contract && getChain(a.chain).id === info.id && !tokens.has(a.contract)) tokens.set(a.contract, { ...a, chain: info.id });
    }
  }

  /** Symbol and decimals of new contracts: `tokens` table, else the canonical stablecoin list, else "?" with a note. */
  async function resolveTokens(contracts: Iterable<string>, hasTable: boolean, signal?: AbortSignal): Promise<void> {
    const missing = [...new Set(contracts)].filter((c) => !tokens.has(c)).sort();
    if (missing.length === 0) return;
    const found = new Map<string, { symbol: string; decimals: number }>();
    if (hasTable) {
      const rows = await engine.query(buildTokensQuery(engine.dialect, missing.map(codec.toTable)), signal);
      rows.forEach((raw, i) => {
        const row = TokenRowSchema.safeParse(raw);
        if (!row.success) return void notes.add(`tokens row ${i} at ${engine.endpoint} was not readable (${describeZodIssues(row.error.issues)}); ignored.`);
        const contract = codec.fromTable(row.data.address);
        const decimals = row.data.decimals !== null && /^\d{1,2}$/.test(row.data.decimals.trim()) ? Number(row.data.decimals.trim()) : undefined;
        const symbol = row.data.symbol?.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 32);
        // blockchain-etl `tokens` may hold a contract more than once: the first complete row (sorted) wins.
        if (!found.has(contract) && symbol && decimals !== undefined && decimals <= 77) found.set(contract, { symbol, decimals });
      });
    }
    for (const contract of missing) {
      const known = found.get(contract) ?? freezableStablecoin(info.id, contract);
      if (!known) {
        notes.add(
          `Token contract ${contract} has no symbol/decimals in ${hasTable ? 'the tokens table' : `a tokens table (none at ${engine.endpoint})`}; its amounts are shown in base units with symbol "?".`,
        );
      }
      tokens.set(contract, { chain: info.id, kind: 'token', contract, symbol: known?.symbol ?? '?', decimals: known?.decimals ?? 0 });
    }
  }

  function toTransfers(rows: Record<string, unknown>[], where: string, skip: (kind: string) => boolean = () => false) {
    const parsed = rows.map((raw, i) => parseMovementRow(raw, i, where));
    return parsed.filter((r) => !skip(r.kind));
  }

  async function getTransfers(q: TransferQuery): Promise<TransferResult> {
    q.signal?.throwIfAborted();
    const chain = chainOf(q.chain);
    const addresses = [...new Set(q.addresses.map((a) => codec.toTable(a)))].sort();
    if (addresses.length === 0) return { transfers: [], truncated: [] };
    const can = await prepare();
    prime(q.assets);
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
      throw new MissingTableError(`Table token_transfers is needed but not available at ${engine.endpoint}`, { details: { table: 'token_transfers', endpoint: engine.endpoint } });
    }
    if (native && !can.transactions) {
      throw new MissingTableError(`Table transactions is needed for ${info.native.symbol} but not available at ${engine.endpoint}`, {
        details: { table: 'transactions', endpoint: engine.endpoint },
      });
    }
    const query = buildTransfersQuery(engine.dialect, {
      addresses,
      direction: q.direction,
      ...(q.fromTime !== undefined ? { fromTime: q.fromTime } : {}),
      ...(q.toTime !== undefined ? { toTime: q.toTime } : {}),
      ...(contracts !== undefined ? { contracts } : {}),
      native,
      internal: can.internal,
      tokenTxIndex: can.txIndex && wantTokens,
      ...(q.maxPerAddress !== undefined ? { maxPerAddress: q.maxPerAddress } : {}),
    });
    const rows = toTransfers(await engine.query(query, q.signal), `${engine.kind} ${engine.endpoint}`);
    const truncated = new Set<string>();
    const movements: Exclude<(typeof rows)[number], { kind: 'cut' } | { kind: 'tx' }>[] = [];
    for (const row of rows) {
      if (row.kind === 'cut') truncated.add(codec.fromTable(row.from_address));
      else if (row.kind !== 'tx') movements.push(row);
    }
    await resolveTokens(
      movements.flatMap((r) => (r.kind === 'token' ? [codec.fromTable(r.contract)] : [])),
      can.tokenTable,
      q.signal,
    );
    const unique = new Map<string, AccountTransfer>();
    for (const row of movements) {
      const t = rowToTransfer(chain, row, codec, (c) => tokens.get(c)!);
      unique.set(transferId(t), t);
    }
    return { transfers: sortChronologically([...unique.values()], (t) => t), truncated: [...truncated].sort() };
  }

  async function getTransaction(chainInput: string, hash: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionResult> {
    opts?.signal?.throwIfAborted();
    const chain = chainOf(chainInput);
    const tx = codec.tx(hash.trim());
    if (!/^(0x)?[0-9a-f]{64}$/.test(tx)) throw new InvalidInputError(`Invalid transaction hash "${hash}"`, { details: { chain, tx: hash } });
    const can = await prepare();
    if (!can.tokens && !can.transactions) {
      throw new MissingTableError(`Neither token_transfers nor transactions is available at ${engine.endpoint}`, { details: { endpoint: engine.endpoint } });
    }
    // Tables hold EVM hashes with 0x; TRON ids are looked up in both spellings' canonical (0x) form.
    const tableHash = tx.startsWith('0x') ? tx : `0x${tx}`;
    const rows = toTransfers(
      await engine.query(buildTransactionQuery(engine.dialect, { hash: tableHash, native: can.transactions, internal: can.internal && can.transactions, tokens: can.tokens }), opts?.signal),
      `${engine.kind} ${engine.endpoint}`,
    );
    if (rows.length === 0) throw new NotFoundError(`Transaction ${hash} not found on ${chain} at ${engine.endpoint}`, { details: { chain, tx: hash, endpoint: engine.endpoint } });
    const movements = rows.filter((r): r is Exclude<(typeof rows)[number], { kind: 'cut' } | { kind: 'tx' }> => r.kind !== 'cut' && r.kind !== 'tx');
    await resolveTokens(
      movements.flatMap((r) => (r.kind === 'token' ? [codec.fromTable(r.contract)] : [])),
      can.tokenTable,
      opts?.signal,
    );
    const transfers = movements.map((r) => rowToTransfer(chain, r, codec, (c) => tokens.get(c)!)).sort(compareTransfers);
    return { chain, tx, transfers };
  }

  return {
    kind: engine.kind,
    endpoint: engine.endpoint,
    warehouse: engine,
    capabilities: {
      maxAddressesPerCall: options.maxAddressesPerCall,
      get internalTransfers() {
        return options.internal !== false;
      },
    },
    supports(chain) {
      try {
        return getChain(chain).id === info.id;
      } catch {
        return false;
      }
    },
    getTransfers,
    getTransaction,
    notes(chain) {
      try {
        if (getChain(chain).id !== info.id) return [];
      } catch {
        return [];
      }
      return [...notes].sort();
    },
    stats() {
      const s = engine.stats();
      return { requests: s.queries, cacheHits: 0, ...s };
    },
    close: () => engine.close(),
  };
}

function accountChain(chain: string): ChainInfo {
  const info = getChain(chain);
  if (info.family === 'utxo') {
    throw new InvalidInputError(`The warehouse source reads account chains (EVM, TRON); ${info.id} is a UTXO chain`, { details: { chain: info.id } });
  }
  return info;
}
