/** SQL of the `traces`, `trace_report_parts`, `trace_addresses` and `trace_address_payments` tables: saving a trace, reading the latest ones. */
import { parseInput } from '../../core/parse.js';
import { TraceReportSchema, type TraceReport } from '../../core/schema.js';
import { StringDecoder } from 'node:string_decoder';
import { readJsonPieces } from '../../core/json-file.js';
import { reportJsonChunks } from '../../report/json-stream.js';
import { CaseStoreError } from '../errors.js';
import type { SaveTraceInput, StoredTrace } from '../records.js';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql.js';
import { insertMany, nowIso } from './statements.js';

interface TraceRow {
  id: number;
  reference: string;
  created_at: string;
  options: string;
  sources: string;
  complete: number;
}

/** Bytes of a report's JSON per stored part: far below what one value can be in either database, few rows a trace. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * A stored trace, its report read from its parts (never joined into one string: a big trace's is longer than one
 * can be) and checked against the report schema (a damaged one is a CaseStoreError, never half-read).
 */
async function traceOf(db: SqlExecutor, r: TraceRow): Promise<StoredTrace> {
  const what = `Stored trace ${r.id} of case ${r.reference} is not a valid report`;
  const parts = await db.all<{ text: string } | undefined>('SELECT text FROM trace_report_parts WHERE trace_id = ? ORDER BY part', [r.id]);
  // Each part let go once read.
  function* texts(): Generator<string, void, undefined> {
    for (let i = 0; i < parts.length; i++) {
      const text = parts[i]!.text;
      parts[i] = undefined;
      yield text;
    }
  }
  let raw: unknown;
  try {
    raw = readJsonPieces(texts());
  } catch (error) {
    throw new CaseStoreError(`${what}: ${(error as Error).message}`, { details: { trace: r.id }, cause: error });
  }
  const report = parseInput(TraceReportSchema, raw, what, {
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

const TRACE_SELECT = 'SELECT t.id, c.reference, t.created_at, t.options, t.sources, t.complete FROM traces t JOIN cases c ON c.id = t.case_id';

/** The case's latest trace, if it has one. */
export async function latestTrace(db: SqlExecutor, caseId: number): Promise<StoredTrace | undefined> {
  const rows = await db.all<TraceRow>(`${TRACE_SELECT} WHERE t.case_id = ? ORDER BY t.id DESC LIMIT 1`, [caseId]);
  return rows[0] ? traceOf(db, rows[0]) : undefined;
}

/** The latest trace of every case that has one, by case reference. */
export async function latestTraces(db: SqlExecutor): Promise<StoredTrace[]> {
  const rows = await db.all<TraceRow>(`${TRACE_SELECT} WHERE t.id IN (SELECT MAX(id) FROM traces GROUP BY case_id) ORDER BY c.reference`);
  const traces: StoredTrace[] = [];
  for (const row of rows) traces.push(await traceOf(db, row));
  return traces;
}

/**
 * Stores a trace, the addresses it reached and which of the case's payments reach each (`paymentIds` by
 * `chain|key`), in one transaction; resolves to the trace id.
 */
export async function insertTrace(db: SqlDriver, caseId: number, paymentIds: ReadonlyMap<string, number>, trace: SaveTraceInput): Promise<number> {
  return db.transaction(async (tx) => {
    const created = await tx.all<{ id: number }>(
      // (The report column of schema 1 and 2 stays empty: the report is in trace_report_parts.)
      "INSERT INTO traces (case_id, options, report, sources, complete, created_at) VALUES (?, ?, '', ?, ?, ?) RETURNING id",
      [caseId, JSON.stringify(trace.options ?? {}), JSON.stringify(trace.report.sources), trace.report.complete ? 1 : 0, nowIso()],
    );
    const traceId = Number(created[0]!.id);
    let part = 0;
    for (const text of reportParts(trace.report))
      await tx.run('INSERT INTO trace_report_parts (trace_id, part, text) VALUES (?, ?, ?)', [traceId, part++, text]);
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

/** The report's JSON (reportToJson's text) in parts of PART_BYTES, each cut between characters. */
function* reportParts(report: TraceReport): Generator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  for (const chunk of reportJsonChunks(report, { chunkBytes: PART_BYTES })) yield decoder.write(chunk);
  const rest = decoder.end();
  if (rest) yield rest;
}
