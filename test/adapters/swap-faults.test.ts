/**
 * Issue #20's source calls under fault injection, on a generated swap world (real ganache, real signed transactions
 * through AMM pools, a router, a WETH9-style wrapper and a splitter): every source kind's getTransactionMovements
 * and getContracts (JSON-RPC receipt/transaction/trace and eth_getCode batches; Etherscan and Blockscout proxy,
 * txlistinternal and getcontractcreation; TronGrid gettransactionbyid, gettransactioninfobyid and getcontract;
 * BigQuery jobs) through a proxy that breaks a seeded share of the answers with every kind of transient fault must
 * give exactly the answers of a run without faults, which are the swap oracle's reading of the chain. Seeded runs
 * go on until every kind of fault has been met.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChainAdapter, TransactionMovements } from '../../src/adapters/adapter.js';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { createTronGridAdapter } from '../../src/adapters/tron/adapter.js';
import { createWarehouseAdapter } from '../../src/adapters/warehouse/adapter.js';
import { createDuckDbWarehouse } from '../../src/adapters/warehouse/duckdb.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import type { TraceReport } from '../../src/core/schema.js';
import { reportToJson } from '../../src/report/json.js';
import { trace, type TraceOptions } from '../../src/trace/trace.js';
import { indexChain } from '../support/etherscan-data.js';
import { startEtherscanServer, type EtherscanData } from '../support/etherscan-server.js';
import { readEtlTables, writeEtlTables } from '../support/etl-export.js';
import {
  ETHERSCAN_FAULTS,
  GOOGLE_FAULTS,
  RPC_FAULTS,
  startFaultProxy,
  TRONGRID_FAULTS,
  type BodyFault,
  type FaultProxy,
  type FaultProxyOptions,
} from '../support/fault-proxy.js';
import type { SeenRequest } from '../support/http-test-server.js';
import { CHAIN, CHAIN_ID } from '../support/ganache.js';
import { startRpcProxy } from '../support/rpc-proxy.js';
import { readTxMovements, type Movement } from '../support/swap-oracle.js';
import { buildSwapWorld, drawSwapPlan, reachesExchange, type SwapWorld } from '../support/swap-world.js';
import { swapTraceOptions } from '../support/swap-trace.js';
import { tronSwapData } from '../support/tron-swap.js';
import { startTronServer } from '../support/trongrid-server.js';
import { createVirtualClock } from '../support/virtual-clock.js';
import { answerFromTables, STUB_PROJECT, stubbedBigQuery } from './warehouse/bigquery-etl.js';
import { startBigQueryServer } from './warehouse/bigquery-server.js';

const worldSeed = Number(process.env.SWAP_FAULTS_SEED ?? fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1)[0]!);
const key = (from: string, to: string, asset: string, amount: bigint) => `${from}>${to}:${asset}:${amount}`;
const ofAdapter = (list: AccountTransfer[]) => list.map((m) => key(m.from, m.to, m.type === 'token' ? m.asset.contract! : 'native', m.amount)).sort();
const ofOracle = (list: Movement[]) => list.map((m) => key(m.from, m.to, m.raw, m.amount)).sort();

let world: SwapWorld;
let weth: string;
/** Every transaction of the world but the deployments: the case's, the clean users' swaps, the funding. */
let hashes: string[];
/** Every actor and every contract. */
let addresses: string[];
let oracle: Movement[];
beforeAll(async () => {
  world = await buildSwapWorld(drawSwapPlan(worldSeed));
  weth = world.tokens.WETH.address.toLowerCase();
  hashes = world.txs.filter((t) => t.role !== 'setup').map((t) => t.hash.toLowerCase());
  const read = await Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => world.contracts.has(a))));
  oracle = read.flatMap((t) => t.movements);
  addresses = [...new Set([...Object.values(world.actors), ...world.contracts])].sort();
}, 240_000);
afterAll(async () => world?.chain.close());

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** The sources under test, with short timeouts (a hung connection costs little) and a virtual clock (backoff costs nothing). */
const rpcSource = (url: string) =>
  // ganache answers a batch of struct-log traces slowly, seconds on a loaded machine: its timeout is longer than the
  // other sources' (and the proxy holds a 'timeout' fault longer still).
  createEvmRpcAdapter({ url, chain: CHAIN, wrappedNative: [weth], rpcBatchSize: 8, timeoutMs: 10_000, retries: 6, clock: createVirtualClock() });
const tronSource = (url: string) =>
  createTronGridAdapter({ baseUrl: url, env: {}, timeoutMs: 400, retries: 6, clock: createVirtualClock(), random: () => 0.5, rateLimit: false });
