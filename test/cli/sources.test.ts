import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { createResponseCache } from '../../src/cache/store.js';
import { cli } from '../support/cli.js';
import { sharedWorld } from '../support/shared.js';
import type { SharedWorld } from '../support/services.js';
import { readEtlTables, writeEtlTables } from '../support/etl-export.js';
import { startEtherscanServer, type EtherscanServer } from '../support/etherscan-server.js';
import { evmAddress, timeOf, tokenRow } from '../support/etherscan-data.js';
import { startTronServer, trc20, tronAddress, type TronServer } from '../support/trongrid-server.js';
import { EsploraIndex, startEsploraServer, type EsploraServer } from '../support/esplora-server.js';
import type { TestServer } from '../support/http-test-server.js';
import { startCoreServer } from '../adapters/bitcoin-core/core-server.js';
import { TestChain } from '../adapters/bitcoin/wallet.js';

/**
 * Every source kind through the CLI with its default settings, the answer cache on (the default; pointed at a
 * temporary file through CHAINTRAIL_CACHE), each against its local server: a real trace comes out, and a second
 * run answers from the cache with the same report.
 */
const U = 10n ** 6n;
const amounts = fc.sample(fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 4, maxLength: 4 }), { numRuns: 1 })[0]!.map((n) => n * U);
const tmp = mkdtempSync(join(tmpdir(), 'cli-sources-'));
let scam: SharedWorld<'scam'>;
let warehouseDir: string;
let etherscan: EtherscanServer;
let tron: TronServer;
let esplora: EsploraServer;
let core: TestServer;
const btc = new TestChain();
let btcSeed: string;
let btcPaid: bigint;

beforeAll(async () => {
  scam = await sharedWorld('scam');
  warehouseDir = join(tmp, 'etl');
  await writeEtlTables(await readEtlTables(scam.chain.request), warehouseDir, 'json');
  // A collector passes part of a victim's payment on to a second wallet (amounts drawn per run).
  const [paid, passed] = [amounts[0]! + amounts[1]!, amounts[0]!];
  etherscan = await startEtherscanServer({
    data: {
      tokentx: [tokenRow(1, 10, evmAddress(1), evmAddress(2), paid.toString()), tokenRow(2, 12, evmAddress(2), evmAddress(3), passed.toString())],
      blocks: Array.from({ length: 30 }, (_, b) => ({ number: b, timestamp: timeOf(b) })),
    },
    apiKey: 'cli-sources-key',
  });
  tron = await startTronServer({
    data: {
      trc20: [
        trc20(1, tronAddress(1), tronAddress(2), paid.toString(), 1_700_000_000_000),
        trc20(2, tronAddress(2), tronAddress(3), passed.toString(), 1_700_000_060_000),
      ],
    },
    apiKey: 'cli-sources-key',
  });
  // Bitcoin: a victim pays the scammer (the seed), who splits it between two wallets, one of which moves it on.
  const [coin] = btc.mint([{ to: 'victim', value: 100_000_000n }]);
  btc.mine();
  btcPaid = 50_000_000n + (amounts[2]! % 10_000_000n);
  const [toScammer] = btc.spend(
    [coin!],
    [
      { to: 'scammer', value: btcPaid },
      { to: 'victim', value: 100_000_000n - btcPaid - 1_000n },
    ],
  );
  btcSeed = toScammer!.txid;
  btc.mine();
  const [a, b] = btc.spend(
    [toScammer!],
    [
      { to: 'walletA', value: btcPaid / 2n },
      { to: 'walletB', value: btcPaid - btcPaid / 2n - 1_000n },
    ],
  );
  btc.mine();
  btc.spend([a!], [{ to: 'walletC', value: btcPaid / 2n - 1_000n }]);
  btc.mine();
  void b;
  const index = new EsploraIndex('bitcoin', btc.blocks);
  esplora = await startEsploraServer(index);
  core = await startCoreServer(index, btc.rawHex(), { user: 'investigator', password: 'cli-sources-password' });
}, 240_000);

afterAll(async () => {
  await Promise.all([etherscan?.close(), tron?.close(), esplora?.close(), core?.close()]);
});

