import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { createLabelStore } from '../../src/labels/store.js';
import { EndpointKindSchema, TraceReportSchema, type Category, type TraceReport } from '../../src/core/schema.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { reportToJson } from '../../src/report/json.js';

/**
 * Conservation of taint on random account-chain worlds: a small address pool (so there are cycles, merges and
 * splits), victims that only pay in, three traceable assets plus a look-alike token, zero and one-unit amounts,
 * multi-log transactions, fees on native transfers, seeds by tx and by address, random labels and limits.
 */

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const TKN = '0x7777777777777777777777777777777777777777';
const FAKE = '0xfafafafafafafafafafafafafafafafafafafafa';
const T0 = 1_760_000_000;
const VICTIMS = 2;
const MODELS = ['poison', 'haircut', 'fifo'] as const;

type AssetId = 'usdt' | 'native' | 'tkn' | 'fake';
const ASSET_KEY: Record<AssetId, string> = { usdt: `token:${USDT}`, native: 'native:', tkn: `token:${TKN}`, fake: `token:${FAKE}` };
const reportAssetKey = (a: { kind: string; contract?: string | undefined }) => `${a.kind}:${a.contract?.toLowerCase() ?? ''}`;

const poolAddress = (i: number) => `0x${(0xa0 + i).toString(16)}${'5e'.repeat(19)}`;
const victimAddress = (i: number) => `0x${(0xe0 + i).toString(16)}${'71'.repeat(19)}`;
const txHash = (n: number) => `0x${(n + 1).toString(16).padStart(64, '0')}`;

interface TransferSpec {
  from: number;
  to: number;
  asset: AssetId;
  amount: bigint;
  time: number;
  sameTx: boolean;
  /** Forwards (about) what the previous movement delivered, from its recipient: layering chains and deposit sweeps. */
  follow: boolean;
  fee: bigint | null;
}

interface Built {
  tx: string;
  type: 'native' | 'internal' | 'token';
  logIndex: number;
  from: string;
  to: string;
  asset: AssetId;
  amount: bigint;
  time: number;
  fee?: bigint;
}

const amountArb = fc.oneof(
  fc.constantFrom(0n, 1n, 2n),
  fc.bigInt({ min: 0n, max: 1_000n }),
  fc.bigInt({ min: 0n, max: 10n ** 9n }),
  fc.bigInt({ min: 0n, max: 10n ** 24n }),
);

const transferArb: fc.Arbitrary<TransferSpec> = fc.record({
  from: fc.nat(63),
  to: fc.nat(63),
  asset: fc.constantFrom<AssetId>('usdt', 'usdt', 'native', 'native', 'tkn', 'fake'),
  amount: amountArb,
  time: fc.nat(7),
  sameTx: fc.boolean(),
  follow: fc.boolean(),
  fee: fc.option(fc.oneof(fc.constantFrom(0n, 1n), fc.bigInt({ min: 0n, max: 10n ** 22n }))),
});

type SeedSpec =
  | { kind: 'tx'; pick: number; fromVictim: boolean; withLogIndex: boolean }
  | { kind: 'address'; pick: number; before: number | null; after: number | null };

const seedArb: fc.Arbitrary<SeedSpec> = fc.oneof(
  fc.record({ kind: fc.constant('tx' as const), pick: fc.nat(1000), fromVictim: fc.boolean(), withLogIndex: fc.boolean() }),
  fc.record({ kind: fc.constant('address' as const), pick: fc.nat(1000), before: fc.option(fc.nat(6)), after: fc.option(fc.nat(6)) }),
);

