/**
 * The BigQuery stand-in (bigquery-server.ts) answering from real blockchain-etl tables: each job's GoogleSQL is
 * matched with what chaintrail's query builders render for BigQuery from the job's own parameters (transaction
 * movements, contracts, tokens), and the same builder's DuckDB rendering runs over the tables, so the answer is what
 * a SQL engine finds in them. A job it does not recognise is answered with Google's invalidQuery error.
 */
import { OAuth2Client } from 'google-auth-library';
import { bigQueryDialect, createBigQueryWarehouse, type BigQueryWarehouseOptions } from '../../../src/adapters/warehouse/bigquery.js';
import { duckDbDialect } from '../../../src/adapters/warehouse/duckdb.js';
import type { WarehouseEngine } from '../../../src/adapters/warehouse/engine.js';
import { buildTokensQuery, MOVEMENT_COLUMNS, type Dialect, type RenderedQuery } from '../../../src/adapters/warehouse/query.js';
import { buildContractsQuery, buildTxMovementsQuery } from '../../../src/adapters/warehouse/tx-query.js';
import type { GoogleError, QueryAnswer, ReceivedJob } from './bigquery-server.js';

export const STUB_PROJECT = 'test-billing-project';
export const STUB_TOKEN = 'fake-access-token-never-sent-to-google';

/** The queries a job may be, each rendered by a dialect, with the fields its rows carry. */
function candidates(job: ReceivedJob): { render: (d: Dialect) => RenderedQuery; fields: string[] }[] {
  const values = (name: string) => job.params[name]?.values ?? [];
  const out: { render: (d: Dialect) => RenderedQuery; fields: string[] }[] = [];
  const movementFields = [...MOVEMENT_COLUMNS, 'topics', 'data'];
  for (const tokens of [true, false])
    for (const native of [true, false])
      for (const internal of [true, false]) {
        const spec = { hashes: values('hashes'), tokens, native, internal, wrapped: values('wrapped') };
        out.push({ render: (d) => buildTxMovementsQuery(d, spec), fields: movementFields });
      }
  for (const from of ['contracts', 'traces'] as const) out.push({ render: (d) => buildContractsQuery(d, values('addresses'), from), fields: ['address'] });
  out.push({ render: (d) => buildTokensQuery(d, values('contracts')), fields: ['address', 'symbol', 'decimals'] });
  return out;
}

/** An `answer` for the stand-in: the job run as DuckDB SQL over `engine`'s tables (values as BigQuery's STRING cells). */
export function answerFromTables(engine: WarehouseEngine, dataset: string): (job: ReceivedJob) => Promise<QueryAnswer | GoogleError> {
  const bigquery = bigQueryDialect(dataset);
  return async (job) => {
    const match = candidates(job).find((c) => c.render(bigquery).sql === job.query);
    if (!match) return { code: 400, reason: 'invalidQuery', message: 'Syntax error: the stand-in does not know this query' };
    const rows = await engine.query(match.render(duckDbDialect));
    return { fields: match.fields, rows: rows.map((r) => match.fields.map((f) => (r[f] === null || r[f] === undefined ? null : String(r[f])))) };
  };
}

/** A BigQuery warehouse on the stand-in at `url`, authorised by a stub token (nothing ever goes to Google). */
export function stubbedBigQuery(url: string, dataset: string, options: Partial<BigQueryWarehouseOptions> = {}): WarehouseEngine {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: STUB_TOKEN, expiry_date: Date.now() + 3_600_000 });
  return createBigQueryWarehouse({
    dataset,
    projectId: STUB_PROJECT,
    apiEndpoint: url,
    maximumBytesBilled: 1_000_000,
    pageSize: 50,
    pollIntervalMs: 5,
    clientOptions: { authClient, retryOptions: { autoRetry: false } },
    ...options,
  });
}
