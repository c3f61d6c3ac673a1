import { MultiDirectedGraph } from 'graphology';
import { parse } from 'graphology-gexf';
import { describe, expect, it } from 'vitest';
import { graphToGexf } from '../../src/report/gexf.js';
import { HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';

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
});
