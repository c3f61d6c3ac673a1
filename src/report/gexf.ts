import { graphology, lazyPackage } from '../core/lazy.js';
import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { exportGraph } from './export-attributes.js';

/** graphology's GEXF writer, loaded with the first GEXF export. */
export const gexfWriter = lazyPackage<typeof import('graphology-gexf')>('graphology-gexf');

/**
 * GEXF 1.3 for Gephi (through graphology-gexf): typed node attributes to partition or colour by (`category`,
 * `endpoint`, `chain`, `jurisdictions`, `seed`, `victim`), viz colour/size/position from the report's layout, and
 * edges weighted by the tainted amount (display units) with tx, asset, amounts and time.
 */
export function graphToGexf(graph: TraceGraph, report: TraceReport): string {
  const { nodes, edges } = exportGraph(graph, report);
  const out = new (graphology().MultiDirectedGraph)();
  for (const n of nodes) out.addNode(n.key, { label: n.label, color: n.color, size: n.size, x: n.x, y: n.y, ...n.attributes });
  for (const e of edges) out.addEdgeWithKey(e.key, e.source, e.target, { label: e.label, weight: e.weight, ...e.attributes });
  return gexfWriter().write(out, { version: '1.3', pretty: true });
}
