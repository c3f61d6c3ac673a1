import type { Dialect, RenderedQuery, WarehouseTable } from './query.js';

/** A warehouse engine's running totals: queries, rows returned, bytes processed and time spent. */
export interface WarehouseQueryStats {
  /** Queries run (dry runs not counted). */
  queries: number;
  /** Rows the queries returned. */
  rowsReturned: number;
  /** Bytes the engine reports it processed (BigQuery), or 0. */
  bytesProcessed: number;
  /** Milliseconds spent in queries. */
  queryMs: number;
}

/** What the warehouse adapter needs from an engine: a dialect, which tables exist, and running a rendered query. */
export interface WarehouseEngine {
  readonly kind: 'duckdb' | 'bigquery';
  /** Where the data is, safe to print (a directory, a project.dataset; never a credential). */
  readonly endpoint: string;
  readonly dialect: Dialect;
  /** Whether a blockchain-etl table is available to query. */
  hasTable(table: WarehouseTable): Promise<boolean>;
  /** Runs a query; rows as plain objects keyed by column name (values are strings, numbers, bigints or null). */
  query(query: RenderedQuery, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  stats(): WarehouseQueryStats;
  close(): Promise<void>;
}
