/**
 * Swap worlds for issue #20 (transaction-level flow) on a real in-process ganache, all real signed transactions.
 * How to use:
 *   const world = await buildSwapWorld(drawSwapPlan(seed));   // a varied world from an integer seed (fast-check it)
 *   const world = await buildSwapWorld({ pools, steps });       // or a hand-written plan: exact amounts, chosen routes
 *   world.chain.url                 JSON-RPC of the node (close it: await world.chain.close())
 *   world.actors.scammer, ...       addresses by name; world.labels marks the exchange hot wallet
 *   world.txs                       every transaction sent, in order, with its role and the step that sent it
 *   world.seeds                     hashes of the victims' payments (role 'seed'), to start a trace from
 *   world.contracts / world.pools   contract addresses; pools with their kind (v2 pays then checks k, v3 pays first
 *                                   then takes the input in a callback)
 * The expected taint comes from test/support/swap-oracle.ts (readChain + replayTaint), never from this file.
 */
import { Interface } from 'ethers';
import { actor, startLocalChain, type Deployed, type LocalChain } from './ganache.js';
import { mulberry32 } from './random.js';

export type TokenName = 'USDT' | 'DAI' | 'WETH';
export type AssetName = TokenName | 'ETH';
export type PoolName = 'USDT/WETH' | 'DAI/WETH' | 'USDT/DAI';
/** A fixed amount in base units, or a share (basis points) of what the actor holds then (ETH: less a gas reserve). */
export type Amount = bigint | { bps: number };
export type Role = 'setup' | 'fund' | 'clean-before' | 'pre-fund' | 'seed' | 'launder' | 'deposit' | 'clean-after';

export type Step = { role: Role } & (
  | { do: 'fund'; to: string; asset: 'USDT' | 'DAI' | 'ETH'; amount: bigint }
  | { do: 'pay'; by: string; to: string; asset: AssetName; amount: Amount }
  | { do: 'swap'; by: string; via: 'router' | 'batcher'; from: AssetName; into: AssetName; path: PoolName[]; amount: Amount; to: string }
  | { do: 'wrap' | 'unwrap'; by: string; amount: Amount }
  | { do: 'split'; by: string; asset: AssetName; amount: Amount; to: string[]; weights: number[] }
);

/** A swap step: `by` trades `amount` of `from` for `into` along `path`, paid to `to` (router unless `via`). */
export function swap(
  role: Role,
  by: string,
  [from, into]: [AssetName, AssetName],
  path: PoolName[],
  amount: Amount,
  to: string,
  via: 'router' | 'batcher' = 'router',
): Step {
  return { role, do: 'swap', by, via, from, into, path, amount, to };
}

export interface PoolPlan {
  name: PoolName;
  kind: 'v2' | 'v3';
  /** Reserves in the order of the name's tokens, base units. */
  reserves: [bigint, bigint];
}

export interface SwapPlan {
  pools: PoolPlan[];
  steps: Step[];
  /** Clean users (funded at genesis like the deployer, the liquidity provider and the victim). */
  cleanUsers?: number;
}

export interface WorldTx {
  hash: string;
  role: Role;
  by: string;
  what: string;
  step?: Step;
}

export interface SwapWorld {
  chain: LocalChain;
  plan: SwapPlan;
  actors: Record<string, string>;
  tokens: Record<TokenName, Deployed>;
  router: Deployed;
  splitter: Deployed;
  batcher: Deployed;
  pools: { name: PoolName; kind: 'v2' | 'v3'; address: string; token0: string; token1: string }[];
  contracts: Set<string>;
  /** ETH each funded actor had at genesis. */
  genesis: Map<string, bigint>;
  txs: WorldTx[];
  seeds: string[];
  /** Addresses that never touch the case's money: clean users and the liquidity provider. */
  clean: string[];
  labels: { address: string; entity: string; category: 'exchange' }[];
}

