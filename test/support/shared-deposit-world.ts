import fc from 'fast-check';
import { addr, T0, txOf, world, type Step } from './world.js';

/**
 * Generated worlds where several cases' victims pay shared collectors, which mix in clean money and pay out, over
 * time, to shared exchange deposit addresses (each sweeping what it gets into the exchange's labeled wallet a minute
 * later), straight into that wallet, or to sinks that keep the USDT (freezable by its issuer). Cases overlap when
 * their payments meet at a collector; each case's own trace then sees the same transfers out of it.
 *
 * The plan is a list of events in time order; `build` turns it into fixture steps and keeps the ground truth the
 * tests check packets against (what every address really received, who paid whom, when).
 */
export type Event =
  | { kind: 'pay'; caseIdx: number; collector: number; amount: bigint; gap: number }
  | { kind: 'clean'; collector: number; amount: bigint; gap: number }
  | { kind: 'out'; collector: number; to: 'deposit' | 'hot' | 'sink'; idx: number; percent: number; gap: number };

export interface Plan {
  cases: number;
  collectors: number;
  deposits: number;
  events: Event[];
}

export const EXCHANGE = 'Shared Exchange';
export const HOT = 'hot-wallet';

const amount = fc.bigInt({ min: 100_000_000n, max: 50_000_000_000n }); // 100 to 50,000 USDT (6 decimals)
const gap = fc.integer({ min: 120, max: 7_200 });

export const planArb: fc.Arbitrary<Plan> = fc
  .record({ cases: fc.integer({ min: 2, max: 4 }), collectors: fc.integer({ min: 1, max: 3 }), deposits: fc.integer({ min: 1, max: 3 }) })
  .chain(({ cases, collectors, deposits }) => {
    const pay = fc.record({
      kind: fc.constant('pay' as const),
      caseIdx: fc.integer({ min: 0, max: cases - 1 }),
      collector: fc.integer({ min: 0, max: collectors - 1 }),
      amount,
      gap,
    });
    const clean = fc.record({ kind: fc.constant('clean' as const), collector: fc.integer({ min: 0, max: collectors - 1 }), amount, gap });
    const out = fc.record({
      kind: fc.constant('out' as const),
      collector: fc.integer({ min: 0, max: collectors - 1 }),
      to: fc.constantFrom('deposit' as const, 'deposit' as const, 'hot' as const, 'sink' as const),
      idx: fc.integer({ min: 0, max: deposits - 1 }),
      percent: fc.integer({ min: 5, max: 100 }),
      gap,
    });
    // Every case pays at least once, first; then any mix of payments, clean money and payouts.
    const firsts = fc.tuple(...Array.from({ length: cases }, (_, c) => pay.map((p) => ({ ...p, caseIdx: c }))));
    return fc
      .tuple(
        firsts,
        fc.array(fc.oneof({ weight: 2, arbitrary: pay }, { weight: 1, arbitrary: clean }, { weight: 4, arbitrary: out }), { minLength: 3, maxLength: 14 }),
      )
      .map(([head, tail]) => ({ cases, collectors, deposits, events: [...head, ...tail] }));
  });

export interface Payment {
  caseRef: string;
  victim: string;
  tx: string;
  collector: string;
  amount: bigint;
  time: number;
}

export interface BuiltWorld {
  steps: Step[];
  dataset: ReturnType<typeof world>;
  payments: Payment[];
  caseRefs: string[];
  /** Normalized address -> what it really received in the dataset (all transfers, base units). */
  received: Map<string, bigint>;
  /** Every transfer of the dataset by `tx|logIndex`: from, to, amount. */
  transfers: Map<string, { from: string; to: string; amount: bigint; time: number }>;
  /** Per payment tx: the addresses its money can reach along transfers in time order (collector, then what it paid after). */
  reach: Map<string, Set<string>>;
}

export function build(plan: Plan): BuiltWorld {
  const steps: Step[] = [];
  const balance = new Map<string, bigint>();
  const payments: Payment[] = [];
  let at = 0;
  let n = 0;
  const move = (from: string, to: string, value: bigint, time: number) => {
    const tx = `t${n++}`;
    steps.push({ tx, from, to, amount: value, at: time });
    balance.set(from, (balance.get(from) ?? 0n) - value);
    balance.set(to, (balance.get(to) ?? 0n) + value);
    return tx;
  };
  for (const e of plan.events) {
    at += e.gap;
    const collector = `collector-${e.collector}`;
    if (e.kind === 'pay') {
      const victim = `victim-${payments.length}`;
      const tx = move(victim, collector, e.amount, at);
      payments.push({ caseRef: `CASE-${e.caseIdx + 1}`, victim, tx, collector, amount: e.amount, time: T0 + at });
    } else if (e.kind === 'clean') {
      move(`clean-${n}`, collector, e.amount, at);
    } else {
      const value = ((balance.get(collector) ?? 0n) * BigInt(e.percent)) / 100n;
      if (value === 0n) continue;
      if (e.to === 'hot') move(collector, HOT, value, at);
      else if (e.to === 'sink') move(collector, `sink-${e.idx}`, value, at);
      else {
        const deposit = `deposit-${e.idx}`;
        move(collector, deposit, value, at);
        move(deposit, HOT, value, at + 60);
      }
    }
  }
  const dataset = world(steps);
  const received = new Map<string, bigint>();
  const transfers = new Map<string, { from: string; to: string; amount: bigint; time: number }>();
  for (const t of dataset.transfers ?? []) {
    const value = BigInt(t.amount);
    received.set(t.to, (received.get(t.to) ?? 0n) + value);
    transfers.set(`${t.tx}|${t.logIndex}`, { from: t.from, to: t.to, amount: value, time: Number(t.time) });
  }
  // Reach: from the payment's recipient, any later transfer out of an address the money is at.
  const reach = new Map<string, Set<string>>();
  for (const p of payments) {
    const arrival = new Map<string, number>([[addr(p.collector), p.time]]);
    for (const t of [...transfers.values()].sort((a, b) => a.time - b.time)) {
      const since = arrival.get(t.from);
      if (since !== undefined && t.time > since && !arrival.has(t.to)) arrival.set(t.to, t.time);
    }
    reach.set(txOf(p.tx), new Set(arrival.keys()));
  }
  return { steps, dataset, payments, caseRefs: [...new Set(payments.map((p) => p.caseRef))].sort(), received, transfers, reach };
}

export const labelRows = () => [[HOT, EXCHANGE, 'exchange', ['SC']]] as [string, string, 'exchange', string[]][];
