import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { freezeCandidates } from '../../src/report/freeze.js';
import { addr, adapterFor, labels, txOf, type Step } from '../support/world.js';

/**
 * Generated worlds of exchange deposit addresses on an account chain: victims pay a collector, which pays deposit
 * addresses (one or several deposits each, some with clean deposits of other customers mixed in) and look-alikes.
 * Deposit addresses sweep into one of their exchange's labeled wallets, minutes to weeks later, per deposit, all at
 * once or partially. Look-alikes sweep into an exchange too but also pay a private wallet or a second exchange.
 * Every figure checked below is computed from the generated movements, independently of the engine.
 */

const M = 1_000_000n; // 1 USDT
const MINUTE = 60;
const DAY = 86_400;
const MAX_DELAY = 20 * DAY;

const delayArb = fc.oneof(fc.integer({ min: MINUTE, max: 3600 }), fc.integer({ min: 13 * 3600, max: 14 * 3600 }), fc.integer({ min: MINUTE, max: MAX_DELAY }));
const amountArb = fc.bigInt({ min: 10n * M, max: 50_000n * M });

const depositArb = fc.record({
  kind: fc.constant('deposit' as const),
  tainted: fc.array(fc.record({ amount: amountArb, gap: fc.integer({ min: MINUTE, max: 2 * DAY }) }), { minLength: 1, maxLength: 4 }),
  clean: fc.array(fc.record({ amount: amountArb, gap: fc.integer({ min: 0, max: 2 * DAY }) }), { maxLength: 3 }),
  // 'each': a sweep after every deposit; 'aggregate': one sweep of everything after the last deposit.
  plan: fc.constantFrom('each', 'aggregate'),
  delays: fc.array(delayArb, { minLength: 7, maxLength: 7 }),
  // Share of the balance the last sweep takes, in per mille (1000: all of it).
  lastShare: fc.oneof(fc.constant(1000), fc.integer({ min: 300, max: 999 })),
  wallet: fc.nat(1),
});

const lookalikeArb = fc.record({
  kind: fc.constant('lookalike' as const),
  tainted: fc.array(fc.record({ amount: amountArb, gap: fc.integer({ min: MINUTE, max: DAY }) }), { minLength: 1, maxLength: 2 }),
  // What it pays besides the sweep: a private wallet or another exchange, between 1 % and 60 % of what it received.
  other: fc.constantFrom('private', 'second-exchange'),
  otherPerMille: fc.integer({ min: 10, max: 600 }),
  sweepPerMille: fc.integer({ min: 100, max: 1000 }),
  otherFirst: fc.boolean(),
  delay: delayArb,
});

