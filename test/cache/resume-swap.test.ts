import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import { CHAIN } from '../support/ganache.js';
import { cliTraceRunner } from '../support/kill-resume.js';
import { startRpcProxy } from '../support/rpc-proxy.js';
import { buildSwapWorld, drawSwapPlan, reachesExchange, type SwapWorld } from '../support/swap-world.js';

/**
 * Resuming a trace through swaps after kill -9 (issue #20): a real CLI process traces a generated swap world's
 * victim payment over JSON-RPC (ganache: receipts, struct-log traces and eth_getCode batches for the transactions
 * that pass through contracts, the block scan for native value, eth_getLogs) and is killed with SIGKILL when the
 * proxy in front of the node has counted 10 %, 50 % and 90 % of the calls a whole trace makes; the next run on the
 * same answer cache must repeat few calls and write the same report.
 */
const worldSeed = Number(process.env.RESUME_SWAP_SEED ?? fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1)[0]!);
// Clean traffic on the pools around the case: the block scan after the seed is then most of the trace's calls, so
// that 10 % of them is a few dozen calls.
const cleanSwaps = fc.sample(fc.integer({ min: 120, max: 200 }), { seed: worldSeed, numRuns: 1 })[0]!;

let world: SwapWorld;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
let dir: string;
const cli = cliTraceRunner(() => [
  '--chain',
  CHAIN,
  '--source',
  `rpc:${proxy.url}`,
  ...world.seeds.flatMap((s) => ['--seed', s]),
  '--labels',
  join(dir, 'labels.csv'),
  '--no-builtin-labels',
  '--min-value',
  '0',
  // The local chain's WETH9 is no built-in wrapper: named, its unwraps are conversions and the trace reaches the exchange.
  '--wrapped-native',
  world.tokens.WETH.address,
]);

beforeAll(async () => {
  world = await buildSwapWorld(drawSwapPlan(worldSeed, { cleanSwaps }));
  proxy = await startRpcProxy({ target: world.chain.url, onCall: cli.onCall });
  dir = mkdtempSync(join(tmpdir(), 'resume-swap-'));
  const labels = world.labels.map((l) => `${CHAIN},${l.address},${l.entity},${l.category},,1,swap world`);
  writeFileSync(join(dir, 'labels.csv'), ['chain,address,entity,category,jurisdiction,confidence,source', ...labels, ''].join('\n'));
  // Beside another suite on two cores the build took 166 s, and once passed 240 s.
}, 480_000);

afterAll(async () => {
  await proxy?.close();
  await world?.chain.close();
});

describe(`resuming a trace through swaps after kill -9 (swap world ${worldSeed}, ${cleanSwaps} clean swaps before and after)`, () => {
  it('repeats at most one call or 5 % of those made before a kill at 10 %, 50 % and 90 % of the trace, and writes the same report', {
    timeout: 600_000,
  }, async () => {
    const reference = await cli.reference(proxy, dir);
    // A trace through the swaps: the transactions' receipts, traces and code were read, the money reached the exchange
    // (its hot wallet, or a deposit address that swept to it: reachesExchange) and the pools kept the
    // case's tokens.
    for (const method of ['eth_getTransactionReceipt', 'debug_traceTransaction', 'eth_getCode']) expect(proxy.count(method)).toBeGreaterThan(0);
    const endpoints = (JSON.parse(reference.report) as TraceReport).endpoints;
    expect(reachesExchange(endpoints, world.actors.exchangeHot!)).toBe(true);
    expect(endpoints.some((e) => e.kind === 'contract')).toBe(true);
    expect(endpoints.filter((e) => world.clean.includes(e.address.toLowerCase()))).toEqual([]);
    const figures = await cli.killAndResume(proxy, dir, reference);
    console.log(`swap world ${worldSeed}: ${reference.total} calls in the whole trace; ${figures.join('; ')}`);
  });
});
