import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../../src/adapters/etherscan/adapter.js';
import { InvalidInputError, NotFoundError } from '../../../src/core/errors.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import { evmAddress, evmHash, movementWorld, OPTION_WRAPPER, type MovementWorld, type WorldMovement } from '../../support/etherscan-data.js';
import { startEtherscanServer, type EtherscanServer, type EtherscanServerOptions } from '../../support/etherscan-server.js';
import { mulberry32 } from '../../support/random.js';
import { createVirtualClock } from '../../support/virtual-clock.js';

const KEY = 'SENTINEL-ETHERSCAN-MOVES-KEY-5a7e';
type Flavor = 'etherscan' | 'blockscout';

let servers: EtherscanServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function open(flavor: Flavor, world: MovementWorld, extra: Partial<EtherscanServerOptions> = {}) {
  const server = await startEtherscanServer({ flavor, apiKey: KEY, data: world.data, ...extra });
  servers.push(server);
  const clock = createVirtualClock();
  const adapter = createEtherscanAdapter({
    chain: 'ethereum',
    baseUrl: server.apiUrl,
    ...(flavor === 'etherscan' ? { apiKey: KEY } : {}),
    wrappedNative: [OPTION_WRAPPER],
    clock,
    random: () => 0.5,
  });
  return { server, adapter, clock };
}

const line = (m: WorldMovement): string => `${m.tx}|${m.type}|${m.from}|${m.to}|${m.asset}|${m.amount}|${m.time}`;
const lineOf = (t: AccountTransfer): string =>
  `${t.tx}|${t.type}|${t.from}|${t.to}|${t.asset.kind === 'native' ? 'native' : t.asset.contract}|${t.amount}|${t.time}`;

const worlds = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  txs: fc.integer({ min: 1, max: 9 }),
  accounts: fc.integer({ min: 2, max: 8 }),
  contracts: fc.integer({ min: 1, max: 6 }),
});

describe.each<Flavor>(['etherscan', 'blockscout'])('%s getTransactionMovements', (flavor) => {
  it('returns exactly what took effect in generated worlds, with the explorer token metadata, at the documented cost', async () => {
    await fc.assert(
      fc.asyncProperty(worlds, async ({ seed, ...size }) => {
        const world = movementWorld(mulberry32(seed), size);
        const { server, adapter } = await open(flavor, world);
        try {
          const asked = [...world.hashes, world.hashes[0]!.toUpperCase().replace('0X', '0x')];
          const r = await adapter.getTransactionMovements!('ethereum', asked);
          expect(r.internalVisible).toBe(true);
          expect(r.movements.map(lineOf).sort()).toEqual(world.expected.map(line).sort());
          for (const m of r.movements.filter((t) => t.asset.kind === 'token')) {
            const known = world.tokens.get(m.asset.contract!);
            expect({ symbol: m.asset.symbol, decimals: m.asset.decimals }).toEqual(known ?? { symbol: 'UNKNOWN', decimals: 0 });
          }
          // Cost: per hash 3 calls (Etherscan: tx, receipt, txlistinternal) or 2 (Blockscout: gettxinfo, txlistinternal),
          // plus one per block time (Etherscan) and one per token contract, never one per address.
          const ok = world.data.txlist!.filter((row) => row.isError !== '1');
          const blocks = new Set(ok.map((row) => row.blockNumber)).size;
          const tokens = new Set(r.movements.filter((t) => t.asset.kind === 'token').map((t) => t.asset.contract)).size;
          const perHash = flavor === 'etherscan' ? 3 : 2;
          const maxTokens = new Set(
            ok.flatMap((row) => (world.data.logs![row.hash!] ?? []).filter((l) => l.topics.length <= 3 && l.topics[0] !== undefined).map((l) => l.address)),
          ).size;
          const requests = server.requests.length;
          expect(requests).toBeGreaterThanOrEqual(perHash * world.hashes.length + (flavor === 'etherscan' ? blocks : 0) + tokens);
          expect(requests).toBeLessThanOrEqual(perHash * world.hashes.length + (flavor === 'etherscan' ? blocks : 0) + maxTokens);
        } finally {
          await server.close();
          servers = servers.filter((s) => s !== server);
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('names every hash the source does not know, and rejects a malformed hash before asking', async () => {
    const world = movementWorld(mulberry32(7), { txs: 3, accounts: 3, contracts: 2 });
    const { server, adapter } = await open(flavor, world);
    const unknown = [evmHash(0xdead01), evmHash(0xdead02)];
    const error = await adapter.getTransactionMovements!('ethereum', [world.hashes[0]!, ...unknown]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    for (const h of unknown) expect((error as Error).message).toContain(h);
    expect((error as Error).message).not.toContain(world.hashes[0]!);
    const before = server.requests.length;
    await expect(adapter.getTransactionMovements!('ethereum', ['0x1234'])).rejects.toThrow(InvalidInputError);
    expect(server.requests.length).toBe(before);
  });

  it('rides out per-second rate limits and keeps the key out of errors', async () => {
    const world = movementWorld(mulberry32(11), { txs: 4, accounts: 4, contracts: 3 });
    const { adapter, clock } = await open(flavor, world, { rateLimited: (n) => n % 3 === 1 });
    const r = await adapter.getTransactionMovements!('ethereum', world.hashes);
    expect(r.movements.map(lineOf).sort()).toEqual(world.expected.map(line).sort());
    expect((adapter.stats() as { rateLimited?: number }).rateLimited).toBeGreaterThan(0);
    expect(clock.sleeps.some((ms) => ms >= 1_000)).toBe(true);
    const error = await adapter.getTransactionMovements!('ethereum', [evmHash(0xbad)]).catch((e: unknown) => e);
    expect(JSON.stringify({ m: (error as Error).message, d: (error as { details?: unknown }).details })).not.toContain(KEY);
  });
});

describe.each<Flavor>(['etherscan', 'blockscout'])('%s getContracts', (flavor) => {
  it('knows contracts from getcontractcreation, 5 addresses a call, each address asked once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 23 }), async (seed, n) => {
        const rand = mulberry32(seed);
        const world = movementWorld(rand, { txs: 1, accounts: 12, contracts: 12 });
        const { server, adapter } = await open(flavor, world);
        try {
          const pool = [...world.accounts, ...world.contracts, evmAddress(0x99999)];
          const asked = Array.from({ length: n }, () => pool[Math.floor(rand() * pool.length)]!);
          const distinct = new Set(asked);
          const got = await adapter.getContracts!('ethereum', asked);
          expect([...got].sort()).toEqual([...distinct].filter((a) => world.contracts.includes(a)).sort());
          expect(server.requests.length).toBe(Math.ceil(distinct.size / 5));
          const again = await adapter.getContracts!('ethereum', [...asked].reverse());
          expect([...again].sort()).toEqual([...got].sort());
          expect(server.requests.length).toBe(Math.ceil(distinct.size / 5));
        } finally {
          await server.close();
          servers = servers.filter((s) => s !== server);
        }
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