export const ETH = 10n ** 18n;
export const USDT = 10n ** 6n;
export const DAI = 10n ** 18n;
export const GENESIS_ETH = 10_000n;
/** ETH an actor keeps for gas when it spends a share of its ETH. */
export const GAS_RESERVE = ETH / 20n;
const MAX = 2n ** 256n - 1n;
const POOL_TOKENS: Record<PoolName, [TokenName, TokenName]> = { 'USDT/WETH': ['USDT', 'WETH'], 'DAI/WETH': ['DAI', 'WETH'], 'USDT/DAI': ['USDT', 'DAI'] };
const ERC20 = new Interface(['function balanceOf(address) view returns (uint256)']);
const PAIR = new Interface(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)']);

const cleanNames = (count: number) => Array.from({ length: count }, (_, i) => `clean${i + 1}`);
/** Unfunded at genesis: they get gas money (or nothing) from the deployer in the plan. */
export const CASE_ACTORS = ['scammer', 'mule', 'split1', 'split2', 'split3', 'exchangeHot'] as const;

/**
 * Whether a report's endpoints show the money at the exchange: an `exchange` endpoint at its hot wallet, or at a
 * deposit address that swept to it (as the drawn plan may route the case's money).
 */
export function reachesExchange(endpoints: readonly { kind: string; address: string; sweptTo?: string[] | undefined }[], hot: string): boolean {
  const at = (a: string) => a.toLowerCase() === hot.toLowerCase();
  return endpoints.some((e) => e.kind === 'exchange' && (at(e.address) || (e.sweptTo ?? []).some(at)));
}

export async function buildSwapWorld(plan: SwapPlan): Promise<SwapWorld> {
  const funded = ['deployer', 'lp', 'victim', ...cleanNames(plan.cleanUsers ?? 4)];
  const chain = await startLocalChain({ actors: funded, balanceEth: GENESIS_ETH });
  try {
    return await populate(chain, plan, funded);
  } catch (error) {
    await chain.close();
    throw error;
  }
}

