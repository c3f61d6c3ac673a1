import type { DuckDBConnection } from '@duckdb/node-api';
import { TableShapeError } from '../errors.js';
import type { WarehouseTable } from '../query.js';
import { wrap } from './connection.js';
import type { TableSource } from './tables.js';

/** How each column the queries read is normalized in the view over a table. */
type ColumnKind = 'text' | 'wei' | 'int' | 'time' | 'trace_address' | 'list';
interface ColumnSpec {
  kind: ColumnKind;
  required: boolean;
}
const COLUMNS: Record<WarehouseTable, Record<string, ColumnSpec>> = {
  token_transfers: {
    token_address: { kind: 'text', required: true },
    from_address: { kind: 'text', required: true },
    to_address: { kind: 'text', required: true },
    value: { kind: 'wei', required: true },
    transaction_hash: { kind: 'text', required: true },
    log_index: { kind: 'int', required: true },
    block_number: { kind: 'int', required: true },
    block_timestamp: { kind: 'time', required: true },
  },
  transactions: {
    hash: { kind: 'text', required: true },
    transaction_index: { kind: 'int', required: true },
    from_address: { kind: 'text', required: true },
    to_address: { kind: 'text', required: true },
    value: { kind: 'wei', required: true },
    gas_price: { kind: 'wei', required: false },
    receipt_gas_used: { kind: 'wei', required: false },
    receipt_effective_gas_price: { kind: 'wei', required: false },
    receipt_contract_address: { kind: 'text', required: false },
    // Without it a failed transaction would look like a payment: exports without receipts are refused.
    receipt_status: { kind: 'int', required: true },
    block_number: { kind: 'int', required: true },
    block_timestamp: { kind: 'time', required: true },
  },
  traces: {
    transaction_hash: { kind: 'text', required: true },
    transaction_index: { kind: 'int', required: false },
    from_address: { kind: 'text', required: true },
    to_address: { kind: 'text', required: true },
    value: { kind: 'wei', required: true },
    trace_type: { kind: 'text', required: true },
    call_type: { kind: 'text', required: true },
    trace_address: { kind: 'trace_address', required: true },
    status: { kind: 'int', required: true },
    block_number: { kind: 'int', required: true },
    block_timestamp: { kind: 'time', required: true },
  },
  tokens: {
    address: { kind: 'text', required: true },
    symbol: { kind: 'text', required: false },
    decimals: { kind: 'text', required: false },
  },
  logs: {
    address: { kind: 'text', required: true },
    topics: { kind: 'list', required: true },
    data: { kind: 'text', required: true },
    transaction_hash: { kind: 'text', required: true },
    log_index: { kind: 'int', required: true },
    block_number: { kind: 'int', required: true },
    block_timestamp: { kind: 'time', required: true },
  },
  contracts: {
    address: { kind: 'text', required: true },
  },
};

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A column of the source, as the normalized view shows it: text as VARCHAR, wei as exact digits, times as unix seconds. */
function columnExpression(source: TableSource, column: string, spec: ColumnSpec, type: string | undefined): string {
  const c = ident(column);
  if (type === undefined) {
    if (spec.required) {
      throw new TableShapeError(`Table ${source.table} (${source.path}) has no column ${column}`, {
        details: { table: source.table, column, path: source.path },
      });
    }
    return spec.kind === 'int' ? 'CAST(NULL AS BIGINT)' : spec.kind === 'time' ? 'CAST(NULL AS TIMESTAMPTZ)' : 'CAST(NULL AS VARCHAR)';
  }
  const upper = type.toUpperCase();
  switch (spec.kind) {
    case 'text':
      return upper === 'VARCHAR' ? c : `CAST(${c} AS VARCHAR)`;
    case 'wei':
      // Text as it is: the queries trim it where they output or compare it (duckDbDialect.integerText/positive),
      // which is for the matched rows only, not for every row the scan reads.
      if (upper === 'VARCHAR') return c;
      if (INTEGER_TYPES.test(upper)) return `CAST(${c} AS VARCHAR)`;
      if (upper.startsWith('DECIMAL')) return `CAST(CAST(${c} AS HUGEINT) AS VARCHAR)`;
      throw new TableShapeError(
        `Column ${source.table}.${column} is ${type} in ${source.path}: amounts above 2^53 cannot be read exactly from it; export it as a string, an integer or a decimal`,
        { details: { table: source.table, column, type, path: source.path } },
      );
    case 'int':
      return INTEGER_TYPES.test(upper) ? `CAST(${c} AS BIGINT)` : `CAST(trim(CAST(${c} AS VARCHAR)) AS BIGINT)`;
    case 'time':
      // A UTC timestamp column is passed through untouched: the window filter on it reaches the Parquet reader,
      // which skips row groups outside the window by their min/max statistics (exports are written in time order).
      if (upper === 'TIMESTAMP WITH TIME ZONE') return c;
      if (INTEGER_TYPES.test(upper)) return `to_timestamp(CAST(${c} AS BIGINT))`;
      // A timestamp without zone is UTC (blockchain-etl writes UTC).
      if (upper.startsWith('TIMESTAMP')) return `to_timestamp(epoch(${c}))`;
      // Text: unix seconds (ethereum-etl exports) or "2023-05-02 12:19:59 UTC" (BigQuery exports).
      return `to_timestamp(CASE WHEN regexp_full_match(trim(${c}), '\\d+') THEN CAST(trim(${c}) AS BIGINT) ELSE epoch(CAST(regexp_replace(trim(${c}), '\\s*(UTC|Z|\\+00(:?00)?)$', '') AS TIMESTAMP)) END)`;
    case 'trace_address':
      if (upper.endsWith('[]')) return `array_to_string(${c}, ',')`;
      // "0,1" (BigQuery, CSV) or "[0, 1]" (a JSON list read as text): always "0,1", top level "".
      return `regexp_replace(CAST(${c} AS VARCHAR), '[\\[\\]\\s]', '', 'g')`;
    case 'list':
      if (upper.endsWith('[]')) return `array_to_string(${c}, ',')`;
      // "0xa,0xb" (BigQuery CSV) or a JSON list read as text: always "0xa,0xb".
      return `regexp_replace(CAST(${c} AS VARCHAR), '[\\[\\]\\s"]', '', 'g')`;
  }
}

