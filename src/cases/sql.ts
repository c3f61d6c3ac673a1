/**
 * The little SQL surface the case store needs, implemented once per engine (sqlite.ts, postgres.ts) so every query
 * in store.ts is written once. Queries use `?` placeholders (PostgreSQL's driver rewrites them to `$1…`); values are
 * always bound, never spliced into SQL text.
 */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;
/** The database engine a case store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** Runs parameterized SQL (`?` placeholders) on a case store's database, inside or outside a transaction. */
export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Rows of a SELECT (or of INSERT … RETURNING). */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** An open case store database (SQLite or PostgreSQL): an executor plus transactions, its location, size and close. */
export interface SqlDriver extends SqlExecutor {
  /** Where the store lives, for people: a file path or a redacted URL (never a password). */
  readonly location: string;
  /** All-or-nothing: the work commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Bytes the store's data takes (pages in use for SQLite, the tables with indexes and TOAST for PostgreSQL). */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/** `?` -> `$1`, `$2`, … (the store's SQL never holds a literal question mark). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
