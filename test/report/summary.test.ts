import { describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import { graphView } from '../../src/report/graph-view.js';
import { reportToSummary } from '../../src/report/summary.js';
import { traceDemo } from '../support/demo-trace.js';

/** More endpoints than a function call takes arguments (a trace of 1 M transfers has about 185 k). */
const MANY = 200_000;

describe('reportToSummary at scale', () => {
  it('lists every endpoint of a report with hundreds of thousands of them, columns as wide as their widest cell', async () => {
    const { report } = await traceDemo();
    const base = report.endpoints;
    const endpoints = Array.from({ length: MANY }, (_, i) => {
      const e = base[i % base.length]!;
      // One reason longer than any other: its column widens to it, and the rows before it are padded to it.
      return i === MANY - 7 ? { ...e, hops: 1234567, reason: `${e.reason} (widest)` } : e;
    });
    const text = reportToSummary({ ...report, endpoints } as TraceReport);
    const lines = text.split('\n');
    const start = lines.indexOf('Endpoints');
    const header = lines[start + 1]!;
    expect(header.slice(header.indexOf('hops') - 3, header.indexOf('hops') + 4)).toBe('   hops');
    const rows = lines.slice(start + 3, start + 3 + MANY);
    expect(header.startsWith('kind')).toBe(true);
    expect(rows).toHaveLength(MANY);
    expect(lines[start + 3 + MANY]).toBe('');
    // The hops column is right-aligned to its widest cell (7 digits) in every row.
    // The columns as the dashes under the header give them; hops is the sixth.
    const spans = [...lines[start + 2]!.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
    const [from, to] = spans[5]!;
    expect(to - from).toBe(7);
    for (const i of [0, 1, MANY - 7, MANY - 1]) {
      const cell = rows[i]!.slice(from, to);
      expect(cell).toBe(String(i === MANY - 7 ? 1234567 : base[i % base.length]!.hops).padStart(7));
    }
    expect(rows[MANY - 7]).toContain('(widest)');
  });

  it('draws the graph view of a graph with hundreds of thousands of nodes', async () => {
    const { report, graph } = await traceDemo();
    const copy = graph.copy();
    const [first] = copy.nodes();
    const attributes = copy.getNodeAttributes(first!);
    for (let i = 0; i < MANY; i++)
      copy.addNode(`ethereum|0x${i.toString(16).padStart(40, '0')}`, { ...attributes, address: `0x${i.toString(16).padStart(40, '0')}` });
    const view = graphView(copy, report);
    expect(view.nodes).toHaveLength(graph.order + MANY);
  });
});
