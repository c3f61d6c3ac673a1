// `chaintrail/warehouse`: blockchain-etl tables through DuckDB (embedded, over Parquet/CSV/JSON exports) and BigQuery.
// Re-exports only. Each engine loads its optional package (@duckdb/node-api, @google-cloud/bigquery) on first use.
export { createWarehouseAdapter, WarehouseAdapterOptionsSchema, type WarehouseAdapter, type WarehouseAdapterOptions } from './adapters/warehouse/adapter.js';
export { createDuckDbWarehouse, discoverTables, duckDbDialect, type DuckDbWarehouseOptions, type TableFormat } from './adapters/warehouse/duckdb.js';
export {
  createBigQueryWarehouse,
  bigQueryDialect,
  publicDataset,
  DEFAULT_MAXIMUM_BYTES_BILLED,
  BigQueryWarehouseOptionsSchema,
  type BigQueryWarehouseOptions,
} from './adapters/warehouse/bigquery.js';
export {
  buildTransfersQuery,
  buildTransactionQuery,
  buildTokensQuery,
  WAREHOUSE_TABLES,
  MOVEMENT_COLUMNS,
  type Dialect as WarehouseDialect,
  type WarehouseTable,
  type RenderedQuery,
  type QueryParam,
  type TransfersSpec,
} from './adapters/warehouse/query.js';
export type { WarehouseEngine, WarehouseQueryStats } from './adapters/warehouse/engine.js';
export { MissingTableError, TableShapeError, WarehouseQueryError, QueryCostError } from './adapters/warehouse/errors.js';
