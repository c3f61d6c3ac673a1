import { resolve } from 'node:path';
import { formatUnits } from '../core/asset.js';
import { formatAddress } from '../core/address.js';
import { describeZodIssues, InvalidInputError, NotFoundError, TraceAbortedError } from '../core/errors.js';
import { TraceReportSchema, type AssetRef, type TraceReport } from '../core/schema.js';
import { CaseStoreError } from './errors.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { openPostgresDriver } from './postgres.js';
import { CaseInputSchema, type CaseFields, type CaseInput, type Payment } from './schema.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import { openSqliteDriver } from './sqlite.js';
import type { ReachedAddress } from './reach.js';

/** A case: id, reference, jurisdiction, opening date and notes. */
export interface CaseRecord {
  id: number;
  reference: string;
  jurisdiction?: string;
  /** YYYY-MM-DD */
  opened?: string;
  notes?: string;
  createdAt: string;
}

/** A case with its counts of victims, payments and traces, and when it was last traced. */
export interface CaseSummary extends CaseRecord {
  victims: number;
  payments: number;
  traces: number;
  lastTraceAt?: string;
}

/** A victim's payment as stored, with its row id. */
export interface StoredPayment extends Payment {
  id: number;
}

/** A saved trace of a case: when, with which options, and its report. */
export interface StoredTrace {
  id: number;
  caseReference: string;
  createdAt: string;
  options: unknown;
  report: TraceReport;
  sources: unknown;
  complete: boolean;
}

/** An amount of one asset: base units and display units, as decimal strings. */
export interface Money {
  asset: AssetRef;
  /** Base units. */
  amount: string;
  amountDisplay: string;
}

/** One case's part in a shared address. */
export interface ConvergenceCase {
  reference: string;
  victims: string[];
  amounts: Money[];
  firstSeen: string;
  lastSeen: string;
  roles: string[];
  hops: number | null;
}

/** An address reached by two or more cases (in their latest traces). */
export interface ConvergenceEntry {
  rank: number;
  chain: string;
  /** As shown to people (EIP-55 on EVM chains). */
  address: string;
  /** `exchange`, `unspent`, … (endpoint kinds), `seed` (received victim payments), `intermediate`, `swept` (after a deposit). */
  roles: string[];
  entity?: string;
  category?: string;
  caseCount: number;
  victimCount: number;
  totals: Money[];
  firstSeen: string;
  lastSeen: string;
  cases: ConvergenceCase[];
}

/** Filters of the cross-case convergence ranking: minimum cases, chain, length. */
export interface ConvergenceOptions {
  /** Cases that must share an address (default 2). */
  minCases?: number;
  chain?: string;
  /** Only the first N of the ranking. */
  limit?: number;
  signal?: AbortSignal;
}

/** Batch size, cancellation and progress of a payment import. */
export interface InsertPaymentsOptions {
  /** Rows per transaction (rounded up to whole cases: a case is never split across transactions). Default 500. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (e: { done: number; total: number; inserted: number; duplicates: number }) => void;
}

/** What a payment import stored: inserted, duplicates (not stored twice) and cases created. */
export interface InsertPaymentsResult {
  inserted: number;
  /** Payments already in the store (the same payment reported again): not stored twice. */
  duplicates: number;
  casesCreated: number;
  transactions: number;
}

/** What a saved trace keeps: its options, its report and the addresses it reached. */
export interface SaveTraceInput {
  options: unknown;
  report: TraceReport;
  reached: ReachedAddress[];
}

/** Counts of what the case database holds. */
export interface StoreStats {
  cases: number;
  victims: number;
  payments: number;
  traces: number;
  reachedAddresses: number;
  sizeBytes: number;
  schemaVersion: number;
}

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
    const existing = await driver.all<{ n: number }>(
      driver.dialect === 'sqlite'
        ? "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'"
        : "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_versions'",
    );
    if (Number(existing[0]?.n ?? 0) > 0) {
      const v = await driver.all<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_versions');
      if (Number(v[0]?.v ?? 0) > SCHEMA_VERSION) {
        throw new CaseStoreError(`The case database ${driver.location} has schema version ${v[0]?.v}, newer than this chaintrail (${SCHEMA_VERSION}): upgrade chaintrail`, {
          details: { location: driver.location },
        });
      }
    }
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return createCaseStore(driver);
}

