/**
 * Wrapping worlds (issue #20, wrapped native tokens): on a real ganache, holders wrap ETH into a WETH9-style
 * contract, pay WETH to each other or a mule, unwrap part of what they hold and wrap again, in a drawn order with
 * drawn amounts; a bystander swaps ETH->USDT->ETH through the router, whose own Deposit/Withdrawal involve none of
 * the holders. The expected movements are read here from the node's receipts (topics decoded by hand, no src/
 * code), and `checkWrapTransfers` holds a source's getTransfers to them, to its own getTransactionMovements and to
 * the holders' WETH balances on the chain.
 */
import { Interface } from 'ethers';
import { expect } from 'vitest';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { transferId, type AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { CHAIN } from './ganache.js';
import { buildSwapWorld, ETH, prng, type Step, type SwapPlan, type SwapWorld, USDT } from './swap-world.js';

const DEPOSIT = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
const WITHDRAWAL = '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65';
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const HOLDERS = ['clean1', 'clean2', 'clean3'];

/** A plan: 2 to 4 rounds in which each holder, in a drawn order, wraps, pays, unwraps (each drawn or not). */
export function drawWrapPlan(seed: number): SwapPlan {
  const r = prng(seed);
  const int = (n: number) => r.int(0, n - 1);
  const pick = r.pick;
  const steps: Step[] = [];
  const role = 'clean-before' as const;
  for (let round = 0, rounds = 2 + int(3); round < rounds; round++) {
    for (const by of [...HOLDERS].sort(() => int(3) - 1)) {
      // The first round always wraps, so every holder has something to unwrap.
      if (round === 0 || int(3) > 0) steps.push({ role, do: 'wrap', by, amount: { bps: 50 + int(1_500) } });
      if (int(2) === 1)
        steps.push({ role, do: 'pay', by, to: pick([...HOLDERS.filter((h) => h !== by), 'mule']), asset: 'WETH', amount: { bps: 100 + int(5_000) } });
      if (int(4) > 0) steps.push({ role, do: 'unwrap', by, amount: { bps: 500 + int(9_501) } });
    }
    // A bystander trades through the router: the router wraps and unwraps, for itself.
    steps.push({
      role,
      do: 'swap',
      by: 'clean4',
      via: 'router',
      from: 'ETH',
      into: 'USDT',
      path: ['USDT/WETH'],
      amount: BigInt(1 + int(20)) * (ETH / 10n),
      to: 'clean4',
    });
    steps.push({
      role,
      do: 'swap',
      by: 'clean4',
      via: 'router',
      from: 'USDT',
      into: 'ETH',
      path: ['USDT/WETH'],
      amount: { bps: 2_000 + int(8_000) },
      to: 'clean4',
    });
  }
  const reserves: [bigint, bigint] = [BigInt(200_000 + int(800_000)) * USDT, BigInt(100 + int(400)) * ETH];
  return { pools: [{ name: 'USDT/WETH', kind: int(2) === 0 ? 'v2' : 'v3', reserves }], steps, cleanUsers: 4 };
}

/** One WETH movement of a holder as the receipts tell it: a wrap, an unwrap or a Transfer. */
export interface WethMove {
  kind: 'deposit' | 'withdrawal' | 'transfer';
  tx: string;
  logIndex: number;
  from: string;
  to: string;
  amount: bigint;
}

export interface WrapWorld {
  world: SwapWorld;
  weth: string;
  asset: AssetRef;
  holders: string[];
  /** Every WETH movement with a holder on one side, from the receipts. */
  moves: WethMove[];
  /** The transactions holding them. */
  hashes: string[];
  /** Each holder's WETH balance at the end, from the token's balanceOf. */
  balances: Map<string, bigint>;
}

export async function buildWrapWorld(seed: number): Promise<WrapWorld> {
  const world = await buildSwapWorld(drawWrapPlan(seed));
  try {
    const weth = world.tokens.WETH.address.toLowerCase();
    const holders = HOLDERS.map((h) => world.actors[h]!);
    const isHolder = new Set(holders);
    const who = (topic: string) => `0x${topic.slice(-40)}`.toLowerCase();
    const moves: WethMove[] = [];
    for (const { hash } of world.txs) {
      const receipt = (await world.chain.request('eth_getTransactionReceipt', [hash])) as {
        logs: { address: string; topics: string[]; data: string; logIndex: string }[];
      };
      for (const log of receipt.logs.filter((l) => l.address.toLowerCase() === weth)) {
        const [topic, a, b] = log.topics.map((t) => t.toLowerCase());
        const at = { tx: hash.toLowerCase(), logIndex: Number(log.logIndex), amount: BigInt(log.data) };
        let move: WethMove | undefined;
        if (topic === DEPOSIT) move = { kind: 'deposit', from: weth, to: who(a!), ...at };
        else if (topic === WITHDRAWAL) move = { kind: 'withdrawal', from: who(a!), to: weth, ...at };
        else if (topic === TRANSFER) move = { kind: 'transfer', from: who(a!), to: who(b!), ...at };
        if (move && (isHolder.has(move.from) || isHolder.has(move.to))) moves.push(move);
      }
    }
    const erc20 = new Interface(['function balanceOf(address) view returns (uint256)']);
    const balances = new Map<string, bigint>();
    for (const h of holders) {
      const answer = (await world.chain.request('eth_call', [{ to: weth, data: erc20.encodeFunctionData('balanceOf', [h]) }, 'latest'])) as string;
      balances.set(h, BigInt(answer));
    }
    const asset: AssetRef = { chain: CHAIN, kind: 'token', contract: weth, symbol: 'WETH', decimals: 18 };
    return { world, weth, asset, holders, moves, hashes: [...new Set(moves.map((m) => m.tx))], balances };
  } catch (error) {
    await world.chain.close();
    throw error;
  }
}

const line = (m: { tx: string; logIndex: number; from: string; to: string; amount: bigint }) => `${m.tx}#${m.logIndex} ${m.from}>${m.to} ${m.amount}`;

/**
 * A source's getTransfers of the holders in WETH: exactly the receipts' wraps, unwraps and transfers of the holders
 * (both directions, then each alone), the same movements (ids, amounts, log indexes) its getTransactionMovements
 * gives for those transactions, adding up to each holder's WETH balance; asked for native value only, no wrapping.
 * Returns the figures a report quotes.
 */
export async function checkWrapTransfers(adapter: ChainAdapter, w: WrapWorld, options: { chain?: string } = {}) {
  const chain = options.chain ?? CHAIN;
  const query = { chain, addresses: w.holders, assets: [w.asset] };
  // A movement between two holders is one movement, whichever side the source found it from.
  const ofWeth = (list: AccountTransfer[]) => [
    ...new Map(list.filter((t) => t.type === 'token' && t.asset.contract?.toLowerCase() === w.weth).map((t) => [transferId(t), t])).values(),
  ];
  const both = ofWeth((await adapter.getTransfers({ ...query, direction: 'both' })).transfers);
  expect(both.map(line).sort()).toEqual(w.moves.map(line).sort());
  const wraps = w.moves.filter((m) => m.kind !== 'transfer');
  expect(wraps.some((m) => m.kind === 'deposit') && wraps.some((m) => m.kind === 'withdrawal')).toBe(true);

  const holder = new Set(w.holders);
  const inn = ofWeth((await adapter.getTransfers({ ...query, direction: 'in' })).transfers);
  expect(inn.map(line).sort()).toEqual(
    w.moves
      .filter((m) => holder.has(m.to))
      .map(line)
      .sort(),
  );
  const out = ofWeth((await adapter.getTransfers({ ...query, direction: 'out' })).transfers);
  expect(out.map(line).sort()).toEqual(
    w.moves
      .filter((m) => holder.has(m.from))
      .map(line)
      .sort(),
  );

  const movements = await adapter.getTransactionMovements!(chain, w.hashes);
  const same = ofWeth(movements.movements).filter((t) => holder.has(t.from) || holder.has(t.to));
  const id = (t: AccountTransfer) => `${line(t)} ${t.type} ${t.block} ${t.time}`;
  expect(both.map(id).sort()).toEqual(same.map(id).sort());

  for (const h of w.holders) {
    const balance = both.reduce((sum, t) => sum + (t.to === h ? t.amount : 0n) - (t.from === h ? t.amount : 0n), 0n);
    expect(balance).toBe(w.balances.get(h));
  }
  const native = (await adapter.getTransfers({ ...query, direction: 'both', assets: [{ chain, kind: 'native', symbol: 'ETH', decimals: 18 }] })).transfers;
  expect(native.filter((t) => t.from === w.weth || t.to === w.weth).filter((t) => t.type === 'token')).toEqual([]);
  return {
    deposits: wraps.filter((m) => m.kind === 'deposit').length,
    withdrawals: wraps.filter((m) => m.kind === 'withdrawal').length,
    transfers: both.length - wraps.length,
  };
}