const worldArb = fc.record({
  branches: fc.array(fc.oneof({ weight: 3, arbitrary: depositArb }, { weight: 2, arbitrary: lookalikeArb }), { minLength: 1, maxLength: 5 }),
  victims: fc.integer({ min: 1, max: 4 }),
  keep: fc.bigInt({ min: 0n, max: 1_000n * M }),
  jurisdiction: fc.constantFrom('SC', 'DE', 'AE'),
  model: fc.constantFrom('fifo', 'haircut', 'poison'),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;
type Branch = World['branches'][number];

interface Expected {
  /** Per deposit address name: the taint it received, its inflows and sweeps (name, amount, time), its wallets. */
  deposits: Map<string, { tainted: bigint; inflows: { amount: bigint; at: number }[]; sweeps: { tx: string; amount: bigint; at: number; wallet: string }[] }>;
  /** Per look-alike: what it received, what it swept (to which wallet), what it paid elsewhere (to whom). */
  lookalikes: Map<string, { received: bigint; swept: bigint; paid: bigint; to: string }>;
  /** Direct (not through an inferred deposit address) tainted arrivals per labeled wallet name. */
  direct: Map<string, bigint>;
}

const HOT = ['ex-hot-0', 'ex-hot-1'];
const SECOND = 'other-ex-hot';

/** The world's movements; `stretch` scales every sweep delay (1 = as drawn), within one minute to 20 days. */
function build(w: World, stretch = 1): { steps: Step[]; expected: Expected; seeds: string[] } {
  const steps: Step[] = [];
  const expected: Expected = { deposits: new Map(), lookalikes: new Map(), direct: new Map() };
  const delayOf = (d: number) => Math.min(MAX_DELAY, Math.max(MINUTE, Math.round(d * stretch)));
  const payouts: { to: string; amount: bigint; at: number; tx: string }[] = [];
  let t = 10 * MINUTE * w.victims + 3600;
  w.branches.forEach((b: Branch, i) => {
    const name = `${b.kind}-${i}`;
    if (b.kind === 'deposit') {
      const events: { amount: bigint; at: number; from: string; tx: string; tainted: boolean }[] = [];
      let at = t;
      b.tainted.forEach((d, j) => {
        at += d.gap;
        events.push({ amount: d.amount, at, from: 'collector', tx: `${name}-in-${j}`, tainted: true });
      });
      let cleanAt = t;
      b.clean.forEach((d, j) => {
        cleanAt += d.gap + 1;
        events.push({ amount: d.amount, at: cleanAt, from: `customer-${i}-${j}`, tx: `${name}-clean-${j}`, tainted: false });
      });
      events.sort((x, y) => x.at - y.at || (x.tx < y.tx ? -1 : 1));
      // Sweeps: after each deposit or once after the last, each delay scaled; the last takes lastShare of the balance.
      const sweepTimes = (
        b.plan === 'each' ? events.map((e, j) => e.at + delayOf(b.delays[j]!)) : [events[events.length - 1]!.at + delayOf(b.delays[0]!)]
      ).sort((x, y) => x - y);
      const timeline = [
        ...events.map((e) => ({ ...e, sweep: false })),
        ...sweepTimes.map((at, k) => ({ amount: 0n, at, from: name, tx: `${name}-sweep-${k}`, tainted: false, sweep: true })),
      ];
      // A sweep at the very second of a deposit comes after it.
      timeline.sort((x, y) => x.at - y.at || Number(x.sweep) - Number(y.sweep));
      let balance = 0n;
      const sweeps: { tx: string; amount: bigint; at: number; wallet: string }[] = [];
      const last = timeline.filter((e) => e.sweep).length - 1;
      let k = 0;
      for (const e of timeline) {
        if (!e.sweep) {
          balance += e.amount;
          if (e.tainted) payouts.push({ to: name, amount: e.amount, at: e.at, tx: e.tx });
          else steps.push({ tx: e.tx, from: e.from, to: name, amount: e.amount, at: e.at });
          continue;
        }
        const amount = k === last ? (balance * BigInt(b.lastShare)) / 1000n : balance;
        k++;
        if (amount === 0n) continue;
        balance -= amount;
        const wallet = HOT[b.wallet]!;
        steps.push({ tx: e.tx, from: name, to: wallet, amount, at: e.at });
        sweeps.push({ tx: e.tx, amount, at: e.at, wallet });
      }
      const tainted = events.filter((e) => e.tainted).reduce((s, e) => s + e.amount, 0n);
      expected.deposits.set(name, { tainted, inflows: events.map((e) => ({ amount: e.amount, at: e.at })), sweeps });
      t += 600;
    } else {
      let at = t;
      let received = 0n;
      b.tainted.forEach((d, j) => {
        at += d.gap;
        received += d.amount;
        payouts.push({ to: name, amount: d.amount, at, tx: `${name}-in-${j}` });
      });
      const paid = (received * BigInt(b.otherPerMille)) / 1000n;
      const swept = ((received - paid) * BigInt(b.sweepPerMille)) / 1000n;
      const to = b.other === 'private' ? `private-${i}` : SECOND;
      const sweepAt = at + delayOf(b.delay);
      const otherAt = b.otherFirst ? at + 1 : sweepAt + 1;
      steps.push({ tx: `${name}-sweep`, from: name, to: HOT[0]!, amount: swept, at: sweepAt });
      steps.push({ tx: `${name}-other`, from: name, to, amount: paid, at: otherAt });
      expected.lookalikes.set(name, { received, swept, paid, to });
      expected.direct.set(HOT[0]!, (expected.direct.get(HOT[0]!) ?? 0n) + swept);
      if (to === SECOND) expected.direct.set(SECOND, (expected.direct.get(SECOND) ?? 0n) + paid);
      t += 600;
    }
  });
  // Victims pay the collector everything it pays out, plus what it keeps, before it pays anything.
  const total = payouts.reduce((s, p) => s + p.amount, 0n) + w.keep;
  const seeds: string[] = [];
  for (let v = 0; v < w.victims; v++) {
    const share = v === w.victims - 1 ? total - (total / BigInt(w.victims)) * BigInt(w.victims - 1) : total / BigInt(w.victims);
    steps.push({ tx: `victim-${v}`, from: `victim-${v}`, to: 'collector', amount: share, at: v * 10 * MINUTE });
    seeds.push(`victim-${v}`);
  }
  for (const p of payouts) steps.push({ tx: p.tx, from: 'collector', to: p.to, amount: p.amount, at: p.at });
  // Clean traffic at the exchange: other customers' deposits straight into its wallets and a withdrawal.
  steps.push({ tx: 'ex-other-customer', from: 'someone', to: HOT[0]!, amount: 5_000n * M, at: 1800 });
  steps.push({ tx: 'ex-withdrawal', from: HOT[1]!, to: 'someone-else', amount: 2_000n * M, at: 2400 });
  steps.sort((a, b) => a.at - b.at || (a.tx < b.tx ? -1 : 1));
  return { steps, expected, seeds };
}

async function run(w: World, stretch = 1) {
  const { steps, expected, seeds } = build(w, stretch);
  const { report } = await trace({
    seeds: seeds.map((s) => ({ chain: 'ethereum', tx: txOf(s) })),
    adapters: [adapterFor(steps)],
    labels: labels([
      [HOT[0]!, 'Northwind', 'exchange', [w.jurisdiction]],
      [HOT[1]!, 'Northwind', 'exchange', [w.jurisdiction]],
      [SECOND, 'Harborline', 'exchange', ['SC']],
    ]),
    taint: w.model,
    caseJurisdiction: 'DE',
  });
  return { report, expected };
}

const at = (report: TraceReport, name: string) => report.endpoints.filter((e) => e.address.toLowerCase() === addr(name));

describe('deposit addresses decided by behaviour (generated worlds)', () => {
  it('names every deposit address, whatever the sweep delay, batching or share swept, and no look-alike', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const { report, expected } = await run(w);
        expect(TraceReportSchema.parse(report)).toEqual(report);
        expect(report.conservation.every((c) => c.balanced)).toBe(true);

        for (const [name, d] of expected.deposits) {
          const eps = at(report, name);
          // One endpoint: the exchange's, at the deposit address, holding all the taint it received (swept or not).
          expect(eps).toHaveLength(1);
          const ep = eps[0]!;
          expect(ep).toMatchObject({
            kind: 'exchange',
            entity: 'Northwind',
            jurisdictions: [w.jurisdiction],
            depositInferred: true,
            amount: String(d.tainted),
          });
          expect(ep.depositAddress!.toLowerCase()).toBe(addr(name));
          expect(ep.sweptTo!.map((a) => a.toLowerCase())).toEqual([...new Set(d.sweeps.map((s) => addr(s.wallet)))].sort());
          const received = d.inflows.reduce((s, i) => s + i.amount, 0n);
          const swept = d.sweeps.reduce((s, i) => s + i.amount, 0n);
          const delays = d.inflows.flatMap((i) => {
            const next = d.sweeps.find((s) => s.at >= i.at);
            return next ? [next.at - i.at] : [];
          });
          expect(ep.depositEvidence).toEqual({
            deposits: d.inflows.length,
            sweeps: d.sweeps.length,
            received: String(received),
            swept: String(swept),
            shareSwept: Number((swept * 1_000_000n) / received) / 1_000_000,
            ...(delays.length > 0 ? { sweepDelaySeconds: { min: Math.min(...delays), max: Math.max(...delays) } } : {}),
            sweepTxs: d.sweeps.map((s) => txOf(s.tx)).sort(),
          });
          expect(ep.reason).toContain(`${d.inflows.length} deposit`);
        }

        for (const [name, l] of expected.lookalikes) {
          // Never an exchange endpoint: what it kept is unspent at it, what it paid elsewhere is where it went.
          const own = at(report, name);
          expect(own.every((e) => e.kind === 'unspent' && !e.depositInferred)).toBe(true);
          expect(own.reduce((s, e) => s + BigInt(e.amount), 0n)).toBe(l.received - l.swept - l.paid);
          if (l.to !== SECOND) expect(at(report, l.to)).toMatchObject([{ kind: 'unspent', amount: String(l.paid) }]);
        }

        // Labeled wallets report only what reached them directly; swept deposits are not counted a second time.
        for (const wallet of [...HOT, SECOND]) {
          const direct = expected.direct.get(wallet) ?? 0n;
          const eps = at(report, wallet);
          if (direct === 0n) expect(eps).toEqual([]);
          else expect(eps).toMatchObject([{ kind: 'exchange', depositInferred: false, amount: String(direct) }]);
        }
        const northwind = report.exchanges.find((x) => x.entity === 'Northwind');
        const northwindTotal =
          [...expected.deposits.values()].reduce((s, d) => s + d.tainted, 0n) + (expected.direct.get(HOT[0]!) ?? 0n) + (expected.direct.get(HOT[1]!) ?? 0n);
        expect(northwind?.totals[0]?.amount ?? '0').toBe(String(northwindTotal));

        // An inferred deposit address is never a freeze candidate.
        const frozen = new Set(freezeCandidates(report).flatMap((g) => g.endpoints.map((e) => e.address.toLowerCase())));
        for (const name of expected.deposits.keys()) expect(frozen.has(addr(name))).toBe(false);
      }),
      { seed: 1717, numRuns: 60 },
    );
  }, 240_000);

  it('names the same deposit address, with the same amounts, whatever the sweep delay', async () => {
    // The endpoints without what the delay itself changes (the delay figures and the reason that states them).
    const project = (report: TraceReport) =>
      report.endpoints.map((e) => ({
        kind: e.kind,
        address: e.address,
        depositAddress: e.depositAddress,
        depositInferred: e.depositInferred,
        entity: e.entity,
        amount: e.amount,
        deposits: e.depositEvidence?.deposits,
        received: e.depositEvidence?.received,
      }));
    await fc.assert(
      fc.asyncProperty(
        worldArb.filter((w) => w.branches.some((b) => b.kind === 'deposit')),
        // Every sweep delay scaled from a thousandth to 1000-fold (kept within one minute and 20 days).
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        async (w, stretch) => {
          const a = await run(w, 1);
          const b = await run(w, stretch);
          expect(project(b.report)).toEqual(project(a.report));
          expect(b.report.endpoints.filter((e) => e.depositInferred).length).toBe(a.expected.deposits.size);
        },
      ),
      { seed: 2026, numRuns: 30 },
    );
  }, 240_000);
});
