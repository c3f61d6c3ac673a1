/**
 * What the query files share: statements over many rows cut into chunks (well under both engines' bound-parameter
 * limits), `?` lists, the cancellation check between statements and the timestamp of a new row.
 */
import { TraceAbortedError } from '../../core/errors.js';
import type { SqlExecutor, SqlValue } from '../sql.js';

/** Rows per multi-row INSERT statement, values per IN list. */
export const ROWS_PER_STATEMENT = 400;

/** `?, ?, …`: n placeholders. */
export const placeholders = (n: number): string => new Array(n).fill('?').join(', ');

/** The items in consecutive slices of at most `size`. */
export function* chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** `head VALUES (?, …), (?, …)…tail` in chunks; resolves to the rows changed. */
export async function insertMany(tx: SqlExecutor, head: string, columns: number, rows: SqlValue[][], tail = ''): Promise<number> {
  let changed = 0;
  const tuple = `(${placeholders(columns)})`;
  for (const chunk of chunks(rows)) changed += await tx.run(`${head} VALUES ${chunk.map(() => tuple).join(', ')}${tail}`, chunk.flat());
  return changed;
}

/** Throws TraceAbortedError (`<what> aborted`) when the signal has fired. */
export const abortable = (signal: AbortSignal | undefined, what: string): void => {
  if (signal?.aborted) throw new TraceAbortedError(`${what} aborted`, { details: { reason: String(signal.reason ?? 'aborted') } });
};

/** `created_at` of a new row. */
export const nowIso = (): string => new Date().toISOString();