async function populate(chain: LocalChain, plan: SwapPlan, funded: string[]): Promise<SwapWorld> {
  const actors = Object.fromEntries([...funded, ...CASE_ACTORS].map((n) => [n, actor(n)]));
  const txs: WorldTx[] = [];
  const record = (hash: string, role: Role, by: string, what: string, step?: Step) => {
    txs.push({ hash, role, by, what, ...(step ? { step } : {}) });
  };
  const deploy = async (name: string, args: unknown[] = []) => {
    const d = await chain.deploy('deployer', name, args);
    const receipt = (await chain.request('eth_getTransactionReceipt', [await deployHash(chain, d.address)])) as { transactionHash: string };
    record(receipt.transactionHash, 'setup', 'deployer', `deploy ${name}`);
    return d;
  };
  const tokens: Record<TokenName, Deployed> = {
    USDT: await deploy('TestToken', ['Tether USD', 'USDT', 6, 10n ** 12n * USDT]),
    DAI: await deploy('TestToken', ['Dai Stablecoin', 'DAI', 18, 10n ** 12n * DAI]),
    WETH: await deploy('WETH9'),
  };
  const router = await deploy('SwapRouter', [tokens.WETH.address]);
  const splitter = await deploy('Splitter');
  const batcher = await deploy('Batcher');

  const send = async (role: Role, by: string, what: string, contract: Deployed, fn: string, args: unknown[], value?: bigint, step?: Step) => {
    const receipt = await chain.invoke(by, contract, fn, args, value === undefined ? {} : { value });
    if (receipt.status !== '0x1') throw new Error(`swap world: ${what} reverted`);
    record(receipt.transactionHash, role, by, what, step);
  };
  const approved = new Set<string>();
  const approve = async (role: Role, by: string, token: TokenName, spender: Deployed) => {
    const key = `${by} ${token} ${spender.address}`;
    if (approved.has(key)) return;
    approved.add(key);
    await send(role, by, `approve ${token}`, tokens[token], 'approve', [spender.address, MAX]);
  };
  const call = async (iface: Interface, to: string, fn: string, args: unknown[]) =>
    iface.decodeFunctionResult(fn, (await chain.request('eth_call', [{ to, data: iface.encodeFunctionData(fn, args) }, 'latest'])) as string);
  const balance = async (who: string, asset: AssetName): Promise<bigint> => {
    if (asset === 'ETH') return BigInt((await chain.request('eth_getBalance', [actors[who], 'latest'])) as string);
    return (await call(ERC20, tokens[asset].address, 'balanceOf', [actors[who]]))[0] as bigint;
  };
  const resolve = async (who: string, asset: AssetName, amount: Amount): Promise<bigint> => {
    if (typeof amount === 'bigint') return amount;
    let held = await balance(who, asset);
    if (asset === 'ETH') held = held > GAS_RESERVE ? held - GAS_RESERVE : 0n;
    return (held * BigInt(amount.bps)) / 10_000n;
  };

  // Pools and their liquidity, all from the liquidity provider.
  const pools: SwapWorld['pools'] = [];
  for (const p of plan.pools) {
    const [a, b] = POOL_TOKENS[p.name];
    const pool = await deploy(p.kind === 'v2' ? 'SwapPairV2' : 'SwapPoolV3', [tokens[a].address, tokens[b].address]);
    const token0 = tokens[a].address < tokens[b].address ? tokens[a].address : tokens[b].address;
    pools.push({ name: p.name, kind: p.kind, address: pool.address, token0, token1: token0 === tokens[a].address ? tokens[b].address : tokens[a].address });
    for (const [i, t] of [a, b].entries()) {
      const amount = p.reserves[i]!;
      if (t === 'WETH') await send('setup', 'lp', 'wrap liquidity', tokens.WETH, 'deposit', [], amount);
      else await send('setup', 'deployer', `fund lp ${t}`, tokens[t], 'transfer', [actors.lp, amount]);
    }
    if (p.kind === 'v2') {
      for (const [i, t] of [a, b].entries()) await send('setup', 'lp', `add ${t} to ${p.name}`, tokens[t], 'transfer', [pool.address, p.reserves[i]!]);
      await send('setup', 'lp', `mint ${p.name}`, pool, 'mint', [actors.lp]);
    } else {
      for (const t of [a, b]) await approve('setup', 'lp', t, pool);
      const inOrder = token0 === tokens[a].address ? p.reserves : ([p.reserves[1], p.reserves[0]] as const);
      await send('setup', 'lp', `mint ${p.name}`, pool, 'mint', [inOrder[0], inOrder[1]]);
    }
  }
  const poolOf = (name: PoolName) => {
    const pool = pools.find((p) => p.name === name);
    if (!pool) throw new Error(`swap world: no pool ${name} in the plan`);
    return pool;
  };
  const pairIface = new Interface(['function swap(uint256,uint256,address,bytes)']);
  const tokenIface = tokens.USDT.iface;

  for (const step of plan.steps) {
    const role = step.role;
    switch (step.do) {
      case 'fund': {
        if (step.asset === 'ETH') {
          const receipt = await chain.send('deployer', { to: actors[step.to]!, value: step.amount });
          record(receipt.transactionHash, role, 'deployer', `fund ${step.to} ETH`, step);
        } else {
          await send(role, 'deployer', `fund ${step.to} ${step.asset}`, tokens[step.asset], 'transfer', [actors[step.to], step.amount], undefined, step);
        }
        break;
      }
      case 'pay': {
        const amount = await resolve(step.by, step.asset, step.amount);
        if (amount === 0n) break;
        if (step.asset === 'ETH') {
          const receipt = await chain.send(step.by, { to: actors[step.to]!, value: amount });
          record(receipt.transactionHash, role, step.by, `pay ${step.to} ETH`, step);
        } else {
          await send(role, step.by, `pay ${step.to} ${step.asset}`, tokens[step.asset], 'transfer', [actors[step.to], amount], undefined, step);
        }
        break;
      }
      case 'wrap':
      case 'unwrap': {
        const amount = await resolve(step.by, step.do === 'wrap' ? 'ETH' : 'WETH', step.amount);
        if (amount === 0n) break;
        if (step.do === 'wrap') await send(role, step.by, 'wrap', tokens.WETH, 'deposit', [], amount, step);
        else await send(role, step.by, 'unwrap', tokens.WETH, 'withdraw', [amount], undefined, step);
        break;
      }
      case 'split': {
        const amount = await resolve(step.by, step.asset, step.amount);
        if (amount === 0n) break;
        const to = step.to.map((n) => actors[n]);
        const weights = step.weights.map(BigInt);
        if (step.asset === 'ETH') {
          await send(role, step.by, 'split ETH', splitter, 'splitETH', [to, weights], amount, step);
        } else {
          await approve(role, step.by, step.asset, splitter);
          await send(role, step.by, `split ${step.asset}`, splitter, 'splitToken', [tokens[step.asset].address, amount, to, weights], undefined, step);
        }
        break;
      }
      case 'swap': {
        const amount = await resolve(step.by, step.from, step.amount);
        if (amount === 0n) break;
        const what = `swap ${step.from}->${step.into} via ${step.via} [${step.path.join(' ')}] to ${step.to}`;
        const to = actors[step.to]!;
        if (step.via === 'batcher') {
          if (step.path.length !== 1 || step.from === 'ETH' || step.into === 'ETH')
            throw new Error(`swap world: ${what}: the batcher trades token to token on one pair`);
          const pool = poolOf(step.path[0]!);
          if (pool.kind !== 'v2') throw new Error(`swap world: ${what}: the batcher trades on v2 pairs only`);
          const tokenIn = tokens[step.from].address;
          const [r0, r1] = (await call(PAIR, pool.address, 'getReserves', [])) as unknown as [bigint, bigint];
          const [reserveIn, reserveOut] = tokenIn === pool.token0 ? [r0, r1] : [r1, r0];
          const out = (amount * 997n * reserveOut) / (reserveIn * 1000n + amount * 997n);
          const outs = tokenIn === pool.token0 ? [0n, out] : [out, 0n];
          await approve(role, step.by, step.from, batcher);
          const calls = [
            tokenIface.encodeFunctionData('transferFrom', [actors[step.by], pool.address, amount]),
            pairIface.encodeFunctionData('swap', [outs[0], outs[1], to, '0x']),
          ];
          await send(role, step.by, what, batcher, 'run', [[tokenIn, pool.address], calls], undefined, step);
          break;
        }
        const path = step.path.map((n) => poolOf(n).address);
        const v3 = step.path.map((n) => poolOf(n).kind === 'v3');
        if (step.from === 'ETH') {
          await send(role, step.by, what, router, 'swapExactETHForTokens', [0n, path, v3, to], amount, step);
        } else {
          await approve(role, step.by, step.from, router);
          const fn = step.into === 'ETH' ? 'swapExactTokensForETH' : 'swapExactTokensForTokens';
          await send(role, step.by, what, router, fn, [amount, 0n, tokens[step.from].address, path, v3, to], undefined, step);
        }
        break;
      }
    }
  }
  const contracts = new Set([
    ...Object.values(tokens).map((t) => t.address),
    router.address,
    splitter.address,
    batcher.address,
    ...pools.map((p) => p.address),
  ]);
  const genesis = new Map(funded.map((n) => [actors[n]!, GENESIS_ETH * ETH]));
  return {
    chain,
    plan,
    actors,
    tokens,
    router,
    splitter,
    batcher,
    pools,
    contracts,
    genesis,
    txs,
    seeds: txs.filter((t) => t.role === 'seed').map((t) => t.hash),
    clean: ['lp', ...cleanNames(plan.cleanUsers ?? 4)].map((n) => actors[n]!),
    labels: [{ address: actors.exchangeHot!, entity: 'Exchange A', category: 'exchange' }],
  };
}

