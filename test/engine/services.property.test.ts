import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../../src/core/service.js';
import { consolidatePackets } from '../../src/cases/packets.js';
import { buildRequestPackets, packetToMarkdown, type RequestPacket } from '../../src/report/packets.js';
import { reportToSummary } from '../../src/report/summary.js';
import { addr, adapterFor, labels, txOf, type Step } from '../support/world.js';

/**
 * Generated worlds with one service of every category (exchange, instant-exchange, payment, gambling, custody), each
 * with two labeled wallets, plus a labeled mixer and bridge. Victims pay a collector, which pays deposit addresses of
 * drawn services (several deposits, clean deposits of other customers, sweeps minutes to weeks later, per deposit or
 * batched, the last one partial; gas top-ups from the service's wallets before the token sweeps) and look-alikes:
 * a wallet that got gas from a service withdrawal and pays its tokens to a private wallet; one that pays a service
 * and a private wallet; one that sweeps into a mixer or a bridge (all of it, or all but a dust share to the mixer or
 * bridge and the rest to a service). Every expected figure is computed from the generated movements.
 */

const M = 1_000_000n; // 1 USDT
const GWEI = 1_000_000_000n;
const MINUTE = 60;
const DAY = 86_400;

const SERVICES = SERVICE_CATEGORIES.map((category, i) => ({ category, entity: `Service ${i} ${category}`, wallets: [`svc-${i}-hot-0`, `svc-${i}-hot-1`] }));
const MIXER = 'mixer-pool';
const BRIDGE = 'bridge-gateway';

const delayArb = fc.oneof(fc.integer({ min: MINUTE, max: 3600 }), fc.integer({ min: 3600, max: 2 * DAY }), fc.integer({ min: 2 * DAY, max: 21 * DAY }));
const amountArb = fc.bigInt({ min: 10n * M, max: 50_000n * M });

const depositArb = fc.record({
  kind: fc.constant('deposit' as const),
  service: fc.nat(SERVICES.length - 1),
  tainted: fc.array(fc.record({ amount: amountArb, gap: fc.integer({ min: MINUTE, max: 2 * DAY }) }), { minLength: 1, maxLength: 4 }),
  clean: fc.array(fc.record({ amount: amountArb, gap: fc.integer({ min: 0, max: 2 * DAY }) }), { maxLength: 2 }),
  plan: fc.constantFrom('each', 'aggregate'),
  delays: fc.array(delayArb, { minLength: 6, maxLength: 6 }),
  lastShare: fc.oneof(fc.constant(1000), fc.integer({ min: 300, max: 999 })),
  wallet: fc.nat(1),
  // Gas top-ups from the service's other wallet, each this many seconds before the first sweep (none: no top-up).
  gas: fc.array(fc.integer({ min: 30, max: 6 * 3600 }), { maxLength: 2 }),
});

const lookalikeArb = fc.record({
  kind: fc.constant('lookalike' as const),
  shape: fc.constantFrom('gas-then-private', 'service-and-private', 'into-barrier', 'dust-to-barrier'),
  service: fc.nat(SERVICES.length - 1),
  barrier: fc.constantFrom(MIXER, BRIDGE),
  amount: amountArb,
  perMille: fc.integer({ min: 50, max: 600 }),
  delay: delayArb,
});

