import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Wallet } from 'ethers';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { createDuckDbWarehouse } from '../../src/adapters/warehouse/duckdb.js';
import { createWarehouseAdapter } from '../../src/adapters/warehouse/adapter.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import type { TraceReport } from '../../src/core/schema.js';
import { registerStablecoin } from '../../src/core/stablecoins.js';
import { trace, type TraceProgress } from '../../src/trace/trace.js';
import { readEtlTables, writeEtlTables } from '../support/etl-export.js';
import { actor, actorKey, CHAIN, CHAIN_ID, startLocalChain, type Receipt } from '../support/ganache.js';

/**
 * The warehouse benchmark's trace, through the EVM RPC adapter and through DuckDB on the same chain data, for the
 * ratio. A ganache world of the same shape as the 20 M-row Parquet of `warehouse.ts`, with a smaller frontier N so
 * it builds in minutes: a victim pays a collector N USDT, the collector splits it to N mules (batchTransfer, 500
 * per transaction), and each mule forwards to its own next mule, 6 layers deep (every mule's transfer is its own
 * signed transaction; mules are funded with gas at genesis). The seed is the collector's address; the trace runs
 * 6 hops with a frontier of N addresses per hop, first over JSON-RPC (eth_getLogs with topic OR-lists), then over
 * the same blocks exported to blockchain-etl tables (`test/support/etl-export.ts`, BigQuery-style Parquet) with
 * DuckDB. The two reports must have the same endpoints.
 */
const N = Number(process.env.CHAINTRAIL_BENCH_RPC_FRONTIER ?? 1_000);
const HOPS = 6;
const PER_TX = 500;
const U = 1_000_000n;
/** Signed transactions queued per mined block (gas limit 60,000 each, 30 M block gas). */
const PER_BLOCK = 450;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface BuiltWorld {
  chain: Awaited<ReturnType<typeof startLocalChain>>;
  usdt: string;
  collector: string;
  /** mules[h - 1][i]: layer h's mule i (h = 1..HOPS). */
  mules: string[][];
}

