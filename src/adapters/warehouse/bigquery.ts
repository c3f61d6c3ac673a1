import type { BigQuery } from '@google-cloud/bigquery';
import { parseOptions } from '../validate.js';
import { importOptional } from '../../core/optional.js';
import { systemClock } from '../http/index.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { WAREHOUSE_TABLES, type Dialect, type RenderedQuery, type WarehouseTable } from './query.js';
import { toError } from './bigquery/errors.js';
import { dryRun, readResults, startJob, type JobParts } from './bigquery/job.js';
import { BigQueryWarehouseOptionsSchema, type BigQueryWarehouseOptions } from './bigquery/options.js';
import { createRetrying } from './bigquery/retry.js';

export { BigQueryWarehouseOptionsSchema, DEFAULT_MAXIMUM_BYTES_BILLED, type BigQueryWarehouseOptions } from './bigquery/options.js';
export { isTransientGoogleError } from './bigquery/errors.js';

/** The BigQuery flavour of the warehouse SQL (GoogleSQL): the raw blockchain-etl tables, named parameters. */
export function bigQueryDialect(dataset: string): Dialect {
  return {
    name: 'bigquery',
    table: (name) => `\`${dataset}.${name}\``,
    param: (name) => `@${name}`,
    inArray: (column, param) => `${column} IN UNNEST(@${param})`,
    listText: (column) => `ARRAY_TO_STRING(${column}, ',')`,
    // Comparing the partitioning column itself with a constant expression prunes partitions.
    timeAtLeast: (column, param) => `${column} >= TIMESTAMP_SECONDS(@${param})`,
    timeAtMost: (column, param) => `${column} <= TIMESTAMP_SECONDS(@${param})`,
    epochSeconds: (column) => `UNIX_SECONDS(${column})`,
    integerText: (column) => `CAST(${column} AS STRING)`,
    positive: (column) => `${column} > 0`,
    nullText: () => 'CAST(NULL AS STRING)',
    nullInteger: () => 'CAST(NULL AS INT64)',
    intText: (column) => `CAST(${column} AS STRING)`,
  };
}

/**
 * BigQuery over blockchain-etl tables (the public `bigquery-public-data.crypto_*` datasets or a copy): every query
 * is dry-run first (its bytes reported, and refused above `maximumBytesBilled`), then run as a job with the same
 * cap, with query parameters, and read page by page.
 */
export function createBigQueryWarehouse(input: BigQueryWarehouseOptions): WarehouseEngine {
  const { clock: _clock, random: _random, ...data } = input;
  const options = parseOptions(BigQueryWarehouseOptionsSchema, data, 'Invalid BigQuery options');
  // Google's client (an optional package) is loaded and built on the first query or table lookup.
  let client: Promise<BigQuery> | undefined;
  const getClient = () =>
    (client ??= importOptional('@google-cloud/bigquery', () => import('@google-cloud/bigquery')).then(
      ({ BigQuery }) =>
        new BigQuery({
          // One retry mechanism: ours (bigquery/retry.ts), classified once; the library's own retries are off unless asked for.
          retryOptions: { autoRetry: false },
          ...(input.clientOptions ?? {}),
          ...(options.projectId ? { projectId: options.projectId } : {}),
          ...(options.location ? { location: options.location } : {}),
          ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
        }),
    ));
  const dialect = bigQueryDialect(options.dataset);
  const [dataProject, datasetId] = [options.dataset.slice(0, options.dataset.lastIndexOf('.')), options.dataset.slice(options.dataset.lastIndexOf('.') + 1)];
  const stats: WarehouseQueryStats & { bytesEstimated: number } = { queries: 0, rowsReturned: 0, bytesProcessed: 0, queryMs: 0, bytesEstimated: 0 };
  const tables = new Map<WarehouseTable, Promise<boolean>>();
  const retrying = createRetrying(options, input.clock ?? systemClock, input.random ?? Math.random);
  const parts: JobParts = { options, onQuery: input.onQuery, getClient, retrying, stats };

  return {
    kind: 'bigquery',
    endpoint: `bigquery:${options.dataset}`,
    dialect,
    hasTable(table) {
      if (!WAREHOUSE_TABLES.includes(table)) return Promise.resolve(false);
      let known = tables.get(table);
      if (!known) {
        known = (async () => {
          const [exists] = await retrying(`table lookup (${table})`, async () =>
            (await getClient()).dataset(datasetId, { projectId: dataProject }).table(table).exists(),
          );
          return exists;
        })();
        tables.set(table, known);
        known.catch(() => tables.delete(table));
      }
      return known;
    },
    query: (query, signal) => runQuery(parts, query, signal),
    stats: () => ({ ...stats }),
    async close() {
      // The client holds no connection to close.
    },
  };
}

/** Dry run, job, results; figures counted, every failure one of ours naming the query's purpose. */
async function runQuery(parts: JobParts, query: RenderedQuery, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
  const { options, stats } = parts;
  const started = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  const purpose = query.purpose;
  try {
    await dryRun(parts, query, signal);
    signal?.throwIfAborted();
    const job = await startJob(parts, query, signal);
    const rows = await readResults(parts, job, purpose, deadline, signal);
    stats.queries++;
    stats.rowsReturned += rows.length;
    return rows;
  } catch (error) {
    if (signal?.aborted) throw error;
    throw toError(error, purpose, options.dataset);
  } finally {
    stats.queryMs += performance.now() - started;
  }
}

/** The public blockchain-etl dataset of a chain, where there is one. */
export function publicDataset(chain: string): string | undefined {
  return chain === 'ethereum' ? 'bigquery-public-data.crypto_ethereum' : undefined;
}