const nowIso = () => new Date().toISOString();
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const abortable = (signal: AbortSignal | undefined, what: string) => {
  if (signal?.aborted) throw new TraceAbortedError(`${what} aborted`, { details: { reason: String(signal.reason ?? 'aborted') } });
};

interface CaseRow {
  id: number;
  reference: string;
  jurisdiction: string | null;
  opened: string | null;
  notes: string | null;
  created_at: string;
}

interface PaymentRow {
  id: number;
  reference: string;
  pseudonym: string;
  chain: string;
  payment_key: string;
  tx_hash: string | null;
  log_index: number | null;
  address: string | null;
  asset_kind: string;
  token_address: string | null;
  symbol: string;
  decimals: number;
  amount: string;
  block_timestamp: number;
  source: string | null;
  jurisdiction: string | null;
}

const caseOf = (r: CaseRow): CaseRecord => ({
  id: Number(r.id),
  reference: r.reference,
  ...(r.jurisdiction ? { jurisdiction: r.jurisdiction } : {}),
  ...(r.opened ? { opened: r.opened } : {}),
  ...(r.notes ? { notes: r.notes } : {}),
  createdAt: r.created_at,
});

const paymentOf = (r: PaymentRow): StoredPayment => ({
  id: Number(r.id),
  caseReference: r.reference,
  victim: r.pseudonym,
  chain: r.chain,
  key: r.payment_key,
  ...(r.tx_hash ? { tx: r.tx_hash } : {}),
  ...(r.log_index !== null ? { logIndex: Number(r.log_index) } : {}),
  ...(r.address ? { address: r.address } : {}),
  asset: {
    chain: r.chain,
    kind: r.asset_kind === 'native' ? 'native' : 'token',
    ...(r.token_address ? { contract: r.token_address } : {}),
    symbol: r.symbol,
    decimals: Number(r.decimals),
  },
  amount: String(r.amount),
  time: Number(r.block_timestamp),
  ...(r.jurisdiction ? { jurisdiction: r.jurisdiction } : {}),
  ...(r.source ? { source: r.source } : {}),
});

const PAYMENT_SELECT =
  'SELECT p.id, c.reference, v.pseudonym, p.chain, p.payment_key, p.tx_hash, p.log_index, p.address, p.asset_kind, p.token_address, p.symbol, ' +
  'p.decimals, p.amount, p.block_timestamp, p.source, c.jurisdiction FROM payments p JOIN cases c ON c.id = p.case_id JOIN victims v ON v.id = p.victim_id';

/** Rows per multi-row INSERT statement (well under both engines' bound-parameter limits). */
const ROWS_PER_STATEMENT = 400;

async function insertMany(tx: SqlExecutor, head: string, columns: number, rows: SqlValue[][], tail = ''): Promise<number> {
  let changed = 0;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const tuple = `(${new Array(columns).fill('?').join(', ')})`;
    changed += await tx.run(`${head} VALUES ${chunk.map(() => tuple).join(', ')}${tail}`, chunk.flat());
  }
  return changed;
}

