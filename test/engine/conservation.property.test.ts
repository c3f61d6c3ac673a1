import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { EndpointKindSchema, TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { reportToJson } from '../../src/report/json.js';
import {
  accountDataset,
  ASSET_KEY,
  buildTransfers,
  caseArb,
  labelsOf,
  limitsOf,
  poolAddress,
  reportAssetKey,
  seedsOf,
  T0,
  traceable,
  txHash,
  victimAddress,
} from '../support/account-world.js';

/** Conservation of taint on random account-chain worlds (test/support/account-world.ts). */

const MODELS = ['poison', 'haircut', 'fifo'] as const;

describe('taint conservation: seeds that name the same payment', () => {
  // Found by the property below: one payment named by a tx seed and by an address seed was counted twice as seeded.
  const C = poolAddress(0);
  const L = poolAddress(1);
  const data = accountDataset([
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
        const built = buildTransfers(c.poolSize, c.transfers);
        fc.pre(built.some(traceable));
        // Seeds, and the movements each of them taints by the documented contract.
        const { seeds, seeded, resolvable: seedsResolvable } = seedsOf(c, built);
        const data = accountDataset(built);
        const run = (taint: (typeof MODELS)[number]) =>
          trace({ seeds, adapters: [createFixtureAdapter({ dataset: data })], labels: createLabelStore(labelsOf(c)), taint, ...limitsOf(c) });

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