const worldArb = fc.record({
  branches: fc.array(fc.oneof({ weight: 3, arbitrary: depositArb }, { weight: 2, arbitrary: lookalikeArb }), { minLength: 1, maxLength: 6 }),
  victims: fc.integer({ min: 1, max: 3 }),
  jurisdiction: fc.constantFrom('SC', 'MT', 'AE'),
  model: fc.constantFrom('fifo', 'haircut', 'poison'),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

interface DepositExpectation {
  service: (typeof SERVICES)[number];
  tainted: bigint;
  sweepTxs: string[];
  gasTxs: string[];
  wallet: string;
}

function build(w: World): {
  steps: Step[];
  deposits: Map<string, DepositExpectation>;
  lookalikes: Map<string, { shape: string; private?: string; paid: bigint }>;
} {
  const steps: Step[] = [];
  const deposits = new Map<string, DepositExpectation>();
  const lookalikes = new Map<string, { shape: string; private?: string; paid: bigint }>();
  const payouts: { to: string; amount: bigint; at: number; tx: string }[] = [];
  let t = 3 * DAY;
  w.branches.forEach((b, i) => {
    const name = `${b.kind}-${i}`;
    if (b.kind === 'deposit') {
      const service = SERVICES[b.service]!;
      const ins: { amount: bigint; at: number; tx: string; from?: string }[] = [];
      let at = t;
      b.tainted.forEach((d, j) => {
        at += d.gap;
        ins.push({ amount: d.amount, at, tx: `${name}-in-${j}` });
        payouts.push({ to: name, amount: d.amount, at, tx: `${name}-in-${j}` });
      });
      b.clean.forEach((d, j) => {
        const cleanAt = t + d.gap + 1;
        ins.push({ amount: d.amount, at: cleanAt, tx: `${name}-clean-${j}`, from: `customer-${i}-${j}` });
        steps.push({ tx: `${name}-clean-${j}`, from: `customer-${i}-${j}`, to: name, amount: d.amount, at: cleanAt });
      });
      ins.sort((x, y) => x.at - y.at || (x.tx < y.tx ? -1 : 1));
      const sweepTimes = (b.plan === 'each' ? ins.map((e, j) => e.at + b.delays[j]!) : [ins[ins.length - 1]!.at + b.delays[0]!]).sort((x, y) => x - y);
      const timeline = [
        ...ins.map((e) => ({ ...e, sweep: false })),
        ...sweepTimes.map((at2, k) => ({ amount: 0n, at: at2, tx: `${name}-sweep-${k}`, sweep: true })),
      ];
      timeline.sort((x, y) => x.at - y.at || Number(x.sweep) - Number(y.sweep));
      let balance = 0n;
      const sweepTxs: string[] = [];
      const last = sweepTimes.length - 1;
      let k = 0;
      for (const e of timeline) {
        if (!e.sweep) {
          balance += e.amount;
          continue;
        }
        const amount = k === last ? (balance * BigInt(b.lastShare)) / 1000n : balance;
        k++;
        if (amount === 0n) continue;
        balance -= amount;
        steps.push({ tx: e.tx, from: name, to: service.wallets[b.wallet]!, amount, at: e.at });
        sweepTxs.push(e.tx);
      }
      // Gas: native value from the service's other wallet before the first token sweep.
      const firstSweep = Math.min(...sweepTimes);
      const gasTxs = b.gas.map((before, g) => {
        const tx = `${name}-gas-${g}`;
        steps.push({ tx, from: service.wallets[1 - b.wallet]!, to: name, amount: 2_000_000n * GWEI, at: firstSweep - before - g, asset: 'native' });
        return tx;
      });
      const tainted = b.tainted.reduce((s, d) => s + d.amount, 0n);
      deposits.set(name, { service, tainted, sweepTxs, gasTxs: sweepTxs.length > 0 ? gasTxs : [], wallet: service.wallets[b.wallet]! });
    } else {
      const service = SERVICES[b.service]!;
      const at = t + MINUTE;
      payouts.push({ to: name, amount: b.amount, at, tx: `${name}-in` });
      const part = (b.amount * BigInt(b.perMille)) / 1000n;
      const later = at + b.delay;
      if (b.shape === 'gas-then-private') {
        // A withdrawal from the service pays it gas; the tokens go to a private wallet.
        steps.push({ tx: `${name}-gas`, from: service.wallets[0]!, to: name, amount: 3_000_000n * GWEI, at: at - 3600, asset: 'native' });
        steps.push({ tx: `${name}-out`, from: name, to: `private-${i}`, amount: b.amount, at: later });
        lookalikes.set(name, { shape: b.shape, private: `private-${i}`, paid: b.amount });
      } else if (b.shape === 'service-and-private') {
        steps.push({ tx: `${name}-sweep`, from: name, to: service.wallets[0]!, amount: b.amount - part, at: later });
        steps.push({ tx: `${name}-out`, from: name, to: `private-${i}`, amount: part, at: later + 1 });
        lookalikes.set(name, { shape: b.shape, private: `private-${i}`, paid: part });
      } else if (b.shape === 'into-barrier') {
        steps.push({ tx: `${name}-sweep`, from: name, to: b.barrier, amount: b.amount, at: later });
        lookalikes.set(name, { shape: b.shape, paid: b.amount });
      } else {
        // All but a dust share (below the 0.1 % deposit tolerance) to the service, the dust to a mixer or bridge.
        const dust = b.amount / 5000n;
        steps.push({ tx: `${name}-sweep`, from: name, to: service.wallets[0]!, amount: b.amount - dust, at: later });
        steps.push({ tx: `${name}-dust`, from: name, to: b.barrier, amount: dust, at: later + 1 });
        lookalikes.set(name, { shape: b.shape, paid: dust });
      }
    }
    t += 900;
  });
  const total = payouts.reduce((s, p) => s + p.amount, 0n);
  for (let v = 0; v < w.victims; v++) {
    const share = v === w.victims - 1 ? total - (total / BigInt(w.victims)) * BigInt(w.victims - 1) : total / BigInt(w.victims);
    steps.push({ tx: `victim-${v}`, from: `victim-${v}`, to: 'collector', amount: share, at: DAY + v * 600 });
  }
  for (const p of payouts) steps.push({ tx: p.tx, from: 'collector', to: p.to, amount: p.amount, at: p.at });
  steps.sort((a, b) => a.at - b.at || (a.tx < b.tx ? -1 : 1));
  return { steps, deposits, lookalikes };
}

async function run(w: World, victims: number[] = Array.from({ length: w.victims }, (_, v) => v)) {
  const built = build(w);
  const { report } = await trace({
    seeds: victims.map((v) => ({ chain: 'ethereum', tx: txOf(`victim-${v}`) })),
    adapters: [adapterFor(built.steps)],
    labels: labels([
      ...SERVICES.flatMap((s) => s.wallets.map((wallet) => [wallet, s.entity, s.category, [w.jurisdiction]] as [string, string, ServiceCategory, string[]])),
      [MIXER, 'Blender Pool', 'mixer'],
      [BRIDGE, 'Gateway Bridge', 'bridge'],
    ]),
    taint: w.model,
    caseJurisdiction: 'DE',
    builtinLabels: false,
  });
  return { report, ...built };
}

const at = (report: TraceReport, name: string) => report.endpoints.filter((e) => e.address.toLowerCase() === addr(name));

describe('every service category: endpoints, deposit addresses and packets (generated worlds)', () => {
  it('stops at each service as its own kind, infers its deposit addresses with evidence and confidence, and no look-alike', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const { report, deposits, lookalikes } = await run(w);
        expect(TraceReportSchema.parse(report)).toEqual(report);
        expect(report.conservation.every((c) => c.balanced)).toBe(true);
        const packets = buildRequestPackets(report);

        for (const [name, d] of deposits) {
          const eps = at(report, name);
          expect(eps).toHaveLength(1);
          const ep = eps[0]!;
          expect(ep).toMatchObject({ kind: d.service.category, entity: d.service.entity, category: d.service.category, jurisdictions: [w.jurisdiction] });
          expect(ep).toMatchObject({ depositInferred: true, amount: String(d.tainted), crossBorder: true });
          expect(ep.sweptTo!.map((a) => a.toLowerCase())).toEqual([addr(d.wallet)]);
          const ev = ep.depositEvidence!;
          expect(ev.sweepTxs).toEqual(d.sweepTxs.map(txOf).sort());
          if (d.gasTxs.length > 0) expect(ev.gasTopUps).toEqual({ count: d.gasTxs.length, txs: d.gasTxs.map(txOf).sort() });
          else expect(ev.gasTopUps).toBeUndefined();
          // Confidence: 1 - 2^-(sweep transactions + gas top-ups), the labels' confidence being 1; not stated for an
          // exchange's deposit address that rests on its sweeps alone.
          const acts = d.sweepTxs.length + d.gasTxs.length;
          if (d.service.category === 'exchange' && d.gasTxs.length === 0) expect(ev.confidence).toBeUndefined();
          else expect(ev.confidence).toBeCloseTo(1 - 2 ** -acts, 6);
          if (d.gasTxs.length > 0) expect(ep.reason).toContain(`gas top-up`);
          // Its service's packet names it, inferred, with the evidence wherever the report states a confidence.
          const packet = packets.find((p) => p.recipient.entity === d.service.entity);
          expect(packet?.type).toBe(d.service.category);
          const row = packet!.addresses.find((a) => a.address.toLowerCase() === addr(name));
          expect(row).toMatchObject({ inferred: true, amount: String(d.tainted) });
          expect(row!.depositEvidence?.confidence).toBe(ev.confidence);
          expect(packetToMarkdown(packet!)).toContain(ep.address);
          if (d.service.category !== 'exchange') expect(reportToSummary(report)).toContain(`${d.service.entity} (${d.service.category})`);
        }

        for (const [name, l] of lookalikes) {
          expect(at(report, name).every((e) => !e.depositInferred && e.kind === 'unspent')).toBe(true);
          if (l.private) expect(at(report, l.private)).toMatchObject([{ kind: 'unspent', amount: String(l.paid) }]);
          if (l.private) expect(at(report, l.private)[0]).not.toHaveProperty('depositInferred');
        }
        const barrierPaid = (barrier: string) =>
          [...lookalikes].filter(([, l]) => l.shape === 'into-barrier' || l.shape === 'dust-to-barrier').length > 0 ? at(report, barrier) : [];
        for (const e of [...barrierPaid(MIXER), ...barrierPaid(BRIDGE)]) expect(['mixer', 'bridge']).toContain(e.kind);

        // One packet per service entity reached, of its category; one summary entry each, `category` only when not exchange.
        const reached = new Set(report.endpoints.filter((e) => (SERVICE_CATEGORIES as readonly string[]).includes(e.kind)).map((e) => e.entity));
        const servicePackets = packets.filter((p) => p.type !== 'issuer');
        expect(servicePackets.map((p) => p.recipient.entity).sort()).toEqual([...reached].sort());
        for (const x of report.exchanges) {
          const service = SERVICES.find((s) => s.entity === x.entity)!;
          if (service.category === 'exchange') expect(x).not.toHaveProperty('category');
          else expect(x.category).toBe(service.category);
          const own = report.endpoints.filter((e) => e.entity === x.entity);
          expect(x.totals.reduce((s, tot) => s + BigInt(tot.amount), 0n)).toBe(own.reduce((s, e) => s + BigInt(e.amount), 0n));
        }
      }),
      { seed: 4242, numRuns: 50 },
    );
  }, 300_000);

  it('consolidates every case that reached a service into one request of its category, each transfer counted once', async () => {
    await fc.assert(
      fc.asyncProperty(
        worldArb.filter((w) => w.victims >= 2 && w.branches.some((b) => b.kind === 'deposit')),
        async (w) => {
          // Each victim is a case traced on its own (haircut spreads each one's money over the collector's payouts).
          const world = { ...w, model: 'haircut' as const };
          const perCase: { reference: string; packet: RequestPacket }[] = [];
          let deposits: Map<string, DepositExpectation> | undefined;
          for (let v = 0; v < w.victims; v++) {
            const r = await run(world, [v]);
            deposits = r.deposits;
            for (const packet of buildRequestPackets(r.report)) perCase.push({ reference: `case-${v}`, packet });
          }
          const consolidated = consolidatePackets(perCase);
          const keys = consolidated.map((p) => `${p.type}|${p.recipient.entity}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const [name, d] of deposits!) {
            const packet = consolidated.find((p) => p.recipient.entity === d.service.entity)!;
            expect(packet.type).toBe(d.service.category);
            const row = packet.addresses.find((a) => a.address.toLowerCase() === addr(name))!;
            const own = perCase.flatMap((c) =>
              c.packet.recipient.entity === d.service.entity
                ? c.packet.addresses.filter((a) => a.address.toLowerCase() === addr(name)).map((a) => ({ c, a }))
                : [],
            );
            // Listed once, naming every case whose own trace reached it, for their amounts added up (capped at what arrived).
            expect(row.cases).toEqual([...new Set(own.map((o) => o.c.reference))].sort());
            expect(packet.addresses.filter((a) => a.address === row.address)).toHaveLength(1);
            const traced = own.reduce((s, o) => s + BigInt(o.a.amount), 0n);
            // What arrived tainted: each incoming transfer once, the cases' tainted parts added up and capped at what it moved.
            const moved = new Map<string, { amount: bigint; taint: bigint }>();
            for (const { a } of own)
              for (const m of a.incoming) {
                const prev = moved.get(`${m.tx}|${m.logIndex}`) ?? { amount: BigInt(m.amount), taint: 0n };
                moved.set(`${m.tx}|${m.logIndex}`, { amount: prev.amount, taint: prev.taint + BigInt(m.taint) });
              }
            const arrived = [...moved.values()].reduce((s, m) => s + (m.taint < m.amount ? m.taint : m.amount), 0n);
            expect(BigInt(row.amount)).toBe(traced < arrived ? traced : arrived);
            expect(BigInt(row.amount)).toBeLessThanOrEqual(d.tainted);
          }
        },
      ),
      { seed: 99, numRuns: 15 },
    );
  }, 300_000);
});
