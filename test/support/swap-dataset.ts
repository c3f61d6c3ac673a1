/**
 * Offline swap worlds for the report side of issue #20: a fixture dataset (recorded movements plus `contracts`) in
 * which a victim pays a scammer USDT, clean money may be mixed in, the scammer swaps some of it on constant-product
 * pools (directly, through a router, over one or two pools, paid to itself or split between mules), the mules deposit
 * what came out at a labeled exchange, and clean users swap on the same pools before and after. Every parameter is
 * drawn from the world's seed over realistic ranges; the movements are what the contracts would have emitted
 * (pool prices from the reserves, x·y = k with a 0.3 % fee). Expected figures never come from here: tests read the
 * movements back and compare.
 */
import { id } from 'ethers';
import fc from 'fast-check';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput, FixtureTransferInput } from '../../src/adapters/fixture/schema.js';
import type { Label } from '../../src/core/schema.js';
import { tronFromEvmHex } from '../../src/core/address.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { mulberry32 } from './random.js';

/** Per chain: the stablecoin paid in, the intermediate token of two-pool routes and the token that comes out. */
const CHAINS = {
  ethereum: {
    USDT: { contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 },
    DAI: { contract: '0x6b175474e89094c44da98b954eedeac495271d0f', symbol: 'DAI', decimals: 18 },
    WETH: { contract: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', symbol: 'WETH', decimals: 18 },
  },
  // SunSwap-like pools on TRON: USDT (TRC-20) into WTRX, through USDD on two-pool routes.
  tron: {
    USDT: { contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 },
    DAI: { contract: 'TPYmHEhy5n8TCEfYGqW2rPxsghSfzghPDn', symbol: 'USDD', decimals: 18 },
    WETH: { contract: 'TNUC9Qb1rRpS5CbWLmNMxXBjyFoydXjWFR', symbol: 'WTRX', decimals: 6 },
  },
} as const;
export type SwapChain = keyof typeof CHAINS;
type Token = 'USDT' | 'DAI' | 'WETH';

export interface SwapDatasetWorld {
  chain: SwapChain;
  /** Symbols of the asset paid in and of the asset the swaps pay out. */
  symbols: { in: string; out: string };
  dataset: FixtureDatasetInput;
  labels: Label[];
  /** The victim's payment (seed) and the swap transactions of the case. */
  seedTx: string;
  swapTxs: string[];
  /** Transactions of clean users on the same pools. */
  cleanSwapTxs: string[];
  actors: { victim: string; scammer: string; mules: string[]; exchange: string; router: string; cleanUsers: string[] };
  pools: { name: string; address: string; labeled: boolean }[];
  contracts: string[];
  /** Drawn parameters, for messages. */
  params: Record<string, unknown>;
}

/** A varied world from an integer seed (draw it with fast-check), on Ethereum or TRON. */
export function swapDataset(seed: number, chain: SwapChain = 'ethereum'): SwapDatasetWorld {
  const TOKENS = CHAINS[chain];
  const address = (seed: number, name: string) => {
    const hex = id(`swap-dataset:${seed}:${name}`).slice(0, 42);
    return chain === 'tron' ? tronFromEvmHex(hex) : hex;
  };
  const txHash = (n: number) => (chain === 'tron' ? id(`swap-dataset:${seed}:tx:${n}`).slice(2) : id(`swap-dataset:${seed}:tx:${n}`));
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const big = (lo: bigint, hi: bigint) => lo + (BigInt(Math.floor(random() * 2 ** 48)) * (hi - lo)) / 2n ** 48n;
  const T0 = 1_767_000_000;
  let block = 20_000_000;
  let txCount = 0;
  const transfers: FixtureTransferInput[] = [];
  const newTx = () => {
    block += int(1, 40);
    txCount += 1;
    return { tx: txHash(txCount), block, time: T0 + (block - 20_000_000) * 12, log: 0 };
  };
  const move = (t: ReturnType<typeof newTx>, from: string, to: string, token: Token, amount: bigint) => {
    transfers.push({ chain, tx: t.tx, type: 'token', logIndex: t.log++, block: t.block, time: t.time, from, to, asset: token, amount: amount.toString() });
  };

  const victim = address(seed, 'victim');
  const scammer = address(seed, 'scammer');
  const mules = Array.from({ length: int(1, 3) }, (_, i) => address(seed, `mule${i}`));
  const exchange = address(seed, 'exchange-hot');
  const router = address(seed, 'router');
  const lp = address(seed, 'lp');
  const cleanUsers = Array.from({ length: int(1, 4) }, (_, i) => address(seed, `clean${i}`));
  const twoHop = random() < 0.35;
  const pairName = (a: Token, b: Token) => `${TOKENS[a].symbol}/${TOKENS[b].symbol}`;
  const poolDefs: { name: string; a: Token; b: Token }[] = twoHop
    ? [
        { name: pairName('USDT', 'DAI'), a: 'USDT', b: 'DAI' },
        { name: pairName('DAI', 'WETH'), a: 'DAI', b: 'WETH' },
      ]
    : [{ name: pairName('USDT', 'WETH'), a: 'USDT', b: 'WETH' }];
  // Reserves: 1,500-4,500 USDT per WETH (TRON: 0.05-0.35 USDT per TRX), the intermediate stablecoin at par; deep
  // or shallow pools. The price in hundredths of a USDT.
  const price = chain === 'tron' ? BigInt(int(5, 35)) : BigInt(int(1_500, 4_500)) * 100n;
  const depthUsd = BigInt(int(200_000, 50_000_000));
  const reserves = new Map<string, Map<Token, bigint>>();
  const pools = poolDefs.map((p) => ({ ...p, address: address(seed, `pool:${p.name}`), labeled: random() < 0.6 }));
  const unitOf = (token: Token) => 10n ** BigInt(TOKENS[token].decimals);
  const usdValue = (token: Token, usd: bigint) => (token === 'WETH' ? (usd * 100n * unitOf('WETH')) / price : usd * unitOf(token));
  for (const p of pools) {
    const t = newTx();
    const r = new Map<Token, bigint>([
      [p.a, usdValue(p.a, depthUsd)],
      [p.b, usdValue(p.b, depthUsd)],
    ]);
    move(t, lp, p.address, p.a, r.get(p.a)!);
    move(t, lp, p.address, p.b, r.get(p.b)!);
    reserves.set(p.address, r);
  }
  const quote = (pool: string, from: Token, to: Token, amountIn: bigint) => {
    const r = reserves.get(pool)!;
    const x = r.get(from)!;
    const y = r.get(to)!;
    const out = (amountIn * 997n * y) / (x * 1000n + amountIn * 997n);
    r.set(from, x + amountIn);
    r.set(to, y - out);
    return out;
  };
  const path = pools.map((p, i) => ({ pool: p.address, from: (i === 0 ? 'USDT' : 'DAI') as Token, to: (i === pools.length - 1 ? 'WETH' : 'DAI') as Token }));

  /** One swap along the path: USDT in from `by` (through the router or straight to the first pool), WETH out. */
  const swapTx = (by: string, amountIn: bigint, recipients: string[], viaRouter: boolean) => {
    const t = newTx();
    // Uniswap v3 pays out before it collects: log order must not matter, so half the swaps list the payout first.
    const payFirst = random() < 0.5;
    const inputs: [string, string, Token, bigint][] = viaRouter
      ? [
          [by, router, 'USDT', amountIn],
          [router, path[0]!.pool, 'USDT', amountIn],
        ]
      : [[by, path[0]!.pool, 'USDT', amountIn]];
    let amount = amountIn;
    const hops: [string, string, Token, bigint][] = [];
    path.forEach((h, i) => {
      amount = quote(h.pool, h.from, h.to, amount);
      const next = i < path.length - 1 ? path[i + 1]!.pool : recipients.length > 1 ? router : recipients[0]!;
      hops.push([h.pool, next, h.to, amount]);
    });
    const payouts: [string, string, Token, bigint][] = [];
    if (recipients.length > 1) {
      const weights = recipients.map(() => BigInt(int(1, 100)));
      const total = weights.reduce((s, w) => s + w, 0n);
      let left = amount;
      recipients.forEach((r, i) => {
        const part = i === recipients.length - 1 ? left : (amount * weights[i]!) / total;
        left -= part;
        payouts.push([router, r, 'WETH', part]);
      });
    }
    const order = payFirst ? [...hops, ...payouts, ...inputs] : [...inputs, ...hops, ...payouts];
    for (const [from, to, token, value] of order) move(t, from, to, token, value);
    return { tx: t.tx, out: amount };
  };

  const cleanSwapTxs: string[] = [];
  const cleanSwap = () => {
    const user = cleanUsers[int(0, cleanUsers.length - 1)]!;
    const fund = newTx();
    const amount = big(50n, 200_000n) * unitOf('USDT');
    move(fund, lp, user, 'USDT', amount);
    cleanSwapTxs.push(swapTx(user, amount, [user], random() < 0.5).tx);
  };
  for (let i = int(1, 3); i > 0; i--) cleanSwap();

  // The case: the victim's payment, clean money mixed in (or not), swaps, deposits.
  const seedAmount = big(100n, 1_000_000n) * unitOf('USDT') + big(0n, unitOf('USDT'));
  const seedT = newTx();
  move(seedT, victim, scammer, 'USDT', seedAmount);
  const clean = random() < 0.5 ? big(1n, 2_000_000n) * unitOf('USDT') : 0n;
  if (clean > 0n) move(newTx(), lp, scammer, 'USDT', clean);
  const swapTxs: string[] = [];
  let balance = seedAmount + clean;
  const swaps = int(1, 2);
  const muleWeth = new Map<string, bigint>();
  for (let s = 0; s < swaps && balance > 0n; s++) {
    const amountIn = s === swaps - 1 ? balance : (balance * BigInt(int(2_000, 9_000))) / 10_000n;
    balance -= amountIn;
    const recipients = random() < 0.4 ? [scammer] : mules.slice(0, int(1, mules.length));
    const before = transfers.length;
    const done = swapTx(scammer, amountIn, recipients, recipients.length > 1 || random() < 0.5);
    swapTxs.push(done.tx);
    for (const t of transfers.slice(before)) {
      if (t.asset === 'WETH' && recipients.includes(t.to)) muleWeth.set(t.to, (muleWeth.get(t.to) ?? 0n) + BigInt(t.amount as string));
    }
  }
  // What came out goes to the exchange (all of it, or all but a remainder left unspent).
  for (const [holder, weth] of [...muleWeth].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const keep = random() < 0.3 ? (weth * BigInt(int(1, 50))) / 100n : 0n;
    if (weth - keep > 0n) move(newTx(), holder, exchange, 'WETH', weth - keep);
  }
  for (let i = int(1, 3); i > 0; i--) cleanSwap();

  const contracts = [router, ...pools.map((p) => p.address)];
  const labels: Label[] = [
    { chain, address: exchange, entity: 'Northwind Exchange', category: 'exchange', jurisdictions: ['GB'], confidence: 1, source: 'test' },
    ...pools
      .filter((p) => p.labeled)
      .map(
        (p): Label => ({ chain, address: p.address, entity: poolEntity(chain, p.name), category: 'defi', jurisdictions: [], confidence: 1, source: 'test' }),
      ),
  ];
  return {
    chain,
    symbols: { in: TOKENS.USDT.symbol, out: TOKENS.WETH.symbol },
    dataset: {
      format: 'chaintrail-fixture',
      version: 1,
      assets: (Object.keys(TOKENS) as Token[]).map((k) => ({
        id: k,
        chain,
        kind: 'token' as const,
        contract: TOKENS[k].contract,
        symbol: TOKENS[k].symbol,
        decimals: TOKENS[k].decimals,
      })),
      transfers,
      contracts: contracts.map((a) => ({ chain, address: a })),
    },
    labels,
    seedTx: seedT.tx,
    swapTxs,
    cleanSwapTxs,
    actors: { victim, scammer, mules, exchange, router, cleanUsers },
    pools: pools.map((p) => ({ name: p.name, address: p.address, labeled: p.labeled })),
    contracts,
    params: { seed, twoHop, price, depthUsd, seedAmount, clean, swaps },
  };
}

/** The label name of a pool: the protocol a `defi` label names on that chain. */
export const poolEntity = (chain: SwapChain, pool: string) => `${chain === 'tron' ? 'SunSwap V2' : 'Uniswap V2'}: ${pool}`;

/** A world traced from its victim's payment through the fixture source, with the world's labels only. */
export function traceSwapWorld(world: SwapDatasetWorld, taint: 'fifo' | 'haircut' | 'poison' = 'fifo'): Promise<TraceResult> {
  return trace({
    seeds: [{ chain: world.chain, tx: world.seedTx }],
    adapters: [createFixtureAdapter({ dataset: world.dataset })],
    labels: createLabelStore(world.labels),
    builtinLabels: false,
    taint,
  });
}

/** What a property over swap worlds draws: the world's seed, the taint model and the chain. */
export const swapWorldParams = fc.tuple(
  fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  fc.constantFrom('fifo' as const, 'haircut' as const),
  fc.constantFrom<SwapChain>('ethereum', 'tron'),
);
