import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { csvParser } from '../core/lazy.js';
import { assetKey } from '../core/asset.js';
import { InvalidInputError } from '../core/errors.js';
import { ComplaintImportError, type RowIssue } from './errors.js';
import { COMPLAINT_COLUMNS, ComplaintRowSchema, type ComplaintRow, type Payment } from './schema.js';
import type { CaseStore, InsertPaymentsOptions } from './store.js';

/** The formats a complaint file can be read in: CSV, JSON (an array of rows or `{ "payments": [...] }`) or JSON Lines. */
export type ComplaintFormat = 'csv' | 'json' | 'jsonl';

/** A record of a complaint file and the line it starts on. */
export interface ComplaintRecord {
  line: number;
  record: unknown;
}

/** Options of `importComplaints`: the store's insert options plus the file format (default: from the extension). */
export interface ImportOptions extends InsertPaymentsOptions {
  /** Default: from the file extension (.csv, .json, .jsonl/.ndjson). */
  format?: ComplaintFormat;
}

/** What an import (`importComplaints`, `addPayments`) did: rows read, payments stored, duplicates, cases and transactions. */
export interface ImportResult {
  file: string;
  /** Rows read (payments as reported, duplicates included). */
  rows: number;
  /** Distinct payments in the input. */
  payments: number;
  /** Newly stored. */
  inserted: number;
  /** Rows that repeat a payment of the same input. */
  duplicatesInFile: number;
  /** Payments of the input already in the store (an earlier import, or an interrupted run of this one). */
  alreadyStored: number;
  /** duplicatesInFile + alreadyStored. */
  duplicates: number;
  casesCreated: number;
  /** Cases the input names. */
  cases: number;
  transactions: number;
}

function formatOf(file: string): ComplaintFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'csv';
}

/** CSV with a header of COMPLAINT_COLUMNS (any order, optional ones may be left out). */
export function parseComplaintCsv(text: string, file: string): { records: ComplaintRecord[]; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = csvParser().parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as unknown as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { records: [], issues: [{ file, line, field: '(file)', message: `not readable as CSV: ${(error as Error).message}` }] };
  }
  const [head, ...body] = parsed;
  if (!head) return { records: [], issues: [{ file, line: 1, field: '(header)', message: 'empty file: expected a header line' }] };
  const header = head.record.map((h) => h.trim().toLowerCase());
  const known = new Set<string>(COMPLAINT_COLUMNS);
  for (const h of header)
    if (!known.has(h)) issues.push({ file, line: head.info.lines, field: h || '(empty)', message: `unknown column: expected ${COMPLAINT_COLUMNS.join(', ')}` });
  for (const required of ['case_ref', 'victim_id', 'chain', 'asset', 'time']) {
    if (!header.includes(required)) issues.push({ file, line: head.info.lines, field: required, message: 'required column missing' });
  }
  if (new Set(header).size !== header.length) issues.push({ file, line: head.info.lines, field: '(header)', message: 'a column appears twice' });
  if (issues.length > 0) return { records: [], issues };
  const records: ComplaintRecord[] = [];
  for (const { record, info } of body) {
    const line = info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== header.length) {
      issues.push({ file, line, field: '(row)', message: `expected ${header.length} fields, found ${record.length}` });
      continue;
    }
    records.push({ line, record: Object.fromEntries(header.map((h, i) => [h, record[i]])) });
  }
  return { records, issues };
}

/** Start line of each element of the top-level array (or of the `payments` array of a top-level object). */
function elementLines(text: string, depthOfElements: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    const atElement = depth === depthOfElements && !/[\s,\]}]/.test(c);
    if (atElement) lines.push(line);
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (atElement) while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1]!)) i++;
  }
  return lines;
}

