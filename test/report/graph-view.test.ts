import { describe, expect, it } from 'vitest';
import { graphView } from '../../src/report/graph-view.js';
import { traceDemo } from '../support/demo-trace.js';

describe('graphView node info', () => {
  it('gives an inferred deposit address the jurisdiction of its exchange, as the tables do', async () => {
    const { report, graph } = await traceDemo();
    const view = graphView(graph, report);
    const inferred = report.exchanges.flatMap((x) =>
      x.depositAddresses.filter((d) => d.inferred).map((d) => ({ ...d, entity: x.entity, jurisdictions: x.jurisdictions })),
    );
    expect(inferred.length).toBeGreaterThan(0);
    for (const d of inferred) {
      const node = view.nodes.find((n) => n.info.chain === d.chain && n.info.address === d.address)!;
      expect(node.info).toMatchObject({ entity: d.entity, category: 'exchange', jurisdictions: d.jurisdictions.join(';') || 'unknown' });
      expect(node.info.role).toContain('inferred deposit address');
      // The same jurisdiction the report's per-jurisdiction table counts this exchange under.
      for (const j of d.jurisdictions) expect(report.jurisdictions.find((r) => r.jurisdiction === j)?.entities).toContain(d.entity);
    }
  });
});
