import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import { CHAIN } from '../support/ganache.js';
import { startRpcProxy, type ProxyCall } from '../support/rpc-proxy.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../support/swap-world.js';

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
let onCall: (count: number) => void = () => {};

beforeAll(async () => {
  world = await buildSwapWorld(drawSwapPlan(worldSeed, { cleanSwaps }));
  proxy = await startRpcProxy({ target: world.chain.url, onCall: (_call, count) => onCall(count) });
  dir = mkdtempSync(join(tmpdir(), 'resume-swap-'));
  const labels = world.labels.map((l) => `${CHAIN},${l.address},${l.entity},${l.category},,1,swap world`);
  writeFileSync(join(dir, 'labels.csv'), ['chain,address,entity,category,jurisdiction,confidence,source', ...labels, ''].join('\n'));
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await world?.chain.close();
});

/** The chain id and the head are asked live by every run: they are not answers a cache could give. */
const LIVE = new Set(['eth_chainId', 'eth_blockNumber']);
const callKey = (c: ProxyCall) => `${c.method} ${JSON.stringify(c.params)}`;
const dataCalls = (calls: ProxyCall[]) => calls.filter((c) => !LIVE.has(c.method)).map(callKey);

/** The CLI as its own process (ganache runs in this one, so it is spawned, not run synchronously). */
function runCli(cache: string, out: string, killAt?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const args = ['--import', 'tsx', 'src/cli/bin.ts', 'trace', '--chain', CHAIN, '--source', `rpc:${proxy.url}`];
  args.push('--labels', join(dir, 'labels.csv'), '--no-builtin-labels', '--min-value', '0', '--format', 'json', '--out', out, '--quiet');
  for (const s of world.seeds) args.push('--seed', s);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CHAINTRAIL_CACHE: cache } });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  onCall = (count) => {
    if (killAt !== undefined && count >= killAt) child.kill('SIGKILL');
  };
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe(`resuming a trace through swaps after kill -9 (swap world ${worldSeed}, ${cleanSwaps} clean swaps before and after)`, () => {
  it('repeats at most one call or 5 % of those made before a kill at 10 %, 50 % and 90 % of the trace, and writes the same report', {
    timeout: 600_000,
  }, async () => {
    proxy.reset();
    const reference = await runCli(join(dir, 'reference.log'), join(dir, 'reference.json'));
    expect(reference.stderr).toBe('');
    expect(reference.code).toBe(0);
    const total = proxy.calls.length;
    const whole = new Set(dataCalls(proxy.calls));
    const report = readFileSync(join(dir, 'reference.json'), 'utf8');
    // A trace through the swaps: the transactions' receipts, traces and code were read, the money reached the exchange
    // and the pools kept the case's tokens.
    for (const method of ['eth_getTransactionReceipt', 'debug_traceTransaction', 'eth_getCode']) expect(proxy.count(method)).toBeGreaterThan(0);
    const endpoints = (JSON.parse(report) as TraceReport).endpoints;
    expect(endpoints.some((e) => e.kind === 'exchange' && e.address.toLowerCase() === world.actors.exchangeHot)).toBe(true);
    expect(endpoints.some((e) => e.kind === 'contract')).toBe(true);
    expect(endpoints.filter((e) => world.clean.includes(e.address.toLowerCase()))).toEqual([]);

    const figures: string[] = [];
    for (const fraction of [0.1, 0.5, 0.9]) {
      const cache = join(dir, `cache-${fraction}.log`);
      proxy.reset();
      const killed = await runCli(cache, join(dir, `killed-${fraction}.json`), Math.ceil(total * fraction));
      expect(killed.signal).toBe('SIGKILL');
      const before = dataCalls(proxy.calls);
      proxy.reset();
      const resumed = await runCli(cache, join(dir, `resumed-${fraction}.json`));
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const asked = new Set(before);
      const repeated = dataCalls(proxy.calls).filter((k) => asked.has(k)).length;
      figures.push(`kill at ${fraction * 100} % (${before.length} data calls made): ${repeated} repeated (${((100 * repeated) / before.length).toFixed(1)} %)`);
      // Only what was in flight at the kill is asked again: one call, or 5 % of those made.
      expect(repeated).toBeLessThanOrEqual(Math.max(1, Math.floor(0.05 * before.length)));
      // Together the two runs asked exactly what the whole trace asks.
      expect(new Set([...before, ...dataCalls(proxy.calls)])).toEqual(whole);
      expect(readFileSync(join(dir, `resumed-${fraction}.json`), 'utf8')).toBe(report);
    }
    console.log(`swap world ${worldSeed}: ${total} calls in the whole trace; ${figures.join('; ')}`);
  });
});
