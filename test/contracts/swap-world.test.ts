import fc from 'fast-check';
import { Interface } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  internalValueCalls,
  readChain,
  replayTaint,
  throughContracts,
  ZERO_ADDRESS,
  type Movement,
  type TaintState,
  type TxMovements,
} from '../support/swap-oracle.js';
import { actor, startLocalChain } from '../support/ganache.js';
import { buildSwapWorld, DAI, drawSwapPlan, ETH, swap, USDT, type SwapPlan, type SwapWorld } from '../support/swap-world.js';

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const [victim, scammer, bob, mule, a1, a2, a3] = [1, 2, 3, 4, 5, 6, 7].map(addr) as [string, string, string, string, string, string, string];
const [pool1, pool2, router, weth, splitter] = [0x101, 0x102, 0x103, 0x104, 0x105].map(addr) as [string, string, string, string, string];
const U = addr(0x201); // a stablecoin
const D = addr(0x202); // another token
const contracts = new Set([pool1, pool2, router, weth, splitter, U, D]);

const tok = (asset: string, from: string, to: string, amount: bigint, log?: number): Movement => ({
  asset,
  raw: asset,
  from,
  to,
  amount,
  kind: 'transfer',
  ...(log === undefined ? {} : { log }),
});
const eth = (from: string, to: string, amount: bigint, kind: Movement['kind'] = 'internal'): Movement => ({
  asset: 'ETH',
  raw: kind === 'deposit' || kind === 'withdrawal' || kind === 'transfer' ? weth : 'native',
  from,
  to,
  amount,
  kind,
});
const tx = (hash: string, sender: string, movements: Movement[]): TxMovements => ({ hash, sender, fee: 0n, ok: true, movements });
const held = (state: TaintState, who: string, asset: string) => state.held.get(who)?.get(asset) ?? 0n;

/** The case prefix: mints, then `cleanFirst` clean units of U at the scammer, then the seed of `paid`. */
function prefix(paid: bigint, cleanFirst = 0n): TxMovements[] {
  return [
    tx('0xmint', victim, [tok(U, ZERO_ADDRESS, victim, 10n ** 9n), tok(U, ZERO_ADDRESS, bob, 10n ** 9n)]),
    ...(cleanFirst > 0n ? [tx('0xclean', bob, [tok(U, bob, scammer, cleanFirst)])] : []),
    tx('0xseed', victim, [tok(U, victim, scammer, paid)]),
  ];
}
const replay = (txs: TxMovements[], model: 'fifo' | 'haircut' = 'fifo') =>
  replayTaint(txs, { contracts, seeds: new Set(['0xseed']), genesis: new Map([[bob, 100n * ETH]]), model });

/** token -> ETH through a v2-shaped pool and the router, which unwraps and pays `to` by an internal call. */
const swapToEth = (hash: string, by: string, amountIn: bigint, out: bigint, to: string): TxMovements =>
  tx(hash, by, [
    tok(U, by, pool1, amountIn),
    eth(pool1, router, out, 'transfer'),
    eth(router, weth, out, 'withdrawal'),
    eth(weth, router, out),
    eth(router, to, out),
  ]);

