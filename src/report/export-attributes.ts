import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { linesInPieces } from '../core/pieces.js';
import { graphView } from './graph-view.js';

export type Primitive = string | number | boolean;

export interface ExportNode {
  key: string;
  label: string;
  color: string;
  size: number;
  x: number;
  y: number;
  attributes: Record<string, Primitive>;
}

export interface ExportEdge {
  key: string;
  source: string;
  target: string;
  label: string;
  weight: number;
  attributes: Record<string, Primitive>;
}

/** Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF): dropped from exports. */
export function xmlSafe(value: string): string {
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

/**
 * Flat, typed attributes for graph tools (Gephi, yEd, Cytoscape): one type per attribute for every node or edge
 * (missing text is '', missing numbers are -1), so a tool can partition and colour by `category`, `endpoint`, `chain`,
 * `jurisdictions` or rank by `tainted_in_value`; when the trace met a conversion, every edge's `kind` says whether it is a
 * plain `transfer` or a `conversion` output (a swap, wrap or unwrap paid it). `*_value` columns are display units as floating point, for sizing
 * only; the exact amounts are the base-unit strings beside them.
 */
export function exportGraph(graph: TraceGraph, report: TraceReport): { nodes: ExportNode[]; edges: ExportEdge[] } {
  const view = graphView(graph, report);
  const nodes = view.nodes.map((n) => {
    const i = n.info;
    return {
      key: n.key,
      label: xmlSafe(n.label),
      color: n.color,
      size: Number(n.size.toFixed(3)),
      x: Number(n.x.toFixed(3)),
      y: Number(n.y.toFixed(3)),
      attributes: {
        chain: xmlSafe(i.chain),
        address: xmlSafe(i.address),
        entity: xmlSafe(i.entity ?? ''),
        category: xmlSafe(i.category ?? (i.victim ? 'victim' : 'unlabeled')),
        jurisdictions: xmlSafe(i.jurisdictions ?? ''),
        hops: i.hops ?? -1,
        seed: i.seed,
        victim: i.victim,
        endpoint: xmlSafe(i.endpoint ?? ''),
        role: xmlSafe(i.role),
        tainted_in: xmlSafe(i.taintedIn),
        tainted_out: xmlSafe(i.taintedOut),
        held: xmlSafe(i.held),
        tainted_in_value: i.taintedInValue,
      } satisfies Record<string, Primitive>,
    };
  });
  const edges = view.edges.map((e) => ({
    key: e.key,
    source: e.source,
    target: e.target,
    label: xmlSafe(e.amount),
    weight: Number(e.raw.taintDisplay) || 0,
    attributes: {
      chain: xmlSafe(e.raw.chain),
      tx: xmlSafe(e.tx),
      type: xmlSafe(e.raw.type),
      log_index: e.raw.logIndex,
      block: e.raw.block,
      block_timestamp: e.time,
      asset: xmlSafe(e.raw.asset),
      symbol: xmlSafe(e.raw.symbol),
      amount: e.raw.amount,
      tainted_amount: e.raw.taint,
      tainted_display: e.raw.taintDisplay,
      tainted_value: Number(e.raw.taintDisplay) || 0,
      seed_payment: e.seed,
      // Only graphs with a conversion carry `kind` (transfer | conversion), so exports of other traces keep their bytes.
      ...(view.conversions ? { kind: e.kind } : {}),
    } satisfies Record<string, Primitive>,
  }));
  return { nodes, edges };
}

/** How far a graph file (GEXF, GraphML) is written: its nodes and edges so far, of all, and the bytes so far. */
export interface GraphFileProgress {
  elements: number;
  of: number;
  bytes: number;
}

/** What a graph file's texts count as they are made: the nodes and edges written so far. */
export interface ElementCount {
  elements: number;
}

/** A graph file's texts over the exported nodes and edges (`count.elements` raised as each is written). */
export type GraphFileTexts = (nodes: readonly ExportNode[], edges: readonly ExportEdge[], count: ElementCount) => Iterable<string>;

/**
 * A graph file (GEXF, GraphML) of the exported graph, its texts gathered into pieces of about 64 K characters
 * (core/pieces.ts); `onProgress` hears, before each piece is handed out, the nodes and edges written so far, of all,
 * and the bytes so far.
 */
export function* graphFilePieces(
  graph: TraceGraph,
  report: TraceReport,
  texts: GraphFileTexts,
  end: string,
  onProgress?: (p: GraphFileProgress) => void,
): Generator<string, void, undefined> {
  const { nodes, edges } = exportGraph(graph, report);
  const count: ElementCount = { elements: 0 };
  const of = nodes.length + edges.length;
  let bytes = 0;
  for (const piece of linesInPieces(texts(nodes, edges, count), end)) {
    bytes += Buffer.byteLength(piece);
    onProgress?.({ elements: count.elements, of, bytes });
    yield piece;
  }
}