/** The hash of the transaction that created a contract (the deployer's latest block holds it: automine). */
async function deployHash(chain: LocalChain, address: string): Promise<string> {
  const block = (await chain.request('eth_getBlockByNumber', ['latest', false])) as { transactions: string[] };
  const hash = block.transactions[0]!;
  const receipt = (await chain.request('eth_getTransactionReceipt', [hash])) as { contractAddress: string | null };
  if (receipt.contractAddress?.toLowerCase() !== address) throw new Error(`swap world: latest block did not deploy ${address}`);
  return hash;
}

/** A small seeded PRNG (mulberry32): the same seed draws the same plan. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    /** A bigint in [lo, hi]. */
    big: (lo: bigint, hi: bigint) => lo + (BigInt(Math.floor(next() * 2 ** 52)) * (hi - lo + 1n)) / 2n ** 52n,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
    chance: (p: number) => next() < p,
  };
}

/** Routes a clean user may take: from, into, path (the batcher only on a v2 USDT/WETH pair). */
const CLEAN_ROUTES: { from: AssetName; into: AssetName; path: PoolName[] }[] = [
  { from: 'USDT', into: 'ETH', path: ['USDT/WETH'] },
  { from: 'USDT', into: 'ETH', path: ['USDT/DAI', 'DAI/WETH'] },
  { from: 'DAI', into: 'ETH', path: ['DAI/WETH'] },
  { from: 'ETH', into: 'USDT', path: ['USDT/WETH'] },
  { from: 'ETH', into: 'DAI', path: ['DAI/WETH'] },
  { from: 'USDT', into: 'DAI', path: ['USDT/DAI'] },
  { from: 'DAI', into: 'USDT', path: ['USDT/DAI'] },
  { from: 'DAI', into: 'USDT', path: ['DAI/WETH', 'USDT/WETH'] },
  { from: 'USDT', into: 'WETH', path: ['USDT/WETH'] },
];