describe('swap oracle: the #20 rule on hand-made transactions', () => {
  it('a fully tainted token -> ETH swap taints exactly what the router paid to the other recipient; the pool keeps the input', () => {
    const state = replay([...prefix(100n), swapToEth('0xswap', scammer, 100n, 5n * ETH, mule)]);
    expect(held(state, mule, 'ETH')).toBe(5n * ETH);
    expect(held(state, scammer, U)).toBe(0n);
    expect(state.ledger.get(U)).toMatchObject({ seeded: 100n, kept: 100n, produced: 0n });
    expect(state.ledger.get('ETH')).toMatchObject({ produced: 5n * ETH, kept: 0n });
    expect(state.conversions).toHaveLength(1);
    expect(state.conversions[0]!.contracts).toEqual([pool1, router, weth].sort());
  });

  it('v3 order (output before input) and any other log order give the same taint', () => {
    const base = tx('0xswap', scammer, [eth(pool1, scammer, 7n * ETH, 'transfer'), tok(U, scammer, pool1, 100n)]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }), (keys) => {
        const order = base.movements
          .map((m, i) => [keys[i]!, m] as const)
          .sort((x, y) => x[0] - y[0])
          .map(([, m]) => m);
        const state = replay([...prefix(60n, 40n), { ...base, movements: order }]);
        // Partial taint: 40 clean units went first (fifo), so 60 % of the input is the case's.
        expect(held(state, scammer, 'ETH')).toBe((7n * ETH * 60n) / 100n);
      }),
      { numRuns: 20 },
    );
  });

  it('two pools in one transaction: the taint goes from the first pool through the second to the final output', () => {
    const hop = tx('0xswap', scammer, [tok(U, scammer, pool1, 100n), tok(D, pool1, pool2, 90n), eth(pool2, mule, 3n * ETH, 'transfer')]);
    const state = replay([...prefix(100n), hop]);
    expect(held(state, mule, 'ETH')).toBe(3n * ETH);
    expect(held(state, mule, D)).toBe(0n);
    expect(state.ledger.get(D)).toBeUndefined();
  });

  it('partial taint rounds down in base units and records the fraction dropped', () => {
    // 40 tainted of 100 in; 7 units out: 2.8 -> 2 tainted, 0.8 (80/100) rounded away.
    const state = replay([...prefix(40n, 60n), tx('0xswap', scammer, [tok(U, scammer, pool1, 100n), tok(D, pool1, scammer, 7n)])]);
    expect(held(state, scammer, D)).toBe(2n);
    expect(state.conversions[0]!.roundedAway.get(D)).toBe(80n);
    expect(state.conversions[0]!.share).toEqual({ tainted: 40n, total: 100n });
  });

  it('a splitter passes taint on in full; the units floor leaves go to the largest remainders, whatever the order', () => {
    const outs = [
      { asset: U, to: a3, amount: 1n },
      { asset: U, to: a1, amount: 1n },
      { asset: U, to: a2, amount: 1n },
    ];
    // 1 tainted unit of 3, paid out as 1 + 1 + 1: a tie, given to the lowest address.
    const r = throughContracts([{ asset: U, amount: 3n, tainted: 1n }], outs);
    expect(r.tainted).toEqual([0n, 1n, 0n]);
    expect(throughContracts([{ asset: U, amount: 3n, tainted: 1n }], [...outs].reverse()).tainted).toEqual([0n, 1n, 0n]);
    const split = tx('0xsplit', scammer, [tok(U, scammer, splitter, 100n), tok(U, splitter, a1, 33n), tok(U, splitter, a2, 33n), tok(U, splitter, a3, 34n)]);
    const state = replay([...prefix(100n), split]);
    expect([a1, a2, a3].map((a) => held(state, a, U))).toEqual([33n, 33n, 34n]);
    expect(state.ledger.get(U)!.kept).toBe(0n);
  });

  it("a pool's later payouts to other users are clean, though it keeps the case's tokens", () => {
    const later = tx('0xbob', bob, [tok(U, bob, pool1, 50n), eth(pool1, bob, 2n * ETH, 'transfer')]);
    const state = replay([...prefix(100n), swapToEth('0xswap', scammer, 100n, 5n * ETH, scammer), later]);
    expect(held(state, bob, 'ETH')).toBe(0n);
    expect(held(state, bob, U)).toBe(0n);
    expect(held(state, scammer, 'ETH')).toBe(5n * ETH);
  });

  it('wrapping is ETH to ETH: a deposit and a withdrawal carry the taint 1:1', () => {
    const wrap = tx('0xwrap', scammer, [eth(scammer, weth, 5n * ETH, 'value'), eth(weth, scammer, 5n * ETH, 'deposit')]);
    const unwrap = tx('0xunwrap', scammer, [eth(scammer, weth, 2n * ETH, 'withdrawal'), eth(weth, scammer, 2n * ETH)]);
    const state = replay([...prefix(100n), swapToEth('0xswap', scammer, 100n, 5n * ETH, scammer), wrap, unwrap]);
    expect(held(state, scammer, 'ETH')).toBe(5n * ETH);
    expect(state.balances.get(scammer)!.get(weth)).toBe(3n * ETH);
    expect(state.balances.get(scammer)!.get('native')).toBe(2n * ETH);
  });

  it('refuses taint that enters in two assets at once (no single share), and a spend it cannot explain', () => {
    const both = tx('0xboth', scammer, [tok(U, scammer, pool1, 50n), eth(scammer, pool1, ETH, 'value'), tok(D, pool1, scammer, 1n)]);
    const txs = [...prefix(100n), swapToEth('0xswap', scammer, 50n, 2n * ETH, scammer), both];
    expect(() => replay(txs)).toThrow(/2 assets/);
    expect(() => replay([...prefix(100n), tx('0xover', scammer, [tok(U, scammer, mule, 101n)])])).toThrow(/spends 101 but holds 100/);
  });

  it('a seed on one log (TX:N): a payment into a pool taints only what the pool paid for it, in any log order', () => {
    const mint = tx('0xmint', victim, [tok(U, ZERO_ADDRESS, scammer, 1_000n)]);
    const seeds = (...s: string[]) => ({ contracts, seeds: new Set(s), genesis: new Map<string, bigint>() });
    // v3 order: the output (log 0) before the payment (log 1).
    const v3 = tx('0xswap', scammer, [eth(pool1, scammer, 7n * ETH, 'transfer'), tok(U, scammer, pool1, 100n, 1)]);
    const one = replayTaint([mint, v3], seeds('0xswap:1'));
    expect(held(one, scammer, 'ETH')).toBe(7n * ETH);
    expect(held(one, scammer, U)).toBe(0n);
    expect(one.ledger.get(U)).toMatchObject({ seeded: 100n, kept: 100n });
    // Two payments into the pool, one seeded: the output carries its share, floor.
    const two = tx('0xswap', scammer, [tok(U, scammer, pool1, 60n, 0), tok(U, scammer, pool1, 40n, 1), tok(D, pool1, scammer, 9n, 2)]);
    expect(held(replayTaint([mint, two], seeds('0xswap:1')), scammer, D)).toBe(3n);
    expect(held(replayTaint([mint, two], seeds('0xswap:0', '0xswap:1')), scammer, D)).toBe(9n);
    // A whole-transaction seed does not taint what goes into contracts.
    expect(replayTaint([mint, two], seeds('0xswap')).held.size).toBe(0);
  });

  it('haircut spends the tainted share of the holding', () => {
    const state = replay([...prefix(30n, 70n), swapToEth('0xswap', scammer, 50n, 10n, mule)], 'haircut');
    // The scammer holds 100, 30 tainted: spending 50 carries 15; the 10 out carry 10 * 15 / 50 = 3.
    expect(held(state, mule, 'ETH')).toBe(3n);
    expect(held(state, scammer, U)).toBe(15n);
  });

  it('throughContracts: per asset, tainted out = floor(total out * share), never above an output, order-free', () => {
    const assets = [U, D, 'ETH'];
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.record({ asset: fc.constantFrom(...assets), to: fc.constantFrom(a1, a2, a3, mule), amount: fc.bigInt({ min: 0n, max: 10n ** 24n }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (total, fraction, outputs) => {
          const tainted = (total * BigInt(Math.floor(fraction * 1e6))) / 1_000_000n;
          const r = throughContracts([{ asset: U, amount: total, tainted }], outputs);
          const back = throughContracts([{ asset: U, amount: total, tainted }], [...outputs].reverse()).tainted.reverse();
          for (const asset of assets) {
            const idx = outputs.map((o, i) => (o.asset === asset ? i : -1)).filter((i) => i >= 0);
            const out = idx.reduce((s, i) => s + outputs[i]!.amount, 0n);
            const sum = idx.reduce((s, i) => s + r.tainted[i]!, 0n);
            expect(sum).toBe(tainted === 0n ? 0n : (out * tainted) / total);
            if (tainted > 0n && out > 0n) expect(r.roundedAway.get(asset)).toBe((out * tainted) % total);
          }
          for (const [i, t] of r.tainted.entries()) expect(t <= outputs[i]!.amount && t >= 0n).toBe(true);
          // Identical outputs may trade their units; the multiset per (asset, to, amount) is what must not change.
          const key = (t: bigint[]) =>
            outputs
              .map((o, i) => `${o.asset}${o.to}${o.amount}:${t[i]}`)
              .sort()
              .join();
          expect(key(back)).toBe(key(r.tainted));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('swap oracle: internal value calls from a struct-log trace', () => {
  const w = (v: bigint | string) => (typeof v === 'string' ? v.slice(2) : v.toString(16)).padStart(64, '0');
  const call = (depth: number, to: string, value: bigint) => ({ depth, op: 'CALL', stack: [w(0n), w(0n), w(value), w(to), w(0n)] });
  const step = (depth: number, top = 0n) => ({ depth, op: 'POP', stack: [w(top)] });

  it('keeps successful value calls (into code or not) and drops everything inside a reverted frame', () => {
    const logs = [
      step(1),
      call(1, mule, 5n), // to an account without code: over at once
      step(1, 1n),
      call(1, splitter, 9n), // into code that pays a1 then reverts
      step(2),
      call(2, a1, 9n),
      step(2, 1n),
      step(1, 0n),
      call(1, splitter, 4n), // into code that pays a2 and succeeds
      step(2),
      call(2, a2, 4n),
      step(2, 1n),
      step(1, 1n),
      call(1, a3, 7n), // a failed call to an account
      step(1, 0n),
    ];
    expect(internalValueCalls(logs, router)).toEqual([
      { from: router, to: mule, amount: 5n },
      { from: router, to: splitter, amount: 4n },
      { from: splitter, to: a2, amount: 4n },
    ]);
  });
});

const ERC20 = new Interface(['function balanceOf(address) view returns (uint256)']);
const SWAPS = new Interface([
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
]);

/** What entered the first pool and left the last, decoded from the pools' own Swap events (not from transfers). */
async function swapEnds(world: SwapWorld, hash: string): Promise<{ amountIn: bigint; amountOut: bigint }> {
  const receipt = (await world.chain.request('eth_getTransactionReceipt', [hash])) as { logs: { address: string; topics: string[]; data: string }[] };
  const hops = receipt.logs
    .filter((l) => world.pools.some((p) => p.address === l.address.toLowerCase()))
    .map((l) => SWAPS.parseLog(l))
    .filter((e) => e?.name === 'Swap')
    .map((e) => {
      if (e!.args.length === 6) return { in: (e!.args[1] as bigint) + (e!.args[2] as bigint), out: (e!.args[3] as bigint) + (e!.args[4] as bigint) };
      const [a0, a1] = [e!.args[2] as bigint, e!.args[3] as bigint];
      return a0 > 0n ? { in: a0, out: -a1 } : { in: a1, out: -a0 };
    });
  expect(hops.length).toBeGreaterThan(0);
  return { amountIn: hops[0]!.in, amountOut: hops.at(-1)!.out };
}

async function oracle(world: SwapWorld, model: 'fifo' | 'haircut' = 'fifo', known?: Awaited<ReturnType<typeof readChain>>) {
  const read = known ?? (await readChain(world.chain.request, world.tokens.WETH.address));
  const state = replayTaint(read.txs, { contracts: read.contracts, seeds: new Set(world.seeds), genesis: world.genesis, model });
  return { read, state };
}

async function chainBalance(world: SwapWorld, who: string, raw: string, block: string | number = 'latest'): Promise<bigint> {
  const tag = typeof block === 'number' ? `0x${block.toString(16)}` : block;
  if (raw === 'native') return BigInt((await world.chain.request('eth_getBalance', [who, tag])) as string);
  const data = ERC20.encodeFunctionData('balanceOf', [who]);
  return ERC20.decodeFunctionResult('balanceOf', (await world.chain.request('eth_call', [{ to: raw, data }, tag])) as string)[0] as bigint;
}

/** Checks that hold in every world: the oracle saw every movement, conserved every unit, tainted no clean user. */
async function checkWorld(world: SwapWorld, read: Awaited<ReturnType<typeof oracle>>['read'], state: TaintState) {
  // Every transaction on the chain is one the world recorded, and the contracts are the ones it deployed.
  expect(read.txs.map((t) => t.hash)).toEqual(world.txs.map((t) => t.hash));
  for (const c of read.contracts) expect(world.contracts.has(c)).toBe(true);
  for (const p of world.pools) expect(read.contracts.has(p.address)).toBe(true);
  // The movements replayed give every account's real balance (ETH, each token) and every pool's token balances.
  let checked = 0;
  for (const [who, byRaw] of state.balances) {
    if (who === ZERO_ADDRESS) continue;
    for (const [raw, amount] of byRaw) {
      if (who === world.tokens.WETH.address && raw === who) continue; // the wrapper's own token: minus its supply
      expect({ who, raw, amount }).toEqual({ who, raw, amount: await chainBalance(world, who, raw) });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(20);
  // Conservation per asset: seeded + produced by conversions = held + kept in contracts + spent on gas.
  for (const [asset, l] of state.ledger) {
    const sum = [...state.held.values()].reduce((s, m) => s + (m.get(asset) ?? 0n), 0n);
    expect({ asset, total: l.seeded + l.produced }).toEqual({ asset, total: sum + l.kept + l.fees });
  }
  // The seed is the victim's payment, in full; taint sits only with the case's actors, never a clean user or contract.
  const seeded = world.txs.filter((t) => t.role === 'seed').map((t) => (t.step?.do === 'pay' ? (t.step.amount as bigint) : 0n));
  expect(state.ledger.get(world.tokens.USDT.address)!.seeded).toBe(seeded.reduce((s, a) => s + a, 0n));
  const caseActors = new Set(['scammer', 'mule', 'split1', 'split2', 'split3', 'exchangeHot'].map((n) => world.actors[n]!));
  for (const who of state.held.keys()) expect(caseActors.has(who)).toBe(true);
  for (const who of world.clean) expect(state.held.has(who)).toBe(false);
  // Each of the case's swaps, wraps, unwraps and splits is a conversion whose totals are what the pools' Swap events
  // (or the call's own amount) say went in and came out; a swap's tainted output is its share of the input, a
  // wrap's, unwrap's or split's all the tainted input.
  for (const t of world.txs.filter((x) => x.role === 'launder' && x.step)) {
    const c = state.conversions.find((x) => x.tx === t.hash);
    const step = t.step!;
    if (!c) continue; // a spend the account model filled from clean funds alone
    expect(c.in.size).toBe(1);
    const [[assetIn, input]] = [...c.in] as [[string, { total: bigint; tainted: bigint }]];
    if (step.do === 'swap') {
      const { amountIn, amountOut } = await swapEnds(world, t.hash);
      const assetOut = step.into === 'ETH' || step.into === 'WETH' ? 'ETH' : world.tokens[step.into].address;
      expect(input.total).toBe(amountIn);
      expect(c.out.get(assetOut)).toEqual({ total: amountOut, tainted: (amountOut * input.tainted) / input.total });
      expect(c.out.size).toBe(1);
    } else {
      expect([...c.out.values()]).toEqual([input]);
      expect(assetIn).toBe(step.do === 'split' && step.asset !== 'ETH' && step.asset !== 'WETH' ? world.tokens[step.asset].address : 'ETH');
    }
  }
  // The case's first swap takes at least 40 % of the victim's money: it is always a conversion.
  const first = world.txs.find((x) => x.role === 'launder' && x.step?.do === 'swap')!;
  expect(state.conversions.some((c) => c.tx === first.hash)).toBe(true);
}

describe('drawn swap plans', () => {
  it('are reproducible from the seed, vary with it, and scale their clean traffic and users on request', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 300 }), (seed, cleanSwaps) => {
        expect(drawSwapPlan(seed)).toEqual(drawSwapPlan(seed));
        const plan = drawSwapPlan(seed, { cleanSwaps });
        const count = (role: string) => plan.steps.filter((s) => s.role === role && s.do === 'swap').length;
        expect([count('clean-before'), count('clean-after')]).toEqual([cleanSwaps, cleanSwaps]);
        // One victim payment, and the case's first conversion spends it (with any clean USDT held before).
        expect(plan.steps.filter((s) => s.role === 'seed')).toHaveLength(1);
        expect(plan.steps.find((s) => s.role === 'launder')).toMatchObject({ do: 'swap', by: 'scammer', from: 'USDT' });
        // More clean users on request, and the clean swaps spread over them alone.
        const users = 2 + (cleanSwaps % 60);
        const scaled = drawSwapPlan(seed, { cleanSwaps, cleanUsers: users });
        expect(scaled.cleanUsers).toBe(users);
        const swappers = new Set(scaled.steps.filter((s) => s.role.startsWith('clean') && s.do === 'swap').map((s) => (s.do === 'swap' ? s.by : '')));
        for (const by of swappers) expect(Number(by.replace('clean', ''))).toBeLessThanOrEqual(users);
        if (cleanSwaps >= 100) expect(swappers.size).toBeGreaterThan(Math.min(users, 10) / 2);
      }),
      { numRuns: 50 },
    );
    const kinds = new Set(Array.from({ length: 40 }, (_, i) => JSON.stringify(drawSwapPlan(i + 1).pools.map((p) => p.kind))));
    expect(kinds.size).toBeGreaterThan(4);
  });
});

describe('swap worlds on ganache', () => {
  const hand: SwapPlan = {
    cleanUsers: 2,
    pools: [
      { name: 'USDT/WETH', kind: 'v3', reserves: [2_000_000n * USDT, 1_000n * ETH] },
      { name: 'DAI/WETH', kind: 'v2', reserves: [1_500_000n * DAI, 750n * ETH] },
      { name: 'USDT/DAI', kind: 'v2', reserves: [5_000_000n * USDT, 5_010_000n * DAI] },
    ],
    steps: [
      { role: 'fund', do: 'fund', to: 'clean1', asset: 'USDT', amount: 100_000n * USDT },
      swap('clean-before', 'clean1', ['USDT', 'ETH'], ['USDT/DAI', 'DAI/WETH'], 10_000n * USDT, 'clean1'),
      { role: 'fund', do: 'fund', to: 'scammer', asset: 'ETH', amount: ETH / 5n },
      { role: 'fund', do: 'fund', to: 'victim', asset: 'USDT', amount: 50_000n * USDT },
      { role: 'pre-fund', do: 'fund', to: 'scammer', asset: 'USDT', amount: 20_000n * USDT },
      { role: 'seed', do: 'pay', by: 'victim', to: 'scammer', asset: 'USDT', amount: 40_000n * USDT },
      // 35,000 in: 20,000 clean first, then 15,000 of the victim's; two v2 pairs; ETH paid to the mule by the router.
      swap('launder', 'scammer', ['USDT', 'ETH'], ['USDT/DAI', 'DAI/WETH'], 35_000n * USDT, 'mule'),
      // The v3 pool pays WETH to split3 before it takes the 15,000.
      swap('launder', 'scammer', ['USDT', 'WETH'], ['USDT/WETH'], 15_000n * USDT, 'split3'),
      swap('launder', 'scammer', ['USDT', 'DAI'], ['USDT/DAI'], 10_000n * USDT, 'scammer', 'batcher'),
      { role: 'launder', do: 'split', by: 'scammer', asset: 'DAI', amount: { bps: 10_000 }, to: ['split1', 'split2'], weights: [1, 2] },
      swap('clean-after', 'clean1', ['USDT', 'ETH'], ['USDT/DAI', 'DAI/WETH'], 5_000n * USDT, 'clean2'),
      swap('clean-after', 'clean1', ['USDT', 'WETH'], ['USDT/WETH'], 5_000n * USDT, 'clean1'),
    ],
  };
  let world: SwapWorld;
  beforeAll(async () => {
    world = await buildSwapWorld(hand);
  });
  afterAll(async () => world?.chain.close());

  it('a hand-built world: exact tainted amounts from what the chain paid out', async () => {
    const { read, state } = await oracle(world);
    await checkWorld(world, read, state);
    const a = world.actors;
    const usdt = world.tokens.USDT.address;
    const dai = world.tokens.DAI.address;
    const hashOf = (i: number) => world.txs.find((t) => t.step === hand.steps[i])!.hash;
    const blockOf = async (i: number) => Number(((await world.chain.request('eth_getTransactionReceipt', [hashOf(i)])) as { blockNumber: string }).blockNumber);
    // What the mule received, read as a balance change around the swap: 15,000 / 35,000 of it is the case's.
    const swapBlock = await blockOf(6);
    const toMule = (await chainBalance(world, a.mule!, 'native', swapBlock)) - (await chainBalance(world, a.mule!, 'native', swapBlock - 1));
    expect(toMule).toBeGreaterThan(0n);
    expect(state.held.get(a.mule!)!.get('ETH')).toBe((toMule * 15_000n) / 35_000n);
    // All of split3's WETH and of the DAI the splitter forwarded (1:2, the rest to the last) is the case's.
    const weth = await chainBalance(world, a.split3!, world.tokens.WETH.address);
    expect(weth).toBeGreaterThan(0n);
    expect(state.held.get(a.split3!)!.get('ETH')).toBe(weth);
    const daiOut = (await chainBalance(world, a.split1!, dai)) + (await chainBalance(world, a.split2!, dai));
    expect(state.held.get(a.split1!)!.get(dai)).toBe(daiOut / 3n);
    expect(state.held.get(a.split2!)!.get(dai)).toBe(daiOut - daiOut / 3n);
    // The pools keep the 40,000 of the victim's USDT; the scammer keeps none; the clean user after the case got clean ETH.
    expect(state.ledger.get(usdt)).toMatchObject({ seeded: 40_000n * USDT, kept: 40_000n * USDT, produced: 0n });
    expect(state.held.get(a.scammer!)?.get(usdt) ?? 0n).toBe(0n);
    expect(await chainBalance(world, a.clean2!, 'native')).toBeGreaterThan(10_000n * ETH);
    expect(state.held.has(a.clean2!)).toBe(false);
    // The v3 pool's output Transfer comes before its input Transfer in the log.
    const v3 = world.pools.find((p) => p.kind === 'v3')!.address;
    const swapB = read.txs.find((t) => t.hash === hashOf(7))!.movements.filter((m) => m.kind === 'transfer');
    expect(swapB.findIndex((m) => m.from === v3)).toBeLessThan(swapB.findIndex((m) => m.to === v3));
    expect(state.conversions.map((c) => c.tx)).toEqual([6, 7, 8, 9].map(hashOf));
    // Seeding only the scammer's USDT payment into the v3 pool (TX:N) taints exactly the WETH split3 got, nothing else.
    const payment = read.txs.find((t) => t.hash === hashOf(7))!.movements.find((m) => m.from === a.scammer && m.to === v3)!;
    const single = replayTaint(read.txs, { contracts: read.contracts, seeds: new Set([`${hashOf(7)}:${payment.log}`]), genesis: world.genesis });
    expect([...single.held.keys()]).toEqual([a.split3]);
    expect(single.held.get(a.split3!)).toEqual(new Map([['ETH', weth]]));
    expect(single.ledger.get(usdt)).toMatchObject({ seeded: 15_000n * USDT, kept: 15_000n * USDT });
  }, 120_000);

  it('generated worlds (seeded draws over realistic ranges): conservation, real balances, clean users clean, both models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const generated = await buildSwapWorld(drawSwapPlan(seed));
        try {
          const chain = await readChain(generated.chain.request, generated.tokens.WETH.address);
          for (const model of ['fifo', 'haircut'] as const) {
            const { read, state } = await oracle(generated, model, chain);
            await checkWorld(generated, read, state);
            // Some of the victim's money went through a conversion into ETH or DAI.
            expect(state.conversions.length).toBeGreaterThan(0);
          }
        } finally {
          await generated.chain.close();
        }
      }),
      { numRuns: 3 },
    );
  }, 240_000);
});

