import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { cli } from '../support/cli.js';
import { CHAIN } from '../support/ganache.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../support/swap-world.js';

/**
 * `--wrapped-native`: on a chain without a built-in wrapper (a local chain), naming the WETH9-style contract makes its
 * Deposit/Withdrawal wrapping, so an unwrap converts the tainted WETH into ETH that is followed.
 */
let world: SwapWorld;
beforeAll(async () => {
  // Drawn world 1: the launderer swaps USDT to WETH, unwraps, wraps and unwraps again, then pays the exchange in ETH.
  world = await buildSwapWorld(drawSwapPlan(1));
}, 240_000);
afterAll(async () => world?.chain.close());

async function trace(extra: string[]): Promise<TraceReport> {
  const args = ['trace', '--chain', CHAIN, '--source', `rpc:${world.chain.url}`, '--seed', world.seeds[0]!, '--from', '1970-01-01T00:00:01Z'];
  const r = await cli([...args, '--hops', '20', '--no-cache', '--quiet', '--format', 'json', ...extra]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return TraceReportSchema.parse(JSON.parse(r.stdout));
}

describe('--wrapped-native', () => {
  it('makes the named contract a wrapper: its unwraps are conversions and the ETH they pay is followed', async () => {
    const weth = world.tokens.WETH.address;
    const withFlag = await trace(['--wrapped-native', weth]);
    const without = await trace([]);
    const unwraps = (r: TraceReport) => (r.conversions ?? []).filter((c) => c.assetIn.symbol === 'WETH' && c.assetOut.kind === 'native');
    expect(unwraps(withFlag).length).toBeGreaterThan(0);
    expect(unwraps(without)).toEqual([]);
    // Without it the WETH the launderer unwrapped looks unspent at the launderer.
    const unspentWeth = (r: TraceReport) => r.endpoints.filter((e) => e.kind === 'unspent' && e.asset.symbol === 'WETH');
    expect(unspentWeth(withFlag)).toEqual([]);
    expect(unspentWeth(without).length).toBeGreaterThan(0);
    for (const r of [withFlag, without]) for (const line of r.conservation) expect(line.balanced).toBe(true);
  });

  it('refuses an address that is not one, naming the option', async () => {
    const r = await cli([
      'trace',
      '--chain',
      CHAIN,
      '--source',
      `rpc:${world.chain.url}`,
      '--seed',
      world.seeds[0]!,
      '--wrapped-native',
      '0x12',
      '--no-cache',
      '--quiet',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/wrappedNative/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
