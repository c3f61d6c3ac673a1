import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError, MissingDependencyError } from '../../../core/errors.js';
import { importOptional } from '../../../core/optional.js';
import { WarehouseQueryError } from '../errors.js';
import type { RenderedQuery } from '../query.js';

export type DuckDb = typeof import('@duckdb/node-api');

/** One in-memory DuckDB, opened on first use; one connection answers one statement at a time, so work queues. */
export interface DuckDbConnection {
  open(): Promise<{ duck: DuckDb; instance: DuckDBInstance; connection: DuckDBConnection }>;
  serial<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createDuckDbConnection(settings: Record<string, string> | undefined): DuckDbConnection {
  // Opened on the first query: creating the engine stays synchronous (the CLI builds sources before running), and
  // DuckDB (an optional package) is loaded only then.
  let opened: Promise<{ duck: DuckDb; instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  // One connection answers one statement at a time: calls queue.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    open: () =>
      (opened ??= (async () => {
        const duck = await importOptional('@duckdb/node-api', () => import('@duckdb/node-api'));
        const instance = await duck.DuckDBInstance.create(':memory:', { ...(settings ?? {}) });
        return { duck, instance, connection: await instance.connect() };
      })()),
    serial: <T>(work: () => Promise<T>): Promise<T> => {
      const next = queue.then(work, work);
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      if (!opened) return;
      const pending = opened;
      opened = undefined;
      const open = await pending.catch(() => undefined);
      if (!open) return;
      const { instance, connection } = open;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A DuckDB failure as a WarehouseQueryError naming what failed (its first line only); ours pass through. */
export function wrap(error: unknown, what: string, details: Record<string, unknown>): never {
  if (error instanceof InvalidInputError || error instanceof MissingDependencyError) throw error;
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  throw new WarehouseQueryError(`DuckDB ${what} failed: ${message}`, { details: { engine: 'duckdb', ...details }, cause: error });
}

/** A query's parameters as DuckDB values and types (INT64 as BIGINT, text as VARCHAR, lists of either). */
export function bind(
  { BIGINT, LIST, VARCHAR, listValue }: DuckDb,
  query: RenderedQuery,
): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const p of query.params) {
    if (p.array) {
      values[p.name] = listValue((p.value as (string | number)[]).map((v) => (p.type === 'INT64' ? BigInt(v) : String(v))));
      types[p.name] = LIST(p.type === 'INT64' ? BIGINT : VARCHAR);
    } else {
      values[p.name] = p.type === 'INT64' ? BigInt(p.value as number) : String(p.value);
      types[p.name] = p.type === 'INT64' ? BIGINT : VARCHAR;
    }
  }
  return { values, types };
}

/**
 * One query's rows. Text-only rows come over as JSON texts of up to 50,000 rows each (far below a JavaScript
 * string's limit): DuckDB's value-by-value hand-over costs about a microsecond per value, a fifth of a second for a
 * hop's 20,000 rows; the JSON, 40 ms.
 */
export async function readRows(
  connection: DuckDBConnection,
  query: RenderedQuery,
  values: Record<string, DuckDBValue>,
  types: Record<string, DuckDBType>,
): Promise<Record<string, unknown>[]> {
  const sql = query.textRows
    ? `SELECT CAST(to_json(list(q.r)) AS VARCHAR) AS rows FROM (SELECT r, (row_number() OVER () - 1) // 50000 AS chunk FROM (${query.sql}) AS r) AS q GROUP BY q.chunk`
    : query.sql;
  const reader = await connection.runAndReadAll(sql, values, types);
  return query.textRows
    ? (reader.getColumnsJS()[0] ?? []).flatMap((text) => JSON.parse(String(text)) as Record<string, unknown>[])
    : (reader.getRowObjectsJS() as Record<string, unknown>[]);
}
