import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { parse, write } from 'graphology-gexf';
import { describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import type { TraceGraph } from '../../src/engine/graph.js';
import { exportGraph, type GraphFileProgress } from '../../src/report/export-attributes.js';
import { gexfPieces, graphToGexf } from '../../src/report/gexf.js';
import { HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';
import { generateWorld } from '../bench/engine.js';
import { traceBenchWorld } from '../support/bench-world.js';
import { swapDataset, swapWorldParams, traceSwapWorld } from '../support/swap-dataset.js';

/** What graphology-gexf writes for the export's nodes and edges put in a graphology graph (the reference writer). */
function referenceGexf(graph: TraceGraph, report: TraceReport): string {
  const { nodes, edges } = exportGraph(graph, report);
  const out = new MultiDirectedGraph();
  for (const n of nodes) out.addNode(n.key, { label: n.label, color: n.color, size: n.size, x: n.x, y: n.y, ...n.attributes });
  for (const e of edges) out.addEdgeWithKey(e.key, e.source, e.target, { label: e.label, weight: e.weight, ...e.attributes });
  return write(out, { version: '1.3', pretty: true });
}

describe('graphToGexf', () => {
  it('parses back with the same nodes and edges and the attributes Gephi partitions by', async () => {
    const { report, graph } = await traceDemo();
    const back = parse(MultiDirectedGraph, graphToGexf(graph, report));
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    expect(new Set(back.nodes())).toEqual(new Set(graph.nodes()));
    const collector = graph.findNode((_n, a) => a.seed === true && a.chain === 'ethereum')!;
    const attrs = back.getNodeAttributes(collector);
    expect(attrs).toMatchObject({ chain: 'ethereum', seed: true, category: 'unlabeled', hops: 0, endpoint: 'unspent' });
    expect(typeof attrs.color).toBe('string');
    expect(attrs.size).toBeGreaterThan(0);
    const categories = new Set(back.mapNodes((_n, a) => a.category as string));
    for (const c of ['exchange', 'bridge', 'mixer', 'sanctioned', 'victim', 'unlabeled']) expect(categories).toContain(c);
    const seedTx = report.seeds[0]!.tx!;
    const edge = back.findEdge((_e, a) => a.tx === seedTx)!;
    expect(back.getEdgeAttributes(edge)).toMatchObject({ tainted_amount: report.seeds[0]!.amount, seed_payment: true, symbol: 'USDT' });
    expect(back.getEdgeAttribute(edge, 'weight')).toBe(Number(report.seeds[0]!.amountDisplay));
  });

  it('keeps a hostile label as text, escaped in the XML', async () => {
    const { report, graph } = await traceDemo({ hostile: true });
    const xml = graphToGexf(graph, report);
    expect(xml).not.toContain('<img');
    const back = parse(MultiDirectedGraph, xml);
    expect(back.filterNodes((_n, a) => a.entity === HOSTILE_ENTITY).length).toBeGreaterThan(0);
  });

  it('is byte for byte what graphology-gexf writes for the same graph: demo, hostile labels, swaps, layering worlds', async () => {
    for (const hostile of [false, true]) {
      const { report, graph } = await traceDemo({ hostile });
      expect(graphToGexf(graph, report)).toBe(referenceGexf(graph, report));
    }
    // Swaps give edges their `kind` (transfer or conversion), which GEXF writes on the edge element.
    await fc.assert(
      fc.asyncProperty(swapWorldParams, async ([seed, taint, chain]) => {
        const { report, graph } = await traceSwapWorld(swapDataset(seed, chain), taint);
        expect(graphToGexf(graph, report)).toBe(referenceGexf(graph, report));
      }),
      { numRuns: 6 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 300, max: 3_000 }), fc.integer({ min: 1, max: 1_000 }), async (transfers, seed) => {
        const { report, graph } = await traceBenchWorld(generateWorld(transfers, seed), 'fifo', 'full', 0);
        const heard: GraphFileProgress[] = [];
        const pieces = [...gexfPieces(graph, report, { onProgress: (p) => heard.push(p) })];
        expect(pieces.join('')).toBe(referenceGexf(graph, report));
        // Progress before each piece: nodes and edges so far, never back, all of them and every byte at the end.
        expect(heard).toHaveLength(pieces.length);
        for (let i = 1; i < heard.length; i++) expect(heard[i]!.elements).toBeGreaterThanOrEqual(heard[i - 1]!.elements);
        expect(heard.at(-1)).toEqual({ elements: graph.order + graph.size, of: graph.order + graph.size, bytes: Buffer.byteLength(pieces.join('')) });
        // Told before the last piece, too, when there is more than one.
        if (pieces.length > 1) expect(heard[0]!.elements).toBeLessThan(graph.order + graph.size);
        // Written in pieces of a few hundred elements (nodes and edges) each, some 20 lines an element.
        expect(pieces.length).toBeGreaterThan((graph.order + graph.size) / 300);
        for (const piece of pieces) expect(piece.split('\n').length).toBeLessThan(256 * 22);
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
