import dns from 'node:dns';
import { promisify } from 'node:util';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBigQueryWarehouse, type BigQueryWarehouseOptions } from '../../../src/adapters/warehouse/bigquery.js';
import { createWarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { MissingTableError, QueryCostError, WarehouseQueryError } from '../../../src/adapters/warehouse/errors.js';
import { MOVEMENT_COLUMNS } from '../../../src/adapters/warehouse/query.js';
import { trace } from '../../../src/trace/trace.js';
import { reportToJson } from '../../../src/report/json.js';
import { GOOGLE_FAULTS, startFaultProxy } from '../../support/fault-proxy.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { startBigQueryServer, type BigQueryServer, type BigQueryServerOptions, type ReceivedJob } from './bigquery-server.js';

const DATASET = 'bigquery-public-data.crypto_ethereum';
const PROJECT = 'test-billing-project';
const TOKEN = 'fake-access-token-never-sent-to-google';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const USDT_ASSET = { chain: 'ethereum', kind: 'token' as const, contract: USDT, symbol: 'USDT', decimals: 6 };
const VICTIM = '0x1000000000000000000000000000000000000001';
const COLLECTOR = '0x2000000000000000000000000000000000000002';
const mule = (i: number) => `0x3${i.toString(16).padStart(39, '0')}`;
const SEED_TX = `0x${'5e'.repeat(32)}`;
const T0 = 1_700_000_000;

/** Movement rows as the warehouse query returns them (all columns as STRING). */
type Row = Record<(typeof MOVEMENT_COLUMNS)[number], string | null>;
const token = (from: string, to: string, value: string, tx: string, log: number, time: number): Row => ({
  kind: 'token',
  contract: USDT,
  from_address: from,
  to_address: to,
  value,
  transaction_hash: tx,
  log_index: String(log),
  trace_address: null,
  block_number: String(18_000_000 + (time - T0)),
  block_time: String(time),
  transaction_index: null,
  gas_used: null,
  gas_price: null,
});
const ROWS: Row[] = [
  token(VICTIM, COLLECTOR, '25000000000', SEED_TX, 3, T0),
  // The collector splits it into 25 payments of 1,000 USDT: more than one results page.
  ...Array.from({ length: 25 }, (_, i) => token(COLLECTOR, mule(i), '1000000000', `0x${(i + 1).toString(16).padStart(64, '0')}`, 0, T0 + 60 + i)),
];

/** Answers like BigQuery would for the three query shapes, from the job's parameters only. */
function answer(job: ReceivedJob) {
  const fields = [...MOVEMENT_COLUMNS];
  const list = (name: string) => new Set(job.params[name]?.values ?? []);
  if (/@hash\b/.test(job.query)) {
    return { fields, rows: ROWS.filter((r) => r.transaction_hash === job.params.hash?.value).map((r) => fields.map((f) => r[f])) };
  }
  if (/\.tokens`/.test(job.query)) {
    const wanted = list('contracts');
    return { fields: ['address', 'symbol', 'decimals'], rows: wanted.has(USDT) ? [[USDT, 'USDT', '6']] : [] };
  }
  const addresses = list('addresses');
  const contracts = job.params.contracts ? list('contracts') : undefined;
  const from = Number(job.params.from_time?.value ?? 0);
  const to = Number(job.params.to_time?.value ?? Number.MAX_SAFE_INTEGER);
  const rows = ROWS.filter(
    (r) =>
      (addresses.has(r.from_address!) || addresses.has(r.to_address!)) &&
      (!contracts || contracts.has(r.contract!)) &&
      Number(r.block_time) >= from &&
      Number(r.block_time) <= to,
  );
  return { fields, rows: rows.map((r) => fields.map((f) => r[f])) };
}

const servers: BigQueryServer[] = [];
async function setup(server: Partial<BigQueryServerOptions> = {}, engine: Partial<BigQueryWarehouseOptions> = {}) {
  const s = await startBigQueryServer({
    project: PROJECT,
    dataset: DATASET,
    tables: ['token_transfers', 'transactions', 'tokens'],
    estimate: () => 123_456,
    answer,
    pendingPolls: 2,
    maxPage: 10,
    ...server,
  });
  servers.push(s);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  const warehouse = createBigQueryWarehouse({
    dataset: DATASET,
    projectId: PROJECT,
    apiEndpoint: s.url,
    maximumBytesBilled: 1_000_000,
    pageSize: 10,
    pollIntervalMs: 5,
    clientOptions: { authClient, retryOptions: { autoRetry: false } },
    ...engine,
  });
  return { server: s, warehouse, adapter: createWarehouseAdapter({ engine: warehouse, chain: 'ethereum' }) };
}

// Every host name resolved while the tests run (a token fetch from Google would resolve oauth2.googleapis.com).
const originalLookup = dns.lookup;
const resolved: string[] = [];
beforeAll(() => {
  const recording = function (this: unknown, hostname: string, ...rest: unknown[]) {
    resolved.push(hostname);
    return (originalLookup as (...args: unknown[]) => unknown).apply(this, [hostname, ...rest]);
  };
  Object.defineProperty(recording, promisify.custom, {
    value: (hostname: string, ...rest: unknown[]) => {
      resolved.push(hostname);
      return (promisify(originalLookup) as (...args: unknown[]) => unknown)(hostname, ...rest);
    },
  });
  dns.lookup = recording as typeof dns.lookup;
});
afterEach(async () => {
  // Every request of every test went to the local server, with the stub's token, and no name was ever resolved
  // (a token fetch from Google would have had to look up oauth2.googleapis.com).
  for (const s of servers.splice(0)) {
    expect(s.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    await s.close();
  }
  expect(resolved.filter((h) => !['127.0.0.1', 'localhost', '::1'].includes(h))).toEqual([]);
});
afterAll(() => {
  dns.lookup = originalLookup;
});

describe('BigQuery through a local server speaking its REST API', { timeout: 30_000 }, () => {
  it('sends addresses, contracts and the time window as query parameters, dry-runs first, polls, and reads every page', async () => {
    const { server, adapter } = await setup();
    const { transfers, truncated } = await adapter.getTransfers({
      chain: 'ethereum',
      addresses: ['0x2000000000000000000000000000000000000002'],
      direction: 'both',
      fromTime: T0,
      toTime: T0 + 3600,
      assets: [USDT_ASSET],
    });
    expect(truncated).toEqual([]);
    expect(transfers).toHaveLength(26);
    expect(transfers.filter((t) => t.from === COLLECTOR).map((t) => t.to)).toEqual(Array.from({ length: 25 }, (_, i) => mule(i)));
    expect(transfers[0]).toMatchObject({ type: 'token', amount: 25_000_000_000n, asset: USDT_ASSET, tx: SEED_TX, logIndex: 3, time: T0 });

    const [dry, real, ...rest] = server.jobs;
    expect(rest).toEqual([]);
    expect(dry!.dryRun).toBe(true);
    expect(real!.dryRun).toBe(false);
    expect(real!.query).toBe(dry!.query);
    for (const job of [dry!, real!]) {
      expect(job.useLegacySql).toBe(false);
      expect(job.parameterMode?.toUpperCase()).toBe('NAMED');
      // The address travels as a parameter, never inside the SQL text.
      expect(job.query).not.toContain(COLLECTOR.slice(2));
      expect(job.query).not.toContain(USDT.slice(2));
      expect(job.params.addresses).toEqual({ type: 'ARRAY<STRING>', values: [COLLECTOR] });
      expect(job.params.contracts).toEqual({ type: 'ARRAY<STRING>', values: [USDT] });
      expect(job.params.from_time).toEqual({ type: 'INT64', value: String(T0) });
      expect(job.params.to_time).toEqual({ type: 'INT64', value: String(T0 + 3600) });
      expect(job.query).toContain('`bigquery-public-data.crypto_ethereum.token_transfers`');
      expect(job.query).toContain('t.from_address IN UNNEST(@addresses)');
      // Partition pruning: the partitioning column itself against the window.
      expect(job.query).toContain('t.block_timestamp >= TIMESTAMP_SECONDS(@from_time)');
      expect(job.query).toContain('t.block_timestamp <= TIMESTAMP_SECONDS(@to_time)');
    }
    expect(real!.maximumBytesBilled).toBe('1000000');
    // Two "still running" answers, then 26 rows in pages of 10.
    const results = server.requests.filter((r) => r.path.endsWith(`/queries/${real!.id}`));
    expect(results).toHaveLength(2 + 3);
    expect(adapter.stats()).toMatchObject({ queries: 1, rowsReturned: 26 });
  });

  it('traces a payment across pages to every mule, with symbol and decimals from the tokens table', async () => {
    const { server, adapter } = await setup();
    const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: SEED_TX }], adapters: [adapter], maxHops: 1 });
    expect(report.endpoints).toHaveLength(25);
    expect(report.endpoints.every((e) => e.kind === 'hop-limit' && e.amount === '1000000000' && e.asset.symbol === 'USDT' && e.hops === 1)).toBe(true);
    expect(report.endpoints.map((e) => e.address.toLowerCase()).sort()).toEqual(Array.from({ length: 25 }, (_, i) => mule(i)).sort());
    expect(report.conservation[0]).toMatchObject({ seeded: '25000000000', endpoints: '25000000000', balanced: true });
    expect(report.sources).toEqual([{ chain: 'ethereum', kind: 'bigquery', endpoint: `bigquery:${DATASET}` }]);
    // No traces table: said in the report, not silently missing.
    expect(report.notes.join(' ')).toMatch(/internal transfers.*not visible: no traces table/);
    const hashQuery = server.jobs.find((j) => !j.dryRun && /@hash\b/.test(j.query))!;
    expect(hashQuery.query).not.toContain(SEED_TX.slice(2));
    expect(hashQuery.params.hash).toEqual({ type: 'STRING', value: SEED_TX });
  });

  it('refuses a query whose dry run exceeds maximumBytesBilled, and never runs it', async () => {
    const seen: bigint[] = [];
    const { server, adapter } = await setup({ estimate: () => 5_000_000_000 }, { onQuery: (q) => seen.push(q.bytesEstimated) });
    const error = await adapter
      .getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryCostError);
    expect((error as QueryCostError).details).toMatchObject({ bytes: '5000000000', limit: '1000000', purpose: 'transfers' });
    expect((error as QueryCostError).shortMessage).toMatch(/would scan 5000000000 bytes, more than maximumBytesBilled 1000000/);
    expect(seen).toEqual([5_000_000_000n]);
    expect(server.jobs.map((j) => j.dryRun)).toEqual([true]);
  });

  it('turns BigQuery’s own bytesBilledLimitExceeded into the same typed error', async () => {
    const { adapter } = await setup({ estimate: () => 100, answer: (job) => ({ ...answer(job), bytes: 2_000_000 }) });
    await expect(
      adapter.getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] }),
    ).rejects.toMatchObject({
      name: 'QueryCostError',
      code: 'WAREHOUSE_QUERY_COST',
      details: { status: 400, reasons: ['bytesBilledLimitExceeded'] },
    });
  });

  it('reports 403 and 400 answers as query errors with Google’s reason, and nothing secret', async () => {
    const { adapter } = await setup({
      answer: () => ({
        code: 403,
        reason: 'accessDenied',
        message: 'Access Denied: Project test-billing-project: User does not have bigquery.jobs.create permission',
      }),
    });
    const denied = await adapter
      .getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(WarehouseQueryError);
    expect((denied as WarehouseQueryError).shortMessage).toMatch(/HTTP 403, accessDenied.*Access Denied/);
    expect(JSON.stringify(denied)).not.toContain(TOKEN);
    expect(JSON.stringify((denied as WarehouseQueryError).toJSON())).not.toContain(TOKEN);

    const { adapter: bad } = await setup({ answer: () => ({ code: 400, reason: 'invalidQuery', message: 'Syntax error: Unexpected keyword at [1:1]' }) });
    await expect(bad.getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] })).rejects.toMatchObject({
      code: 'WAREHOUSE_QUERY',
      details: { status: 400, reasons: ['invalidQuery'] },
    });
  });

  it('gives the same trace with 20 % of its requests broken, every kind of fault survived', { timeout: 120_000 }, async () => {
    const { server, adapter } = await setup();
    const options = { seeds: [{ chain: 'ethereum', tx: SEED_TX }], maxHops: 1 };
    const baseline = reportToJson((await trace({ ...options, adapters: [adapter] })).report);
    const bodyFaults = GOOGLE_FAULTS;
    const injected: Record<string, number> = {};
    let seed = 0;
    while (++seed <= 20 && !(Object.keys(injected).length && Object.values(injected).every((n) => n > 0))) {
      const proxy = await startFaultProxy(server.url, {
        rate: 0.2,
        seed,
        holdMs: 1_000,
        bodyFaults,
        // A dry run's job id is random: the request is the same without it.
        keyOf: (req) => `${req.method} ${req.path}?${req.query} ${req.body.replace(/"jobId":"[^"]*"/, '')}`,
        // The client library takes a cut-off jobs.insert answer for a job and crashes on it (a TypeError outside
        // any promise): cut-off bodies are sent to the GET requests only.
        allow: (kind, req) => req.method === 'GET' || (kind !== 'malformed' && kind !== 'truncated'),
      });
      try {
        const { warehouse } = await setup({}, { apiEndpoint: proxy.url, retries: 5, requestTimeoutMs: 300, clock: createVirtualClock() });
        const faulty = await trace({ ...options, adapters: [createWarehouseAdapter({ engine: warehouse, chain: 'ethereum' })] });
        expect(reportToJson(faulty.report), `seed ${seed}`).toBe(baseline);
        for (const [kind, n] of Object.entries(proxy.injected)) injected[kind] = (injected[kind] ?? 0) + n;
      } finally {
        await proxy.close();
      }
    }
    console.log(`bigquery: ${Object.values(injected).reduce((a, b) => a + b, 0)} faults survived over ${seed - 1} seeded runs`, JSON.stringify(injected));
    expect(
      Object.entries(injected)
        .filter(([, n]) => n === 0)
        .map(([k]) => k),
    ).toEqual([]);
  });

  it('out of retries, names the query and the last fault; a permanent refusal is not retried', async () => {
    const clock = createVirtualClock();
    const { server, adapter } = await setup(
      { answer: () => ({ code: 503, reason: 'backendError', message: 'The service is currently unavailable.' }) },
      { retries: 2, clock },
    );
    const error = await adapter
      .getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseQueryError);
    expect((error as WarehouseQueryError).shortMessage).toBe(
      'BigQuery transfers query failed after 3 attempts (HTTP 503, backendError): The service is currently unavailable.',
    );
    expect(server.requests.filter((r) => r.path.includes('/queries/'))).toHaveLength(2 + 3); // two polls while running, then 3 attempts
    expect(clock.sleeps).toHaveLength(2);

    const denied = await setup(
      { answer: () => ({ code: 403, reason: 'accessDenied', message: 'Access Denied' }) },
      { retries: 2, clock: createVirtualClock() },
    );
    await expect(
      denied.adapter.getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] }),
    ).rejects.toThrow(/HTTP 403, accessDenied/);
    expect(denied.server.requests.filter((r) => r.path.includes('/queries/'))).toHaveLength(2 + 1);
  });

  it('says which table is missing when a query needs it', async () => {
    const { adapter, server } = await setup({ tables: ['transactions'] });
    await expect(adapter.getTransfers({ chain: 'ethereum', addresses: [COLLECTOR], direction: 'out', fromTime: T0, assets: [USDT_ASSET] })).rejects.toThrow(
      MissingTableError,
    );
    expect(server.jobs).toEqual([]);
  });
});