/**
 * A varied case drawn from `seed` over realistic ranges: ETH at 1,200-4,500 USD; pools of 100-3,000 ETH and
 * 0.2-20 M stablecoins, each v2- or v3-shaped; 2-4 clean users swapping before and after the case; a victim paying the
 * scammer 1,000-250,000 USDT; sometimes clean USDT at the scammer first (partial taint); the scammer converting to
 * ETH by one of three routes (router to ETH over one or two pools, to itself or a mule; token to token then to ETH;
 * directly on a v2 pair through the batcher then unwrapping), sometimes wrapping and unwrapping, buying DAI with
 * ETH, splitting ETH over 2-3 recipients, and finally depositing at the exchange hot wallet. `cleanSwaps` fixes how
 * many clean swaps come before and after the case (each; default 2-5 drawn) and `cleanUsers` how many clean users
 * make them (default 2-4 drawn): a benchmark scales the world with them. Without options the draw is unchanged.
 */
export function drawSwapPlan(seed: number, options: { cleanSwaps?: number; cleanUsers?: number } = {}): SwapPlan {
  const r = prng(seed);
  const price = BigInt(r.int(1_200, 4_500));
  const wethReserve = () => r.big(100n, 3_000n) * ETH;
  const usdWeth = wethReserve();
  const daiWeth = wethReserve();
  const stable = r.big(200_000n, 20_000_000n);
  const kind = () => r.pick(['v2', 'v3'] as const);
  const pools: PoolPlan[] = [
    { name: 'USDT/WETH', kind: kind(), reserves: [(usdWeth / ETH) * price * USDT, usdWeth] },
    { name: 'DAI/WETH', kind: kind(), reserves: [(daiWeth / ETH) * price * DAI, daiWeth] },
    { name: 'USDT/DAI', kind: kind(), reserves: [stable * USDT, (stable * DAI * BigInt(r.int(995, 1005))) / 1000n] },
  ];
  const cleanUsers = options.cleanUsers ?? r.int(2, 4);
  const clean = cleanNames(cleanUsers);
  const steps: Step[] = [];
  for (const name of clean) {
    steps.push({ role: 'fund', do: 'fund', to: name, asset: 'USDT', amount: r.big(1_000n, 500_000n) * USDT });
    steps.push({ role: 'fund', do: 'fund', to: name, asset: 'DAI', amount: r.big(1_000n, 500_000n) * DAI });
  }
  const usdtWethV2 = pools[0]!.kind === 'v2';
  const cleanSwaps = (role: 'clean-before' | 'clean-after') => {
    for (let i = options.cleanSwaps ?? r.int(2, 5); i > 0; i--) {
      const route = r.pick(CLEAN_ROUTES);
      const by = r.pick(clean);
      const amount: Amount = route.from === 'ETH' ? r.big(ETH / 10n, 20n * ETH) : { bps: r.int(500, 3_000) };
      const via = route.into === 'WETH' && usdtWethV2 && r.chance(0.5) ? 'batcher' : 'router';
      steps.push({ role, do: 'swap', by, via, ...route, amount, to: r.chance(0.7) ? by : r.pick(clean) });
    }
  };
  cleanSwaps('clean-before');

  const paid = r.big(1_000n, 250_000n) * USDT + r.big(0n, USDT - 1n);
  steps.push({ role: 'fund', do: 'fund', to: 'victim', asset: 'USDT', amount: paid + r.big(0n, paid) });
  for (const who of ['scammer', 'mule', 'split1', 'split2', 'split3'] as const) {
    steps.push({ role: 'fund', do: 'fund', to: who, asset: 'ETH', amount: r.big(ETH / 10n, ETH / 2n) });
  }
  const cleanFirst = r.chance(0.6) ? (paid * BigInt(r.int(5, 150))) / 100n : 0n;
  if (cleanFirst > 0n) steps.push({ role: 'pre-fund', do: 'fund', to: 'scammer', asset: 'USDT', amount: cleanFirst });
  steps.push({ role: 'seed', do: 'pay', by: 'victim', to: 'scammer', asset: 'USDT', amount: paid });
  // The swap takes all the clean USDT first, then 40-100 % of the victim's money.
  const swapIn = cleanFirst + (paid * BigInt(r.int(40, 100))) / 100n;
  let holder = r.chance(0.5) ? 'scammer' : 'mule';
  const route = r.int(0, 2);
  if (route === 0) {
    steps.push(swap('launder', 'scammer', ['USDT', 'ETH'], r.pick([['USDT/WETH'], ['USDT/DAI', 'DAI/WETH']] as PoolName[][]), swapIn, holder));
  } else if (route === 1) {
    steps.push(swap('launder', 'scammer', ['USDT', 'DAI'], r.pick([['USDT/DAI'], ['USDT/WETH', 'DAI/WETH']] as PoolName[][]), swapIn, holder));
    steps.push(swap('launder', holder, ['DAI', 'ETH'], ['DAI/WETH'], { bps: 10_000 }, holder));
  } else {
    holder = 'scammer';
    steps.push(swap('launder', 'scammer', ['USDT', 'WETH'], ['USDT/WETH'], swapIn, holder, usdtWethV2 ? 'batcher' : 'router'));
    steps.push({ role: 'launder', do: 'unwrap', by: holder, amount: { bps: r.int(5_000, 10_000) } });
  }
  if (r.chance(0.5)) {
    steps.push({ role: 'launder', do: 'wrap', by: holder, amount: { bps: r.int(3_000, 10_000) } });
    steps.push({ role: 'launder', do: 'unwrap', by: holder, amount: { bps: 10_000 } });
  }
  if (r.chance(0.3)) {
    steps.push(swap('launder', holder, ['ETH', 'DAI'], ['DAI/WETH'], { bps: r.int(1_000, 5_000) }, holder));
    steps.push({ role: 'deposit', do: 'pay', by: holder, to: 'exchangeHot', asset: 'DAI', amount: { bps: 10_000 } });
  }
  if (r.chance(0.6)) {
    const to = r.pick([
      ['split1', 'split2'],
      ['split1', 'split2', 'split3'],
    ]);
    steps.push({ role: 'launder', do: 'split', by: holder, asset: 'ETH', amount: { bps: r.int(5_000, 10_000) }, to, weights: to.map(() => r.int(1, 100)) });
    for (const who of to) steps.push({ role: 'deposit', do: 'pay', by: who, to: 'exchangeHot', asset: 'ETH', amount: { bps: 10_000 } });
  }
  steps.push({ role: 'deposit', do: 'pay', by: holder, to: 'exchangeHot', asset: 'ETH', amount: { bps: 10_000 } });
  steps.push({ role: 'deposit', do: 'pay', by: holder, to: 'exchangeHot', asset: 'WETH', amount: { bps: 10_000 } });
  cleanSwaps('clean-after');
  // Clean money reaches the same exchange too.
  steps.push({ role: 'clean-after', do: 'pay', by: r.pick(clean), to: 'exchangeHot', asset: 'ETH', amount: r.big(ETH / 10n, 5n * ETH) });
  return { pools, steps, cleanUsers };
}
