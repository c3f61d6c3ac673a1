import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../../../core/errors.js';
import { WAREHOUSE_TABLES, type WarehouseTable } from '../query.js';

/** File format of a table export, taken from the extension (`.gz` CSV and JSON are read too). */
export type TableFormat = 'parquet' | 'csv' | 'json';

/**
 * Options of `createDuckDbWarehouse` (and `discoverTables`): where the table exports are, DuckDB settings, late
 * materialization.
 */
export interface DuckDbWarehouseOptions {
  /**
   * A folder holding one file, or one folder of files, per blockchain-etl table, named after the table:
   * `token_transfers.parquet`, `transactions.csv`, `traces/part-*.json`, `tokens.jsonl`, …
   */
  dir?: string;
  /** Explicit files or globs per table (these win over `dir`); the format is taken from the extension. */
  tables?: Partial<Record<WarehouseTable, string>>;
  /** DuckDB settings (e.g. `{ threads: '2', memory_limit: '2GB' }`). */
  settings?: Record<string, string>;
  /**
   * Late materialization over Parquet (default true): a frontier query first reads only the columns its filters need
   * with each row's position (file and row number), then the other columns (hashes, amounts, …) of the matched rows
   * only, from the row groups that hold them. Same answers; false reads every projected column of every row in one pass.
   */
  lateMaterialization?: boolean;
}

export interface TableSource {
  table: WarehouseTable;
  path: string;
  format: TableFormat;
}

/** Extensions per format; `.gz` is read transparently for CSV and JSON. */
const EXTENSIONS: Record<TableFormat, string[]> = {
  parquet: ['.parquet'],
  csv: ['.csv', '.csv.gz'],
  json: ['.json', '.jsonl', '.ndjson', '.json.gz', '.jsonl.gz', '.ndjson.gz'],
};

function formatOf(path: string): TableFormat | undefined {
  const lower = path.toLowerCase();
  for (const [format, exts] of Object.entries(EXTENSIONS) as [TableFormat, string[]][]) {
    if (exts.some((e) => lower.endsWith(e))) return format;
  }
  return undefined;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (!entry.name.startsWith('.') && !entry.name.startsWith('_')) out.push(p);
  }
  return out;
}

/** Finds each table's file or folder in `dir`; tables not found are simply absent. */
export function discoverTables(options: DuckDbWarehouseOptions): Map<WarehouseTable, TableSource> {
  const found = new Map<WarehouseTable, TableSource>();
  if (options.dir !== undefined) {
    const dir = resolve(options.dir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new InvalidInputError(`Warehouse folder ${options.dir} does not exist or is not a folder`, { details: { dir: options.dir } });
    }
    for (const table of WAREHOUSE_TABLES) {
      const files = readdirSync(dir).filter((name) => {
        const format = formatOf(name);
        return format !== undefined && EXTENSIONS[format].some((e) => name.toLowerCase() === `${table}${e}`);
      });
      const folder = join(dir, table);
      const hasFolder = existsSync(folder) && statSync(folder).isDirectory();
      if (files.length + (hasFolder ? 1 : 0) > 1) {
        throw new InvalidInputError(`Warehouse folder ${options.dir} holds more than one source for table ${table}: keep one`, {
          details: { dir: options.dir, table, files: [...files, ...(hasFolder ? [`${table}/`] : [])] },
        });
      }
      if (files.length === 1) {
        found.set(table, { table, path: join(dir, files[0]!), format: formatOf(files[0]!)! });
      } else if (hasFolder) {
        const inside = filesUnder(folder);
        const formats = new Set(inside.map(formatOf));
        if (formats.size !== 1 || formats.has(undefined)) {
          throw new InvalidInputError(`Folder ${folder} must hold files of one format (Parquet, CSV or newline-delimited JSON)`, {
            details: { table, folder, files: inside.slice(0, 10) },
          });
        }
        const format = [...formats][0]!;
        // One glob per extension present (a folder may mix part-1.json and part-2.json.gz).
        const exts = [...new Set(inside.map((f) => EXTENSIONS[format].filter((e) => f.toLowerCase().endsWith(e)).sort((a, b) => b.length - a.length)[0]!))];
        found.set(table, { table, path: exts.length === 1 ? `${folder}/**/*${exts[0]}` : `${folder}/**/*`, format });
      }
    }
  }
  for (const [table, path] of Object.entries(options.tables ?? {}) as [WarehouseTable, string][]) {
    if (!WAREHOUSE_TABLES.includes(table)) {
      throw new InvalidInputError(`Unknown warehouse table "${table}": use ${WAREHOUSE_TABLES.join(', ')}`, { details: { table } });
    }
    const format = formatOf(path.replace(/\*+$/, ''));
    if (!format) {
      throw new InvalidInputError(`Cannot tell the format of ${path} for table ${table}: name it .parquet, .csv or .json/.jsonl`, { details: { table, path } });
    }
    found.set(table, { table, path, format });
  }
  return found;
}

export function commonFolder(paths: string[]): string {
  const parts = paths.map((p) => resolve(p).split('/').slice(0, -1));
  const first = parts[0] ?? [];
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  return first.slice(0, n).join('/') || '/';
}