describe('BigQuery transaction movements', () => {
  const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
  const word = (hex: string) => `0x${hex.replace(/^0x/, '').padStart(64, '0')}`;
  const DEPOSIT = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
  const fields = [...MOVEMENT_COLUMNS, 'topics', 'data'];
  const at = { transaction_hash: SEED_TX, block_number: '18000000', block_time: String(T0), transaction_index: '4' };
  const rows: Record<string, string | null>[] = [
    { ...token(VICTIM, COLLECTOR, '25000000000', SEED_TX, 3, T0) },
    { ...at, kind: 'native', from_address: VICTIM, to_address: COLLECTOR, value: '7', log_index: '-1', gas_used: '21000', gas_price: '3' },
    // A frame that failed (status 0 on it alone) and a value call under it: nothing moved.
    { ...at, kind: 'failed', from_address: COLLECTOR, to_address: mule(1), value: '5', trace_address: '0' },
    { ...at, kind: 'internal', from_address: mule(1), to_address: mule(2), value: '5', trace_address: '0,1' },
    { ...at, kind: 'internal', from_address: COLLECTOR, to_address: mule(3), value: '9', trace_address: '1' },
    { ...at, kind: 'wrap', contract: WETH, log_index: '5', topics: `${DEPOSIT},${word(mule(3))}`, data: word('9') },
  ];

  it('reads a batch in one job over token_transfers, transactions, traces and logs, with hashes and wrappers as array parameters', async () => {
    const { server, adapter } = await setup({
      tables: ['token_transfers', 'transactions', 'traces', 'tokens', 'logs'],
      answer: (job) =>
        /@hashes\b/.test(job.query)
          ? { fields, rows: rows.filter((r) => job.params.hashes?.values?.includes(r.transaction_hash!)).map((r) => fields.map((f) => r[f] ?? null)) }
          : answer(job),
    });
    const got = await adapter.getTransactionMovements!('ethereum', [SEED_TX]);
    expect(got.movements.map((m) => `${m.from}>${m.to}:${m.asset.symbol}:${m.amount}`).sort()).toEqual(
      [`${VICTIM}>${COLLECTOR}:USDT:25000000000`, `${VICTIM}>${COLLECTOR}:ETH:7`, `${COLLECTOR}>${mule(3)}:ETH:9`, `${WETH}>${mule(3)}:?:9`].sort(),
    );
    expect(got.internalVisible).toBe(true);
    // The stand-in's tokens table knows USDT only: the wrapper's token is shown in base units, and the report says so.
    expect(adapter.notes('ethereum').join(' ')).toMatch(new RegExp(`${WETH} has no symbol/decimals`));
    const batch = server.jobs.filter((j) => !j.dryRun && /@hashes\b/.test(j.query));
    expect(batch).toHaveLength(1);
    expect(batch[0]!.params.hashes).toEqual({ type: 'ARRAY<STRING>', values: [SEED_TX] });
    expect(batch[0]!.params.wrapped).toEqual({ type: 'ARRAY<STRING>', values: [WETH] });
    expect(batch[0]!.query).toMatch(/ARRAY_TO_STRING\(l\.topics, ','\)/);
    for (const table of ['token_transfers', 'transactions', 'traces', 'logs']) expect(batch[0]!.query).toContain(`crypto_ethereum.${table}\``);
  });
});
