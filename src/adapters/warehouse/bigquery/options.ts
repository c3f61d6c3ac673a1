import type { BigQueryOptions } from '@google-cloud/bigquery';
import { z } from 'zod';
import type { Clock } from '../../http/index.js';

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
      .union([
        z.bigint().positive(),
        z.number().int().positive(),
        z
          .string()
          .regex(/^\d+$/)
          .transform((v) => BigInt(v)),
        z.null(),
      ])
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
export type ParsedBigQueryOptions = z.output<typeof BigQueryWarehouseOptionsSchema>;
