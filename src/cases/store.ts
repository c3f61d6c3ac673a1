import { resolve } from 'node:path';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { checkSchemaVersion, migrate } from './migrations.js';
import { openPostgresDriver } from './postgres.js';
import { listCases, requireCase, saveCase, selectCase } from './queries/cases.js';
import { sharedReach, sharedVictims, type SharedFilter } from './queries/convergence.js';
import { casePayments, findPayments, insertPayments } from './queries/payments.js';
import { abortable } from './queries/statements.js';
import { storeStats } from './queries/stats.js';
import { insertTrace, latestTrace, latestTraces } from './queries/traces.js';
import { rankConvergence } from './ranking.js';
import type {
  CaseRecord,
  CaseSummary,
  ConvergenceEntry,
  ConvergenceOptions,
  InsertPaymentsOptions,
  InsertPaymentsResult,
  SaveTraceInput,
  StoredPayment,
  StoredTrace,
  StoreStats,
} from './records.js';
import { CaseInputSchema, type CaseInput, type Payment } from './schema.js';
import type { SqlDriver } from './sql.js';
import { openSqliteDriver } from './sqlite.js';

/** The record shapes (records.ts), re-exported where the store is. */
export type * from './records.js';

/** The case database: one interface, SQLite or PostgreSQL underneath, the same SQL for both. */
export interface CaseStore {
  readonly kind: 'sqlite' | 'postgres';
  /** File path or redacted URL. */
  readonly location: string;
  addCase(input: CaseInput, options?: { ifExists?: 'error' | 'keep' | 'update'; signal?: AbortSignal | undefined }): Promise<CaseRecord>;
  getCase(reference: string, options?: { signal?: AbortSignal | undefined }): Promise<CaseRecord | undefined>;
  listCases(options?: { signal?: AbortSignal | undefined }): Promise<CaseSummary[]>;
  payments(reference: string, options?: { signal?: AbortSignal | undefined }): Promise<StoredPayment[]>;
  /** Stored payments with these keys (see Payment.key), for duplicate and conflict checks before a write. */
  findPayments(keys: readonly { chain: string; key: string }[], options?: { signal?: AbortSignal | undefined }): Promise<StoredPayment[]>;
  /** Validated payments in transactions of whole cases; the same payment twice is stored once. */
  insertPayments(payments: readonly Payment[], options?: InsertPaymentsOptions): Promise<InsertPaymentsResult>;
  /** Stores a trace with its reached addresses in one transaction; returns the trace id. */
  saveTrace(reference: string, trace: SaveTraceInput, options?: { signal?: AbortSignal | undefined }): Promise<number>;
  latestTrace(reference: string, options?: { signal?: AbortSignal | undefined }): Promise<StoredTrace | undefined>;
  /** The latest trace of every case that has one, by case reference. */
  latestTraces(options?: { signal?: AbortSignal | undefined }): Promise<StoredTrace[]>;
  convergence(options?: ConvergenceOptions): Promise<ConvergenceEntry[]>;
  stats(options?: { signal?: AbortSignal | undefined }): Promise<StoreStats>;
  close(): Promise<void>;
}

/** Where the case database is (SQLite file or PostgreSQL URL) and how to open it. */
export interface OpenCaseStoreOptions {
  /**
   * `sqlite:PATH`, a plain file path, `:memory:`, or `postgres://…` / `postgresql://…`.
   * Default: the CHAINTRAIL_DB environment variable, else `./chaintrail.db`.
   */
  target?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Opens (and migrates) the case database named by `target`, CHAINTRAIL_DB or ./chaintrail.db. */
export async function openCaseStore(options: OpenCaseStoreOptions | string = {}): Promise<CaseStore> {
  const opts = typeof options === 'string' ? { target: options } : options;
  const env = opts.env ?? process.env;
  const target = (opts.target ?? env.CHAINTRAIL_DB ?? '').trim() || './chaintrail.db';
  opts.signal?.throwIfAborted();
  let driver: SqlDriver;
  if (/^postgres(ql)?:\/\//i.test(target)) driver = await openPostgresDriver(target);
  else {
    const path = target.replace(/^sqlite:/i, '');
    if (!path) throw new InvalidInputError('--db sqlite:PATH needs a file path', { details: { db: target } });
    driver = await openSqliteDriver(path === ':memory:' ? path : resolve(path));
  }
  try {
    await checkSchemaVersion(driver);
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return createCaseStore(driver);
}

/**
 * The case store over an open driver: each method checks its input and cancellation, then asks the table queries
 * (queries/*.ts, the same SQL on both engines) and, for convergence, the pure ranking (ranking.ts).
 */
export function createCaseStore(db: SqlDriver): CaseStore {
  const store: CaseStore = {
    kind: db.dialect,
    location: db.location,

    async addCase(input, options = {}) {
      abortable(options.signal, 'addCase');
      return saveCase(db, parseInput(CaseInputSchema, input, 'Invalid case'), options.ifExists ?? 'error');
    },

    async getCase(reference, options = {}) {
      abortable(options.signal, 'getCase');
      return selectCase(db, reference);
    },

    async listCases(options = {}) {
      abortable(options.signal, 'listCases');
      return listCases(db);
    },

    async payments(reference, options = {}) {
      abortable(options.signal, 'payments');
      return casePayments(db, (await requireCase(db, reference)).id);
    },

    findPayments: (keys, options = {}) => findPayments(db, keys, options.signal),

    insertPayments: (payments, options = {}) => insertPayments(db, payments, options),

    async saveTrace(reference, trace, options = {}) {
      abortable(options.signal, 'saveTrace');
      const c = await requireCase(db, reference);
      const paymentIds = new Map((await casePayments(db, c.id)).map((p) => [`${p.chain}|${p.key}`, p.id]));
      return insertTrace(db, c.id, paymentIds, trace);
    },

    async latestTrace(reference, options = {}) {
      abortable(options.signal, 'latestTrace');
      return latestTrace(db, (await requireCase(db, reference)).id);
    },

    async latestTraces(options = {}) {
      abortable(options.signal, 'latestTraces');
      return latestTraces(db);
    },

    async convergence(options = {}) {
      const filter: SharedFilter = { ...(options.chain ? { chain: options.chain } : {}), minCases: Math.max(2, options.minCases ?? 2) };
      abortable(options.signal, 'Convergence');
      const reached = await sharedReach(db, filter);
      abortable(options.signal, 'Convergence');
      const ranked = rankConvergence(reached, await sharedVictims(db, filter));
      return options.limit !== undefined ? ranked.slice(0, options.limit) : ranked;
    },

    async stats(options = {}) {
      abortable(options.signal, 'stats');
      return storeStats(db);
    },

    close: () => db.close(),
  };
  return store;
}
