import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the BigQuery REST API v2 (cloud.google.com/bigquery/docs/reference/rest), only as much as
 * the Node client uses for queries: jobs.insert (with dry runs), jobs.getQueryResults (jobComplete=false while
 * "running", then pages of f/v rows with pageToken), jobs.get, jobs.cancel, tables.get, and errors in Google's
 * JSON error format. Queries are answered by the test's `answer` function from the job's query parameters.
 */
export interface ReceivedParam {
  type: string;
  value?: string;
  values?: string[];
}
export interface ReceivedJob {
  id: string;
  query: string;
  dryRun: boolean;
  maximumBytesBilled?: string;
  params: Record<string, ReceivedParam>;
  parameterMode?: string;
  useLegacySql?: boolean;
}
export interface QueryAnswer {
  fields: string[];
  rows: (string | null)[][];
  /** Bytes the job really processes (defaults to the dry-run estimate). */
  bytes?: number;
}
export type GoogleError = { code: number; reason: string; message: string };

export interface BigQueryServerOptions {
  project: string;
  dataset: string;
  tables: string[];
  /** The dry run's estimate. */
  estimate: (job: ReceivedJob) => number;
  answer: (job: ReceivedJob) => QueryAnswer | GoogleError | Promise<QueryAnswer | GoogleError>;
  /** getQueryResults calls answered with jobComplete: false before the job is done. */
  pendingPolls?: number;
  /** Page size when the client asks for more (BigQuery also caps pages by size). */
  maxPage?: number;
}

export interface BigQueryServer {
  url: string;
  requests: { method: string; path: string; auth?: string | undefined }[];
  jobs: ReceivedJob[];
  close(): Promise<void>;
}

function errorBody(e: GoogleError) {
  const status = e.code === 400 ? 'INVALID_ARGUMENT' : e.code === 403 ? 'PERMISSION_DENIED' : e.code === 404 ? 'NOT_FOUND' : 'UNKNOWN';
  return { error: { code: e.code, message: e.message, errors: [{ message: e.message, domain: 'global', reason: e.reason }], status } };
}

function parseParams(list: unknown): Record<string, ReceivedParam> {
  const out: Record<string, ReceivedParam> = {};
  for (const p of (list ?? []) as {
    name: string;
    parameterType: { type: string; arrayType?: { type: string } };
    parameterValue: { value?: string; arrayValues?: { value: string }[] };
  }[]) {
    out[p.name] =
      p.parameterType.type === 'ARRAY'
        ? { type: `ARRAY<${p.parameterType.arrayType?.type}>`, values: (p.parameterValue.arrayValues ?? []).map((v) => v.value) }
        : { type: p.parameterType.type, value: p.parameterValue.value! };
  }
  return out;
}

