import type { BigQuery, BigQueryOptions, Query } from '@google-cloud/bigquery';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { ChaintrailError, RateLimitError } from '../../core/errors.js';
import { parseOptions } from '../validate.js';
import { redactText } from '../../core/redact.js';
import { importOptional } from '../../core/optional.js';
import { HTTP_DEFAULTS, systemClock, withRetry, type Clock } from '../http/index.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { QueryCostError, WarehouseQueryError } from './errors.js';
import { WAREHOUSE_TABLES, type Dialect, type RenderedQuery, type WarehouseTable } from './query.js';

/** 10 GiB: a frontier query on crypto_ethereum with a window of weeks scans far less; a runaway query is refused. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 10n * 1024n ** 3n;

const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,250}\.[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

/**
 * Zod schema of `createBigQueryWarehouse`'s data options (strict): dataset, project, location, byte cap, paging,
 * timeouts, retries.
 */
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
    /** Retries of a request that failed transiently (5xx, rate limit, reset, timeout, a cut-off answer). */
    retries: z.number().int().min(0).max(10).default(3),
    /** One request (not the query: see timeoutMs) is abandoned and retried after this long. */
    requestTimeoutMs: z.number().int().min(100).default(60_000),
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
/**
 * Options of `createBigQueryWarehouse`: the schema's fields with typed `onQuery` and `clientOptions`, plus clock and
 * random hooks for retry backoff.
 */
export type BigQueryWarehouseOptions = Omit<z.input<typeof BigQueryWarehouseOptionsSchema>, 'onQuery' | 'clientOptions'> & {
  onQuery?: (info: { purpose: string; bytesEstimated: bigint; sql: string }) => void;
  clientOptions?: BigQueryOptions;
  /** Time for backoff waits (tests pass a virtual clock). */
  clock?: Clock;
  random?: () => number;
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

/**
 * Google API errors to ours: the reason and message only. The library's error holds the request (its
 * Authorization header, the token) in `config`: it is never kept as the cause, only its redacted message.
 */
function toError(error: unknown, purpose: string, dataset: string, attempts = 1): Error {
  if (error instanceof ChaintrailError && !(error instanceof TransientAnswerError)) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const status = httpStatus(error);
  const reasons = googleReasons(error);
  const message = redactText((e.message ?? String(error)).split('\n')[0]!.slice(0, 500));
  const details = { engine: 'bigquery', dataset, purpose, status, reasons, ...(attempts > 1 ? { attempts } : {}) };
  const cause = Object.assign(new Error(message), { name: error instanceof Error ? error.name : 'Error' });
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return new QueryCostError(`BigQuery refused the ${purpose} query: it would bill more than maximumBytesBilled (${message})`, { details, cause });
  }
  if (status === 429 || reasons.some((r) => RATE_REASONS.has(r))) {
    return new RateLimitError(`BigQuery rate limit on the ${purpose} query${after}: ${message}`, { details, cause });
  }
  return new WarehouseQueryError(`BigQuery ${purpose} query failed${after}${status ? ` (HTTP ${status}${reasons.length ? `, ${reasons.join(', ')}` : ''})` : ''}: ${message}`, {
    details,
    cause,
  });
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'jobBackendError', 'jobInternalError', ...RATE_REASONS]);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|network|timed? ?out|aborted|premature close|unexpected end|JSON|Unexpected token|invalid json/i;