/** A JSON array of rows, or `{ "payments": [...] }`; lines are where each row object starts. */
export function parseComplaintJson(text: string, file: string): { records: ComplaintRecord[]; issues: RowIssue[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { records: [], issues: [{ file, line: 1, field: '(file)', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const wrapped = !Array.isArray(raw) && typeof raw === 'object' && raw !== null && Array.isArray((raw as { payments?: unknown }).payments);
  const rows = Array.isArray(raw) ? raw : wrapped ? (raw as { payments: unknown[] }).payments : undefined;
  if (!rows) return { records: [], issues: [{ file, line: 1, field: '(file)', message: 'expected an array of payment rows or {"payments": [...]}' }] };
  const lines = elementLines(text, wrapped ? 2 : 1);
  return { records: rows.map((record, i) => ({ line: lines[i] ?? 1, record })), issues: [] };
}

/** JSON Lines: one row object per line. */
export function parseComplaintJsonLines(text: string, file: string): { records: ComplaintRecord[]; issues: RowIssue[] } {
  const records: ComplaintRecord[] = [];
  const issues: RowIssue[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.trim()) return;
    try {
      records.push({ line: i + 1, record: JSON.parse(l) });
    } catch (error) {
      issues.push({ file, line: i + 1, field: '(row)', message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return { records, issues };
}

export interface ValidatedComplaints {
  /** Distinct payments, in input order (the first report of each). */
  payments: Payment[];
  duplicatesInFile: number;
  issues: RowIssue[];
}

const samePayment = (a: Payment, b: Payment) =>
  a.caseReference === b.caseReference && a.victim === b.victim && a.amount === b.amount && assetKey(a.asset) === assetKey(b.asset);

/**
 * Validates every record (zod), finds the same payment reported twice (one payment; counted) and contradictions: the
 * same transaction with another case, victim or amount, or one case with two jurisdictions (errors naming both lines).
 */
export function validateComplaints(records: readonly ComplaintRecord[], file: string): ValidatedComplaints {
  const issues: RowIssue[] = [];
  const payments: Payment[] = [];
  const byKey = new Map<string, { payment: Payment; line: number }>();
  const jurisdictions = new Map<string, { jurisdiction: string; line: number }>();
  let duplicatesInFile = 0;
  for (const { line, record } of records) {
    const parsed = ComplaintRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ file, line, field: issue.path.length ? issue.path.map(String).join('.') : '(row)', message: issue.message });
      continue;
    }
    const payment: Payment = { ...parsed.data, source: `${basename(file)}:${line}` };
    if (payment.jurisdiction) {
      const seen = jurisdictions.get(payment.caseReference);
      if (seen && seen.jurisdiction !== payment.jurisdiction) {
        issues.push({ file, line, field: 'jurisdiction', message: `case ${payment.caseReference} has jurisdiction ${seen.jurisdiction} on line ${seen.line}` });
        continue;
      }
      if (!seen) jurisdictions.set(payment.caseReference, { jurisdiction: payment.jurisdiction, line });
    }
    const k = `${payment.chain}|${payment.key}`;
    const first = byKey.get(k);
    if (first) {
      if (samePayment(first.payment, payment)) duplicatesInFile++;
      else {
        issues.push({
          file,
          line,
          field: payment.tx ? 'tx_hash' : 'address',
          message: `the same payment as line ${first.line} (case ${first.payment.caseReference}, victim ${first.payment.victim}, ${first.payment.amount} base units) reported with another case, victim, asset or amount`,
        });
      }
      continue;
    }
    byKey.set(k, { payment, line });
    payments.push(payment);
  }
  return { payments, duplicatesInFile, issues: issues.sort((a, b) => a.line - b.line) };
}

/** Checks validated payments against the store: a payment stored with another case/victim/amount, a case with another jurisdiction. */
async function storeConflicts(
  store: CaseStore,
  payments: readonly Payment[],
  file: string,
  signal?: AbortSignal,
): Promise<{ issues: RowIssue[]; alreadyStored: number }> {
  const issues: RowIssue[] = [];
  const lineOf = (p: Payment) => Number(p.source?.slice(p.source.lastIndexOf(':') + 1) ?? 0);
  const stored = new Map(
    (
      await store.findPayments(
        payments.map((p) => ({ chain: p.chain, key: p.key })),
        { signal },
      )
    ).map((p) => [`${p.chain}|${p.key}`, p]),
  );
  let alreadyStored = 0;
  for (const p of payments) {
    const s = stored.get(`${p.chain}|${p.key}`);
    if (!s) continue;
    if (samePayment(s, p)) alreadyStored++;
    else {
      issues.push({
        file,
        line: lineOf(p),
        field: p.tx ? 'tx_hash' : 'address',
        message: `this payment is already stored for case ${s.caseReference}, victim ${s.victim} (${s.amount} base units${s.source ? `, from ${s.source}` : ''})`,
      });
    }
  }
  const firstByCase = new Map<string, Payment>();
  for (const p of payments) if (p.jurisdiction && !firstByCase.has(p.caseReference)) firstByCase.set(p.caseReference, p);
  for (const [reference, p] of firstByCase) {
    const existing = await store.getCase(reference, signal ? { signal } : {});
    if (existing?.jurisdiction && existing.jurisdiction !== p.jurisdiction) {
      issues.push({ file, line: lineOf(p), field: 'jurisdiction', message: `case ${reference} is stored with jurisdiction ${existing.jurisdiction}` });
    }
  }
  return { issues, alreadyStored };
}

/**
 * Validates every record, then writes in transactions of whole cases. Any invalid row: ComplaintImportError listing
 * every problem (file, line, field) and nothing written. Killed mid-way: the committed transactions stay, and running
 * the same import again stores the rest (payments already stored are recognised by their key and skipped).
 */
export async function importRecords(
  store: CaseStore,
  records: readonly ComplaintRecord[],
  file: string,
  options: InsertPaymentsOptions = {},
): Promise<ImportResult> {
  const validated = validateComplaints(records, file);
  if (validated.issues.length > 0) throw new ComplaintImportError(validated.issues);
  const conflicts = await storeConflicts(store, validated.payments, file, options.signal);
  if (conflicts.issues.length > 0) throw new ComplaintImportError(conflicts.issues);
  const written = await store.insertPayments(validated.payments, options);
  const alreadyStored = validated.payments.length - written.inserted;
  return {
    file,
    rows: records.length,
    payments: validated.payments.length,
    inserted: written.inserted,
    duplicatesInFile: validated.duplicatesInFile,
    alreadyStored,
    duplicates: validated.duplicatesInFile + alreadyStored,
    casesCreated: written.casesCreated,
    cases: new Set(validated.payments.map((p) => p.caseReference)).size,
    transactions: written.transactions,
  };
}

/** Imports a complaint file (CSV, JSON or JSON Lines; see ComplaintRowSchema for the columns). */
export async function importComplaints(store: CaseStore, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  options.signal?.throwIfAborted();
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new InvalidInputError(`Cannot read complaint file ${file}: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const format = options.format ?? formatOf(file);
  const { records, issues } =
    format === 'json' ? parseComplaintJson(text, file) : format === 'jsonl' ? parseComplaintJsonLines(text, file) : parseComplaintCsv(text, file);
  if (issues.length > 0) throw new ComplaintImportError(issues);
  return importRecords(store, records, file, options);
}

/** Library form of an import: rows as objects (the columns of a complaint file); errors name `source` and the row number. */
export async function addPayments(
  store: CaseStore,
  rows: readonly ComplaintRow[],
  options: InsertPaymentsOptions & { source?: string } = {},
): Promise<ImportResult> {
  return importRecords(
    store,
    rows.map((record, i) => ({ line: i + 1, record })),
    options.source ?? 'payments',
    options,
  );
}