const caseArb = fc.record({
  poolSize: fc.integer({ min: 2, max: 7 }),
  transfers: fc.array(transferArb, { minLength: 1, maxLength: 40, size: 'medium' }),
  seeds: fc.array(seedArb, { minLength: 1, maxLength: 3 }),
  labels: fc.array(
    fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, fc.constantFrom<Category>('exchange', 'exchange', 'bridge', 'mixer', 'sanctioned', 'scam')),
    {
      minLength: 7,
      maxLength: 7,
    },
  ),
  // A trace-wide time window now and then (it also bounds address seeds that have none of their own).
  window: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.record({ from: fc.option(fc.nat(50)), to: fc.option(fc.nat(50)) })),
  // Half the worlds are traced with generous limits (deep traces), half with tight random ones (every kind of cut).
  limits: fc.oneof(
    fc.record({
      maxHops: fc.integer({ min: 4, max: 10 }),
      maxNodes: fc.constant(50),
      maxDegree: fc.constant(null),
      minValue: fc.constant('0'),
    }),
    fc.record({
      maxHops: fc.integer({ min: 0, max: 6 }),
      maxNodes: fc.integer({ min: 1, max: 8 }),
      maxDegree: fc.option(fc.integer({ min: 1, max: 12 }), { freq: 2 }),
      minValue: fc.constantFrom('0', '0', '0.01', '0.5', '1'),
    }),
  ),
  caseJurisdiction: fc.constantFrom(undefined, 'DE'),
});

function build(poolSize: number, specs: TransferSpec[]): Built[] {
  const built: Built[] = [];
  let txNo = -1;
  let nextLog = 0;
  for (const s of specs) {
    const prev = built[built.length - 1];
    const follow = s.follow && prev !== undefined;
    const join = !follow && s.sameTx && prev !== undefined;
    if (!join) {
      txNo++;
      nextLog = 0;
    }
    const asset = follow ? prev.asset : s.asset;
    const type = asset === 'native' ? (join ? 'internal' : 'native') : 'token';
    const from = s.from % (poolSize + VICTIMS);
    const forwarded = follow ? prev.amount - (s.amount % 3n) : s.amount;
    built.push({
      tx: txHash(txNo),
      type,
      logIndex: type === 'native' ? -1 : nextLog++,
      from: follow ? prev.to : from < poolSize ? poolAddress(from) : victimAddress(from - poolSize),
      to: poolAddress(s.to % poolSize),
      asset,
      amount: forwarded < 0n ? 0n : forwarded,
      // A transaction's movements share its block and time; a forward comes a little after what it forwards.
      // Otherwise roughly in generation order with jitter, so funds can move on for several hops (ties included).
      time: join ? prev.time : follow ? prev.time + (s.time % 4) : T0 + built.length + (s.time % 8),
      ...(type === 'native' && s.fee !== null ? { fee: s.fee } : {}),
    });
  }
  return built;
}

function dataset(built: Built[]): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [
      { id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 },
      { id: 'tkn', chain: 'ethereum', kind: 'token', contract: TKN, symbol: 'TKN', decimals: 2 },
      { id: 'fake', chain: 'ethereum', kind: 'token', contract: FAKE, symbol: 'USDT', decimals: 6 },
    ],
    transfers: built.map((b) => ({
      chain: 'ethereum',
      tx: b.tx,
      type: b.type,
      logIndex: b.logIndex,
      block: b.time - T0 + 1_000,
      time: b.time,
      from: b.from,
      to: b.to,
      asset: b.asset,
      amount: b.amount.toString(),
      ...(b.fee !== undefined ? { fee: b.fee.toString() } : {}),
    })),
  };
}

const traceable = (b: Built) => b.amount > 0n && b.asset !== 'fake';
const idOf = (b: Built) => `${b.tx}|${b.type}|${b.logIndex}`;

describe('taint conservation: seeds that name the same payment', () => {
  // Found by the property below: one payment named by a tx seed and by an address seed was counted twice as seeded.
  const C = poolAddress(0);
  const L = poolAddress(1);
  const data = dataset([
    { tx: txHash(0), type: 'token', logIndex: 0, from: victimAddress(0), to: C, asset: 'usdt', amount: 1_000n, time: T0 },
    { tx: txHash(1), type: 'token', logIndex: 0, from: C, to: L, asset: 'usdt', amount: 400n, time: T0 + 10 },
  ]);

  it('counts a payment seeded both by its tx and by its recipient address once', async () => {
    const { report } = await trace({
      seeds: [
        { chain: 'ethereum', tx: txHash(0) },
        { chain: 'ethereum', address: C },
      ],
      adapters: [createFixtureAdapter({ dataset: data })],
    });
    expect(report.endpoints.map((e) => [e.address.toLowerCase(), e.amount])).toEqual([
      [C, '600'],
      [L, '400'],
    ]);
    expect(report.conservation).toMatchObject([{ seeded: '1000', endpoints: '1000', fees: '0', difference: '0', balanced: true }]);
  });

  it('counts the same tx given twice as one seed payment', async () => {
    const { report } = await trace({
      seeds: [
        { chain: 'ethereum', tx: txHash(0) },
        { chain: 'ethereum', tx: txHash(0) },
      ],
      adapters: [createFixtureAdapter({ dataset: data })],
    });
    expect(report.conservation).toMatchObject([{ seeded: '1000', endpoints: '1000', balanced: true }]);
  });
});

