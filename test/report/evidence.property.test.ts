import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consolidatePackets } from '../../src/cases/packets.js';
import { TraceReportSchema, type Endpoint, type TraceReport } from '../../src/core/schema.js';
import { SERVICE_CATEGORIES } from '../../src/core/service.js';
import { createLabelStore } from '../../src/labels/store.js';
import { DEPOSIT_CSV_COLUMNS, ENDPOINTS_CSV_HEADER, graphToTransfersCsv, LABEL_CSV_COLUMNS, reportToEndpointsCsv } from '../../src/report/csv.js';
import { buildRequestPackets, packetToMarkdown, type RequestPacket } from '../../src/report/packets.js';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { builtinLabels } from '../../src/labels/builtin.js';
import { addr, adapterFor, txOf, world, type Step } from '../support/world.js';

/**
 * Generated worlds for the evidence details of packets and the endpoints CSV: services of drawn categories whose
 * wallet labels state a source and, or not, a licence (some with characters a spreadsheet or Markdown would act on);
 * victims pay a collector, which pays service wallets directly, deposit addresses (swept after a drawn delay, all or
 * part of it, with or without gas top-ups from the service's other wallet) and private wallets. Every figure of the
 * packets and the CSV is checked against the report and against the generated movements; the same report stripped of
 * label licences and deposit confidences must give the old bytes (the new columns and lines are only ever added).
 */

const M = 1_000_000n;
const GWEI = 1_000_000_000n;
const MINUTE = 60;
const DAY = 86_400;

