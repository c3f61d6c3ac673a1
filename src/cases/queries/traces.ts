/** SQL of the `traces`, `trace_addresses` and `trace_address_payments` tables: saving a trace, reading the latest ones. */
import { parseInput } from '../../core/parse.js';
import { TraceReportSchema, type TraceReport } from '../../core/schema.js';
import { ReportTooLargeError, withinStringLimit } from '../../core/errors.js';
import { CaseStoreError } from '../errors.js';
import type { SaveTraceInput, StoredTrace } from '../records.js';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql.js';
import { insertMany, nowIso } from './statements.js';

interface TraceRow {
  id: number;
  reference: string;
  created_at: string;
  options: string;
  report: string;
  sources: string;
  complete: number;
}

/** A stored trace, its report checked against the report schema (a damaged one is a CaseStoreError, never half-read). */
function traceOf(r: TraceRow): StoredTrace {
  const report = parseInput(TraceReportSchema, JSON.parse(r.report), `Stored trace ${r.id} of case ${r.reference} is not a valid report`, {
    details: { trace: r.id },
    error: (message, details) => new CaseStoreError(message, { details }),
  });
  return {
    id: Number(r.id),
    caseReference: r.reference,
    createdAt: r.created_at,
    options: JSON.parse(r.options),
    report,
    sources: JSON.parse(r.sources),
    complete: Number(r.complete) === 1,
  };
}

const TRACE_SELECT = 'SELECT t.id, c.reference, t.created_at, t.options, t.report, t.sources, t.complete FROM traces t JOIN cases c ON c.id = t.case_id';

/** The case's latest trace, if it has one. */
export async function latestTrace(db: SqlExecutor, caseId: number): Promise<StoredTrace | undefined> {
  const rows = await db.all<TraceRow>(`${TRACE_SELECT} WHERE t.case_id = ? ORDER BY t.id DESC LIMIT 1`, [caseId]);
  return rows[0] ? traceOf(rows[0]) : undefined;
}

/** The latest trace of every case that has one, by case reference. */
export async function latestTraces(db: SqlExecutor): Promise<StoredTrace[]> {
  const rows = await db.all<TraceRow>(`${TRACE_SELECT} WHERE t.id IN (SELECT MAX(id) FROM traces GROUP BY case_id) ORDER BY c.reference`);
  return rows.map(traceOf);
}

/**
 * Stores a trace, the addresses it reached and which of the case's payments reach each (`paymentIds` by
 * `chain|key`), in one transaction; resolves to the trace id.
 */
export async function insertTrace(db: SqlDriver, caseId: number, paymentIds: ReadonlyMap<string, number>, trace: SaveTraceInput): Promise<number> {
  return db.transaction(async (tx) => {
    const created = await tx.all<{ id: number }>(
      'INSERT INTO traces (case_id, options, report, sources, complete, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      [caseId, JSON.stringify(trace.options ?? {}), reportText(trace.report), JSON.stringify(trace.report.sources), trace.report.complete ? 1 : 0, nowIso()],
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
}

/** A report as the traces table keeps it: one JSON value, which a trace of millions of transfers can be too large for. */
function reportText(report: TraceReport): string {
  return withinStringLimit(
    () => JSON.stringify(report),
    (cause) =>
      new ReportTooLargeError(
        `The report of this trace (${report.endpoints.length.toLocaleString('en-US')} endpoints) is larger than one JavaScript string can be (about 512 MB), and the case database keeps a trace's report as one value: nothing was stored; narrow the trace (hops, address budget, minimum value), or trace it with chaintrail trace --format json or summary, which are written in pieces`,
        { details: { endpoints: report.endpoints.length }, cause },
      ),
  );
}
