import { AdapterError, InvalidInputError } from '../../core/errors.js';

/** A blockchain-etl table the query needs is not there (no file or folder for it, no such BigQuery table). */
export class MissingTableError extends InvalidInputError {
  override name = 'MissingTableError';
  override readonly code = 'WAREHOUSE_MISSING_TABLE';
}

/** A table is there but a column is missing or has a type that cannot be read exactly (e.g. a value as DOUBLE). */
export class TableShapeError extends InvalidInputError {
  override name = 'TableShapeError';
  override readonly code = 'WAREHOUSE_TABLE_SHAPE';
}

/** The warehouse refused or failed a query (syntax, permissions, quota, a file it could not read). */
export class WarehouseQueryError extends AdapterError {
  override name = 'WarehouseQueryError';
  override readonly code: string = 'WAREHOUSE_QUERY';
}

/**
 * A query would scan (or did scan) more bytes than `maximumBytesBilled` allows: it was not run, nothing was billed.
 * `details.bytes` is the dry run's estimate, `details.limit` the guard.
 */
export class QueryCostError extends WarehouseQueryError {
  override name = 'QueryCostError';
  override readonly code = 'WAREHOUSE_QUERY_COST';
}
