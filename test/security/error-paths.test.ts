import { inspect } from 'node:util';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createBitcoinCoreAdapter } from '../../src/adapters/bitcoin-core/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import type { HttpLogEvent } from '../../src/adapters/http/index.js';
import { createTronGridAdapter } from '../../src/adapters/tron/adapter.js';
import { createBigQueryWarehouse } from '../../src/adapters/warehouse/bigquery.js';
import { createWarehouseAdapter } from '../../src/adapters/warehouse/adapter.js';
import { ChaintrailError } from '../../src/core/errors.js';
import { cli } from '../support/cli.js';
import { startTestServer, type SeenRequest, type TestServer } from '../support/http-test-server.js';
import { createVirtualClock } from '../support/virtual-clock.js';

/**
 * The sentinel key in every place a source takes a secret (URL userinfo, a key in the path, a key-like query
 * parameter, an API-key header, a password, an OAuth token), driven down every error path (unreachable host, 4xx,
 * 5xx, bad JSON, the source's own error body, rate limit, timeout): no error, cause, log line or CLI output may
 * hold it. Servers that echo the request back in their error bodies make the check bite.
 */
const SENTINEL = 'SENTINEL7f3a9c2e51d04b8a';
const MODES = ['unreachable', '4xx', '5xx', 'bad-json', 'source-error', 'rate-limit', 'timeout'] as const;
type Mode = (typeof MODES)[number];

let server: TestServer;
let mode: Mode = '4xx';
let closedPort = 0;
const echo = (req: SeenRequest) =>
  `${req.method} ${req.path}?${req.query} ${req.body} auth=${req.headers.authorization ?? ''} key=${req.headers['tron-pro-api-key'] ?? ''}`;

/** The source's own way of saying "error" (JSON-RPC error object, Etherscan NOTOK, TronGrid Error, Google error). */
function sourceError(req: SeenRequest, res: ServerResponse) {
  const body = req.body ? (JSON.parse(req.body) as { id?: unknown }) : undefined;
  if (req.path.startsWith('/bigquery'))
    return res
      .writeHead(403, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 403, message: `Access Denied: ${echo(req)}`, errors: [{ reason: 'accessDenied', message: echo(req) }] } }));
  if (body && !Array.isArray(body) && 'id' in body) {
    // Bitcoin Core (JSON-RPC 1.0) sends result: null beside the error; 2.0 nodes send the error alone.
    const error = { code: -32601, message: `Method not found: ${echo(req)}` };
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify((body as { jsonrpc?: string }).jsonrpc === '1.0' ? { result: null, error, id: body.id } : { jsonrpc: '2.0', id: body.id, error }));
  }
  if (req.path.includes('/v2/api'))
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: '0', message: 'NOTOK', result: `Invalid API Key ${echo(req)}` }));
  if (req.path.includes('/v1/'))
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, error: `bad request ${echo(req)}` }));
  return res.writeHead(400, { 'content-type': 'text/plain' }).end(`Invalid request ${echo(req)}`);
}

beforeAll(async () => {
  const gone = await startTestServer(() => undefined);
  closedPort = Number(new URL(gone.url).port);
  await gone.close();
  server = await startTestServer(async (req, res) => {
    switch (mode) {
      case '4xx':
        return res.writeHead(400, { 'content-type': 'text/html' }).end(`<h1>400 Bad Request</h1><p>${echo(req)}</p>`);
      case '5xx':
        return res.writeHead(502, { 'content-type': 'text/html' }).end(`<html><body>502 Bad Gateway ${echo(req)}</body></html>`);
      case 'bad-json':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(`{"echo": "${echo(req).replace(/"/g, "'")}", "cut`);
      case 'source-error':
        return sourceError(req, res);
      case 'rate-limit':
        return res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' })
          .end(JSON.stringify({ error: { code: 429, message: `Too Many Requests ${echo(req)}`, errors: [{ reason: 'rateLimitExceeded' }] } }));
      case 'timeout':
        return new Promise(() => undefined); // never answers; closed with the server
      default:
        return res.end();
    }
  });
});
afterAll(async () => {
  await server?.close();
});

const base = (m: Mode) => (m === 'unreachable' ? `http://127.0.0.1:${closedPort}` : server.url);
const fast = { timeoutMs: 300, retries: 1, clock: createVirtualClock() };
const logs: HttpLogEvent[] = [];
const onLog = (e: HttpLogEvent) => logs.push(e);
const RPC_TX = `0x${'ab'.repeat(32)}`;
const BTC_TX = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';