const serviceArb = fc.record({
  category: fc.constantFrom(...SERVICE_CATEGORIES),
  source: fc.constantFrom('graphsense-tagpacks', 'ofac-sdn', 'case 17', '=cmd|" /c calc"!A1', 'pack, "v2"'),
  licence: fc.option(fc.constantFrom('CC-BY-SA-4.0', 'MIT', 'public domain (US government work)', '+1 <b>|x|</b>'), { nil: undefined }),
});
const branchArb = fc.oneof(
  fc.record({ kind: fc.constant('direct' as const), service: fc.nat(3), amount: fc.bigInt({ min: 10n * M, max: 90_000n * M }) }),
  fc.record({
    kind: fc.constant('deposit' as const),
    service: fc.nat(3),
    amount: fc.bigInt({ min: 10n * M, max: 90_000n * M }),
    delay: fc.oneof(fc.integer({ min: MINUTE, max: 3600 }), fc.integer({ min: 3600, max: 14 * DAY })),
    perMille: fc.oneof(fc.constant(1000), fc.integer({ min: 400, max: 999 })),
    gas: fc.array(fc.integer({ min: 30, max: 6 * 3600 }), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('private' as const), amount: fc.bigInt({ min: 10n * M, max: 90_000n * M }) }),
);
const worldArb = fc.record({
  services: fc.array(serviceArb, { minLength: 1, maxLength: 4 }),
  branches: fc.array(branchArb, { minLength: 1, maxLength: 6 }),
  model: fc.constantFrom('fifo', 'haircut', 'poison'),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

interface Expected {
  service: number;
  received: bigint;
  swept: bigint;
  delay: number;
  sweepTx: string;
  gasTxs: string[];
}

function build(w: World) {
  const steps: Step[] = [];
  const deposits = new Map<string, Expected>();
  const services = w.services.map((s, i) => ({ ...s, entity: `Service ${i} ${s.category}`, wallets: [`svc-${i}-hot`, `svc-${i}-gas`] }));
  let t = 3 * DAY;
  let total = 0n;
  w.branches.forEach((b, i) => {
    const name = `${b.kind}-${i}`;
    t += 900;
    total += b.amount;
    if (b.kind === 'direct') {
      steps.push({ tx: `${name}-in`, from: 'collector', to: services[b.service % services.length]!.wallets[0]!, amount: b.amount, at: t });
    } else if (b.kind === 'private') {
      steps.push({ tx: `${name}-in`, from: 'collector', to: name, amount: b.amount, at: t });
    } else {
      const s = b.service % services.length;
      const swept = (b.amount * BigInt(b.perMille)) / 1000n;
      steps.push({ tx: `${name}-in`, from: 'collector', to: name, amount: b.amount, at: t });
      steps.push({ tx: `${name}-sweep`, from: name, to: services[s]!.wallets[0]!, amount: swept, at: t + b.delay });
      const gasTxs = b.gas.map((before, g) => {
        steps.push({
          tx: `${name}-gas-${g}`,
          from: services[s]!.wallets[1]!,
          to: name,
          amount: 2_000_000n * GWEI,
          at: t + b.delay - before - g,
          asset: 'native',
        });
        return `${name}-gas-${g}`;
      });
      deposits.set(name, { service: s, received: b.amount, swept, delay: b.delay, sweepTx: `${name}-sweep`, gasTxs });
    }
  });
  // The collector also keeps a private share, so it is no deposit address of a service it pays directly.
  const kept = total / 10n + M;
  steps.push({ tx: 'kept', from: 'collector', to: 'keeper', amount: kept, at: 2 * DAY });
  steps.push({ tx: 'victim', from: 'victim', to: 'collector', amount: total + kept, at: DAY });
  steps.sort((a, b) => a.at - b.at || (a.tx < b.tx ? -1 : 1));
  return { steps, deposits, services };
}

async function run(w: World) {
  const built = build(w);
  const labels = createLabelStore(
    built.services.flatMap((s) =>
      s.wallets.map((wallet) => ({
        chain: 'ethereum',
        address: addr(wallet),
        entity: s.entity,
        category: s.category,
        jurisdictions: ['SC'],
        confidence: 1,
        source: s.source,
        ...(s.licence !== undefined ? { licence: s.licence } : {}),
      })),
    ),
  );
  const result = await trace({
    seeds: [{ chain: 'ethereum', tx: txOf('victim') }],
    adapters: [adapterFor(built.steps)],
    labels,
    taint: w.model,
    caseJurisdiction: 'DE',
    builtinLabels: false,
  });
  // The CSV files as the CLI writes them, made before the report object exists (optional columns decided from the trace).
  const streamed = result.csvFiles().map((f) => [f.name, [...f.pieces()].join('')] as const);
  const packets = result.requestPackets();
  return { report: result.report, graph: result.graph, streamed, packetsFromTrace: packets, ...built };
}

/** A CSV cell as written: text a spreadsheet would evaluate carries a leading quote. */
const cell = (v: string | number | boolean | undefined) => {
  const text = v === undefined ? '' : String(v);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
};

/** The report as it was before label licences and deposit confidences were stated. */
function strip(report: TraceReport): TraceReport {
  return {
    ...report,
    endpoints: report.endpoints.map((e) => {
      const { labelSource: _s, labelLicence: _l, ...rest } = e;
      if (!rest.depositEvidence) return rest;
      const { confidence: _c, ...ev } = rest.depositEvidence;
      return { ...rest, depositEvidence: ev };
    }),
  };
}

const withoutLabels = (p: RequestPacket): RequestPacket => ({ ...p, addresses: p.addresses.map(({ label: _l, ...a }) => a) });

describe('evidence details in packets and the endpoints CSV (generated worlds)', () => {
  it('cite each address’s attributing label and every deposit figure as the report states them; old reports keep their bytes', async () => {
    let labelled = 0;
    let confident = 0;
    let plain = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const { report, graph, streamed, packetsFromTrace, deposits, services } = await run(w);
        expect(TraceReportSchema.parse(report)).toEqual(report);
        expect(streamed).toEqual([
          ['endpoints.csv', reportToEndpointsCsv(report)],
          ['transfers.csv', graphToTransfersCsv(graph, report)],
        ]);
        const find = (chain: string, address: string, asset: Endpoint['asset']) =>
          report.endpoints.find((e) => e.chain === chain && e.address === address && e.asset.contract === asset.contract && e.asset.kind === asset.kind)!;

        // Packets: each service address cites the label that attributed it (for an inferred deposit address: its wallet's).
        const packets = buildRequestPackets(report);
        expect(packetsFromTrace).toEqual(packets);
        for (const p of packets.filter((x) => x.type !== 'issuer')) {
          const service = services.find((s) => s.entity === p.recipient.entity)!;
          const md = packetToMarkdown(p);
          for (const a of p.addresses) {
            const e = find(a.chain, a.address, a.asset);
            expect(e.entity).toBe(service.entity);
            if (service.licence === undefined) {
              expect(a).not.toHaveProperty('label');
              expect(e).not.toHaveProperty('labelSource');
            } else {
              expect(a.label).toEqual({ entity: service.entity, source: service.source, licence: service.licence });
              expect(a.label).toEqual({ entity: e.entity, source: e.labelSource, licence: e.labelLicence });
              expect(md).toContain(a.inferred ? 'Attributed by the label of the wallet(s) it swept to: ' : 'Attributed by the label: ');
              labelled++;
            }
          }
          if (service.licence === undefined) expect(md).not.toContain('Attributed by the label');
        }
        // Consolidated over two cases: the label once per address.
        const consolidated = consolidatePackets(
          packets.filter((p) => p.type !== 'issuer').flatMap((packet) => ['A-1', 'B-2'].map((reference) => ({ reference, packet }))),
        );
        for (const c of consolidated) {
          const licence = services.find((s) => s.entity === c.recipient.entity)!.licence;
          for (const a of c.addresses) expect(a.labels?.length ?? 0).toBe(licence === undefined ? 0 : 1);
        }

        // CSV: parsed back, every new cell equals the report's figure and the generated one.
        const text = reportToEndpointsCsv(report);
        const rows = parse(text, { relax_column_count: false }) as string[][];
        const header = rows[0]!;
        const anyLabel = report.endpoints.some((e) => e.labelSource !== undefined);
        const anyConfidence = report.endpoints.some((e) => e.depositEvidence?.confidence !== undefined);
        expect(anyLabel).toBe(services.some((s) => s.licence !== undefined && report.endpoints.some((e) => e.entity === s.entity)));
        expect(header).toEqual([...ENDPOINTS_CSV_HEADER, ...(anyLabel ? LABEL_CSV_COLUMNS : []), ...(anyConfidence ? DEPOSIT_CSV_COLUMNS : [])]);
        expect(rows).toHaveLength(report.endpoints.length + 1);
        report.endpoints.forEach((e, i) => {
          const row = Object.fromEntries(header.map((h, j) => [h, rows[i + 1]![j]!]));
          expect(row.address).toBe(e.address);
          if (anyLabel) {
            expect(row.label_source).toBe(cell(e.labelSource));
            expect(row.label_licence).toBe(cell(e.labelLicence));
          }
          const name = [...deposits.keys()].find((n) => addr(n) === e.address.toLowerCase());
          const ev = e.depositEvidence;
          if (!anyConfidence) return;
          if (!ev) {
            for (const c of DEPOSIT_CSV_COLUMNS) expect(row[c]).toBe('');
            return;
          }
          const d = deposits.get(name!)!;
          const service = services[d.service]!;
          const gasUsed = d.gasTxs.length;
          expect(row).toMatchObject({
            deposit_confidence: ev.confidence === undefined ? '' : String(ev.confidence),
            deposits: '1',
            sweeps: '1',
            received: String(d.received),
            swept: String(d.swept),
            share_swept: String(Number((d.swept * 1_000_000n) / d.received) / 1_000_000),
            paid_elsewhere: '',
            sweep_delay_min_s: String(d.delay),
            sweep_delay_max_s: String(d.delay),
            gas_top_ups: gasUsed ? String(gasUsed) : '',
            gas_top_up_txs: gasUsed ? d.gasTxs.map(txOf).sort().join(' ') : '',
            activation_tx: '',
            activation_from: '',
            forwarder: '',
            sweep_txs: txOf(d.sweepTx),
          });
          expect(row.received).toBe(ev.received);
          expect(row.share_swept).toBe(String(ev.shareSwept));
          expect(row.sweep_txs).toBe(ev.sweepTxs.join(' '));
          // Confidence 1 - 2^-acts (labels of confidence 1), not stated for an exchange resting on its sweep alone.
          if (service.category === 'exchange' && gasUsed === 0) expect(row.deposit_confidence).toBe('');
          else expect(Number(row.deposit_confidence)).toBeCloseTo(1 - 2 ** -(1 + gasUsed), 6);
          confident++;
        });
        expect(report.endpoints.filter((e) => e.depositEvidence).length).toBe(
          [...deposits.keys()].filter((n) => report.endpoints.some((e) => e.address.toLowerCase() === addr(n))).length,
        );

        // Old bytes: without label licences and confidences the CSV is the old 23 columns, which the new CSV only extends.
        const old = strip(report);
        const oldText = reportToEndpointsCsv(old);
        expect(oldText.split('\r\n')[0]).toBe(ENDPOINTS_CSV_HEADER.join(','));
        expect(parse(oldText)).toEqual(rows.map((r) => r.slice(0, ENDPOINTS_CSV_HEADER.length)));
        const oldPackets = buildRequestPackets(old);
        expect(oldPackets).toEqual(packets.map(withoutLabels).map((p) => ({ ...p, addresses: p.addresses.map(({ depositEvidence: _d, ...a }) => a) })));
        for (const [k, p] of oldPackets.entries()) {
          const lines = packetToMarkdown(packets[k]!)
            .split('\n')
            .filter((l) => !l.startsWith('- Attributed by the label') && !l.startsWith('- Deposit address confidence') && !l.startsWith('- Gas top-ups'));
          expect(packetToMarkdown(p)).toBe(lines.join('\n'));
        }
        if (!anyLabel && !anyConfidence) {
          expect(text).toBe(oldText);
          plain++;
        }
      }),
      { seed: 2121, numRuns: 60 },
    );
    // The generated worlds cover labelled addresses, stated confidences and worlds with neither.
    expect(labelled).toBeGreaterThan(20);
    expect(confident).toBeGreaterThan(20);
    expect(plain).toBeGreaterThan(3);
  }, 600_000);
});

