import type { BigQuery, BigQueryOptions, Query } from '@google-cloud/bigquery';
import { z } from 'zod';
import { describeZodIssues, InvalidInputError, MissingDependencyError, RateLimitError } from '../../core/errors.js';
import { importOptional } from '../../core/optional.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { QueryCostError, WarehouseQueryError } from './errors.js';
import { WAREHOUSE_TABLES, type Dialect, type RenderedQuery, type WarehouseTable } from './query.js';

/** 10 GiB: a frontier query on crypto_ethereum with a window of weeks scans far less; a runaway query is refused. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 10n * 1024n ** 3n;

const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,250}\.[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

export const BigQueryWarehouseOptionsSchema = z
  .object({
    /** `project.dataset` holding blockchain-etl tables, e.g. `bigquery-public-data.crypto_ethereum`. */
    dataset: z.string().regex(DATASET, 'expected project.dataset'),
    /** The project that runs (and pays for) the queries; default: the one of the environment's credentials. */
    projectId: z.string().min(1).optional(),
    /** Where jobs run (the public crypto datasets are in `US`). */
    location: z.string().min(1).optional(),
    /** Refuse (after a dry run) and cap (in the job) queries scanning more than this. `null` turns the guard off. */
    maximumBytesBilled: z
      .union([z.bigint().positive(), z.number().int().positive(), z.string().regex(/^\d+$/).transform((v) => BigInt(v)), z.null()])
      .default(DEFAULT_MAXIMUM_BYTES_BILLED)
      .transform((v) => (v === null ? null : BigInt(v))),
    /** Rows per results page. */
    pageSize: z.number().int().min(1).max(100_000).default(10_000),
    /** Wait between polls while a job is still running. */
    pollIntervalMs: z.number().int().min(0).max(60_000).default(500),
    /** Give up on a query after this long. */
    timeoutMs: z.number().int().min(1_000).default(600_000),
    /** The client's documented endpoint override (emulators, tests, private endpoints). */
    apiEndpoint: z.string().url().optional(),
    /** Told the dry run's estimate before each query runs. */
    onQuery: z.custom<(info: unknown) => void>((v) => typeof v === 'function', 'expected a function').optional(),
    /**
     * Passed to `new BigQuery()` as they are (e.g. `authClient`, `keyFilename`, `retryOptions`). Without them the
     * client finds credentials the way Google's libraries do (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata).
     */
    clientOptions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type BigQueryWarehouseOptions = Omit<z.input<typeof BigQueryWarehouseOptionsSchema>, 'onQuery' | 'clientOptions'> & {
  onQuery?: (info: { purpose: string; bytesEstimated: bigint; sql: string }) => void;
  clientOptions?: BigQueryOptions;
};