/** The local explorer API over `data`, and its source for a base URL (the server's or a proxy's in front of it). */
async function explorer(flavor: 'etherscan' | 'blockscout', data: EtherscanData) {
  const server = await startEtherscanServer({ flavor, apiKey: 'k', chainIds: [CHAIN_ID], data });
  closers.push(() => server.close());
  const path = server.apiUrl.slice(server.url.length);
  const make = (url: string) =>
    createEtherscanAdapter({
      chain: CHAIN,
      baseUrl: `${url}${path}`,
      ...(flavor === 'etherscan' ? { apiKey: 'k' } : {}),
      wrappedNative: [weth],
      timeoutMs: 400,
      retries: 6,
      clock: createVirtualClock(),
      rateLimit: false,
    });
  return { server, make };
}

/** The world indexed into the local explorer API, as Etherscan and Blockscout index a chain. */
async function explorerData(transfers = false) {
  const read = await Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => world.contracts.has(a))));
  const internal = new Map(read.map((t) => [t.hash.toLowerCase(), t.movements.filter((m) => m.kind === 'internal')]));
  const tokens = (['USDT', 'DAI', 'WETH'] as const).map((name) => ({
    address: world.tokens[name].address.toLowerCase(),
    symbol: name,
    decimals: name === 'USDT' ? 6 : 18,
  }));
  return indexChain(world.chain.request, hashes, { internal, tokens, contracts: [...world.contracts], transfers });
}

/**
 * The report of a trace of the world's victim's payment, with the source's address written SOURCE; the trace must
 * have followed the money into the swaps (the pools' share kept at contracts) and tainted no clean user. `exchange`:
 * the address it must also reach (through every unwrap: the source's getTransfers lists the wrapper's
 * Deposit/Withdrawal of the holder).
 */
async function traced(adapter: ChainAdapter, url: string, options: Omit<TraceOptions, 'adapters'>, clean: string[], exchange?: string): Promise<string> {
  const { report } = await trace({ ...options, adapters: [adapter] });
  const where = (e: TraceReport['endpoints'][number]) => e.address.toLowerCase();
  if (exchange) expect(reachesExchange(report.endpoints, exchange)).toBe(true);
  expect(report.endpoints.some((e) => e.kind === 'contract')).toBe(true);
  expect(report.endpoints.filter((e) => clean.includes(where(e)))).toEqual([]);
  return reportToJson(report).replaceAll(url, 'SOURCE');
}

/** What a source answers for the world: every movement of its transactions, and which addresses are contracts. */
interface Answers {
  movements: TransactionMovements;
  contracts: string[];
}
async function answers(adapter: ChainAdapter, chain = CHAIN, hashList = hashes, addressList = addresses): Promise<Answers> {
  const movements = await adapter.getTransactionMovements!(chain, hashList);
  return { movements, contracts: [...(await adapter.getContracts!(chain, addressList))].sort() };
}

/**
 * The source through a fault proxy, seed after seed, until every kind of fault was injected (and `enough` holds):
 * each run's answers must equal the fault-free ones. Logs the figures: faults by kind, the requests of each run beside
 * the fault-free run's `clean` (JSON-RPC batching follows the answers' timing, so the counts are figures, not checks).
 */
async function survives<T = Answers>(o: {
  name: string;
  target: string;
  want: T;
  clean: number;
  make: (url: string) => ChainAdapter;
  /** What is compared (default: `answers`); `url` is the proxy's, for a result that names its source. */
  read?: (adapter: ChainAdapter, url: string) => Promise<T>;
  bodyFaults: Record<string, BodyFault>;
  proxy?: Partial<FaultProxyOptions>;
  enough?: (proxies: FaultProxy[]) => boolean;
  /** What a request is about (methods, actions, paths): each of `must` has to meet a fault before the runs end. */
  faulted?: { of: (req: SeenRequest) => string[]; must: string[] };
  maxSeeds?: number;
}): Promise<void> {
  const injected: Record<string, number> = {};
  const proxies: FaultProxy[] = [];
  const requests: number[] = [];
  const hit = new Set<string>();
  const allow = (kind: string, req: SeenRequest) => {
    const ok = o.proxy?.allow?.(kind, req) ?? true;
    if (ok) for (const what of o.faulted?.of(req) ?? []) hit.add(what);
    return ok;
  };
  const met = () =>
    Object.keys(injected).length > 0 &&
    Object.values(injected).every((n) => n > 0) &&
    (o.enough?.(proxies) ?? true) &&
    (o.faulted?.must ?? []).every((what) => hit.has(what));
  let seed = 0;
  while (++seed <= (o.maxSeeds ?? 40) && !met()) {
    const proxy = await startFaultProxy(o.target, { rate: 0.3, seed, holdMs: 1_000, bodyFaults: o.bodyFaults, ...o.proxy, allow });
    closers.push(() => proxy.close());
    proxies.push(proxy);
    const got = o.read ? await o.read(o.make(proxy.url), proxy.url) : await answers(o.make(proxy.url));
    expect(got, `${o.name}, fault seed ${seed}`).toEqual(o.want);
    requests.push(proxy.requests.length);
    for (const [kind, n] of Object.entries(proxy.injected)) injected[kind] = (injected[kind] ?? 0) + n;
  }
  const total = Object.values(injected).reduce((a, b) => a + b, 0);
  console.log(
    `${o.name} (swap world ${worldSeed}): ${total} faults survived over ${seed - 1} seeded runs, ${JSON.stringify(injected)}; HTTP requests per run ${JSON.stringify(requests)} (${o.clean} without faults)${hit.size ? `; faults met by ${[...hit].sort().join(', ')}` : ''}`,
  );
  expect(
    Object.entries(injected)
      .filter(([, n]) => n === 0)
      .map(([k]) => k),
  ).toEqual([]);
  expect(met()).toBe(true);
}