// A real Binance wallet of the built-in pack (GraphSense TagPack exchange-wallets-binance.yaml).
const BINANCE = '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8';

describe('evidence details with the built-in label pack', () => {
  it('cite the pack’s source id and licence for a labeled wallet and for a deposit address swept into it', async () => {
    const pack = builtinLabels().find((l) => l.chain === 'ethereum' && l.address === BINANCE)!;
    expect(pack.licence).toBeDefined();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          direct: fc.bigInt({ min: 10n * M, max: 500_000n * M }),
          deposit: fc.bigInt({ min: 10n * M, max: 500_000n * M }),
          delay: fc.integer({ min: MINUTE, max: 7 * DAY }),
          gas: fc.integer({ min: 0, max: 2 }),
        }),
        async (p) => {
          // The collector keeps a tenth privately (more than dust), so it is no deposit address of Binance's itself.
          const kept = (p.direct + p.deposit) / 10n;
          const steps: Step[] = [
            { tx: 'victim', from: 'victim', to: 'collector', amount: p.direct + p.deposit + kept, at: DAY },
            { tx: 'direct', from: 'collector', to: 'binance', amount: p.direct, at: 2 * DAY },
            { tx: 'kept', from: 'collector', to: 'keeper', amount: kept, at: 2 * DAY + 1 },
            { tx: 'in', from: 'collector', to: 'deposit', amount: p.deposit, at: 2 * DAY + 2 },
            ...Array.from({ length: p.gas }, (_, g) => ({
              tx: `gas-${g}`,
              from: 'binance',
              to: 'deposit',
              amount: 1_000_000n * GWEI,
              at: 2 * DAY + 3 + g,
              asset: 'native',
            })),
            { tx: 'sweep', from: 'deposit', to: 'binance', amount: p.deposit, at: 2 * DAY + 2 + p.delay + 10 },
          ];
          const dataset = world(steps);
          for (const t of dataset.transfers!) {
            if (t.from === addr('binance')) t.from = BINANCE;
            if (t.to === addr('binance')) t.to = BINANCE;
          }
          const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('victim') }], adapters: [createFixtureAdapter({ dataset })] });
          const [packet] = buildRequestPackets(report).filter((x) => x.recipient.entity === pack.entity);
          expect(packet!.addresses.map((a) => a.address.toLowerCase()).sort()).toEqual([BINANCE, addr('deposit')].sort());
          for (const a of packet!.addresses) expect(a.label).toEqual({ entity: pack.entity, source: pack.source, licence: pack.licence });
          const md = packetToMarkdown(packet!);
          expect(md).toContain(`Attributed by the label of the wallet(s) it swept to: ${pack.entity} (source \`${pack.source}\``);
          expect(md).toContain(`Attributed by the label: ${pack.entity} (source`);

          const rows = parse(reportToEndpointsCsv(report), { columns: true }) as Record<string, string>[];
          const wallet = rows.find((r) => r.address?.toLowerCase() === BINANCE)!;
          const deposit = rows.find((r) => r.address?.toLowerCase() === addr('deposit'))!;
          expect([wallet.label_source, wallet.label_licence, deposit.label_source, deposit.label_licence]).toEqual([
            pack.source,
            pack.licence,
            pack.source,
            pack.licence,
          ]);
          // An exchange's deposit address resting on its sweep alone states no confidence: no deposit columns then.
          if (p.gas === 0) expect(deposit).not.toHaveProperty('deposit_confidence');
          else {
            expect(Number(deposit.deposit_confidence)).toBeCloseTo(pack.confidence * (1 - 2 ** -(1 + p.gas)), 6);
            expect(deposit).toMatchObject({ received: String(p.deposit), swept: String(p.deposit), sweeps: '1', gas_top_ups: String(p.gas) });
            expect(deposit.sweep_delay_min_s).toBe(String(p.delay + 10));
            expect(wallet.deposits).toBe('');
          }
        },
      ),
      { seed: 77, numRuns: 20 },
    );
  }, 600_000);
});