/** The BigQuery flavour of the warehouse SQL (GoogleSQL): the raw blockchain-etl tables, named parameters. */
export function bigQueryDialect(dataset: string): Dialect {
  return {
    name: 'bigquery',
    table: (name) => `\`${dataset}.${name}\``,
    param: (name) => `@${name}`,
    inArray: (column, param) => `${column} IN UNNEST(@${param})`,
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

interface ApiErrorLike {
  code?: number;
  message?: string;
  errors?: { reason?: string; message?: string }[];
}

/** Google API errors to ours: the reason and message only (never request headers, never credentials). */
function toError(error: unknown, purpose: string, dataset: string): Error {
  if (error instanceof InvalidInputError || error instanceof WarehouseQueryError || error instanceof MissingDependencyError) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const reasons = (e.errors ?? []).map((x) => x.reason).filter((r): r is string => typeof r === 'string');
  const message = (e.message ?? String(error)).split('\n')[0]!.slice(0, 500);
  const details = { engine: 'bigquery', dataset, purpose, status: e.code, reasons };
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return new QueryCostError(`BigQuery refused the ${purpose} query: it would bill more than maximumBytesBilled (${message})`, { details, cause: error });
  }
  if (e.code === 429 || reasons.includes('rateLimitExceeded')) {
    return new RateLimitError(`BigQuery rate limit on the ${purpose} query: ${message}`, { details, cause: error });
  }
  return new WarehouseQueryError(`BigQuery ${purpose} query failed${e.code ? ` (HTTP ${e.code}${reasons.length ? `, ${reasons.join(', ')}` : ''})` : ''}: ${message}`, {
    details,
    cause: error,
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * BigQuery over blockchain-etl tables (the public `bigquery-public-data.crypto_*` datasets or a copy): every query
 * is dry-run first (its bytes reported, and refused above `maximumBytesBilled`), then run as a job with the same
 * cap, with query parameters, and read page by page.
 */
export function createBigQueryWarehouse(input: BigQueryWarehouseOptions): WarehouseEngine {
  const parsed = BigQueryWarehouseOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(`Invalid BigQuery options: ${describeZodIssues(parsed.error.issues)}`, { details: { fields: parsed.error.issues.map((i) => i.path.join('.')) } });
  }
  const options = parsed.data;
  const onQuery = input.onQuery;
  // Google's client (an optional package) is loaded and built on the first query or table lookup.
  let client: Promise<BigQuery> | undefined;
  const getClient = () =>
    (client ??= importOptional('@google-cloud/bigquery', () => import('@google-cloud/bigquery')).then(
      ({ BigQuery }) =>
        new BigQuery({
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

  function jobConfig(query: RenderedQuery): Query {
    const params: Record<string, unknown> = {};
    const types: Record<string, string | string[]> = {};
    for (const p of query.params) {
      // The REST API documents parameter values as strings (INT64 above 2^53 stays exact that way).
      params[p.name] = Array.isArray(p.value) ? p.value.map(String) : String(p.value);
      types[p.name] = p.array ? [p.type] : p.type;
    }
    return { query: query.sql, params, types, useLegacySql: false, ...(options.location ? { location: options.location } : {}) } as Query;
  }

  async function run(query: RenderedQuery, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const started = performance.now();
    const deadline = Date.now() + options.timeoutMs;
    // 1. Dry run: what the query would scan. Nothing runs, nothing is billed.
    let estimate: bigint;
    try {
      const [dry] = await (await getClient()).createQueryJob({ ...jobConfig(query), dryRun: true });
      const meta = (dry.metadata ?? {}) as { statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } } };
      const bytes = meta.statistics?.totalBytesProcessed ?? meta.statistics?.query?.totalBytesProcessed;
      if (bytes === undefined || !/^\d+$/.test(String(bytes))) {
        throw new WarehouseQueryError(`BigQuery dry run of the ${query.purpose} query gave no totalBytesProcessed`, { details: { engine: 'bigquery', purpose: query.purpose } });
      }
      estimate = BigInt(bytes);
    } catch (error) {
      throw toError(error, query.purpose, options.dataset);
    }
    stats.bytesEstimated += Number(estimate);
    onQuery?.({ purpose: query.purpose, bytesEstimated: estimate, sql: query.sql });
    if (options.maximumBytesBilled !== null && estimate > options.maximumBytesBilled) {
      throw new QueryCostError(
        `The ${query.purpose} query would scan ${estimate} bytes, more than maximumBytesBilled ${options.maximumBytesBilled}: not run (narrow the time window or raise the limit)`,
        { details: { engine: 'bigquery', dataset: options.dataset, purpose: query.purpose, bytes: estimate.toString(), limit: options.maximumBytesBilled.toString() } },
      );
    }
    signal?.throwIfAborted();
    // 2. The job, capped by the same limit server-side; 3. its results, page by page, polling while it runs.
    try {
      const [job] = await (await getClient()).createQueryJob({
        ...jobConfig(query),
        ...(options.maximumBytesBilled !== null ? { maximumBytesBilled: options.maximumBytesBilled.toString() } : {}),
      });
      const rows: Record<string, unknown>[] = [];
      let pageToken: string | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const [page, , response] = await job.getQueryResults({
          autoPaginate: false,
          maxResults: options.pageSize,
          ...(pageToken ? { pageToken } : {}),
        });
        const resp = (response ?? {}) as { jobComplete?: boolean; pageToken?: string; totalBytesProcessed?: string };
        if (resp.jobComplete === false) {
          if (Date.now() > deadline) {
            try {
              await job.cancel();
            } catch {
              // best effort
            }
            throw new WarehouseQueryError(`BigQuery ${query.purpose} query did not finish within ${options.timeoutMs} ms (cancelled)`, {
              details: { engine: 'bigquery', purpose: query.purpose, timeoutMs: options.timeoutMs },
            });
          }
          await sleep(options.pollIntervalMs, signal);
          continue;
        }
        if (!pageToken && resp.totalBytesProcessed && /^\d+$/.test(resp.totalBytesProcessed)) stats.bytesProcessed += Number(resp.totalBytesProcessed);
        rows.push(...((page ?? []) as Record<string, unknown>[]));
        if (!resp.pageToken) break;
        pageToken = resp.pageToken;
      }
      stats.queries++;
      stats.rowsReturned += rows.length;
      return rows;
    } catch (error) {
      if (signal?.aborted) throw error;
      throw toError(error, query.purpose, options.dataset);
    } finally {
      stats.queryMs += performance.now() - started;
    }
  }

  return {
    kind: 'bigquery',
    endpoint: `bigquery:${options.dataset}`,
    dialect,
    hasTable(table) {
      if (!WAREHOUSE_TABLES.includes(table)) return Promise.resolve(false);
      let known = tables.get(table);
      if (!known) {
        known = (async () => {
          try {
            const [exists] = await (await getClient()).dataset(datasetId, { projectId: dataProject }).table(table).exists();
            return exists;
          } catch (error) {
            throw toError(error, `table lookup (${table})`, options.dataset);
          }
        })();
        tables.set(table, known);
        known.catch(() => tables.delete(table));
      }
      return known;
    },
    query: (query, signal) => run(query, signal),
    stats: () => ({ ...stats }),
    async close() {
      // The client holds no connection to close.
    },
  };
}

/** The public blockchain-etl dataset of a chain, where there is one. */
export function publicDataset(chain: string): string | undefined {
  return chain === 'ethereum' ? 'bigquery-public-data.crypto_ethereum' : undefined;
}