/** The world, with every signed mule transfer mined many to a block (miner stopped, then evm_mine). */
export async function buildLayeredWorld(n: number, log: (line: string) => void = console.log): Promise<BuiltWorld> {
  let t = performance.now();
  const name = (h: number, i: number) => `mule-${h}-${i}`;
  // Layers 1..HOPS-1 send, so they hold gas money from genesis; the last layer only receives.
  const senders = Array.from({ length: HOPS - 1 }, (_, h) => Array.from({ length: n }, (_, i) => name(h + 1, i))).flat();
  const chain = await startLocalChain({ actors: ['deployer', 'victim', 'collector', ...senders], balanceEth: 1n, blockSeconds: 12 });
  const mules = Array.from({ length: HOPS }, (_, h) => Array.from({ length: n }, (_, i) => actor(name(h + 1, i))));
  log(`warehouse-vs-rpc world: ganache started with ${senders.length + 3} funded accounts in ${secs(performance.now() - t)}`);
  t = performance.now();
  const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 1_000_000_000n * U]);
  const ok = (r: Receipt) => {
    if (r.status !== '0x1') throw new Error(`transaction ${r.transactionHash} failed`);
  };
  ok(await chain.invoke('deployer', usdt, 'transfer', [actor('victim'), BigInt(n) * 2n * U]));
  ok(await chain.invoke('victim', usdt, 'transfer', [actor('collector'), BigInt(n) * U]));
  for (let i = 0; i < n; i += PER_TX) {
    const to = mules[0]!.slice(i, i + PER_TX);
    ok(await chain.invoke('collector', usdt, 'batchTransfer', [to, to.map(() => U)], { gasLimit: 28_000_000n }));
  }
  const data = (to: string) => usdt.iface.encodeFunctionData('transfer', [to, U]);
  await chain.request('miner_stop');
  let signMs = 0;
  let sendMs = 0;
  let mineMs = 0;
  for (let h = 1; h < HOPS; h++) {
    for (let i = 0; i < n; i += PER_BLOCK) {
      const hashes: string[] = [];
      for (let j = i; j < Math.min(n, i + PER_BLOCK); j++) {
        const s = performance.now();
        const raw = await new Wallet(actorKey(name(h, j))).signTransaction({
          type: 2,
          chainId: CHAIN_ID,
          nonce: 0,
          to: usdt.address,
          data: data(mules[h]![j]!),
          gasLimit: 60_000n,
          maxFeePerGas: 20n * 10n ** 9n,
          maxPriorityFeePerGas: 10n ** 9n,
        });
        signMs += performance.now() - s;
        const s2 = performance.now();
        hashes.push((await chain.request('eth_sendRawTransaction', [raw])) as string);
        sendMs += performance.now() - s2;
      }
      const s3 = performance.now();
      await chain.request('evm_mine');
      mineMs += performance.now() - s3;
      for (const hash of [hashes[0]!, hashes.at(-1)!]) {
        const r = (await chain.request('eth_getTransactionReceipt', [hash])) as Receipt | null;
        if (!r) throw new Error(`layer ${h}: ${hashes.length} transactions did not fit one block`);
        ok(r);
      }
    }
  }
  await chain.request('miner_start');
  const blocks = await chain.head();
  log(
    `warehouse-vs-rpc world: N = ${n.toLocaleString('en')} mules per layer, ${HOPS} layers, ${(n * HOPS + 1).toLocaleString('en')} USDT transfers ` +
      `(${((HOPS - 1) * n).toLocaleString('en')} signed mule transactions) in ${blocks} blocks, built in ${secs(performance.now() - t)} ` +
      `(${secs(signMs)} signing, ${secs(sendMs)} sending, ${secs(mineMs)} mining); load average ${load()}`,
  );
  return { chain, usdt: usdt.address, collector: actor('collector'), mules };
}

interface Measured {
  report: TraceReport;
  ms: number;
  /** Resolving the seed (the collector's own movements, all assets), before the first hop. */
  seedMs: number;
  /** Per round (hop): wall time, addresses fetched, source requests (JSON-RPC calls or SQL queries). */
  rounds: { round: number; frontier: number; ms: number; requests: number }[];
}

/** A trace from the collector over HOPS hops, its wall time and each round's time (from the progress events). */
async function timedTrace(world: BuiltWorld, adapter: ChainAdapter): Promise<Measured> {
  const events: { e: TraceProgress; at: number }[] = [];
  const start = performance.now();
  const { report } = await trace({
    seeds: [{ chain: CHAIN, address: world.collector }],
    adapters: [adapter],
    maxHops: HOPS,
    maxNodes: N * HOPS + 10,
    maxDegree: N * 2,
    onProgress: (e) => events.push({ e, at: performance.now() }),
  });
  const ms = performance.now() - start;
  const seedsAt = events.find((x) => x.e.phase === 'seeds')!.at;
  const firstExpand = events.find((x) => x.e.phase === 'expand')?.at ?? seedsAt;
  const rounds = events.flatMap(({ e, at }, k) => {
    const next = events[k + 1];
    if (e.phase !== 'expand' || !next) return [];
    return [{ round: e.round, frontier: e.frontier, ms: next.at - at, requests: next.e.requests - e.requests }];
  });
  return { report, ms, seedMs: firstExpand - seedsAt, rounds };
}

function print(name: string, m: Measured, requests: string): void {
  const hops = m.rounds.map((r) => `${r.frontier.toLocaleString('en')} addr ${r.ms.toFixed(0)} ms/${r.requests}`).join(', ');
  console.log(`warehouse-vs-rpc ${name}: ${secs(m.ms)} wall, ${requests}; load average ${load()}`);
  console.log(`warehouse-vs-rpc ${name} seed ${m.seedMs.toFixed(0)} ms; per hop (addresses, time/requests): ${hops}`);
}