export async function startBigQueryServer(options: BigQueryServerOptions): Promise<BigQueryServer> {
  const requests: BigQueryServer['requests'] = [];
  const jobs: ReceivedJob[] = [];
  const state = new Map<string, { job: ReceivedJob; polls: number; answer: QueryAnswer | GoogleError; cancelled: boolean }>();
  const base = `/bigquery/v2/projects/${options.project}`;

  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // biome-ignore lint/suspicious/noExplicitAny: the stand-in reads whatever fields a request body carries
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>) : {};
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return send(res, 401, errorBody({ code: 401, reason: 'unauthorized', message: 'Request is missing required authentication credential.' }));
    }
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const [, project, dataset, table] = m;
      if (`${project}.${dataset}` === options.dataset && options.tables.includes(table!)) {
        return send(res, 200, {
          kind: 'bigquery#table',
          id: `${project}:${dataset}.${table}`,
          tableReference: { projectId: project, datasetId: dataset, tableId: table },
        });
      }
      return send(res, 404, errorBody({ code: 404, reason: 'notFound', message: `Not found: Table ${project}:${dataset}.${table}` }));
    }
    if (path === `${base}/jobs` && req.method === 'POST') {
      const q = body.configuration?.query ?? {};
      const job: ReceivedJob = {
        id: body.jobReference?.jobId ?? `job_${jobs.length}`,
        query: q.query,
        dryRun: body.configuration?.dryRun === true,
        ...(q.maximumBytesBilled !== undefined ? { maximumBytesBilled: String(q.maximumBytesBilled) } : {}),
        params: parseParams(q.queryParameters),
        parameterMode: q.parameterMode,
        useLegacySql: q.useLegacySql,
      };
      jobs.push(job);
      const reference = { projectId: options.project, jobId: job.id, location: 'US' };
      if (job.dryRun) {
        const bytes = String(options.estimate(job));
        return send(res, 200, {
          kind: 'bigquery#job',
          jobReference: reference,
          configuration: body.configuration,
          status: { state: 'DONE' },
          statistics: {
            creationTime: String(Date.now()),
            totalBytesProcessed: bytes,
            query: { totalBytesProcessed: bytes, totalBytesBilled: '0', cacheHit: false },
          },
        });
      }
      state.set(job.id, { job, polls: 0, answer: await options.answer(job), cancelled: false });
      return send(res, 200, {
        kind: 'bigquery#job',
        id: `${options.project}:US.${job.id}`,
        jobReference: reference,
        configuration: body.configuration,
        status: { state: 'RUNNING' },
        statistics: { creationTime: String(Date.now()) },
      });
    }
    if ((m = new RegExp(`^${base}/jobs/([^/]+)(/cancel)?$`).exec(path))) {
      const s = state.get(m[1]!);
      if (!s) return send(res, 404, errorBody({ code: 404, reason: 'notFound', message: `Not found: Job ${options.project}:${m[1]}` }));
      if (m[2]) s.cancelled = true;
      const done = s.polls >= (options.pendingPolls ?? 0);
      const job = {
        kind: 'bigquery#job',
        jobReference: { projectId: options.project, jobId: s.job.id, location: 'US' },
        status: { state: done ? 'DONE' : 'RUNNING' },
      };
      return send(res, 200, m[2] ? { kind: 'bigquery#jobCancelResponse', job } : job);
    }
    if ((m = new RegExp(`^${base}/queries/([^/]+)$`).exec(path)) && req.method === 'GET') {
      const s = state.get(m[1]!);
      if (!s) return send(res, 404, errorBody({ code: 404, reason: 'notFound', message: `Not found: Job ${options.project}:${m[1]}` }));
      const reference = { projectId: options.project, jobId: s.job.id, location: 'US' };
      if (s.polls < (options.pendingPolls ?? 0)) {
        s.polls++;
        return send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference: reference, jobComplete: false });
      }
      const answer = s.answer;
      if ('code' in answer) return send(res, answer.code, errorBody(answer));
      const bytes = answer.bytes ?? options.estimate(s.job);
      if (s.job.maximumBytesBilled !== undefined && bytes > Number(s.job.maximumBytesBilled)) {
        return send(
          res,
          400,
          errorBody({
            code: 400,
            reason: 'bytesBilledLimitExceeded',
            message: `Query exceeded limit for bytes billed: ${s.job.maximumBytesBilled}. ${bytes} or higher required.`,
          }),
        );
      }
      const wanted = Number(url.searchParams.get('maxResults') ?? '100000');
      const size = Math.min(wanted, options.maxPage ?? 100_000);
      const start = Number(url.searchParams.get('pageToken') ?? '0');
      const rows = answer.rows.slice(start, start + size).map((r) => ({ f: r.map((v) => ({ v })) }));
      const next = start + size < answer.rows.length ? String(start + size) : undefined;
      return send(res, 200, {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: reference,
        jobComplete: true,
        schema: { fields: answer.fields.map((name) => ({ name, type: 'STRING', mode: 'NULLABLE' })) },
        totalRows: String(answer.rows.length),
        rows,
        ...(next ? { pageToken: next } : {}),
        totalBytesProcessed: String(bytes),
        cacheHit: false,
      });
    }
    return send(res, 404, errorBody({ code: 404, reason: 'notFound', message: `No such endpoint ${req.method} ${path}` }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, errorBody({ code: 500, reason: 'internalError', message: String(error) })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    jobs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
