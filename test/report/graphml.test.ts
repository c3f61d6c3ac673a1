import { MultiDirectedGraph } from 'graphology';
import { parse } from 'graphology-graphml';
import { describe, expect, it } from 'vitest';
import type { GraphFileProgress } from '../../src/report/export-attributes.js';
import { graphToGraphml, graphmlPieces } from '../../src/report/graphml.js';
import { HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';
import { generateWorld } from '../bench/engine.js';
import { traceBenchWorld } from '../support/bench-world.js';

describe('graphToGraphml', () => {
  it('parses back (graphology-graphml) with the same nodes, edges and typed attributes', async () => {
    const { report, graph } = await traceDemo();
    const text = graphToGraphml(graph, report);
    const back = parse(MultiDirectedGraph, text);
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    expect(new Set(back.nodes())).toEqual(new Set(graph.nodes()));
    const sanctioned = back.findNode((_n, a) => a.category === 'sanctioned')!;
    expect(back.getNodeAttributes(sanctioned)).toMatchObject({ entity: 'Garnet Exchange', jurisdictions: 'RU', endpoint: 'sanctioned', seed: false });
    expect(typeof back.getNodeAttribute(sanctioned, 'hops')).toBe('number');
    expect(text).toMatch(/<key id="n_category" for="node" attr.name="category" attr.type="string"\/>/);
    expect(text).toMatch(/<key id="n_r" for="node" attr.name="r" attr.type="long"\/>/);
    expect(text).toMatch(/<key id="e_weight" for="edge" attr.name="weight" attr.type="(double|long)"\/>/);
  });

  it('escapes hostile labels and drops characters XML cannot carry', async () => {
    const { report, graph } = await traceDemo({ hostile: true });
    const node = graph.findNode((_n, a) => a.entity === HOSTILE_ENTITY)!;
    graph.setNodeAttribute(node, 'entity', `${HOSTILE_ENTITY}\u0001\u0008`);
    const text = graphToGraphml(graph, report);
    expect(text).not.toContain('<img');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const back = parse(MultiDirectedGraph, text);
    expect(back.getNodeAttribute(node, 'entity')).toBe(HOSTILE_ENTITY);
  });

  it('comes in pieces of bounded size that together are the whole document', async () => {
    const { report, graph } = await traceBenchWorld(generateWorld(3_000, 5), 'fifo', 'full', 0);
    let last: GraphFileProgress | undefined;
    const pieces = [...graphmlPieces(graph, report, { onProgress: (p) => (last = p) })];
    expect(last).toEqual({ elements: graph.order + graph.size, of: graph.order + graph.size, bytes: Buffer.byteLength(pieces.join('')) });
    // Thousands of edges at some 17 lines each: many pieces, none near the size of the whole.
    expect(graph.size).toBeGreaterThan(1_000);
    expect(pieces.length).toBeGreaterThan(10);
    const whole = pieces.join('');
    for (const piece of pieces) expect(piece.length).toBeLessThan(whole.length / 5);
    expect(pieces[0]).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<graphml /);
    expect(pieces.at(-1)).toMatch(/<\/graph>\n<\/graphml>\n$/);
    const back = parse(MultiDirectedGraph, whole);
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    expect(new Set(back.edges())).toEqual(new Set(graph.edges()));
  });
});
