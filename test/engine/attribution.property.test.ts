import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trace } from '../../src/trace/trace.js';
import { splitProRata } from '../../src/engine/attribution.js';
import type { Endpoint, TraceReport } from '../../src/core/schema.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { labels, T0, txOf } from '../support/world.js';
import { build, labelRows, planArb, type BuiltWorld } from '../support/shared-deposit-world.js';

const requestable = (e: Endpoint) => e.kind === 'exchange' || e.freezable !== undefined;
// Deposit inference depends on which sweeps are tainted, so a trace of one payment may book the exchange at the
// deposit address or at the wallet: compare what reached the exchange as a whole, and every other endpoint by address.
const key = (e: Endpoint) => (e.kind === 'exchange' ? 'exchange' : `${e.kind}|${e.address.toLowerCase()}`);
const byKey = (list: Endpoint[], of: (e: Endpoint) => bigint) => {
  const m = new Map<string, bigint>();
  for (const e of list) m.set(key(e), (m.get(key(e)) ?? 0n) + of(e));
  return m;
};

async function run(w: BuiltWorld, taint: 'fifo' | 'haircut' | 'poison', txs: string[]): Promise<TraceReport> {
  const { report } = await trace({
    seeds: txs.map((tx) => ({ chain: 'ethereum', tx })),
    adapters: [createFixtureAdapter({ dataset: w.dataset })],
    labels: labels(labelRows()),
    builtinLabels: false,
    taint,
    // One window for every trace, so a trace of one payment sees the same ledgers as the trace of all of them.
    from: T0,
  });
  return report;
}

describe('attribution of taint to victim payments', () => {
  it('splits every requested amount exactly, only among payments whose money can reach the address', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, fc.constantFrom('fifo' as const, 'haircut' as const, 'poison' as const), async (plan, taint) => {
        const w = build(plan);
        const report = await run(
          w,
          taint,
          w.payments.map((p) => txOf(p.tx)),
        );
        for (const e of report.endpoints.filter(requestable)) {
          expect(e.unattributed).toBeUndefined();
          expect(e.victims!.reduce((s, v) => s + BigInt(v.amount), 0n)).toBe(BigInt(e.amount));
          for (const v of e.victims!) {
            expect(BigInt(v.amount)).toBeGreaterThan(0n);
            expect(w.reach.get(v.tx)!.has(e.address.toLowerCase())).toBe(true);
          }
          // Incoming transfers are the dataset's, into this address; the amount never exceeds their tainted parts.
          let tainted = 0n;
          for (const m of e.inflows!) {
            const t = w.transfers.get(`${m.tx}|${m.logIndex}`)!;
            expect(t.to).toBe(e.address.toLowerCase());
            expect(BigInt(m.amount)).toBe(t.amount);
            expect(BigInt(m.taint)).toBeLessThanOrEqual(t.amount);
            tainted += BigInt(m.taint);
          }
          expect(BigInt(e.amount)).toBeLessThanOrEqual(tainted);
          for (const m of e.outflows ?? []) expect(w.transfers.get(`${m.tx}|${m.logIndex}`)!.from).toBe(e.address.toLowerCase());
          // An inferred deposit address's amount is what it swept out plus what it still holds.
          if (e.depositInferred) expect((e.outflows ?? []).reduce((s, m) => s + BigInt(m.taint), 0n)).toBeLessThanOrEqual(BigInt(e.amount));
        }
      }),
      { numRuns: 40 },
    );
  }, 240_000);

  it('gives each payment what a trace of that payment alone puts there (fifo and haircut are linear in the seeds)', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, fc.constantFrom('fifo' as const, 'haircut' as const), async (plan, taint) => {
        const w = build(plan);
        const joint = await run(
          w,
          taint,
          w.payments.map((p) => txOf(p.tx)),
        );
        // Rounding: at most a base unit per tainted transfer and payment.
        const tolerance = BigInt(joint.stats.taintedTransfers);
        for (const p of w.payments) {
          const alone = await run(w, taint, [txOf(p.tx)]);
          const own = byKey(alone.endpoints.filter(requestable), (e) => BigInt(e.amount));
          const attributed = byKey(joint.endpoints.filter(requestable), (e) => BigInt(e.victims!.find((v) => v.tx === txOf(p.tx))?.amount ?? '0'));
          for (const [k, x] of attributed) {
            const single = own.get(k) ?? 0n;
            const diff = x > single ? x - single : single - x;
            expect(diff, `${taint} ${p.tx} at ${k}: attributed ${x}, alone ${single}`).toBeLessThanOrEqual(tolerance);
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);

  it('above its budget (payments x requested endpoints) skips the split, says so, and keeps every amount as not attributed', async () => {
    const w = build({
      cases: 2,
      collectors: 1,
      deposits: 1,
      events: [
        { kind: 'pay', caseIdx: 0, collector: 0, amount: 1_000_000_000n, gap: 600 },
        { kind: 'pay', caseIdx: 1, collector: 0, amount: 2_000_000_000n, gap: 600 },
        { kind: 'out', collector: 0, to: 'deposit', idx: 0, percent: 50, gap: 600 },
      ],
    });
    const seeds = w.payments.map((p) => ({ chain: 'ethereum', tx: txOf(p.tx) }));
    const opts = { seeds, adapters: [createFixtureAdapter({ dataset: w.dataset })], labels: labels(labelRows()), builtinLabels: false };
    const within = (await trace({ ...opts, maxAttribution: 4 })).report; // 2 payments x 2 endpoints (deposit, collector)
    expect(within.endpoints.filter(requestable).every((e) => e.victims!.length > 0 && e.unattributed === undefined)).toBe(true);
    const { report } = await trace({ ...opts, maxAttribution: 3 });
    expect(report.notes).toContain(
      'per-payment attribution skipped: 2 payments x 2 exchange and freeze endpoints is above maxAttribution 3; their amounts stand, reported as not attributed to one payment',
    );
    for (const e of report.endpoints.filter(requestable)) {
      expect(e).toMatchObject({ victims: [], unattributed: e.amount });
      expect(e.inflows!.length).toBeGreaterThan(0);
    }
    expect(report.endpoints.map((e) => e.amount)).toEqual(within.endpoints.map((e) => e.amount));
  });

  it('splits pro rata in whole units that add up exactly, remainders to the largest fractions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        (weights, amount) => {
          const sum = weights.reduce((s, w) => s + w, 0n);
          const parts = splitProRata(
            weights.map((w, i) => [i, w] as const),
            amount,
          );
          expect(parts.reduce((s, [, x]) => s + x, 0n)).toBe(sum === 0n && weights.length === 0 ? 0n : amount);
          if (sum === 0n) return;
          for (const [i, x] of parts) {
            const exact = (amount * weights[i]!) / sum;
            expect(x === exact || x === exact + 1n).toBe(true);
            if (amount <= sum) expect(x).toBeLessThanOrEqual(weights[i]!);
          }
        },
      ),
    );
    expect(
      splitProRata(
        [
          ['a', 1n],
          ['b', 1n],
          ['c', 1n],
        ],
        2n,
      ),
    ).toEqual([
      ['a', 1n],
      ['b', 1n],
    ]);
  });
});
