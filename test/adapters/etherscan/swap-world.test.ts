/**
 * getTransactionMovements and getContracts of the Etherscan and Blockscout sources over a generated swap world
 * (real ganache, real signed transactions through AMM pools, a router, a WETH9-style wrapper and a splitter),
 * indexed into the local explorer API as the services index a chain. The reference is test/support/swap-oracle.ts,
 * which reads the chain its own way (struct-log traces, receipts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../../src/adapters/etherscan/adapter.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import { indexChain } from '../../support/etherscan-data.js';
import { startEtherscanServer } from '../../support/etherscan-server.js';
import { CHAIN, CHAIN_ID } from '../../support/ganache.js';
import { readTxMovements, type Movement } from '../../support/swap-oracle.js';
import { buildSwapWorld, drawSwapPlan } from '../../support/swap-world.js';

const KEY = 'SENTINEL-ETHERSCAN-SWAP-KEY-11d0';
const key = (from: string, to: string, asset: string, amount: bigint) => `${from}>${to}:${asset}:${amount}`;
const ofAdapter = (list: AccountTransfer[]) => list.map((m) => key(m.from, m.to, m.type === 'token' ? m.asset.contract! : 'native', m.amount)).sort();
const ofOracle = (list: Movement[]) => list.map((m) => key(m.from, m.to, m.raw, m.amount)).sort();

const seed = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1)[0]!;

describe(`explorer movements, swap world seed ${seed}`, () => {
  it('match the oracle through swaps, wrapping and splitting, for Etherscan and Blockscout', async () => {
    const world = await buildSwapWorld(drawSwapPlan(seed));
    const weth = world.tokens.WETH.address.toLowerCase();
    const hashes = world.txs.filter((t) => t.role === 'launder' || t.role === 'deposit').map((t) => t.hash.toLowerCase());
    const read = await Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => world.contracts.has(a))));
    const expected = read.flatMap((t) => t.movements);
    expect(expected.some((m) => m.kind === 'internal')).toBe(true);
    const internal = new Map(read.map((t) => [t.hash.toLowerCase(), t.movements.filter((m) => m.kind === 'internal')]));
    const tokens = (['USDT', 'DAI', 'WETH'] as const).map((name) => ({
      address: world.tokens[name].address.toLowerCase(),
      symbol: name,
      decimals: name === 'USDT' ? 6 : 18,
    }));
    const data = await indexChain(world.chain.request, hashes, { internal, tokens, contracts: [...world.contracts] });
    for (const flavor of ['etherscan', 'blockscout'] as const) {
      const server = await startEtherscanServer({ flavor, apiKey: KEY, chainIds: [CHAIN_ID], data });
      try {
        const adapter = createEtherscanAdapter({
          chain: CHAIN,
          baseUrl: server.apiUrl,
          ...(flavor === 'etherscan' ? { apiKey: KEY } : {}),
          wrappedNative: [weth],
        });
        const got = await adapter.getTransactionMovements!(CHAIN, hashes);
        expect(ofAdapter(got.movements)).toEqual(ofOracle(expected));
        for (const m of got.movements.filter((x) => x.type === 'token'))
          expect(m.asset.symbol).toBe(tokens.find((t) => t.address === m.asset.contract)!.symbol);
        const addresses = [...new Set([...expected.flatMap((m) => [m.from, m.to]), ...world.clean, ...Object.values(world.actors)])];
        const before = server.requests.length;
        const contracts = await adapter.getContracts!(CHAIN, addresses);
        expect([...contracts].sort()).toEqual(addresses.filter((a) => world.contracts.has(a)).sort());
        expect(server.requests.length - before).toBe(Math.ceil(addresses.length / 5));
      } finally {
        await server.close();
      }
    }
    await world.chain.close?.();
  }, 240_000);
});
