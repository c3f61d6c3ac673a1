import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createTronGridAdapter } from '../../../src/adapters/tron/adapter.js';
import { tronBase58ToHex } from '../../../src/core/address.js';
import { AdapterError, InvalidInputError, NotFoundError } from '../../../src/core/errors.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../../src/core/wrapped-native.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import {
  startTronServer,
  transferLog,
  triggerCall,
  trc20,
  tronAddress,
  tronTxid,
  USDT_TRC20,
  type TronData,
  type TronServer,
} from '../../support/trongrid-server.js';

const T0 = 1_700_000_000_000;
const WTRX = 'TNUC9Qb1rRpS5CbWLmNMxXBjyFoydXjWFR';
const TOKENS = [
  { address: USDT_TRC20, symbol: 'USDT', decimals: 6 },
  { address: tronAddress(0x7001), symbol: 'SUN', decimals: 18 },
  { address: tronAddress(0x7002), symbol: 'BTT', decimals: 18 },
];

let servers: TronServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const short = (a: string) => tronBase58ToHex(a).slice(4);
/** The full node's address form: 41 and 40 hex digits, no 0x. */
const hex41 = (a: string) => tronBase58ToHex(a).slice(2);
const word = (hex: string) => hex.padStart(64, '0');
const wrapLog = (kind: 'deposit' | 'withdrawal', who: string, amount: bigint) => ({
  address: short(WTRX),
  topics: [(kind === 'deposit' ? DEPOSIT_TOPIC : WITHDRAWAL_TOPIC).slice(2), word(short(who))],
  data: word(amount.toString(16)),
});

/** What a generated transaction put there, in the world's own terms. */
interface Spec {
  caller: number;
  router: number;
  callValue: number;
  tokens: Array<{ token: number; from: number; to: number; amount: bigint }>;
  internals: Array<{ from: number; to: number; amount: number; rejected: boolean; trc10: boolean }>;
  wraps: Array<{ kind: 'deposit' | 'withdrawal'; who: number; amount: bigint }>;
  failed: boolean;
}

