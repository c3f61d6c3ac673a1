import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createTronGridAdapter } from '../../src/adapters/tron/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { createBitcoinCoreAdapter } from '../../src/adapters/bitcoin-core/adapter.js';
import { ChaintrailError } from '../../src/core/errors.js';
import { sendJson, startTestServer, type TestServer } from '../support/http-test-server.js';
import { createVirtualClock } from '../support/virtual-clock.js';

/**
 * Every adapter's answers are untrusted: whatever JSON a source returns, the adapter either maps it or throws a
 * typed ChaintrailError — never a TypeError, never a hang.
 */
let next: unknown = null;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((_req, res) => sendJson(res, 200, next));
});
afterAll(async () => server.close());

// Answers shaped like the real envelopes, with arbitrary insides, plus plain arbitrary JSON.
const anything = fc.jsonValue({ maxDepth: 4 });
const answer = fc.oneof(
  anything,
  fc.record({
    status: fc.constantFrom('0', '1', 1),
    message: fc.string(),
    result: fc.oneof(
      anything,
      fc.array(
        fc.dictionary(
          fc.constantFrom('hash', 'from', 'to', 'value', 'blockNumber', 'timeStamp', 'contractAddress', 'tokenDecimal', 'logIndex', 'isError', 'gasUsed'),
          anything,
        ),
      ),
    ),
  }),
  fc.record({
    data: fc.array(fc.dictionary(fc.constantFrom('transaction_id', 'from', 'to', 'value', 'block_timestamp', 'token_info', 'type'), anything)),
    success: fc.boolean(),
    meta: anything,
  }),
  fc.record({ result: anything, error: fc.oneof(fc.constant(null), anything), id: fc.nat() }),
  fc.array(fc.record({ txid: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)), vin: anything, vout: anything, status: anything, fee: anything })),
);

const EVM = '0x00000000000000000000000000000000000000aa';
const TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const BTC = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
const TXID = 'ab'.repeat(32);
const fast = { retries: 0, timeoutMs: 2_000, clock: createVirtualClock(), rateLimit: false as const };

const calls: Record<string, () => Promise<unknown>> = {
  'etherscan transfers': () =>
    createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${server.url}/v2/api`, ...fast }).getTransfers({
      chain: 'ethereum',
      addresses: [EVM],
      direction: 'both',
      fromTime: 1,
      toTime: 2,
    }),
  'etherscan seed tx': () =>
    createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${server.url}/v2/api`, ...fast }).getTransaction('ethereum', `0x${TXID}`),
  'trongrid transfers': () => createTronGridAdapter({ baseUrl: server.url, ...fast }).getTransfers({ chain: 'tron', addresses: [TRON], direction: 'both' }),
  'trongrid seed tx': () => createTronGridAdapter({ baseUrl: server.url, ...fast }).getTransaction('tron', TXID),
  'esplora tx': () => createEsploraAdapter({ url: server.url, chain: 'bitcoin', ...fast }).getUtxoTransaction('bitcoin', TXID),
  'esplora address': () => createEsploraAdapter({ url: server.url, chain: 'bitcoin', ...fast }).getAddressTransactions('bitcoin', [BTC]),
  'bitcoin core tx': () =>
    createBitcoinCoreAdapter({ url: server.url, chain: 'bitcoin', user: 'u', password: 'p', ...fast }).getUtxoTransaction('bitcoin', TXID),
};

describe('adapter response schemas under fuzzing', () => {
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: any answer maps or fails with a typed error`, { timeout: 60_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(answer, async (value) => {
          next = value;
          try {
            await call();
          } catch (error) {
            if (!(error instanceof ChaintrailError)) throw error;
            expect(error.shortMessage.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 120, seed: 42 },
      );
    });
  }
});
