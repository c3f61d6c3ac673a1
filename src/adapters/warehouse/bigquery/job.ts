import type { BigQuery, Job, Query } from '@google-cloud/bigquery';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WarehouseQueryStats } from '../engine.js';
import { QueryCostError, WarehouseQueryError } from '../errors.js';
import type { RenderedQuery } from '../query.js';
import { TransientAnswerError, type ApiErrorLike } from './errors.js';
import type { BigQueryWarehouseOptions, ParsedBigQueryOptions } from './options.js';
import type { Retrying } from './retry.js';
import { append } from '../../../core/lists.js';

/** What one query's steps share. */
export interface JobParts {
  options: ParsedBigQueryOptions;
  onQuery: BigQueryWarehouseOptions['onQuery'];
  getClient: () => Promise<BigQuery>;
  retrying: Retrying;
  stats: WarehouseQueryStats & { bytesEstimated: number };
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

export function jobConfig(options: ParsedBigQueryOptions, query: RenderedQuery): Query {
  const params: Record<string, unknown> = {};
  const types: Record<string, string | string[]> = {};
  for (const p of query.params) {
    // The REST API documents parameter values as strings (INT64 above 2^53 stays exact that way).
    params[p.name] = Array.isArray(p.value) ? p.value.map(String) : String(p.value);
    types[p.name] = p.array ? [p.type] : p.type;
  }
  return { query: query.sql, params, types, useLegacySql: false, ...(options.location ? { location: options.location } : {}) } as Query;
}

/** 1. Dry run: what the query would scan, reported, and refused above maximumBytesBilled. Nothing runs, nothing is billed. */
export async function dryRun(parts: JobParts, query: RenderedQuery, signal?: AbortSignal): Promise<void> {
  const { options, stats } = parts;
  const purpose = query.purpose;
  const bytes = await parts.retrying(
    purpose,
    async () => {
      const [dry] = await (await parts.getClient()).createQueryJob({ ...jobConfig(options, query), dryRun: true });
      const meta = (dry.metadata ?? {}) as { statistics?: { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } } };
      const found = meta.statistics?.totalBytesProcessed ?? meta.statistics?.query?.totalBytesProcessed;
      if (found === undefined || !/^\d+$/.test(String(found)))
        throw new TransientAnswerError(`the dry run of the ${purpose} query gave no totalBytesProcessed`);
      return String(found);
    },
    signal,
  );
  const estimate = BigInt(bytes);
  stats.bytesEstimated += Number(estimate);
  parts.onQuery?.({ purpose, bytesEstimated: estimate, sql: query.sql });
  if (options.maximumBytesBilled !== null && estimate > options.maximumBytesBilled) {
    throw new QueryCostError(
      `The ${purpose} query would scan ${estimate} bytes, more than maximumBytesBilled ${options.maximumBytesBilled}: not run (narrow the time window or raise the limit)`,
      { details: { engine: 'bigquery', dataset: options.dataset, purpose, bytes: estimate.toString(), limit: options.maximumBytesBilled.toString() } },
    );
  }
}

/**
 * 2. The job, capped by the same limit server-side. Its id is ours, so a retried insert whose first answer was lost
 * finds the job it created (409 duplicate) instead of running (and billing) the query twice.
 */
export async function startJob(parts: JobParts, query: RenderedQuery, signal?: AbortSignal): Promise<Job> {
  const { options } = parts;
  const jobId = `chaintrail_${randomUUID()}`;
  return parts.retrying(
    query.purpose,
    async () => {
      try {
        const [created] = await (await parts.getClient()).createQueryJob({
          ...jobConfig(options, query),
          jobId,
          ...(options.maximumBytesBilled !== null ? { maximumBytesBilled: options.maximumBytesBilled.toString() } : {}),
        });
        return created;
      } catch (error) {
        if ((error as ApiErrorLike).code !== 409) throw error;
        return (await parts.getClient()).job(jobId, options.location ? { location: options.location } : {});
      }
    },
    signal,
  );
}

/** 3. The job's results, page by page, polling while it runs; every row it says it has, or the answer is not trusted. */
export async function readResults(parts: JobParts, job: Job, purpose: string, deadline: number, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
  const { options, stats } = parts;
  const rows: Record<string, unknown>[] = [];
  let pageToken: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const [page, resp] = await parts.retrying(
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
    append(rows, (page ?? []) as Record<string, unknown>[]);
    if (!resp.pageToken) {
      // Every row the job says it has, or the answer is not trusted: nothing dropped silently.
      if (resp.totalRows !== undefined && rows.length !== Number(resp.totalRows)) {
        throw new WarehouseQueryError(`BigQuery gave ${rows.length} of the ${resp.totalRows} rows of the ${purpose} query`, {
          details: { engine: 'bigquery', purpose, rows: rows.length, totalRows: resp.totalRows },
        });
      }
      return rows;
    }
    pageToken = resp.pageToken;
  }
}