/** Runs `trace` twice on one cache file; both reports must be the same, the second from the cache. */
async function traceTwice(name: string, args: string[], env: NodeJS.ProcessEnv = {}, server?: { requests: unknown[] }) {
  const cache = join(tmp, `${name}.log`);
  const run = async () => {
    const r = await cli(['trace', ...args, '--format', 'json', '--quiet'], { CHAINTRAIL_CACHE: cache, ...env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return { text: r.stdout, report: TraceReportSchema.parse(JSON.parse(r.stdout)) };
  };
  const first = await run();
  const asked = server?.requests.length ?? 0;
  const second = await run();
  expect(second.text).toBe(first.text);
  if (server) expect(server.requests.length - asked).toBeLessThan(asked);
  return { report: first.report, cache };
}

const sum = (report: TraceReport, kinds?: string[]) =>
  report.endpoints.filter((e) => !kinds || kinds.includes(e.kind)).reduce((s, e) => s + BigInt(e.amount), 0n);

function cachedAnswers(file: string): number {
  const cache = createResponseCache({ path: file });
  try {
    return cache.stats().entries;
  } finally {
    cache.close();
  }
}

describe('every source kind with default settings and the answer cache on', () => {
  it('rpc: follows the seeds over JSON-RPC', { timeout: 120_000 }, async () => {
    const { report, cache } = await traceTwice('rpc', [
      '--chain',
      scam.chain.chain,
      '--source',
      `rpc:${scam.chain.url}`,
      '--seed',
      scam.tx.seed1!.transactionHash,
      '--hops',
      '6',
    ]);
    expect(sum(report)).toBe(10_000n * U);
    expect(report.endpoints.some((e) => [scam.a.layer5, scam.a.layer4].includes(e.address.toLowerCase()))).toBe(true);
    expect(cachedAnswers(cache)).toBeGreaterThan(0);
    // Every answer the report cites is in the cache, call by call, with its hash.
    const file = join(tmp, 'rpc-report.json');
    writeFileSync(file, JSON.stringify(report));
    const verified = await cli(['verify', file, '--cache', cache]);
    expect(verified.stdout).toContain(`${report.evidence.length} of ${report.evidence.length} answers verified`);
    expect(verified.code).toBe(0);
  });

  it('duckdb: follows the same seeds over blockchain-etl tables to the same endpoints', { timeout: 120_000 }, async () => {
    const { report } = await traceTwice('duckdb', [
      '--chain',
      scam.chain.chain,
      '--source',
      `duckdb:${warehouseDir}`,
      '--seed',
      scam.tx.seed1!.transactionHash,
      '--hops',
      '6',
    ]);
    const rpc = await cli(
      [
        'trace',
        '--chain',
        scam.chain.chain,
        '--source',
        `rpc:${scam.chain.url}`,
        '--seed',
        scam.tx.seed1!.transactionHash,
        '--hops',
        '6',
        '--format',
        'json',
        '--quiet',
      ],
      {
        CHAINTRAIL_CACHE: join(tmp, 'rpc.log'),
      },
    );
    expect(report.endpoints).toEqual(TraceReportSchema.parse(JSON.parse(rpc.stdout)).endpoints);
  });

  it('etherscan: follows an address over the explorer API', { timeout: 120_000 }, async () => {
    const args = [
      '--chain',
      'ethereum',
      '--source',
      `etherscan:${etherscan.apiUrl}`,
      '--seed',
      evmAddress(2),
      '--from',
      String(timeOf(0)),
      '--to',
      String(timeOf(29)),
    ];
    const { report, cache } = await traceTwice('etherscan', args, { ETHERSCAN_API_KEY: 'cli-sources-key' }, etherscan);
    expect(sum(report)).toBe(amounts[0]! + amounts[1]!);
    expect(report.endpoints.find((e) => e.address === evmAddress(3))?.amount).toBe(amounts[0]!.toString());
    expect(cachedAnswers(cache)).toBeGreaterThan(0);
  });

  it('trongrid: follows an address over TronGrid', { timeout: 120_000 }, async () => {
    const args = [
      '--chain',
      'tron',
      '--source',
      `trongrid:${tron.url}`,
      '--seed',
      tronAddress(2),
      '--from',
      String(1_700_000_000 - 1),
      '--to',
      String(1_700_000_000 + 3600),
    ];
    const { report, cache } = await traceTwice('trongrid', args, { TRONGRID_API_KEY: 'cli-sources-key' }, tron);
    expect(sum(report)).toBe(amounts[0]! + amounts[1]!);
    expect(report.endpoints.find((e) => e.address === tronAddress(3))?.amount).toBe(amounts[0]!.toString());
    expect(cachedAnswers(cache)).toBeGreaterThan(0);
  });

  it('esplora: follows a Bitcoin payment through its spenders', { timeout: 120_000 }, async () => {
    const { report, cache } = await traceTwice('esplora', ['--chain', 'bitcoin', '--source', `esplora:${esplora.url}`, '--seed', btcSeed], {}, esplora);
    expect(report.endpoints.map((e) => e.address)).toContain(btc.address('walletC'));
    expect(report.endpoints.map((e) => e.address)).toContain(btc.address('walletB'));
    expect(sum(report)).toBeLessThanOrEqual(btcPaid);
    expect(sum(report)).toBeGreaterThanOrEqual(btcPaid - 3_000n);
    expect(cachedAnswers(cache)).toBeGreaterThan(0);
  });

  it('bitcoin-core: follows a Bitcoin payment as far as a node without an address index sees', { timeout: 120_000 }, async () => {
    const env = { BITCOIN_RPC_USER: 'investigator', BITCOIN_RPC_PASSWORD: 'cli-sources-password' };
    const { report, cache } = await traceTwice('core', ['--chain', 'bitcoin', '--source', `bitcoin-core:${core.url}`, '--seed', btcSeed], env, core);
    // Core knows the seed's outputs were spent, not by whom: the payment ends there, every satoshi accounted for.
    expect(sum(report)).toBe(btcPaid);
    expect(cachedAnswers(cache)).toBeGreaterThan(0);
  });

  it('fixture: traces the demo dataset offline, and needs no cache file', async () => {
    const demo = JSON.parse(readFileSync('fixtures/demo/case.json', 'utf8')) as { seeds: { chain: string; tx: string }[] };
    const seeds = demo.seeds.filter((s) => s.chain === 'ethereum').flatMap((s) => ['--seed', s.tx]);
    const cache = join(tmp, 'fixture.log');
    const r = await cli(['trace', '--chain', 'ethereum', '--source', 'fixture:fixtures/demo/dataset.json', ...seeds, '--format', 'json', '--quiet'], {
      CHAINTRAIL_CACHE: cache,
    });
    expect(r.code).toBe(0);
    const report = TraceReportSchema.parse(JSON.parse(r.stdout));
    expect(report.endpoints.length).toBeGreaterThan(0);
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
    expect(existsSync(cache)).toBe(false);
  });
});
