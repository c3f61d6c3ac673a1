import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { MissingTableError } from './errors.js';
import { WAREHOUSE_TABLES, type Dialect, type RenderedQuery, type WarehouseTable } from './query.js';
import { bind, createDuckDbConnection, readRows, wrap, type DuckDbConnection } from './duckdb/connection.js';
import { commonFolder, discoverTables, type DuckDbWarehouseOptions, type TableSource } from './duckdb/tables.js';
import { createView, ident, ROW_LOCATOR } from './duckdb/views.js';

export { discoverTables, type DuckDbWarehouseOptions, type TableFormat } from './duckdb/tables.js';

/**
 * The DuckDB flavour of the warehouse SQL: tables are normalized views (text wei, block_timestamp as a UTC
 * TIMESTAMPTZ). The window compares block_timestamp itself with a constant, as BigQuery's does, so that DuckDB
 * pushes it into the Parquet scan. Frontier membership `IN (SELECT UNNEST(list))` is planned as a hash (mark/semi)
 * join on the list, not as an expression per element.
 */
export const duckDbDialect: Dialect = {
  name: 'duckdb',
  table: (name) => ident(`ct_${name}`),
  param: (name) => `$${name}`,
  inArray: (column, param) => `${column} IN (SELECT UNNEST($${param}))`,
  timeAtLeast: (column, param) => `${column} >= to_timestamp($${param})`,
  timeAtMost: (column, param) => `${column} <= to_timestamp($${param})`,
  epochSeconds: (column) => `(epoch_ms(${column}) // 1000)`,
  integerText: (column) => `trim(${column})`,
  positive: (column) => `ltrim(trim(${column}), '0') <> ''`,
  nullText: () => 'CAST(NULL AS VARCHAR)',
  nullInteger: () => 'CAST(NULL AS BIGINT)',
  intText: (column) => `CAST(${column} AS VARCHAR)`,
};

/** Embedded DuckDB over blockchain-etl exports (Parquet, CSV, newline-delimited JSON). */
export function createDuckDbWarehouse(options: DuckDbWarehouseOptions): WarehouseEngine {
  const sources = discoverTables(options);
  if (sources.size === 0) {
    throw new InvalidInputError(
      `No blockchain-etl table found${options.dir !== undefined ? ` in ${options.dir}` : ''}: expected token_transfers, transactions, traces or tokens as .parquet, .csv or .json files or folders`,
      { details: { dir: options.dir, tables: WAREHOUSE_TABLES } },
    );
  }
  const db = createDuckDbConnection(options.settings);
  const endpoint = `duckdb:${options.dir ?? commonFolder([...sources.values()].map((s) => s.path))}`;
  const stats: WarehouseQueryStats = { queries: 0, rowsReturned: 0, bytesProcessed: 0, queryMs: 0 };
  const views = new Map<WarehouseTable, Promise<void>>();
  // Tables whose view has the row locator (Parquet): set once the view exists, so a query only names it then.
  const locators = new Map<WarehouseTable, readonly string[]>();
  const dialect: Dialect = { ...duckDbDialect, rowLocator: (table) => locators.get(table) };

  const view = async (connection: DuckDBConnection, source: TableSource) => {
    if (await createView(connection, source, options.lateMaterialization)) locators.set(source.table, ROW_LOCATOR);
  };

  function ensure(table: WarehouseTable): Promise<void> {
    const source = sources.get(table);
    if (!source) {
      return Promise.reject(
        new MissingTableError(
          `Table ${table} is needed but ${options.dir !== undefined ? `${options.dir} has no ${table}.parquet/.csv/.json file or ${table}/ folder` : 'was not given'}`,
          { details: { table, dir: options.dir, found: [...sources.keys()] } },
        ),
      );
    }
    let ready = views.get(table);
    if (!ready) {
      ready = db.serial(async () => view((await db.open()).connection, source));
      views.set(table, ready);
      ready.catch(() => views.delete(table));
    }
    return ready;
  }

  return {
    kind: 'duckdb',
    endpoint,
    dialect,
    async hasTable(table) {
      if (!sources.has(table)) return false;
      // Preparing the view now lets the first query already read by row locator; a table that cannot be read
      // fails the query that needs it (ensure tries again then), not this question.
      await ensure(table).catch(() => undefined);
      return true;
    },
    async query(query, signal) {
      signal?.throwIfAborted();
      for (const table of query.tables) await ensure(table);
      return runQuery(db, query, stats, signal);
    },
    stats: () => ({ ...stats }),
    close: () => db.close(),
  };
}

/** One query, after the ones queued before it; figures counted, a failure a WarehouseQueryError naming its purpose. */
async function runQuery(
  db: DuckDbConnection,
  query: RenderedQuery,
  stats: WarehouseQueryStats,
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>[]> {
  const { values, types } = bind((await db.open()).duck, query);
  return db.serial(async () => {
    signal?.throwIfAborted();
    const started = performance.now();
    try {
      const rows = await readRows((await db.open()).connection, query, values, types);
      stats.queries++;
      stats.rowsReturned += rows.length;
      return rows;
    } catch (error) {
      return wrap(error, `${query.purpose} query`, { purpose: query.purpose, tables: query.tables });
    } finally {
      stats.queryMs += performance.now() - started;
    }
  });
}