/** Each source with the sentinel wherever it takes a secret, and one call that reaches the server. */
const SOURCES: Record<string, (m: Mode) => Promise<unknown>> = {
  'EVM RPC (userinfo, path key, query key, header)': (m) => {
    const url = new URL(base(m));
    const adapter = createEvmRpcAdapter({
      url: `http://user:${SENTINEL}@${url.host}/v3/${SENTINEL}?apikey=${SENTINEL}`,
      chain: 'ethereum',
      headers: { 'x-api-key': SENTINEL },
      ...fast,
    });
    return adapter.getTransaction('ethereum', RPC_TX);
  },
  'Etherscan (apikey)': (m) =>
    createEtherscanAdapter({ chain: 'ethereum', apiKey: SENTINEL, baseUrl: `${base(m)}/v2/api`, rateLimit: false, onLog, ...fast }).getTransaction(
      'ethereum',
      RPC_TX,
    ),
  'Blockscout (key in the path)': (m) =>
    createEtherscanAdapter({ chain: 'ethereum', baseUrl: `${base(m)}/${SENTINEL}/api`, rateLimit: false, onLog, ...fast }).getTransaction('ethereum', RPC_TX),
  'TronGrid (header key)': (m) =>
    createTronGridAdapter({ apiKey: SENTINEL, baseUrl: base(m), rateLimit: false, onLog, ...fast }).getTransfers({
      chain: 'tron',
      addresses: ['TJRabPrwbZy45sbavfcjinPJC18kjpRTv8'],
      direction: 'in',
    }),
  'Esplora (key in the path)': (m) =>
    createEsploraAdapter({ url: `${base(m)}/api/${SENTINEL}`, chain: 'bitcoin', ...fast }).getUtxoTransaction('bitcoin', BTC_TX),
  'Bitcoin Core (password in the URL)': (m) => {
    const url = new URL(base(m));
    return createBitcoinCoreAdapter({ url: `http://rpcuser:${SENTINEL}@${url.host}/`, chain: 'bitcoin', ...fast }).getUtxoTransaction('bitcoin', BTC_TX);
  },
  'BigQuery (OAuth token)': (m) => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: SENTINEL, expiry_date: Date.now() + 3_600_000 });
    const engine = createBigQueryWarehouse({
      dataset: 'bigquery-public-data.crypto_ethereum',
      projectId: 'p',
      apiEndpoint: base(m),
      pollIntervalMs: 5,
      timeoutMs: 1_000,
      clientOptions: { authClient },
      retries: 1,
      requestTimeoutMs: 300,
      clock: createVirtualClock(),
    });
    return createWarehouseAdapter({ engine, chain: 'ethereum' }).getTransaction('ethereum', RPC_TX);
  },
};

/** Everything a person or a program could see of an error: messages, details, the whole cause chain, inspected. */
function exposed(error: unknown): string {
  const parts = [String(error), inspect(error, { depth: 8, showHidden: true })];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ChaintrailError) parts.push(e.shortMessage, JSON.stringify(e.toJSON()), JSON.stringify(e.details));
    if (e instanceof Error) parts.push(e.message, e.stack ?? '');
  }
  return parts.join('\n');
}

describe('no error path of any source shows a secret', () => {
  for (const [name, call] of Object.entries(SOURCES)) {
    it.each(MODES)(`${name}: %s`, { timeout: 20_000 }, async (m) => {
      mode = m;
      const before = server.requests.length;
      logs.length = 0;
      const error = await call(m).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'the call must fail').toBeInstanceOf(ChaintrailError);
      const text = exposed(error);
      expect(text).not.toContain(SENTINEL);
      expect(text).not.toContain(encodeURIComponent(SENTINEL));
      for (const e of logs) expect(e.message).not.toContain(SENTINEL);
      // Not vacuous: the secret did travel to the server (except where nothing listens).
      if (m !== 'unreachable') {
        const seen = server.requests.slice(before).map((r) => `${r.path}?${r.query} ${JSON.stringify(r.headers)}`);
        expect(
          seen.some(
            (r) =>
              r.includes(SENTINEL) ||
              r.includes(Buffer.from(`rpcuser:${SENTINEL}`).toString('base64')) ||
              r.includes(Buffer.from(`user:${SENTINEL}`).toString('base64')),
          ),
        ).toBe(true);
      }
    });
  }

  it('the CLI prints no credentials from an RPC URL, whatever its shape', { timeout: 30_000 }, async () => {
    for (const m of ['unreachable', 'source-error', '5xx'] as const) {
      mode = m;
      const url = new URL(base(m));
      for (const spec of [
        `rpc:http://user:${SENTINEL}@${url.host}/v3/${SENTINEL}`,
        `rpc:http://${url.host}/rpc?apikey=${SENTINEL}`,
        `rpc:http://${url.host}/${SENTINEL}/`,
      ]) {
        const r = await cli(['trace', '--chain', 'ethereum', '--source', spec, '--seed', RPC_TX, '--no-cache', '--quiet'], {});
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/EVM RPC|eth_chainId/);
        expect(`${r.stdout}\n${r.stderr}`).not.toContain(SENTINEL);
      }
    }
    // A spec that is not even a URL is refused without echoing it.
    for (const [chain, spec, seed] of [
      ['ethereum', `rpc:http://user:${SENTINEL}@[bad/v3/${SENTINEL}`, RPC_TX],
      ['ethereum', `etherscan:http://u:${SENTINEL}@[bad/v2/api`, RPC_TX],
      ['tron', `trongrid:http://u:${SENTINEL}@[bad`, RPC_TX],
      ['bitcoin', `esplora:http://u:${SENTINEL}@[bad`, BTC_TX],
      ['bitcoin', `bitcoin-core:http://u:${SENTINEL}@[bad`, BTC_TX],
    ] as const) {
      const r = await cli(['trace', '--chain', chain, '--source', spec, '--seed', seed, '--no-cache', '--quiet'], {});
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/options: (url|baseUrl): /);
      expect(`${r.stdout}\n${r.stderr}`).not.toContain(SENTINEL);
    }
  });
});
