import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBitcoinCoreAdapter } from '../../../src/adapters/bitcoin-core/adapter.js';
import { createEsploraAdapter } from '../../../src/adapters/esplora/adapter.js';
import { createEtherscanAdapter } from '../../../src/adapters/etherscan/adapter.js';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { createHttpClient, HTTP_DEFAULTS } from '../../../src/adapters/http/index.js';
import { createTronGridAdapter } from '../../../src/adapters/tron/adapter.js';
import { startTestServer, type TestServer } from '../../support/http-test-server.js';

const TXID = 'ab'.repeat(32);
const EVM_TX = `0x${'cd'.repeat(32)}`;

/** Each source asked one question with no timeout given (and no retries, so one attempt decides). */
const SOURCES: Array<[string, (url: string) => Promise<unknown>]> = [
  ['the client itself', (url) => createHttpClient({ source: 'TestAPI', baseUrl: url, retries: 0 }).requestJson({ what: 'probe' })],
  ['Esplora', (url) => createEsploraAdapter({ url, retries: 0 }).getTipHeight()],
  ['Bitcoin Core', (url) => createBitcoinCoreAdapter({ url, retries: 0 }).getTransaction('bitcoin', TXID)],
  [
    'Etherscan (Blockscout flavor)',
    (url) => createEtherscanAdapter({ chain: 'ethereum', baseUrl: `${url}/api`, retries: 0, rateLimit: false }).getTransaction('ethereum', EVM_TX),
  ],
  ['TronGrid', (url) => createTronGridAdapter({ baseUrl: url, retries: 0, rateLimit: false }).getTransaction('tron', TXID)],
  ['EVM JSON-RPC', (url) => createEvmRpcAdapter({ url, chain: 'ethereum', retries: 0 }).getTransaction('ethereum', EVM_TX)],
];

let server: TestServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

describe('the one table of HTTP defaults', () => {
  it('gives every source a 30 s timeout per attempt unless its options say otherwise', () => {
    expect(HTTP_DEFAULTS.timeoutMs).toBe(30_000);
  });

  it.each(SOURCES)('%s waits exactly HTTP_DEFAULTS.timeoutMs for a silent server, then fails naming it', async (_name, ask) => {
    // The server takes the request and never answers; only the client's own timer can end the wait.
    server = await startTestServer(() => new Promise(() => undefined));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled: unknown;
    const pending = ask(server.url).then(
      (v) => (settled = { value: v }),
      (e: unknown) => (settled = e),
    );
    // Polled on setImmediate, which is not faked (vi.waitUntil would move the fake clock while it waits).
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(HTTP_DEFAULTS.timeoutMs - 1);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(settled).toBeInstanceOf(Error);
    expect((settled as Error).message).toContain(`timed out after ${HTTP_DEFAULTS.timeoutMs} ms`);
    // Asked once each (a source may ask two things at once): no retry hid the timeout.
    const asked = server.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()} ${r.body}`);
    expect(new Set(asked).size).toBe(asked.length);
  });
});
