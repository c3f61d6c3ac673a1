import { describe, expect, it } from 'vitest';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { transferId } from '../../src/core/movement.js';
import { FlowTransfer } from '../../src/engine/flow-table.js';
import { buildTraceGraph, TraceEdges } from '../../src/engine/graph.js';
import { runTrace } from '../../src/engine/run.js';
import { createLabelStore } from '../../src/labels/store.js';
import { parseTraceSettings } from '../../src/trace/trace.js';
import { generateWorld } from '../bench/engine.js';

/** The engine benchmark's layering world, drawn small, traced from a source that answers by ids (the fixture's store). */
async function tracedWorld(n: number, seed: number) {
  const w = generateWorld(n, seed);
  const settings = parseTraceSettings({ seeds: w.seeds, taint: 'fifo', maxHops: w.levels.length + 2, maxNodes: 1_000_000, maxDegree: 1_000 });
  return runTrace(settings, [createFixtureAdapter({ dataset: w.dataset })], createLabelStore(w.labels), { concurrency: 4 });
}

describe('buildTraceGraph', () => {
  it('reads each tainted movement of a flow answered by ids without leaving its movement object in the flow', async () => {
    const outcome = await tracedWorld(2_000, 5);
    const movements = outcome.allocation.edges.map((e) => e.transfer);
    expect(movements.length).toBeGreaterThan(500);
    expect(movements.every((t) => t instanceof FlowTransfer)).toBe(true);
    const rows = movements as FlowTransfer[];
    const held = () => rows.filter((t) => t.table.t.get(t.m) !== undefined).length;
    const before = held();

    const graph = buildTraceGraph(outcome);

    // Every movement is an edge with its own identity and figures, read from the rows' source...
    expect(graph.size).toBe(rows.length);
    for (const t of rows) {
      const object = t.table.movementAt(t.m);
      const a = graph.getEdgeAttributes(transferId(object));
      expect([a.tx, a.logIndex, a.amount, a.taint, a.time, a.block]).toEqual([
        object.tx,
        object.logIndex,
        object.amount.toString(),
        t.taint.toString(),
        object.time,
        object.block,
      ]);
    }
    // ...and the flow holds no more movement objects than before (an object per row would stay for the trace's life).
    expect(held()).toBe(before);
  });

  it('adds every end of every edge once, with what is known of it, whether the end was met as a sender or a recipient first', async () => {
    const outcome = await tracedWorld(1_500, 11);
    const graph = buildTraceGraph(outcome);
    const edges = new TraceEdges(outcome);
    const ends = new Set<string>();
    for (let i = 0; i < edges.length; i++) {
      const e = edges.at(i);
      ends.add(e.source).add(e.target);
      expect(graph.source(e.key)).toBe(e.source);
      expect(graph.target(e.key)).toBe(e.target);
    }
    expect(new Set(graph.nodes())).toEqual(ends);
    for (const node of ends) {
      const a = graph.getNodeAttributes(node);
      expect(a.expanded).toBe(outcome.expanded.has(node));
      expect(a.hops).toBe(outcome.allocation.hops.get(node) ?? null);
      expect(a.held).toEqual(Object.fromEntries([...(outcome.allocation.held.get(node) ?? [])].map(([asset, v]) => [asset, v.toString()])));
    }
  });
});