/** Splits payments into transactions of whole cases, about `size` rows each. */
function caseBatches(payments: readonly Payment[], size: number): Payment[][] {
  const byCase = new Map<string, Payment[]>();
  for (const p of payments) {
    const list = byCase.get(p.caseReference);
    if (list) list.push(p);
    else byCase.set(p.caseReference, [p]);
  }
  const batches: Payment[][] = [];
  let current: Payment[] = [];
  for (const list of byCase.values()) {
    if (current.length > 0 && current.length + list.length > size) {
      batches.push(current);
      current = [];
    }
    for (const p of list) current.push(p);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The address-level rows below are written for both engines; amounts are summed in bigint, never in SQL floats. */
export function createCaseStore(db: SqlDriver): CaseStore {
  const getCaseRow = async (ex: SqlExecutor, reference: string) =>
    (await ex.all<CaseRow>('SELECT id, reference, jurisdiction, opened, notes, created_at FROM cases WHERE reference = ?', [reference]))[0];

  const requireCase = async (reference: string) => {
    const row = await getCaseRow(db, reference);
    if (!row) throw new NotFoundError(`No case "${reference}" in the case database`, { details: { reference, location: db.location } });
    return row;
  };

  /** Addresses reached by >= minCases cases in their latest traces (params: [chain?], minCases). */
  const sharedCte = (chain: boolean) =>
    'WITH latest AS (SELECT MAX(id) AS id FROM traces GROUP BY case_id), ' +
    'shared AS (SELECT ta.chain, ta.address FROM trace_addresses ta JOIN traces t ON t.id = ta.trace_id ' +
    `WHERE ta.trace_id IN (SELECT id FROM latest)${chain ? ' AND ta.chain = ?' : ''} ` +
    'GROUP BY ta.chain, ta.address HAVING COUNT(DISTINCT t.case_id) >= ?) ';

  const traceOf = (r: { id: number; reference: string; created_at: string; options: string; report: string; sources: string; complete: number }): StoredTrace => {
    const parsed = TraceReportSchema.safeParse(JSON.parse(r.report));
    if (!parsed.success) {
      throw new CaseStoreError(`Stored trace ${r.id} of case ${r.reference} is not a valid report: ${describeZodIssues(parsed.error.issues)}`, { details: { trace: r.id } });
    }
    return {
      id: Number(r.id),
      caseReference: r.reference,
      createdAt: r.created_at,
      options: JSON.parse(r.options),
      report: parsed.data,
      sources: JSON.parse(r.sources),
      complete: Number(r.complete) === 1,
    };
  };

  const store: CaseStore = {
    kind: db.dialect,
    location: db.location,

    async addCase(input, options = {}) {
      abortable(options.signal, 'addCase');
      const parsed = CaseInputSchema.safeParse(input);
      if (!parsed.success) throw new InvalidInputError(`Invalid case: ${describeZodIssues(parsed.error.issues)}`, { details: { issues: parsed.error.issues } });
      const c: CaseFields = parsed.data;
      return db.transaction(async (tx) => {
        const existing = await getCaseRow(tx, c.reference);
        if (existing) {
          const mode = options.ifExists ?? 'error';
          if (mode === 'error') throw new InvalidInputError(`Case "${c.reference}" already exists`, { details: { reference: c.reference } });
          if (mode === 'update') {
            await tx.run('UPDATE cases SET jurisdiction = COALESCE(?, jurisdiction), opened = COALESCE(?, opened), notes = COALESCE(?, notes) WHERE id = ?', [
              c.jurisdiction ?? null,
              c.opened ?? null,
              c.notes ?? null,
              existing.id,
            ]);
            return caseOf((await getCaseRow(tx, c.reference))!);
          }
          return caseOf(existing);
        }
        await tx.run('INSERT INTO cases (reference, jurisdiction, opened, notes, created_at) VALUES (?, ?, ?, ?, ?)', [
          c.reference,
          c.jurisdiction ?? null,
          c.opened ?? null,
          c.notes ?? null,
          nowIso(),
        ]);
        return caseOf((await getCaseRow(tx, c.reference))!);
      });
    },

    async getCase(reference, options = {}) {
      abortable(options.signal, 'getCase');
      const row = await getCaseRow(db, reference);
      return row ? caseOf(row) : undefined;
    },

    async listCases(options = {}) {
      abortable(options.signal, 'listCases');
      const rows = await db.all<CaseRow & { victims: number; payments: number; traces: number; last_trace: string | null }>(
        'SELECT c.id, c.reference, c.jurisdiction, c.opened, c.notes, c.created_at, ' +
          '(SELECT COUNT(*) FROM victims v WHERE v.case_id = c.id) AS victims, ' +
          '(SELECT COUNT(*) FROM payments p WHERE p.case_id = c.id) AS payments, ' +
          '(SELECT COUNT(*) FROM traces t WHERE t.case_id = c.id) AS traces, ' +
          '(SELECT MAX(t.created_at) FROM traces t WHERE t.case_id = c.id) AS last_trace ' +
          'FROM cases c ORDER BY c.reference',
      );
      return rows.map((r) => ({
        ...caseOf(r),
        victims: Number(r.victims),
        payments: Number(r.payments),
        traces: Number(r.traces),
        ...(r.last_trace ? { lastTraceAt: r.last_trace } : {}),
      }));
    },

    async payments(reference, options = {}) {
      abortable(options.signal, 'payments');
      const c = await requireCase(reference);
      const rows = await db.all<PaymentRow>(`${PAYMENT_SELECT} WHERE p.case_id = ? ORDER BY p.block_timestamp, p.chain, p.payment_key`, [c.id]);
      return rows.map(paymentOf);
    },

    async findPayments(keys, options = {}) {
      const out: StoredPayment[] = [];
      const byChain = new Map<string, string[]>();
      for (const k of keys) {
        const list = byChain.get(k.chain);
        if (list) list.push(k.key);
        else byChain.set(k.chain, [k.key]);
      }
      for (const [chain, list] of byChain) {
        for (let i = 0; i < list.length; i += ROWS_PER_STATEMENT) {
          abortable(options.signal, 'findPayments');
          const chunk = list.slice(i, i + ROWS_PER_STATEMENT);
          const rows = await db.all<PaymentRow>(`${PAYMENT_SELECT} WHERE p.chain = ? AND p.payment_key IN (${chunk.map(() => '?').join(', ')})`, [chain, ...chunk]);
          out.push(...rows.map(paymentOf));
        }
      }
      return out;
    },

    async insertPayments(payments, options = {}) {
      const batches = caseBatches(payments, Math.max(1, options.batchSize ?? 500));
      const result: InsertPaymentsResult = { inserted: 0, duplicates: 0, casesCreated: 0, transactions: 0 };
      let done = 0;
      for (const batch of batches) {
        abortable(options.signal, 'Import');
        const { inserted, created } = await db.transaction(async (tx) => {
          // Cases: created on first sight; a jurisdiction fills an empty one and never overwrites.
          const refs = [...new Map(batch.map((p) => [p.caseReference, p.jurisdiction])).entries()];
          let created = 0;
          const caseIds = new Map<string, number>();
          for (const [reference, jurisdiction] of refs) {
            created += await tx.run('INSERT INTO cases (reference, jurisdiction, created_at) VALUES (?, ?, ?) ON CONFLICT (reference) DO NOTHING', [
              reference,
              jurisdiction ?? null,
              nowIso(),
            ]);
            if (jurisdiction) await tx.run('UPDATE cases SET jurisdiction = ? WHERE reference = ? AND jurisdiction IS NULL', [jurisdiction, reference]);
            caseIds.set(reference, Number((await getCaseRow(tx, reference))!.id));
          }
          const victims = [...new Map(batch.map((p) => [`${p.caseReference}\u0000${p.victim}`, [caseIds.get(p.caseReference)!, p.victim] as SqlValue[]])).values()];
          await insertMany(tx, 'INSERT INTO victims (case_id, pseudonym)', 2, victims, ' ON CONFLICT (case_id, pseudonym) DO NOTHING');
          const victimIds = new Map<string, number>();
          const ids = [...caseIds.values()];
          for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
            const chunk = ids.slice(i, i + ROWS_PER_STATEMENT);
            const rows = await tx.all<{ id: number; case_id: number; pseudonym: string }>(
              `SELECT id, case_id, pseudonym FROM victims WHERE case_id IN (${chunk.map(() => '?').join(', ')})`,
              chunk,
            );
            for (const r of rows) victimIds.set(`${Number(r.case_id)}\u0000${r.pseudonym}`, Number(r.id));
          }
          const rows = batch.map((p): SqlValue[] => {
            const caseId = caseIds.get(p.caseReference)!;
            return [
              caseId,
              victimIds.get(`${caseId}\u0000${p.victim}`)!,
              p.chain,
              p.key,
              p.tx ?? null,
              p.logIndex ?? null,
              p.address ?? null,
              p.asset.kind,
              p.asset.contract ?? null,
              p.asset.symbol,
              p.asset.decimals,
              p.amount,
              p.time,
              p.source ?? null,
            ];
          });
          const inserted = await insertMany(
            tx,
            'INSERT INTO payments (case_id, victim_id, chain, payment_key, tx_hash, log_index, address, asset_kind, token_address, symbol, decimals, amount, block_timestamp, source)',
            14,
            rows,
            ' ON CONFLICT (chain, payment_key) DO NOTHING',
          );
          return { inserted, created };
        });
        result.inserted += inserted;
        result.duplicates += batch.length - inserted;
        result.casesCreated += created;
        result.transactions++;
        done += batch.length;
        options.onProgress?.({ done, total: payments.length, inserted: result.inserted, duplicates: result.duplicates });
      }
      return result;
    },

    async saveTrace(reference, trace, options = {}) {
      abortable(options.signal, 'saveTrace');
      const c = await requireCase(reference);
      const paymentIds = new Map<string, number>();
      for (const p of await store.payments(reference)) paymentIds.set(`${p.chain}|${p.key}`, p.id);
      return db.transaction(async (tx) => {
        const created = await tx.all<{ id: number }>(
          'INSERT INTO traces (case_id, options, report, sources, complete, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
          [c.id, JSON.stringify(trace.options ?? {}), JSON.stringify(trace.report), JSON.stringify(trace.report.sources), trace.report.complete ? 1 : 0, nowIso()],
        );
        const traceId = Number(created[0]!.id);
        await insertMany(
          tx,
          'INSERT INTO trace_addresses (trace_id, chain, address, asset, token_address, symbol, decimals, amount, first_seen, last_seen, hops, role, entity, category)',
          14,
          trace.reached.map((r) => [
            traceId,
            r.chain,
            r.address,
            r.assetKey,
            r.asset.contract ?? null,
            r.asset.symbol,
            r.asset.decimals,
            r.amount,
            r.firstSeen,
            r.lastSeen,
            r.hops,
            r.role,
            r.entity ?? null,
            r.category ?? null,
          ]),
        );
        const links = new Map<string, SqlValue[]>();
        for (const r of trace.reached) {
          for (const key of r.payments) {
            const id = paymentIds.get(key);
            if (id !== undefined) links.set(`${r.chain}|${r.address}|${id}`, [traceId, r.chain, r.address, id]);
          }
        }
        await insertMany(tx, 'INSERT INTO trace_address_payments (trace_id, chain, address, payment_id)', 4, [...links.values()]);
        return traceId;
      });
    },

    async latestTrace(reference, options = {}) {
      abortable(options.signal, 'latestTrace');
      const c = await requireCase(reference);
      const rows = await db.all<{ id: number; reference: string; created_at: string; options: string; report: string; sources: string; complete: number }>(
        'SELECT t.id, c.reference, t.created_at, t.options, t.report, t.sources, t.complete FROM traces t JOIN cases c ON c.id = t.case_id WHERE t.case_id = ? ORDER BY t.id DESC LIMIT 1',
        [c.id],
      );
      return rows[0] ? traceOf(rows[0]) : undefined;
    },

    async latestTraces(options = {}) {
      abortable(options.signal, 'latestTraces');
      const rows = await db.all<{ id: number; reference: string; created_at: string; options: string; report: string; sources: string; complete: number }>(
        'SELECT t.id, c.reference, t.created_at, t.options, t.report, t.sources, t.complete FROM traces t JOIN cases c ON c.id = t.case_id ' +
          'WHERE t.id IN (SELECT MAX(id) FROM traces GROUP BY case_id) ORDER BY c.reference',
      );
      return rows.map(traceOf);
    },

    async convergence(options = {}) {
      const minCases = Math.max(2, options.minCases ?? 2);
      abortable(options.signal, 'Convergence');
      const params: SqlValue[] = [...(options.chain ? [options.chain] : []), minCases];
      const rows = await db.all<{
        chain: string;
        address: string;
        reference: string;
        asset: string;
        token_address: string | null;
        symbol: string;
        decimals: number;
        amount: string;
        first_seen: number;
        last_seen: number;
        hops: number | null;
        role: string;
        entity: string | null;
        category: string | null;
      }>(
        `${sharedCte(Boolean(options.chain))}SELECT ta.chain, ta.address, c.reference, ta.asset, ta.token_address, ta.symbol, ta.decimals, ta.amount, ` +
          'ta.first_seen, ta.last_seen, ta.hops, ta.role, ta.entity, ta.category FROM shared s ' +
          'JOIN trace_addresses ta ON ta.chain = s.chain AND ta.address = s.address JOIN traces t ON t.id = ta.trace_id JOIN cases c ON c.id = t.case_id ' +
          'WHERE ta.trace_id IN (SELECT id FROM latest) ORDER BY ta.chain, ta.address, c.reference, ta.asset',
        params,
      );
      abortable(options.signal, 'Convergence');
      const victimRows = await db.all<{ chain: string; address: string; reference: string; pseudonym: string }>(
        `${sharedCte(Boolean(options.chain))}SELECT DISTINCT tap.chain, tap.address, c.reference, v.pseudonym FROM shared s ` +
          'JOIN trace_address_payments tap ON tap.chain = s.chain AND tap.address = s.address JOIN payments p ON p.id = tap.payment_id ' +
          'JOIN victims v ON v.id = p.victim_id JOIN cases c ON c.id = p.case_id WHERE tap.trace_id IN (SELECT id FROM latest) ' +
          'ORDER BY tap.chain, tap.address, c.reference, v.pseudonym',
        params,
      );
      const victims = new Map<string, string[]>();
      for (const v of victimRows) {
        const k = `${v.chain}|${v.address}|${v.reference}`;
        const list = victims.get(k);
        if (list) list.push(v.pseudonym);
        else victims.set(k, [v.pseudonym]);
      }
      interface Acc {
        chain: string;
        address: string;
        roles: Set<string>;
        entity?: string;
        category?: string;
        cases: Map<string, { amounts: Map<string, { asset: AssetRef; amount: bigint }>; first: number; last: number; roles: Set<string>; hops: number | null }>;
      }
      const byAddress = new Map<string, Acc>();
      for (const r of rows) {
        const k = `${r.chain}|${r.address}`;
        let acc = byAddress.get(k);
        if (!acc) {
          acc = { chain: r.chain, address: r.address, roles: new Set(), cases: new Map() };
          byAddress.set(k, acc);
        }
        acc.roles.add(r.role);
        if (r.entity && !acc.entity) acc.entity = r.entity;
        if (r.category && !acc.category) acc.category = r.category;
        let c = acc.cases.get(r.reference);
        if (!c) {
          c = { amounts: new Map(), first: Number(r.first_seen), last: Number(r.last_seen), roles: new Set(), hops: r.hops === null ? null : Number(r.hops) };
          acc.cases.set(r.reference, c);
        }
        c.roles.add(r.role);
        c.first = Math.min(c.first, Number(r.first_seen));
        c.last = Math.max(c.last, Number(r.last_seen));
        if (r.hops !== null) c.hops = c.hops === null ? Number(r.hops) : Math.min(c.hops, Number(r.hops));
        const asset: AssetRef = {
          chain: r.chain,
          kind: r.token_address ? 'token' : 'native',
          ...(r.token_address ? { contract: r.token_address } : {}),
          symbol: r.symbol,
          decimals: Number(r.decimals),
        };
        const prev = c.amounts.get(r.asset);
        c.amounts.set(r.asset, { asset, amount: (prev?.amount ?? 0n) + BigInt(r.amount) });
      }
      const money = (m: Map<string, { asset: AssetRef; amount: bigint }>): Money[] =>
        [...m.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, v]) => ({ asset: v.asset, amount: v.amount.toString(), amountDisplay: formatUnits(v.amount, v.asset.decimals) }));
      const entries: (ConvergenceEntry & { weight: bigint })[] = [];
      for (const acc of byAddress.values()) {
        const totals = new Map<string, { asset: AssetRef; amount: bigint }>();
        const cases: ConvergenceCase[] = [];
        const victimSet = new Set<string>();
        let first = Infinity;
        let last = -Infinity;
        for (const [reference, c] of [...acc.cases.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          for (const [k, v] of c.amounts) {
            const prev = totals.get(k);
            totals.set(k, { asset: v.asset, amount: (prev?.amount ?? 0n) + v.amount });
          }
          const vs = victims.get(`${acc.chain}|${acc.address}|${reference}`) ?? [];
          for (const v of vs) victimSet.add(`${reference}\u0000${v}`);
          first = Math.min(first, c.first);
          last = Math.max(last, c.last);
          cases.push({ reference, victims: vs, amounts: money(c.amounts), firstSeen: isoOf(c.first), lastSeen: isoOf(c.last), roles: [...c.roles].sort(), hops: c.hops });
        }
        // Ranking weight: the amounts in display units, summed exactly across assets (assets are not priced).
        const weight = [...totals.values()].reduce((s, v) => s + v.amount * 10n ** BigInt(77 - v.asset.decimals), 0n);
        entries.push({
          rank: 0,
          chain: acc.chain,
          address: formatAddress(acc.chain, acc.address),
          roles: [...acc.roles].sort(),
          ...(acc.entity ? { entity: acc.entity } : {}),
          ...(acc.category ? { category: acc.category } : {}),
          caseCount: cases.length,
          victimCount: victimSet.size,
          totals: money(totals),
          firstSeen: isoOf(first),
          lastSeen: isoOf(last),
          cases,
          weight,
        });
      }
      entries.sort(
        (a, b) =>
          b.victimCount - a.victimCount ||
          b.caseCount - a.caseCount ||
          (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : 0) ||
          (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0) ||
          (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
      );
      const ranked = entries.map(({ weight: _weight, ...e }, i) => ({ ...e, rank: i + 1 }));
      return options.limit !== undefined ? ranked.slice(0, options.limit) : ranked;
    },

    async stats(options = {}) {
      abortable(options.signal, 'stats');
      const count = async (table: string) => Number((await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0);
      const version = await db.all<{ v: number }>('SELECT MAX(version) AS v FROM schema_versions');
      return {
        cases: await count('cases'),
        victims: await count('victims'),
        payments: await count('payments'),
        traces: await count('traces'),
        reachedAddresses: await count('trace_addresses'),
        sizeBytes: await db.sizeBytes(),
        schemaVersion: Number(version[0]?.v ?? 0),
      };
    },

    close: () => db.close(),
  };
  return store;
}