/** The HTTP status: the error's code, or its response's when the library built the error from the body alone. */
function httpStatus(error: unknown): number | undefined {
  const e = (error ?? {}) as { code?: unknown; response?: { statusCode?: unknown; status?: unknown } };
  for (const v of [e.code, e.response?.statusCode, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

function googleReasons(error: unknown): string[] {
  return ((error as ApiErrorLike | null)?.errors ?? []).map((x) => x.reason).filter((r): r is string => typeof r === 'string');
}

/**
 * Classified once for every BigQuery request: 5xx and 408/429 statuses, Google's backend and rate-limit
 * reasons (rateLimitExceeded comes as HTTP 403), dropped or timed-out connections and cut-off JSON are worth
 * another try; anything else (a 400 query error, a 403 permission, a 404 table, the bytes cap) is not.
 */
export function isTransientGoogleError(error: unknown): boolean {
  if (error instanceof ChaintrailError) return error instanceof TransientAnswerError;
  const e = (error ?? {}) as ApiErrorLike & { name?: string };
  if (googleReasons(error).some((r) => TRANSIENT_REASONS.has(r))) return true;
  const status = httpStatus(error);
  if (status !== undefined && status >= 400) return TRANSIENT_STATUS.has(status);
  return NETWORK.test(`${e.name ?? ''} ${e.message ?? String(error)} ${(e as { code?: unknown }).code ?? ''}`);
}

/** A request that timed out, or an answer that is not what the API documents (a cut-off body): asked again. */
class TransientAnswerError extends ChaintrailError {
  override name = 'TransientAnswerError';
}

/** jobs.getQueryResults as documented: the library hands a cut-off body through as a string, never as an error. */
const QueryResultsSchema = z.object({
  jobComplete: z.boolean(),
  totalRows: z.string().regex(/^\d+$/).optional(),
  pageToken: z.string().optional(),
  totalBytesProcessed: z.string().optional(),
});

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
  const { clock: _clock, random: _random, ...data } = input;
  const options = parseOptions(BigQueryWarehouseOptionsSchema, data, 'Invalid BigQuery options');
  const onQuery = input.onQuery;
  // Google's client (an optional package) is loaded and built on the first query or table lookup.
  let client: Promise<BigQuery> | undefined;
  const getClient = () =>
    (client ??= importOptional('@google-cloud/bigquery', () => import('@google-cloud/bigquery')).then(
      ({ BigQuery }) =>
        new BigQuery({
          // One retry mechanism: ours (below), classified once; the library's own retries are off unless asked for.
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

  const clock = input.clock ?? systemClock;
  const random = input.random ?? Math.random;

  /**
   * One request, retried while it fails transiently, with the HTTP client's backoff (bounded attempts, jitter,
   * the caller's AbortSignal honoured); a request that hangs is abandoned after requestTimeoutMs. Out of attempts,
   * the last fault is reported, naming the query's purpose.
   */
  async function retrying<T>(purpose: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let attempt = 0;
    return withRetry<T, unknown>(
      async () => {
        signal?.throwIfAborted();
        attempt++;
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TransientAnswerError(`request timed out after ${options.requestTimeoutMs} ms`)), options.requestTimeoutMs);
          });
          return { ok: true, value: await Promise.race([request(), timeout]) };
        } catch (error) {
          if (signal?.aborted) throw signal.reason ?? error;
          if (!isTransientGoogleError(error)) throw toError(error, purpose, options.dataset, attempt);
          return { ok: false, retry: { reason: 'transient' }, failure: error };
        } finally {
          clearTimeout(timer);
        }
      },
      {
        // Google's answers carry no wait of their own: every retry backs off as the HTTP client does.
        policy: { ...HTTP_DEFAULTS, retries: options.retries },
        random,
        giveUp: (stop) => toError(stop.failure, purpose, options.dataset, stop.failures),
        wait: (ms) => clock.sleep(ms, signal),
      },
    );
  }

  async function run(query: RenderedQuery, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const started = performance.now();
    const deadline = Date.now() + options.timeoutMs;
    const purpose = query.purpose;
    try {
      // 1. Dry run: what the query would scan. Nothing runs, nothing is billed.
      const bytes = await retrying(
        purpose,
        async () => {
          const [dry] = await (await getClient()).createQueryJob({ ...jobConfig(query), dryRun: true });
          const meta = (dry.metadata ?? {}) as { statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } } };
          const found = meta.statistics?.totalBytesProcessed ?? meta.statistics?.query?.totalBytesProcessed;
          if (found === undefined || !/^\d+$/.test(String(found))) throw new TransientAnswerError(`the dry run of the ${purpose} query gave no totalBytesProcessed`);
          return String(found);
        },
        signal,
      );
      const estimate = BigInt(bytes);
      stats.bytesEstimated += Number(estimate);
      onQuery?.({ purpose, bytesEstimated: estimate, sql: query.sql });
      if (options.maximumBytesBilled !== null && estimate > options.maximumBytesBilled) {
        throw new QueryCostError(
          `The ${purpose} query would scan ${estimate} bytes, more than maximumBytesBilled ${options.maximumBytesBilled}: not run (narrow the time window or raise the limit)`,
          { details: { engine: 'bigquery', dataset: options.dataset, purpose, bytes: estimate.toString(), limit: options.maximumBytesBilled.toString() } },
        );
      }
      signal?.throwIfAborted();
      // 2. The job, capped by the same limit server-side. Its id is ours, so a retried insert whose first answer
      // was lost finds the job it created (409 duplicate) instead of running (and billing) the query twice.
      const jobId = `chaintrail_${randomUUID()}`;
      const job = await retrying(
        purpose,
        async () => {
          try {
            const [created] = await (await getClient()).createQueryJob({
              ...jobConfig(query),
              jobId,
              ...(options.maximumBytesBilled !== null ? { maximumBytesBilled: options.maximumBytesBilled.toString() } : {}),
            });
            return created;
          } catch (error) {
            if ((error as ApiErrorLike).code !== 409) throw error;
            return (await getClient()).job(jobId, options.location ? { location: options.location } : {});
          }
        },
        signal,
      );
      // 3. Its results, page by page, polling while it runs.
      const rows: Record<string, unknown>[] = [];
      let pageToken: string | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const [page, resp] = await retrying(
          purpose,
          async () => {
            const [rowsOfPage, , response] = await job.getQueryResults({ autoPaginate: false, maxResults: options.pageSize, ...(pageToken ? { pageToken } : {}) });
            const checked = QueryResultsSchema.safeParse(response);
            if (!checked.success) throw new TransientAnswerError(`a results page of the ${purpose} query is not a getQueryResults answer (cut off?)`);
            return [rowsOfPage, checked.data] as const;
          },
          signal,
        );
        if (resp.jobComplete === false) {
          if (Date.now() > deadline) {
            try {
              await job.cancel();
            } catch {
              // best effort
            }
            throw new WarehouseQueryError(`BigQuery ${purpose} query did not finish within ${options.timeoutMs} ms (cancelled)`, {
              details: { engine: 'bigquery', purpose, timeoutMs: options.timeoutMs },
            });
          }
          await sleep(options.pollIntervalMs, signal);
          continue;
        }
        if (!pageToken && resp.totalBytesProcessed && /^\d+$/.test(resp.totalBytesProcessed)) stats.bytesProcessed += Number(resp.totalBytesProcessed);
        rows.push(...((page ?? []) as Record<string, unknown>[]));
        if (!resp.pageToken) {
          // Every row the job says it has, or the answer is not trusted: nothing dropped silently.
          if (resp.totalRows !== undefined && rows.length !== Number(resp.totalRows)) {
            throw new WarehouseQueryError(`BigQuery gave ${rows.length} of the ${resp.totalRows} rows of the ${purpose} query`, { details: { engine: 'bigquery', purpose, rows: rows.length, totalRows: resp.totalRows } });
          }
          break;
        }
        pageToken = resp.pageToken;
      }
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

  return {
    kind: 'bigquery',
    endpoint: `bigquery:${options.dataset}`,
    dialect,
    hasTable(table) {
      if (!WAREHOUSE_TABLES.includes(table)) return Promise.resolve(false);
      let known = tables.get(table);
      if (!known) {
        known = (async () => {
          const [exists] = await retrying(`table lookup (${table})`, async () => (await getClient()).dataset(datasetId, { projectId: dataProject }).table(table).exists());
          return exists;
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