describe('taint conservation on random transfer graphs', () => {
  it('accounts for every seeded unit at an endpoint or in fees, in every model, deterministically', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const built = build(c.poolSize, c.transfers);
        const eligible = built.filter(traceable);
        fc.pre(eligible.length > 0);
        const window = {
          ...(c.window?.from != null ? { from: T0 + c.window.from } : {}),
          ...(c.window?.to != null ? { to: T0 + c.window.to } : {}),
        };

        // Seeds, and the movements each of them taints by the documented contract.
        const seeds: ({ chain: string; tx: string; logIndex?: number } | { chain: string; address: string; from?: number; to?: number })[] = [];
        const seeded = new Map<string, Built>();
        let seedsResolvable = true;
        for (const s of c.seeds) {
          if (s.kind === 'tx') {
            const fromVictims = eligible.filter((b) => b.from.startsWith('0xe'));
            const pool = s.fromVictim && fromVictims.length > 0 ? fromVictims : eligible;
            const b = pool[s.pick % pool.length]!;
            seeds.push({ chain: 'ethereum', tx: b.tx, ...(s.withLogIndex ? { logIndex: b.logIndex } : {}) });
            for (const t of built) if (t.tx === b.tx && traceable(t) && (!s.withLogIndex || t.logIndex === b.logIndex)) seeded.set(idOf(t), t);
          } else {
            const b = eligible[s.pick % eligible.length]!;
            const from = s.before !== null ? b.time - s.before : undefined;
            const to = s.after !== null ? b.time + s.after : undefined;
            seeds.push({ chain: 'ethereum', address: b.to, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
            const lo = from ?? window.from ?? -Infinity;
            const hi = to ?? window.to ?? Infinity;
            const received = built.filter((t) => t.to === b.to && traceable(t) && t.time >= lo && t.time <= hi);
            if (received.length === 0) seedsResolvable = false;
            for (const t of received) seeded.set(idOf(t), t);
          }
        }

        const labelRows = c.labels.slice(0, c.poolSize).flatMap((category, i) =>
          category
            ? [
                {
                  chain: 'ethereum',
                  address: poolAddress(i),
                  entity: `Entity ${i}`,
                  category,
                  jurisdictions: i % 2 ? ['DE'] : ['SC'],
                  confidence: 1,
                  source: 'property test',
                },
              ]
            : [],
        );
        const data = dataset(built);
        const run = (taint: (typeof MODELS)[number]) =>
          trace({
            seeds,
            adapters: [createFixtureAdapter({ dataset: data })],
            labels: createLabelStore(labelRows),
            taint,
            maxHops: c.limits.maxHops,
            maxNodes: c.limits.maxNodes,
            minValue: c.limits.minValue,
            ...(c.limits.maxDegree !== null ? { maxDegree: c.limits.maxDegree } : {}),
            ...(c.caseJurisdiction ? { caseJurisdiction: c.caseJurisdiction } : {}),
            ...window,
          });

        if (!seedsResolvable) {
          // An address seed that received nothing traceable in its window is an input error, not an empty trace.
          await expect(run('fifo')).rejects.toBeInstanceOf(InvalidInputError);
          return;
        }

        // What each asset could hold: everything that entered it, and per address everything it received.
        const expected = new Map<string, bigint>();
        const overlapBound = new Map<string, bigint>();
        for (const t of seeded.values()) {
          const key = ASSET_KEY[t.asset];
          expected.set(key, (expected.get(key) ?? 0n) + t.amount);
          // A seed paid by an address that itself receives this asset may already carry taint (counted once).
          if (built.some((r) => r.to === t.from && r.asset === t.asset && r.amount > 0n)) {
            overlapBound.set(key, (overlapBound.get(key) ?? 0n) + t.amount);
          }
        }
        const inflow = new Map<string, bigint>();
        for (const t of built) {
          const key = `${t.to}|${ASSET_KEY[t.asset]}`;
          inflow.set(key, (inflow.get(key) ?? 0n) + t.amount);
        }
        const seededOut = new Map<string, bigint>();
        for (const t of seeded.values()) {
          const key = `${t.from}|${ASSET_KEY[t.asset]}`;
          seededOut.set(key, (seededOut.get(key) ?? 0n) + t.amount);
        }
        const nativeFees = built.reduce((s, t) => s + (t.fee ?? 0n), 0n);

        for (const model of MODELS) {
          const { report } = await run(model);
          checkReport(report, model);
          const again = await run(model);
          expect(reportToJson(again.report)).toBe(reportToJson(report));
        }

        function checkReport(report: TraceReport, model: string) {
          expect(TraceReportSchema.parse(report)).toEqual(report);
          expect(report.settings.taint).toBe(model);

          // Exactly the seeded assets are traced and each has a balanced conservation line.
          expect(report.conservation.map((l) => reportAssetKey(l.asset)).sort()).toEqual([...expected.keys()].sort());
          const endpointSums = new Map<string, bigint>();
          const depositAt = new Set(report.endpoints.filter((e) => e.depositInferred).map((e) => `${e.address.toLowerCase()}|${reportAssetKey(e.asset)}`));
          const perAddress = new Map<string, bigint>();
          for (const e of report.endpoints) {
            expect(EndpointKindSchema.options).toContain(e.kind);
            const key = reportAssetKey(e.asset);
            expect(key).not.toBe(ASSET_KEY.fake);
            const amount = BigInt(e.amount);
            expect(amount).toBeGreaterThan(0n);
            expect(e.hops).toBeGreaterThanOrEqual(0);
            expect(e.hops).toBeLessThanOrEqual(c.limits.maxHops);
            if (e.kind === 'hop-limit') expect(e.hops).toBe(c.limits.maxHops);
            endpointSums.set(key, (endpointSums.get(key) ?? 0n) + amount);
            const at = `${e.address.toLowerCase()}|${key}`;
            perAddress.set(at, (perAddress.get(at) ?? 0n) + amount);
          }
          // No address ends up holding more than it ever received, or for an inferred deposit address, more than it
          // received plus the seed payments it made (a seed on the exchange wallet paid from the deposit address's
          // own funds reaches the exchange through it).
          for (const [at, amount] of perAddress)
            expect(amount).toBeLessThanOrEqual((inflow.get(at) ?? 0n) + (depositAt.has(at) ? (seededOut.get(at) ?? 0n) : 0n));

          for (const line of report.conservation) {
            const key = reportAssetKey(line.asset);
            const entered = expected.get(key)!;
            const reached = endpointSums.get(key) ?? 0n;
            const fees = BigInt(line.fees);
            expect(line.balanced).toBe(true);
            expect(line.difference).toBe('0');
            expect(BigInt(line.endpoints)).toBe(reached);
            expect(BigInt(line.seeded)).toBe(reached + fees);
            // Fees are paid in the native asset only, and never more than the dataset's fees.
            if (key === ASSET_KEY.native) expect(fees).toBeLessThanOrEqual(nativeFees);
            else expect(fees).toBe(0n);
            // Independently of the engine's own line: nothing created, nothing lost.
            const bound = overlapBound.get(key) ?? 0n;
            if (bound === 0n) expect(reached + fees).toBe(entered);
            else {
              expect(reached + fees).toBeLessThanOrEqual(entered);
              expect(reached + fees).toBeGreaterThanOrEqual(entered - bound);
            }
          }
          expect(report.stats.addressesExpanded).toBeLessThanOrEqual(c.limits.maxNodes);
        }
      }),
      { seed: 424242, numRuns: 150 },
    );
  }, 120_000);
});
