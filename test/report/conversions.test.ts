import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { describe, expect, it } from 'vitest';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { formatAddress } from '../../src/core/address.js';
import { assetKey, formatUnits } from '../../src/core/asset.js';
import { transferId, type AccountTransfer } from '../../src/core/movement.js';
import { TraceReportSchema, type AssetRef, type TraceReport } from '../../src/core/schema.js';
import type { TaintedEdge } from '../../src/engine/allocate.js';
import type { BoxData } from '../../src/engine/conversions.js';
import { runTrace, type TraceOutcome } from '../../src/engine/run.js';
import { nodeKey, shownFields } from '../../src/engine/state.js';
import { createLabelStore } from '../../src/labels/store.js';
import { buildReport } from '../../src/report/build.js';
import { graphToTransfersCsv, reportToConversionsCsv, CONVERSIONS_CSV_HEADER, TRANSFERS_CSV_HEADER } from '../../src/report/csv.js';
import { graphToGexf } from '../../src/report/gexf.js';
import { graphToGraphml } from '../../src/report/graphml.js';
import { reportToJson } from '../../src/report/json.js';
import { reportToSummary } from '../../src/report/summary.js';
import { flowThroughTransaction } from '../../src/taint/transaction.js';
import { parseTraceSettings } from '../../src/trace/trace.js';
import { traceDemo } from '../support/demo-trace.js';
import { poolEntity, swapDataset, swapWorldParams, traceSwapWorld, type SwapDatasetWorld } from '../support/swap-dataset.js';

/** The engine's outcome of a world, before any box is attached. */
async function outcomeOf(world: SwapDatasetWorld): Promise<{ outcome: TraceOutcome; adapter: ReturnType<typeof createFixtureAdapter> }> {
  const adapter = createFixtureAdapter({ dataset: world.dataset });
  const settings = parseTraceSettings({ seeds: [{ chain: 'ethereum', tx: world.seedTx }], maxHops: 6 });
  const outcome = await runTrace(settings, [adapter], createLabelStore(world.labels), { concurrency: 2 });
  return { outcome, adapter };
}

const edge = (t: AccountTransfer, taint: bigint): TaintedEdge => ({
  transfer: { t, ...shownFields(t), from: nodeKey(t.chain, t.from), to: nodeKey(t.chain, t.to), asset: assetKey(t.asset) },
  taint,
});

/**
 * A box put together from a transaction's movements as the source answers them: the tainted inputs are the taint the
 * engine's allocation gave the case's payments into contracts; what comes out is left to the box rule.
 */
async function boxOf(adapter: ReturnType<typeof createFixtureAdapter>, outcome: TraceOutcome, tx: string): Promise<BoxData> {
  const { movements } = await adapter.getTransactionMovements!('ethereum', [tx]);
  const contracts = await adapter.getContracts!('ethereum', [...new Set(movements.flatMap((m) => [m.from, m.to]))]);
  const allocated = new Map(outcome.allocation.edges.map((e) => [transferId(e.transfer.t), e.taint]));
  const taintedIn = new Map(
    movements.flatMap((m) =>
      !contracts.has(m.from) && contracts.has(m.to) && allocated.get(transferId(m)) ? [[transferId(m), allocated.get(transferId(m))!]] : [],
    ),
  );
  const flow = flowThroughTransaction({
    movements: movements.map((m) => ({ id: transferId(m), from: m.from, to: m.to, assetKey: assetKey(m.asset), amount: m.amount, logIndex: m.logIndex })),
    contracts,
    taintedIn,
  });
  const assetOf = new Map<string, AssetRef>(movements.map((m) => [assetKey(m.asset), m.asset]));
  const first = movements[0]!;
  return {
    chain: 'ethereum',
    tx,
    block: first.block,
    time: first.time,
    contracts: flow.contracts,
    inputs: movements.filter((m) => taintedIn.has(transferId(m))).map((m) => edge(m, taintedIn.get(transferId(m))!)),
    outputs: movements
      .filter((m) => contracts.has(m.from) && !contracts.has(m.to) && (flow.tainted.get(transferId(m)) ?? 0n) > 0n)
      .map((m) => edge(m, flow.tainted.get(transferId(m))!)),
    conversions: flow.conversions.map((c) => ({
      assetIn: assetOf.get(c.assetIn)!,
      taintedIn: c.taintedIn,
      totalIn: c.totalIn,
      assetOut: assetOf.get(c.assetOut)!,
      amountOut: c.amountOut,
      taintedOut: c.taintedOut,
    })),
    kept: flow.kept,
    produced: flow.produced,
    notes: flow.notes,
  };
}

