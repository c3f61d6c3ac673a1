import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, startLocalChain, type Deployed, type LocalChain } from '../support/ganache.js';
import { cliTraceRunner } from '../support/kill-resume.js';
import { startRpcProxy } from '../support/rpc-proxy.js';

/**
 * Resuming after kill -9 over JSON-RPC without trace_filter (ganache): native value comes from the block scan, tokens
 * from eth_getLogs, fees and creations from receipts. A real CLI process is killed with SIGKILL when the proxy in front
 * of the node has counted 10 %, 50 % and 90 % of the calls a whole trace makes, then run again on the same cache.
 */
const U = 10n ** 6n;
const ETH = 10n ** 18n;

/**
 * A generated case: two victims' payments (ETH and USDT) layered through wallets, among bystanders' traffic (mostly
 * after the seeds, so the block scan is most of the trace's calls and 10 % of them is a few dozen calls).
 */
const worldArb = fc.record({
  layers: fc.integer({ min: 2, max: 5 }),
  fanOut: fc.integer({ min: 1, max: 3 }),
  depth: fc.integer({ min: 1, max: 3 }),
  noise: fc.integer({ min: 400, max: 700 }),
  shares: fc.array(fc.integer({ min: 5, max: 95 }), { minLength: 64, maxLength: 64 }),
});
const seed = Number(process.env.RESUME_SEED ?? Date.now() % 100_000);
const shape = fc.sample(worldArb, { seed, numRuns: 1 })[0]!;

let chain: LocalChain;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
let seeds: string[] = [];
let seedBlock = 0;
const cli = cliTraceRunner(() => ['--chain', chain.chain, '--source', `rpc:${proxy.url}`, '--no-builtin-labels', ...seeds.flatMap((s) => ['--seed', s])]);

beforeAll(async () => {
  const names = ['deployer', 'victim1', 'victim2', 'collector1', 'collector2', 'bystander1', 'bystander2', 'bystander3'];
  const wallets: string[] = [];
  for (let l = 0; l < shape.layers; l++) for (let d = 0; d < shape.depth; d++) for (let f = 0; f < shape.fanOut; f++) wallets.push(`w${l}-${d}-${f}`);
  chain = await startLocalChain({ actors: [...names, ...wallets], balanceEth: 100n });
  const usdt: Deployed = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 100_000_000n * U]);
  await chain.invoke('deployer', usdt, 'transfer', [actor('victim2'), 1_000_000n * U]);
  let share = 0;
  const part = (amount: bigint) => (amount * BigInt(shape.shares[share++ % shape.shares.length]!)) / 100n;
  const noise = async (n: number) => {
    for (let i = 0; i < n; i++) await chain.send(`bystander${(i % 3) + 1}`, { to: actor(`bystander${((i + 1) % 3) + 1}`), value: ETH / 100n + BigInt(i) });
  };
  await noise(Math.floor(shape.noise / 4));
  const eth = await chain.send('victim1', { to: actor('collector1'), value: 40n * ETH });
  const token = await chain.invoke('victim2', usdt, 'transfer', [actor('collector2'), 500_000n * U]);
  seeds = [eth.transactionHash, token.transactionHash];
  seedBlock = Number(eth.blockNumber);
  // Each collector pays its layers; each layer passes a share on down its chain of wallets, fanning out.
  for (let l = 0; l < shape.layers; l++) {
    const ethAmount = part(40n * ETH) / BigInt(shape.layers);
    const usdtAmount = part(500_000n * U) / BigInt(shape.layers);
    let holders = [
      { name: 'collector1', eth: ethAmount, usdt: 0n },
      { name: 'collector2', eth: 0n, usdt: usdtAmount },
    ];
    for (let d = 0; d < shape.depth; d++) {
      const next: typeof holders = [];
      for (const h of holders) {
        for (let f = 0; f < shape.fanOut; f++) {
          const to = `w${l}-${d}-${f}`;
          const e = h.eth / BigInt(shape.fanOut + 1);
          const t = part(h.usdt) / BigInt(shape.fanOut);
          if (e > 0n) await chain.send(h.name, { to: actor(to), value: e });
          if (t > 0n) await chain.invoke(h.name, usdt, 'transfer', [actor(to), t]);
          next.push({ name: to, eth: e / 2n, usdt: t });
        }
      }
      holders = next;
    }
  }
  await noise(shape.noise - Math.floor(shape.noise / 4));
  proxy = await startRpcProxy({ target: chain.url, onCall: cli.onCall });
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await chain?.close();
});

describe(`resuming an RPC trace after kill -9 (world seed ${seed}: ${JSON.stringify({ ...shape, shares: undefined })})`, () => {
  it('repeats at most one call or 5 % of the calls made before a kill at 10 %, 50 % and 90 % of the trace, and writes the same report', {
    timeout: 600_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-rpc-'));
    const reference = await cli.reference(proxy, dir);
    // A real trace: both seeds reached their layers, over the block scan and the logs.
    expect(JSON.parse(reference.report).endpoints.length).toBeGreaterThanOrEqual(shape.layers);
    // Every block from the seed's to the head was scanned for native value.
    expect(proxy.count('eth_getBlockByNumber')).toBeGreaterThan((await chain.head()) - seedBlock);
    expect(proxy.count('eth_getLogs')).toBeGreaterThan(0);
    const figures = await cli.killAndResume(proxy, dir, reference);
    console.log(`${reference.total} calls in the whole trace; ${figures.join('; ')}`);
  });
});