describe(`transaction movements and contracts under fault injection, swap world ${worldSeed}`, () => {
  it('JSON-RPC: faults at any position of the receipt, trace and eth_getCode batches change no answer', { timeout: 300_000 }, async () => {
    const plain = await startRpcProxy({ target: world.chain.url });
    closers.push(() => plain.close());
    const make = rpcSource;
    const want = await answers(make(plain.url));
    expect(ofAdapter(want.movements.movements)).toEqual(ofOracle(oracle));
    expect(want.movements.internalVisible).toBe(true);
    expect(want.contracts).toEqual(addresses.filter((a) => world.contracts.has(a)));
    const clean = plain.httpRequests();
    await survives({
      name: 'JSON-RPC',
      target: world.chain.url,
      want,
      clean,
      make,
      bodyFaults: RPC_FAULTS,
      proxy: {
        // ganache answers a batch of struct-log traces slowly: a hung connection must outlast the client's timeout.
        holdMs: 10_500,
      },
      // The new calls met faults, one past the first element of a batch.
      faulted: {
        of: (req) => [...req.body.matchAll(/"method":"([a-zA-Z_]+)"/g)].map((m) => m[1]!),
        must: ['eth_getTransactionReceipt', 'debug_traceTransaction', 'eth_getCode'],
      },
      enough: (proxies) => proxies.some((p) => p.picks.some((x) => x.at > 0)),
    });
  });

  it('Etherscan and Blockscout: faults on proxy, txlistinternal and getcontractcreation requests change no answer', { timeout: 300_000 }, async () => {
    const data = await explorerData();
    for (const flavor of ['etherscan', 'blockscout'] as const) {
      const { server, make } = await explorer(flavor, data);
      const want = await answers(make(server.url));
      expect(ofAdapter(want.movements.movements)).toEqual(ofOracle(oracle));
      expect(want.contracts).toEqual(addresses.filter((a) => world.contracts.has(a)));
      const clean = server.requests.length;
      await survives({
        name: flavor,
        target: server.url,
        want,
        clean,
        make,
        bodyFaults: ETHERSCAN_FAULTS,
        faulted: {
          of: (req) => [req.query.get('action') ?? ''],
          must: [flavor === 'etherscan' ? 'eth_getTransactionReceipt' : 'gettxinfo', 'txlistinternal', 'getcontractcreation'],
        },
      });
    }
  });

  it('BigQuery: faults on the jobs of the movements, contracts and tokens queries change no answer', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-swap-faults-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const tables = await readEtlTables(world.chain.request, { conversions: true });
    await writeEtlTables(tables, dir, 'parquet');
    const duck = createDuckDbWarehouse({ dir });
    closers.push(() => duck.close());
    const dataset = `${STUB_PROJECT}.crypto_swap_world`;
    const server = await startBigQueryServer({
      project: STUB_PROJECT,
      dataset,
      tables: Object.keys(tables),
      estimate: () => 4_096,
      answer: answerFromTables(duck, dataset),
      pendingPolls: 1,
      maxPage: 40,
    });
    closers.push(() => server.close());
    const make = (url: string) =>
      createWarehouseAdapter({
        engine: stubbedBigQuery(url, dataset, { pageSize: 40, retries: 6, requestTimeoutMs: 400, clock: createVirtualClock() }),
        chain: CHAIN,
        wrappedNative: [weth],
      });
    const want = await answers(make(server.url));
    expect(ofAdapter(want.movements.movements)).toEqual(ofOracle(oracle));
    expect(want.contracts).toEqual(addresses.filter((a) => world.contracts.has(a)));
    // The same tables through DuckDB directly give the same movements (the stand-in adds nothing of its own).
    const direct = await answers(createWarehouseAdapter({ engine: duck, chain: CHAIN, wrappedNative: [weth] }));
    expect(direct.movements.movements).toEqual(want.movements.movements);
    const jobs = server.jobs.filter((j) => !j.dryRun).length;
    const clean = server.requests.length;
    await survives({
      name: 'BigQuery',
      target: server.url,
      want,
      clean,
      make,
      bodyFaults: GOOGLE_FAULTS,
      proxy: {
        // A dry run's job id is random: the request is the same without it.
        keyOf: (req) => `${req.method} ${req.path}?${req.query} ${req.body.replace(/"jobId":"[^"]*"/, '')}`,
        // The client library takes a cut-off jobs.insert answer for a job and crashes on it (a TypeError outside any
        // promise): cut-off bodies go to the GET requests (results pages, job status) only.
        allow: (kind, req) => req.method === 'GET' || (kind !== 'malformed' && kind !== 'truncated'),
      },
      // The movements and contracts jobs (their array parameters) met faults.
      faulted: { of: (req) => ['hashes', 'addresses'].filter((what) => req.body.includes(`"name":"${what}"`)), must: ['hashes', 'addresses'] },
    });
    console.log(`BigQuery without faults: ${jobs} jobs, ${clean} requests`);
  });

  it('TronGrid: faults on gettransactionbyid, gettransactioninfobyid and getcontract change no answer', { timeout: 300_000 }, async () => {
    const tron = await tronSwapData(world, hashes);
    const server = await startTronServer({ data: tron.data });
    closers.push(() => server.close());
    const ids = hashes.map(tron.txid);
    const tronAddresses = addresses.map(tron.address);
    const tronContracts = addresses
      .filter((a) => world.contracts.has(a))
      .map(tron.address)
      .sort();
    const make = tronSource;
    const read = (adapter: ChainAdapter) => answers(adapter, 'tron', ids, tronAddresses);
    const want = await read(make(server.url));
    const keys = want.movements.movements
      .filter((m) => m.amount > 0n)
      .map((m) => `${m.tx}|${m.from}>${m.to}:${m.asset.contract ?? 'TRX'}:${m.amount}`)
      .sort();
    expect(keys).toEqual(tron.expected);
    expect(want.contracts).toEqual(tronContracts);
    const clean = server.requests.length;
    await survives({
      name: 'TronGrid',
      target: server.url,
      want,
      clean,
      make,
      read,
      bodyFaults: TRONGRID_FAULTS,
      faulted: { of: (req) => [req.path], must: ['/wallet/gettransactionbyid', '/wallet/gettransactioninfobyid', '/wallet/getcontract'] },
    });
  });
});