const party = fc.integer({ min: 1, max: 12 });
const specArb: fc.Arbitrary<Spec> = fc.record({
  caller: party,
  router: fc.integer({ min: 100, max: 104 }),
  callValue: fc.integer({ min: 0, max: 5_000_000_000 }),
  tokens: fc.array(fc.record({ token: fc.integer({ min: 0, max: 2 }), from: party, to: party, amount: fc.bigInt({ min: 0n, max: 10n ** 24n }) }), {
    maxLength: 4,
  }),
  internals: fc.array(
    fc.record({
      from: fc.integer({ min: 100, max: 104 }),
      to: party,
      amount: fc.integer({ min: 0, max: 9_000_000_000 }),
      rejected: fc.boolean(),
      trc10: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  wraps: fc.array(
    fc.record({ kind: fc.constantFrom('deposit' as const, 'withdrawal' as const), who: party, amount: fc.bigInt({ min: 1n, max: 10n ** 15n }) }),
    {
      maxLength: 2,
    },
  ),
  failed: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
});

/** The server's data for these transactions, as TronGrid would hold them. */
function worldOf(specs: Spec[]): TronData {
  const data: Required<Pick<TronData, 'trc20' | 'transactions' | 'infos'>> & TronData = { trc20: [], transactions: [], infos: {}, contracts: [] };
  specs.forEach((s, i) => {
    const txid = tronTxid(0x5000 + i);
    const time = T0 + i * 3_000;
    data.transactions.push(
      triggerCall(0x5000 + i, tronAddress(s.caller), tronAddress(s.router), s.callValue, 60_000_000 + i, time, 345_000, s.failed ? 'REVERT' : 'SUCCESS'),
    );
    const logs = [
      ...s.tokens.map((t) => transferLog(TOKENS[t.token]!.address, tronAddress(t.from), tronAddress(t.to), t.amount)),
      ...s.wraps.map((w) => wrapLog(w.kind, tronAddress(w.who), w.amount)),
    ];
    data.infos[txid] = {
      id: txid,
      fee: 345_000,
      blockNumber: 60_000_000 + i,
      blockTimeStamp: time,
      contractResult: [''],
      contract_address: hex41(tronAddress(s.router)),
      receipt: { energy_usage_total: 64_285, net_usage: 345, result: s.failed ? 'REVERT' : 'SUCCESS' },
      ...(s.failed ? { result: 'FAILED', resMessage: '524556455254' } : {}),
      log: logs,
      internal_transactions: s.internals.map((t, k) => ({
        hash: word((0x9000 + i * 10 + k).toString(16)),
        caller_address: hex41(tronAddress(t.from)),
        transferTo_address: hex41(tronAddress(t.to)),
        callValueInfo: t.trc10 ? [{ tokenId: '1002000', callValue: t.amount }] : t.amount === 0 ? [{}] : [{ callValue: t.amount }],
        note: '63616c6c',
        ...(t.rejected ? { rejected: true } : {}),
      })),
    };
    // The v1 TRC-20 records token metadata is read from (TronGrid lists a transfer under both parties).
    for (const t of s.tokens) {
      const token = TOKENS[t.token]!;
      data.trc20.push(
        trc20(0x5000 + i, tronAddress(t.from), tronAddress(t.to), t.amount.toString(), time, {
          address: token.address,
          symbol: token.symbol,
          decimals: token.decimals,
        }),
      );
    }
  });
  return data;
}

/** The movements the world put there, computed from the specs alone. */
function expected(specs: Spec[]) {
  return specs.flatMap((s, i) => {
    if (s.failed) return [];
    const tx = tronTxid(0x5000 + i);
    return [
      { tx, type: 'native', from: tronAddress(s.caller), to: tronAddress(s.router), contract: undefined, amount: BigInt(s.callValue) },
      ...s.tokens.map((t) => ({ tx, type: 'token', from: tronAddress(t.from), to: tronAddress(t.to), contract: TOKENS[t.token]!.address, amount: t.amount })),
      ...s.internals
        .filter((t) => !t.rejected && !t.trc10 && t.amount > 0)
        .map((t) => ({ tx, type: 'internal', from: tronAddress(t.from), to: tronAddress(t.to), contract: undefined, amount: BigInt(t.amount) })),
      ...s.wraps.map((w) => {
        const [from, to] = w.kind === 'deposit' ? [WTRX, tronAddress(w.who)] : [tronAddress(w.who), WTRX];
        return { tx, type: 'token', from, to, contract: WTRX, amount: w.amount };
      }),
    ];
  });
}

const key = (m: { tx: string; type: string; from: string; to: string; contract?: string | undefined; amount: bigint }) =>
  `${m.tx}|${m.type}|${m.from}|${m.to}|${m.contract ?? 'TRX'}|${m.amount}`;
const shapeOf = (m: AccountTransfer) => key({ ...m, contract: m.asset.contract });

async function setup(data: TronData) {
  const server = await startTronServer({ data });
  servers.push(server);
  const a = createTronGridAdapter({
    baseUrl: server.url,
    clock: createVirtualClock(),
    random: () => 0.5,
    env: {},
    rateLimit: { perSecond: 1000, burst: 1000 },
  });
  return { server, a };
}

describe('TronGrid getTransactionMovements', () => {
  it('gives every movement a generated world put in its transactions, at two full-node calls per hash, none on a repeat', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(specArb, { minLength: 1, maxLength: 6 }), async (specs) => {
        const { server, a } = await setup(worldOf(specs));
        const hashes = specs.map((_, i) => tronTxid(0x5000 + i));
        const got = await a.getTransactionMovements!('tron', hashes);
        expect(got.movements.map(shapeOf).sort()).toEqual(expected(specs).map(key).sort());
        expect(got.internalVisible).toBe(true);
        for (const m of got.movements.filter((x) => x.asset.contract !== undefined && x.asset.contract !== WTRX)) {
          const token = TOKENS.find((t) => t.address === m.asset.contract)!;
          expect([m.asset.symbol, m.asset.decimals]).toEqual([token.symbol, token.decimals]);
        }
        const full = server.requests.filter((r) => r.path.startsWith('/wallet/')).length;
        expect(full).toBe(2 * specs.length);
        const before = server.requests.length;
        await a.getTransactionMovements!('tron', [...hashes].reverse());
        expect(server.requests.length).toBe(before);
        await server.close();
        servers = servers.filter((s) => s !== server);
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it("survives TronGrid's frequency-limit 429s on the full-node calls with the same movements, each refused call asked again", async () => {
    const specs = fc.sample(specArb, { numRuns: 6, seed: 31 });
    const clean = await setup(worldOf(specs));
    const hashes = specs.map((_, i) => tronTxid(0x5000 + i));
    const want = await clean.a.getTransactionMovements!('tron', hashes);
    const server = await startTronServer({ data: worldOf(specs), rateLimited: (n) => n % 3 === 0 });
    servers.push(server);
    const a = createTronGridAdapter({ baseUrl: server.url, clock: createVirtualClock(), random: () => 0.5, env: {}, retries: 5 });
    expect(await a.getTransactionMovements!('tron', hashes)).toEqual(want);
    const limited = Math.floor(server.requests.length / 3);
    expect(limited).toBeGreaterThan(0);
    expect(server.requests.length).toBe(clean.server.requests.length + limited);
  });

  it('agrees with getTransaction on the TRX value, TRC-20 and internal movements of a seed transaction', async () => {
    const specs = fc.sample(specArb, { numRuns: 8, seed: 20 }).map((s) => ({ ...s, failed: false, wraps: [] }));
    const { a } = await setup(worldOf(specs));
    for (const [i] of specs.entries()) {
      const tx = tronTxid(0x5000 + i);
      const one = await a.getTransaction('tron', tx);
      const moves = await a.getTransactionMovements!('tron', [tx]);
      expect(moves.movements).toEqual(one.transfers);
    }
  });

  it('names every unknown hash in one NotFoundError and rejects a malformed id', async () => {
    const specs = fc.sample(specArb, { numRuns: 2, seed: 7 });
    const { a } = await setup(worldOf(specs));
    const unknown = [tronTxid(0xdead), tronTxid(0xbeef)];
    const error = await a.getTransactionMovements!('tron', [tronTxid(0x5000), ...unknown]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain(unknown.join(', '));
    await expect(a.getTransactionMovements!('tron', ['0x12zz'])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(a.getTransactionMovements!('ethereum', [tronTxid(1)])).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('TronGrid getContracts', () => {
  it('knows the contracts the read transactions prove, asks /wallet/getcontract once for each other address, never again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 120 }), { maxLength: 10 }),
        async (specs, coded) => {
          const data = worldOf(specs.map((s) => ({ ...s, failed: false })));
          const routers = specs.map((s) => tronAddress(s.router));
          data.contracts = [...new Set([...coded.map(tronAddress), ...routers, ...TOKENS.map((t) => t.address), WTRX])];
          const { server, a } = await setup(data);
          await a.getTransactionMovements!(
            'tron',
            specs.map((_, i) => tronTxid(0x5000 + i)),
          );
          const proven = new Set([
            ...routers,
            ...specs.flatMap((s) => [
              ...s.tokens.map((t) => TOKENS[t.token]!.address),
              ...(s.wraps.length ? [WTRX] : []),
              ...s.internals.map((t) => tronAddress(t.from)),
            ]),
          ]);
          const asked = [...new Set([...Array.from({ length: 120 }, (_, n) => tronAddress(n + 1)), ...proven])];
          const got = await a.getContracts!('tron', asked.map(hex41));
          expect([...got].sort()).toEqual(asked.filter((x) => data.contracts!.includes(x) || proven.has(x)).sort());
          const calls = server.requests.filter((r) => r.path === '/wallet/getcontract').length;
          expect(calls).toBe(asked.filter((x) => !proven.has(x)).length);
          await a.getContracts!('tron', asked);
          expect(server.requests.filter((r) => r.path === '/wallet/getcontract').length).toBe(calls);
          await server.close();
          servers = servers.filter((s) => s !== server);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it("turns the full node's Error body into an AdapterError instead of calling the address an account", async () => {
    const server = await startTronServer({
      data: {},
      override: (req) =>
        req.path === '/wallet/getcontract' ? { status: 200, body: { Error: 'class java.lang.IllegalArgumentException : invalid address' } } : undefined,
    });
    servers.push(server);
    const a = createTronGridAdapter({ baseUrl: server.url, clock: createVirtualClock(), random: () => 0.5, env: {} });
    await expect(a.getContracts!('tron', [tronAddress(5)])).rejects.toBeInstanceOf(AdapterError);
  });
});