/** Checks every conversion row against the dataset's own movements of its transaction. */
function checkRows(report: TraceReport, world: SwapDatasetWorld): void {
  const rows = report.conversions ?? [];
  const byTx = new Map<string, typeof world.dataset.transfers>();
  for (const t of world.dataset.transfers ?? []) byTx.set(t.tx, [...(byTx.get(t.tx) ?? []), t]);
  const contracts = new Set(world.contracts);
  const symbolOf = (id: string) => world.dataset.assets!.find((a) => a.id === id)!.symbol;
  for (const row of rows) {
    expect(world.swapTxs).toContain(row.tx);
    const moves = byTx.get(row.tx)!;
    // Time, block and contracts are the transaction's; labeled pools are named, unlabeled ones are not.
    expect(row.block).toBe(moves[0]!.block);
    expect(Date.parse(row.time) / 1000).toBe(moves[0]!.time);
    const touched = new Set(moves.flatMap((m) => [m.from, m.to]).filter((a) => contracts.has(a)));
    expect(row.chain).toBe(world.chain);
    const format = (a: string) => formatAddress(world.chain, a);
    expect(row.contracts.map((c) => c.address)).toEqual([...touched].sort().map(format));
    for (const c of row.contracts) {
      const pool = world.pools.find((p) => format(p.address) === c.address);
      if (pool?.labeled) expect(c).toMatchObject({ entity: poolEntity(world.chain, pool.name), category: 'defi' });
      else expect(c.entity).toBeUndefined();
    }
    // In: the total is every USDT movement from a non-contract into a contract of the transaction.
    const totalIn = moves
      .filter((m) => symbolOf(m.asset) === row.assetIn.symbol && !contracts.has(m.from) && contracts.has(m.to))
      .reduce((s, m) => s + BigInt(m.amount), 0n);
    expect(row.totalIn).toBe(totalIn.toString());
    expect(row.share).toMatchObject({ tainted: row.taintedIn, total: row.totalIn });
    const [t, n] = [BigInt(row.share.tainted), BigInt(row.share.total)];
    expect(t > 0n && t <= n).toBe(true);
    // The percentage in hundredths, rounded down: never more than the exact fraction, less than 0.01 below it.
    const hundredths = BigInt(Math.round(row.share.percent * 100));
    expect(hundredths * n <= 10_000n * t && (hundredths + 1n) * n > 10_000n * t).toBe(true);
    // Out: every payout in the output asset to a non-contract; the tainted part is the share of it, rounded down.
    const outs = moves.filter((m) => symbolOf(m.asset) === row.assetOut.symbol && contracts.has(m.from) && !contracts.has(m.to));
    expect(row.amountOut).toBe(outs.reduce((s, m) => s + BigInt(m.amount), 0n).toString());
    const [out, tOut] = [BigInt(row.amountOut), BigInt(row.taintedOut)];
    expect(tOut * n <= out * t && (tOut + 1n) * n > out * t).toBe(true);
    // Recipients: the tainted payouts, each the movement it names, together the tainted output.
    expect(row.recipients.reduce((s, r) => s + BigInt(r.taint), 0n)).toBe(tOut);
    for (const r of row.recipients) {
      const m = outs.find((o) => o.logIndex === r.logIndex)!;
      expect(m).toBeDefined();
      expect([r.from, r.to, r.amount]).toEqual([format(m.from), format(m.to), String(m.amount)]);
      expect(BigInt(r.taint) > 0n && BigInt(r.taint) <= BigInt(r.amount)).toBe(true);
      expect(r.taintDisplay).toBe(formatUnits(BigInt(r.taint), row.assetOut.decimals));
    }
    for (const [field, display, decimals] of [
      ['taintedIn', 'taintedInDisplay', row.assetIn.decimals],
      ['totalIn', 'totalInDisplay', row.assetIn.decimals],
      ['amountOut', 'amountOutDisplay', row.assetOut.decimals],
      ['taintedOut', 'taintedOutDisplay', row.assetOut.decimals],
    ] as const) {
      expect(row[display]).toBe(formatUnits(BigInt(row[field]), decimals));
    }
  }
}