describe('swap contracts behave as the mainnet shapes they copy', () => {
  let chain: Awaited<ReturnType<typeof startLocalChain>>;
  beforeAll(async () => {
    chain = await startLocalChain({ actors: ['deployer', 'user'] });
  });
  afterAll(async () => chain?.close());
  const topics = (receipt: { logs: unknown[] }) => (receipt.logs as { topics: string[] }[]).map((l) => l.topics[0]);
  const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

  it('WETH9: deposit and withdraw emit Deposit / Withdrawal and no Transfer; transfer emits Transfer', async () => {
    const weth = await chain.deploy('deployer', 'WETH9');
    const deposit = await chain.invoke('user', weth, 'deposit', [], { value: 5n * ETH });
    expect(topics(deposit)).toEqual([weth.iface.getEvent('Deposit')!.topicHash]);
    const withdraw = await chain.invoke('user', weth, 'withdraw', [2n * ETH]);
    expect(topics(withdraw)).toEqual([weth.iface.getEvent('Withdrawal')!.topicHash]);
    const transfer = await chain.invoke('user', weth, 'transfer', [actor('deployer'), ETH]);
    expect(topics(transfer)).toEqual([TRANSFER]);
    expect(BigInt((await chain.request('eth_getBalance', [weth.address, 'latest'])) as string)).toBe(3n * ETH);
  });

  it('the v2 pair pays first and refuses an output that breaks k; the v3 pool refuses a caller that does not pay', async () => {
    const a = await chain.deploy('deployer', 'TestToken', ['A', 'A', 18, 10n ** 30n]);
    const b = await chain.deploy('deployer', 'TestToken', ['B', 'B', 18, 10n ** 30n]);
    const pair = await chain.deploy('deployer', 'SwapPairV2', [a.address, b.address]);
    await chain.invoke('deployer', a, 'transfer', [pair.address, 1_000n * ETH]);
    await chain.invoke('deployer', b, 'transfer', [pair.address, 1_000n * ETH]);
    await chain.invoke('deployer', pair, 'mint', [actor('deployer')]);
    // 10 in; the fair output with the 0.3 % fee is 9.871580343970612988 units: one wei more breaks k.
    const fair = (10n * ETH * 997n * 1_000n * ETH) / (1_000n * ETH * 1000n + 10n * ETH * 997n);
    await chain.invoke('deployer', a, 'transfer', [pair.address, 10n * ETH]);
    const aIs0 = a.address < b.address;
    const outs = (n: bigint) => (aIs0 ? [0n, n, actor('user'), '0x'] : [n, 0n, actor('user'), '0x']);
    // (A failing call is checked with eth_call or sent with a gas limit: the helper's nonce must not skip.)
    const from = actor('deployer');
    await expect(
      chain.request('eth_call', [{ from, to: pair.address, data: pair.iface.encodeFunctionData('swap', outs(fair + 1n)) }, 'latest']),
    ).rejects.toThrow(/revert K/);
    expect(await chain.invoke('deployer', pair, 'swap', outs(fair + 1n), { gasLimit: 300_000n })).toMatchObject({ status: '0x0' });
    const ok = await chain.invoke('deployer', pair, 'swap', outs(fair));
    // Sync then Swap, after the optimistic output Transfer.
    expect(topics(ok)).toEqual([TRANSFER, pair.iface.getEvent('Sync')!.topicHash, pair.iface.getEvent('Swap')!.topicHash]);
    const pool = await chain.deploy('deployer', 'SwapPoolV3', [a.address, b.address]);
    await chain.invoke('deployer', a, 'approve', [pool.address, 2n ** 256n - 1n]);
    await chain.invoke('deployer', b, 'approve', [pool.address, 2n ** 256n - 1n]);
    await chain.invoke('deployer', pool, 'mint', [1_000n * ETH, 1_000n * ETH]);
    // An account has no callback: the pool cannot collect, so the whole swap reverts.
    await expect(chain.invoke('deployer', pool, 'swap', [actor('user'), true, ETH, 0n, '0x'], { gasLimit: 500_000n })).resolves.toMatchObject({
      status: '0x0',
    });
  });
});
