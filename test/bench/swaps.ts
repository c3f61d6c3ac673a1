import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createEvmRpcAdapter, type EvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { trace, type TraceProgress, type TraceResult } from '../../src/trace/trace.js';
import { CHAIN } from '../support/ganache.js';
import { cleanTainted, swapTraceOptions, withoutConversions } from '../support/swap-trace.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../support/swap-world.js';

/**
 * Issue #20's benchmark: the swap world (test/support/swap-world.ts) scaled to 1,000 clean swaps on the three shared
 * pools (half before the case, half after), by 40 clean users, around one drawn laundering case (a victim's USDT
 * swapped to ETH, maybe wrapped, split, deposited at an exchange). The victim's payment is traced through the
 * JSON-RPC source twice: with conversions followed (getTransactionMovements/getContracts: the transaction is a
 * unit, contracts are one box) and not followed (the same source without those two methods: pools are accounts,
 * as before #20). Per hop level (round): RPC calls by method and the HTTP requests that carried them, time,
 * tainted transfers; then the totals, the endpoints and how many clean users each run tainted. SWAP_BENCH_SWAPS,
 * SWAP_BENCH_USERS, SWAP_BENCH_SEED change the world.
 */
const SWAPS = Number(process.env.SWAP_BENCH_SWAPS ?? 1_000);
const USERS = Number(process.env.SWAP_BENCH_USERS ?? 40);
/** Seed 9 draws a case with every kind of step: token -> token -> ETH -> token swaps over v2 and v3 pools, a wrap and an
 * unwrap, a split over three wallets, deposits in ETH and DAI. */
const SEED = Number(process.env.SWAP_BENCH_SEED ?? 9);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Level {
  /** 'seeds' (resolving the victims' payments), then 'hop N' per round (the last one also settles: deposit checks). */
  name: string;
  calls: Record<string, number>;
  /** HTTP requests that carried them (a JSON-RPC batch is one). */
  http: number;
  ms: number;
  tainted: number;
}

/** The trace with `adapter`, cut into hop levels at each progress event (calls and time between two events belong to the first). */
async function measure(world: SwapWorld, adapter: EvmRpcAdapter, follow: boolean): Promise<{ levels: Level[]; result: TraceResult; ms: number }> {
  const levels: Level[] = [];
  const started = performance.now();
  let open: { name: string; calls: Record<string, number>; http: number; at: number; tainted: number } | undefined = {
    name: 'seeds',
    calls: adapter.stats().byMethod,
    http: adapter.stats().httpRequests,
    at: started,
    tainted: 0,
  };
  const onProgress = (e: TraceProgress) => {
    // Seeds, each hop, then the settle phase (deposit reads after the rounds) on its own line.
    const name = e.phase === 'expand' ? `hop ${e.round}` : e.phase;
    if (open && (open.name !== name || e.phase === 'done')) {
      const now = adapter.stats().byMethod;
      const calls: Record<string, number> = {};
      for (const [method, n] of Object.entries(now)) if (n > (open.calls[method] ?? 0)) calls[method] = n - (open.calls[method] ?? 0);
      const http = adapter.stats().httpRequests - open.http;
      levels.push({ name: open.name, calls, http, ms: performance.now() - open.at, tainted: e.taintedTransfers - open.tainted });
      open = undefined;
    }
    if (!open && e.phase !== 'done') {
      const now = adapter.stats();
      open = { name, calls: now.byMethod, http: now.httpRequests, at: performance.now(), tainted: e.taintedTransfers };
    }
  };
  const source = follow ? adapter : withoutConversions(adapter);
  const result = await trace({ ...swapTraceOptions(world), adapters: [source], onProgress });
  return { levels, result, ms: performance.now() - started };
}

function print(name: string, run: Awaited<ReturnType<typeof measure>>, world: SwapWorld, adapter: EvmRpcAdapter): void {
  const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
  for (const l of run.levels) {
    console.log(
      `swaps ${name.padEnd(12)} ${l.name.padEnd(7)} ${String(total(l.calls)).padStart(6)} calls in ${String(l.http).padStart(3)} HTTP ${secs(l.ms).padStart(8)} ${String(l.tainted).padStart(5)} tainted transfers  ${JSON.stringify(l.calls)}`,
    );
  }
  const s = adapter.stats();
  const r = run.result.report;
  const kinds = new Map<string, number>();
  for (const e of r.endpoints) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  console.log(
    `swaps ${name.padEnd(12)} total  ${String(s.calls).padStart(6)} calls in ${s.httpRequests} HTTP requests, ${secs(run.ms)}, ${r.stats.rounds} rounds, ${r.stats.taintedTransfers} tainted transfers, ${r.stats.addressesExpanded} addresses expanded; endpoints ${JSON.stringify(Object.fromEntries(kinds))}; clean users tainted: ${cleanTainted(world, run.result).length} of ${world.clean.length}; load ${load()}`,
  );
  console.log(`swaps ${name.padEnd(12)} calls by method ${JSON.stringify(s.byMethod)}`);
}

export async function run(): Promise<void> {
  console.log(`swaps: load before building ${load()}`);
  const t = performance.now();
  const world = await buildSwapWorld(drawSwapPlan(SEED, { cleanSwaps: SWAPS / 2, cleanUsers: USERS }));
  try {
    const swaps = world.txs.filter((x) => x.step?.do === 'swap');
    const head = Number(BigInt((await world.chain.request('eth_blockNumber', [])) as string));
    console.log(
      `swaps world: seed ${SEED}, ${swaps.length} swaps (${swaps.filter((x) => x.role === 'launder').length} the case's) on ${world.pools.length} shared pools (${world.pools.map((p) => `${p.name} ${p.kind}`).join(', ')}), ${USERS} clean users; ${world.txs.length} transactions in ${head} blocks, built in ${secs(performance.now() - t)}; load ${load()}`,
    );
    const weth = world.tokens.WETH.address.toLowerCase();
    // A fresh source per run (no answer cache, no remembered contracts): each run pays for what it reads. Each mode
    // runs once unmeasured first, so that neither pays alone for warming the node and the process.
    const source = () => createEvmRpcAdapter({ url: world.chain.url, chain: CHAIN, wrappedNative: [weth], timeoutMs: 600_000 });
    for (const follow of [true, false]) await measure(world, source(), follow);
    for (const [name, follow] of [
      ['followed', true],
      ['not followed', false],
    ] as const) {
      const adapter = source();
      print(name, await measure(world, adapter, follow), world, adapter);
    }
  } finally {
    await world.chain.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