describe(`trace() through the swap world under fault injection, swap world ${worldSeed}`, () => {
  it('JSON-RPC: the same report, byte for byte, with faults at any position of any batch', { timeout: 300_000 }, async () => {
    const options = swapTraceOptions(world);
    const make = rpcSource;
    const read = (adapter: ChainAdapter, url: string) => traced(adapter, url, options, world.clean, world.actors.exchangeHot!);
    // The baseline through a proxy that breaks nothing: the node's own bytes, counted.
    const plain = await startFaultProxy(world.chain.url, { rate: 0 });
    closers.push(() => plain.close());
    const want = await read(make(plain.url), plain.url);
    await survives({
      name: 'trace() over JSON-RPC',
      target: world.chain.url,
      want,
      clean: plain.requests.length,
      make,
      read,
      bodyFaults: RPC_FAULTS,
      proxy: { holdMs: 10_500 },
      enough: (proxies) => proxies.some((p) => p.picks.some((x) => x.at > 0)),
    });
  });

  it('Etherscan: the same report, byte for byte, with the explorer’s answers broken', { timeout: 300_000 }, async () => {
    const { server, make } = await explorer('etherscan', await explorerData(true));
    const options = swapTraceOptions(world);
    const read = (adapter: ChainAdapter, url: string) => traced(adapter, url, options, world.clean, world.actors.exchangeHot!);
    const want = await read(make(server.url), server.url);
    await survives({ name: 'trace() over Etherscan', target: server.url, want, clean: server.requests.length, make, read, bodyFaults: ETHERSCAN_FAULTS });
  });

  it('TronGrid: the same report, byte for byte, with TronGrid’s answers broken', { timeout: 300_000 }, async () => {
    const tron = await tronSwapData(world, hashes);
    const server = await startTronServer({ data: tron.data });
    closers.push(() => server.close());
    const make = tronSource;
    const options = swapTraceOptions(world, { chain: 'tron', tx: tron.txid, address: tron.address });
    const clean = world.clean.map((a) => tron.address(a).toLowerCase());
    const read = (adapter: ChainAdapter, url: string) => traced(adapter, url, options, clean, tron.address(world.actors.exchangeHot!));
    const want = await read(make(server.url), server.url);
    await survives({ name: 'trace() over TronGrid', target: server.url, want, clean: server.requests.length, make, read, bodyFaults: TRONGRID_FAULTS });
  });
});
