import type { Pool, PoolClient, QueryResult } from 'pg';
import { importOptional } from '../core/optional.js';
import { CaseStoreError } from './errors.js';
import { numberedPlaceholders, type SqlDriver, type SqlExecutor, type SqlValue } from './sql.js';

/** A connection URL without its password, for messages and reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

const INT8 = 20;

/**
 * PostgreSQL through node-postgres (`pg`): a small pool; a transaction takes one client for its whole life.
 * BIGINT columns (ids, counts, unix times) come back as numbers (they stay far below 2^53); NUMERIC amounts stay
 * decimal strings, exact.
 */
export async function openPostgresDriver(url: string, options: { max?: number } = {}): Promise<SqlDriver> {
  const pg = (await importOptional('pg', () => import('pg'))).default as unknown as typeof import('pg');
  const location = redactUrl(url);
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8 ? (value: string) => Number(value) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
  };
  const pool: Pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, types: types as never });
  // An idle client losing its connection must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  const fail = (sql: string, error: unknown): never => {
    throw new CaseStoreError(`Case database error: ${(error as Error).message}`, { cause: error, details: { location, statement: sql.slice(0, 200) } });
  };
  const executorOf = (target: Pool | PoolClient): SqlExecutor => ({
    dialect: 'postgres',
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      try {
        const result: QueryResult = await target.query(numberedPlaceholders(sql), params as SqlValue[]);
        return result.rows as T[];
      } catch (error) {
        return fail(sql, error);
      }
    },
    async run(sql, params = []) {
      try {
        const result = await target.query(numberedPlaceholders(sql), params as SqlValue[]);
        return result.rowCount ?? 0;
      } catch (error) {
        return fail(sql, error);
      }
    },
    async exec(sql) {
      try {
        await target.query(sql);
      } catch (error) {
        fail(sql, error);
      }
    },
  });
  const base = executorOf(pool);
  try {
    await base.all('SELECT 1 AS ok');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CaseStoreError(`Cannot connect to the case database ${location}: ${((error as CaseStoreError).cause as Error)?.message ?? ''}`, {
      cause: error,
      details: { location },
    });
  }
  return {
    ...base,
    location,
    async transaction(fn) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        return fail('connect', error);
      }
      const tx = executorOf(client);
      try {
        await tx.exec('BEGIN');
        const result = await fn(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async sizeBytes() {
      const rows = await base.all<{ bytes: string | number | null }>(
        'SELECT SUM(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace ' +
          "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname IN ('cases', 'victims', 'payments', 'traces', 'trace_addresses', 'trace_address_payments', 'schema_versions')",
      );
      return Number(rows[0]?.bytes ?? 0);
    },
    async close() {
      await pool.end();
    },
  };
}