export async function run(): Promise<void> {
  const world = await buildLayeredWorld(N);
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-bench-wh-rpc-'));
  try {
    // The token is the chain's canonical USDT here (else its symbol on an unknown contract reads as a look-alike).
    registerStablecoin({ chain: CHAIN, contract: world.usdt, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });

    // 1. Over JSON-RPC.
    const rpc = createEvmRpcAdapter({ url: world.chain.url, chain: CHAIN, timeoutMs: 900_000 });
    const viaRpc = await timedTrace(world, rpc);
    const rpcStats = rpc.stats();
    print(
      'rpc   ',
      viaRpc,
      `${rpcStats.calls.toLocaleString('en')} JSON-RPC calls in ${rpcStats.httpRequests.toLocaleString('en')} HTTP requests ${JSON.stringify(rpcStats.byMethod)}`,
    );

    // 2. The same blocks exported to blockchain-etl tables (Parquet), traced with DuckDB.
    let t = performance.now();
    // Without traces (debug_traceTransaction replays each block on ganache, far too slow for thousands of calls): the
    // mules' transfers call no other contract, and ganache has no trace_filter, so the RPC trace does not see
    // internal transfers either; both reports say so.
    const tables = await readEtlTables(world.chain.request, { traces: false });
    const readMs = performance.now() - t;
    t = performance.now();
    await writeEtlTables(tables, dir, 'parquet');
    console.log(
      `warehouse-vs-rpc export: ${tables.token_transfers.length.toLocaleString('en')} token_transfers, ${tables.transactions.length.toLocaleString('en')} transactions ` +
        `read from the node (no traces) in ${secs(readMs)}, written as Parquet in ${secs(performance.now() - t)}`,
    );
    const wh = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: CHAIN });
    let viaDuckDb: Measured;
    let queries: number;
    try {
      viaDuckDb = await timedTrace(world, wh);
      queries = wh.stats().queries;
      print('duckdb', viaDuckDb, `${queries} SQL queries`);
    } finally {
      await wh.close();
    }

    // 3. Same data, same answer; then the ratio.
    const hopLimit = viaRpc.report.endpoints.filter((e) => e.kind === 'hop-limit');
    if (hopLimit.length !== N) throw new Error(`expected ${N} hop-limit endpoints over RPC, got ${hopLimit.length}`);
    if (!isDeepStrictEqual(viaDuckDb.report.endpoints, viaRpc.report.endpoints)) throw new Error("the DuckDB trace's endpoints differ from the RPC trace's");
    if (!isDeepStrictEqual(viaDuckDb.report.conservation, viaRpc.report.conservation))
      throw new Error("the DuckDB trace's conservation differs from the RPC trace's");
    // Per hop = the rounds that fetched a whole layer of N mules (round 1 fetches the collector alone).
    const perHop = (m: Measured) => {
      const full = m.rounds.filter((r) => r.frontier >= N);
      return full.reduce((s, r) => s + r.ms, 0) / Math.max(1, full.length);
    };
    console.log(
      `warehouse-vs-rpc ratio (N = ${N.toLocaleString('en')}, ${viaRpc.report.endpoints.length.toLocaleString('en')} identical endpoints): RPC/DuckDB ` +
        `${(viaRpc.ms / viaDuckDb.ms).toFixed(1)}x wall time (${secs(viaRpc.ms)} vs ${secs(viaDuckDb.ms)}), ${(perHop(viaRpc) / perHop(viaDuckDb)).toFixed(1)}x per ` +
        `${N.toLocaleString('en')}-address hop (${perHop(viaRpc).toFixed(0)} vs ${perHop(viaDuckDb).toFixed(0)} ms), ${(rpcStats.calls / queries).toFixed(1)}x requests ` +
        `(${rpcStats.calls.toLocaleString('en')} JSON-RPC calls vs ${queries} SQL queries); load average ${load()}`,
    );
  } finally {
    await world.chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
