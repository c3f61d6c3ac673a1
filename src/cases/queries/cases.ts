/** SQL of the `cases` table: one case by reference, the list with counts, creating and updating cases. */
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { CaseRecord, CaseSummary } from '../records.js';
import type { CaseFields, Payment } from '../schema.js';
import type { SqlDriver, SqlExecutor } from '../sql.js';
import { nowIso } from './statements.js';

export interface CaseRow {
  id: number;
  reference: string;
  jurisdiction: string | null;
  opened: string | null;
  notes: string | null;
  created_at: string;
}

const caseOf = (r: CaseRow): CaseRecord => ({
  id: Number(r.id),
  reference: r.reference,
  ...(r.jurisdiction ? { jurisdiction: r.jurisdiction } : {}),
  ...(r.opened ? { opened: r.opened } : {}),
  ...(r.notes ? { notes: r.notes } : {}),
  createdAt: r.created_at,
});

const caseRow = async (ex: SqlExecutor, reference: string): Promise<CaseRow | undefined> =>
  (await ex.all<CaseRow>('SELECT id, reference, jurisdiction, opened, notes, created_at FROM cases WHERE reference = ?', [reference]))[0];

/** The case with this reference, if stored. */
export async function selectCase(ex: SqlExecutor, reference: string): Promise<CaseRecord | undefined> {
  const row = await caseRow(ex, reference);
  return row ? caseOf(row) : undefined;
}

/** The case with this reference; NotFoundError naming the reference and the store when there is none. */
export async function requireCase(db: SqlDriver, reference: string): Promise<CaseRecord> {
  const found = await selectCase(db, reference);
  if (!found) throw new NotFoundError(`No case "${reference}" in the case database`, { details: { reference, location: db.location } });
  return found;
}

/** Stores a validated case; an existing one is an error, kept as it is, or has the given fields filled in (`ifExists`). */
export async function saveCase(db: SqlDriver, c: CaseFields, ifExists: 'error' | 'keep' | 'update'): Promise<CaseRecord> {
  return db.transaction(async (tx) => {
    const existing = await selectCase(tx, c.reference);
    if (existing) {
      if (ifExists === 'error') throw new InvalidInputError(`Case "${c.reference}" already exists`, { details: { reference: c.reference } });
      if (ifExists === 'update') {
        await tx.run('UPDATE cases SET jurisdiction = COALESCE(?, jurisdiction), opened = COALESCE(?, opened), notes = COALESCE(?, notes) WHERE id = ?', [
          c.jurisdiction ?? null,
          c.opened ?? null,
          c.notes ?? null,
          existing.id,
        ]);
        return (await selectCase(tx, c.reference))!;
      }
      return existing;
    }
    await tx.run('INSERT INTO cases (reference, jurisdiction, opened, notes, created_at) VALUES (?, ?, ?, ?, ?)', [
      c.reference,
      c.jurisdiction ?? null,
      c.opened ?? null,
      c.notes ?? null,
      nowIso(),
    ]);
    return (await selectCase(tx, c.reference))!;
  });
}

/** Every case by reference, with its counts of victims, payments and traces and its latest trace's time. */
export async function listCases(db: SqlExecutor): Promise<CaseSummary[]> {
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
}

/**
 * The cases of a batch of payments, created on first sight; a jurisdiction fills an empty one and never overwrites.
 * Resolves to their ids by reference and how many were created.
 */
export async function ensureCases(tx: SqlExecutor, batch: readonly Payment[]): Promise<{ ids: Map<string, number>; created: number }> {
  let created = 0;
  const ids = new Map<string, number>();
  for (const [reference, jurisdiction] of new Map(batch.map((p) => [p.caseReference, p.jurisdiction]))) {
    created += await tx.run('INSERT INTO cases (reference, jurisdiction, created_at) VALUES (?, ?, ?) ON CONFLICT (reference) DO NOTHING', [
      reference,
      jurisdiction ?? null,
      nowIso(),
    ]);
    if (jurisdiction) await tx.run('UPDATE cases SET jurisdiction = ? WHERE reference = ? AND jurisdiction IS NULL', [jurisdiction, reference]);
    ids.set(reference, (await selectCase(tx, reference))!.id);
  }
  return { ids, created };
}