describe('the conversions section', () => {
  it('has one row per conversion of the boxes, each checked against the transaction movements (generated worlds)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = swapDataset(seed);
        const { outcome, adapter } = await outcomeOf(world);
        const boxes = await Promise.all(world.swapTxs.map((tx) => boxOf(adapter, outcome, tx)));
        const withBoxes = { ...outcome, boxes: boxes.filter((b) => b.inputs.length > 0) };
        const report = buildReport(withBoxes);
        const expected = withBoxes.boxes.reduce((s, b) => s + b.conversions.length, 0);
        expect(report.conversions?.length ?? 0).toBe(expected);
        expect(expected).toBeGreaterThan(0);
        checkRows(report, world);
        // Chronological, schema-valid, and the same bytes twice.
        const times = report.conversions!.map((c) => c.time);
        expect([...times].sort()).toEqual(times);
        const json = reportToJson(report);
        expect(TraceReportSchema.parse(JSON.parse(json))).toEqual(JSON.parse(json));
        expect(reportToJson(buildReport(withBoxes))).toBe(json);
        // Summary and CSV: one line per conversion.
        const summary = reportToSummary(report);
        expect(summary).toContain('Conversions (swaps, wraps, unwraps inside a transaction)');
        const csv = reportToConversionsCsv(report).trimEnd().split('\r\n');
        expect(csv[0]).toBe(CONVERSIONS_CSV_HEADER.join(','));
        expect(csv.length - 1).toBe(expected);
        for (const [i, c] of report.conversions!.entries()) {
          const cells = csv[i + 1]!.split(',');
          expect(cells[CONVERSIONS_CSV_HEADER.indexOf('tx')]).toBe(c.tx);
          expect(cells[CONVERSIONS_CSV_HEADER.indexOf('tainted_out')]).toBe(c.taintedOut);
          expect(cells[CONVERSIONS_CSV_HEADER.indexOf('recipient_taints')]!.split(' ').reduce((s, v) => s + BigInt(v), 0n)).toBe(BigInt(c.taintedOut));
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('is left out, with every conversion figure, when the trace met no conversion', async () => {
    const world = swapDataset(7);
    const { outcome } = await outcomeOf(world);
    const report = buildReport({ ...outcome, boxes: [] });
    expect('conversions' in report).toBe(false);
    expect(report.conservation.every((c) => !('convertedIn' in c))).toBe(true);
    expect(reportToSummary(report)).not.toContain('Conversions');
    expect(reportToConversionsCsv(report)).toBe(`${CONVERSIONS_CSV_HEADER.join(',')}\r\n`);
  });
});

/** `tx|logIndex|to` of every conversion recipient the report names. */
const recipientIds = (report: TraceReport) => new Set((report.conversions ?? []).flatMap((c) => c.recipients.map((r) => `${r.tx}|${r.logIndex}|${r.to}`)));

describe('conversions of a trace through the engine', () => {
  it('match the movements, and every export marks exactly the recipients’ edges as conversions (generated worlds, Ethereum and TRON)', async () => {
    await fc.assert(
      fc.asyncProperty(swapWorldParams, async ([seed, taint, chain]) => {
        const world = swapDataset(seed, chain);
        const { report, graph } = await traceSwapWorld(world, taint);
        expect(report.conversions?.length).toBeGreaterThan(0);
        checkRows(report, world);
        const summary = reportToSummary(report);
        for (const note of report.conversions!.flatMap((c) => c.notes ?? [])) expect(summary).toContain(`: ${note}`);
        const ids = recipientIds(report);
        // The trace graph holds every tainted payout of a conversion; each export marks those edges and no other.
        const csv = graphToTransfersCsv(graph, report).trimEnd().split('\r\n');
        const header = csv[0]!.split(',');
        expect(header).toEqual([...TRANSFERS_CSV_HEADER, 'kind']);
        const col = (name: string) => header.indexOf(name);
        const marked = csv
          .slice(1)
          .map((l) => l.split(','))
          .filter((c) => c[col('kind')] === 'conversion');
        expect(new Set(marked.map((c) => `${c[col('tx')]}|${c[col('log_index')]}|${c[col('to_address')]}`))).toEqual(ids);
        expect(csv.slice(1).every((l) => ['transfer', 'conversion'].includes(l.split(',')[col('kind')]!))).toBe(true);
        for (const [name, back] of [
          ['gexf', parseGexf(MultiDirectedGraph, graphToGexf(graph, report))],
          ['graphml', parseGraphml(MultiDirectedGraph, graphToGraphml(graph, report))],
        ] as const) {
          expect([name, back.order, back.size]).toEqual([name, graph.order, graph.size]);
          const kinds = back.mapEdges((_e, a, _s, target) => ({ kind: a.kind, id: `${a.tx}|${a.log_index}|${back.getNodeAttribute(target, 'address')}` }));
          expect(new Set(kinds.filter((k) => k.kind === 'conversion').map((k) => k.id))).toEqual(ids);
          expect(kinds.every((k) => k.kind === 'conversion' || k.kind === 'transfer')).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('leaves exports of a trace without conversions as they were: no kind column or attribute', async () => {
    const { report, graph } = await traceDemo();
    expect(report.conversions).toBeUndefined();
    expect(graphToTransfersCsv(graph, report).split('\r\n')[0]).toBe(TRANSFERS_CSV_HEADER.join(','));
    expect(graphToGraphml(graph, report)).not.toContain('e_kind');
    expect(parseGexf(MultiDirectedGraph, graphToGexf(graph, report)).someEdge((_e, a) => 'kind' in a)).toBe(false);
  });
});
