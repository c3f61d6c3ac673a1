import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { importOptional } from '../core/optional.js';
import { CaseStoreError } from './errors.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';

/**
 * SQLite through better-sqlite3 (synchronous, in-process). WAL journal with synchronous=NORMAL: a committed
 * transaction survives the process being killed; nothing of an uncommitted one is visible afterwards.
 * One connection; a transaction holds it (other calls wait until it ends), so `await` inside a transaction is safe.
 */
export async function openSqliteDriver(path: string): Promise<SqlDriver> {
  const Database: typeof BetterSqlite3 = (await importOptional('better-sqlite3', () => import('better-sqlite3'))).default;
  let db: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
  } catch (error) {
    throw new CaseStoreError(`Cannot open the case database ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const wrap = <T>(sql: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw new CaseStoreError(`Case database error: ${(error as Error).message}`, { cause: error, details: { path, statement: sql.slice(0, 200) } });
    }
  };
  const executor: SqlExecutor = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return wrap(sql, () => {
        const s = prepare(sql);
        if (s.reader) return s.all(...params) as T[];
        s.run(...params);
        return [] as T[];
      });
    },
    async run(sql, params = []) {
      return wrap(sql, () => prepare(sql).run(...params).changes);
    },
    async exec(sql) {
      wrap(sql, () => db.exec(sql));
    },
  };
  // One operation at a time on the one connection: calls outside a transaction wait for it, never slip into it.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    dialect: 'sqlite',
    location: path,
    all: <T>(sql: string, params?: readonly SqlValue[]) => exclusive(() => executor.all<T>(sql, params)),
    run: (sql, params) => exclusive(() => executor.run(sql, params)),
    exec: (sql) => exclusive(() => executor.exec(sql)),
    transaction: (fn) =>
      exclusive(async () => {
        wrap('BEGIN IMMEDIATE', () => db.exec('BEGIN IMMEDIATE'));
        try {
          const result = await fn(executor);
          wrap('COMMIT', () => db.exec('COMMIT'));
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    // Pages in use (committed data, wherever it sits: main file or WAL), not the WAL's history of page copies.
    sizeBytes: () =>
      exclusive(async () => {
        const pages = db.pragma('page_count', { simple: true }) as number;
        const size = db.pragma('page_size', { simple: true }) as number;
        return pages * size;
      }),
    close: () =>
      exclusive(async () => {
        if (db.open) db.close();
      }),
  };
}