export function reader(source: TableSource, columns?: string[]): string {
  const path = quote(source.path);
  switch (source.format) {
    case 'parquet':
      return `read_parquet(${path}, union_by_name = true)`;
    case 'csv':
      // Every column as text: nothing is guessed into a float on the way in.
      return `read_csv(${path}, header = true, all_varchar = true, union_by_name = true)`;
    case 'json':
      // Numbers read as text keep every digit (ethereum-etl writes 7056176614974947328 as a bare JSON number).
      return columns
        ? `read_json(${path}, format = 'newline_delimited', columns = {${columns.map((c) => `${quote(c)}: 'VARCHAR'`).join(', ')}})`
        : `read_json(${path}, format = 'newline_delimited')`;
  }
}

/** The view columns that locate a row of a Parquet table: the file's index in the table's file list, the row's number in its file. */
export const ROW_LOCATOR = ['ct_file', 'ct_row'] as const;

/**
 * The normalized view over one table's export (its columns as COLUMNS says, plus the row locator over Parquet unless
 * late materialization is off); returns whether the view has the locator.
 */
export async function createView(connection: DuckDBConnection, source: TableSource, lateMaterialization: boolean | undefined): Promise<boolean> {
  let described: { name: string; type: string }[];
  try {
    const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${reader(source)}`);
    described = result.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (error) {
    wrap(error, `reading table ${source.table}`, { table: source.table, path: source.path });
    return false;
  }
  const types = new Map(described.map((c) => [c.name.toLowerCase(), c]));
  const spec = COLUMNS[source.table];
  const present = Object.keys(spec).filter((c) => types.has(c));
  // JSON: the columns we read, all as text (exact); the view casts.
  const from =
    source.format === 'json'
      ? reader(
          source,
          present.map((c) => types.get(c)!.name),
        )
      : reader(source);
  const select = Object.entries(spec).map(([column, s]) => {
    const found = types.get(column);
    const type = found === undefined ? undefined : source.format === 'json' ? 'VARCHAR' : found.type;
    const expression = columnExpression(source, found?.name ?? column, s, type);
    return `${expression} AS ${ident(column)}`;
  });
  // A row's position in a Parquet export: DuckDB's virtual columns of read_parquet (a column of the file with
  // either name would hide them: then no locator, one pass).
  const locate = source.format === 'parquet' && lateMaterialization !== false && !types.has('file_index') && !types.has('file_row_number');
  if (locate) select.push(`file_index AS ${ident(ROW_LOCATOR[0])}`, `file_row_number AS ${ident(ROW_LOCATOR[1])}`);
  try {
    await connection.run(`CREATE OR REPLACE VIEW ${ident(`ct_${source.table}`)} AS SELECT ${select.join(', ')} FROM ${from}`);
  } catch (error) {
    wrap(error, `preparing table ${source.table}`, { table: source.table, path: source.path });
  }
  return locate;
}
