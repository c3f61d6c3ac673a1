import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { exportGraph, type ExportEdge, type ExportNode, type Primitive } from './export-attributes.js';

/** XML text and attribute values: the five predefined entities, plus CR/LF/tab as references so attributes keep them. */
function xml(value: string): string {
  return value.replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const typeOf = (v: Primitive) => (typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'double') : 'string');

interface Key {
  id: string;
  for: 'node' | 'edge';
  name: string;
  type: string;
}

/** Lines per piece `graphmlPieces` yields: pieces of about 100 kB, where one string of a big trace's GraphML would not fit. */
const LINES_PER_PIECE = 2048;

/**
 * GraphML (graphology-graphml only parses, so this small writer does the writing; every value XML-escaped).
 * Node keys include `label`, `r`/`g`/`b`, `size`, `x`, `y` (what Gephi's GraphML importer reads as visual attributes)
 * and the typed attributes of exportGraph; edges carry `weight` (tainted amount, display units) and the tx data.
 */
export function graphToGraphml(graph: TraceGraph, report: TraceReport): string {
  return [...graphmlPieces(graph, report)].join('');
}

/**
 * The GraphML text of `graphToGraphml` in pieces, each made as it is read: a big trace's graph is written to a file
 * piece by piece (its text can be longer than one JavaScript string). The keys' types are settled in a first pass
 * over every value; each element's data is made again when its lines are written, not kept.
 */
export function* graphmlPieces(graph: TraceGraph, report: TraceReport): Generator<string> {
  const { nodes, edges } = exportGraph(graph, report);
  const keys = new Map<string, Key>();
  const declare = (kind: 'node' | 'edge', name: string, value: Primitive) => {
    const id = `${kind === 'node' ? 'n' : 'e'}_${name}`;
    const type = typeOf(value);
    const prev = keys.get(id);
    if (!prev) keys.set(id, { id, for: kind, name, type });
    else if (prev.type !== type) prev.type = prev.type === 'string' || type === 'string' ? 'string' : 'double';
  };
  for (const n of nodes) for (const [k, v] of Object.entries(nodeData(n))) declare('node', k, v);
  for (const e of edges) for (const [k, v] of Object.entries(edgeData(e))) declare('edge', k, v);
  const value = (v: Primitive) => xml(String(v));
  let lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  const piece = () => {
    const text = `${lines.join('\n')}\n`;
    lines = [];
    return text;
  };
  for (const k of keys.values()) lines.push(`  <key id="${xml(k.id)}" for="${k.for}" attr.name="${xml(k.name)}" attr.type="${k.type}"/>`);
  lines.push('  <graph id="chaintrail" edgedefault="directed">');
  for (const n of nodes) {
    lines.push(`    <node id="${xml(n.key)}">`);
    for (const [k, v] of Object.entries(nodeData(n))) lines.push(`      <data key="n_${xml(k)}">${value(v)}</data>`);
    lines.push('    </node>');
    if (lines.length >= LINES_PER_PIECE) yield piece();
  }
  for (const e of edges) {
    lines.push(`    <edge id="${xml(e.key)}" source="${xml(e.source)}" target="${xml(e.target)}">`);
    for (const [k, v] of Object.entries(edgeData(e))) lines.push(`      <data key="e_${xml(k)}">${value(v)}</data>`);
    lines.push('    </edge>');
    if (lines.length >= LINES_PER_PIECE) yield piece();
  }
  lines.push('  </graph>', '</graphml>');
  yield piece();
}

/** A node's GraphML data: label, colour as r/g/b, size and position, then its typed attributes. */
const nodeData = (n: ExportNode): Record<string, Primitive> => ({ label: n.label, ...rgb(n.color), size: n.size, x: n.x, y: n.y, ...n.attributes });

/** An edge's GraphML data: label, weight, then its typed attributes. */
const edgeData = (e: ExportEdge): Record<string, Primitive> => ({ label: e.label, weight: e.weight, ...e.attributes });

function rgb(hex: string): { r: number; g: number; b: number } {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? { r: parseInt(m[1]!, 16), g: parseInt(m[2]!, 16), b: parseInt(m[3]!, 16) } : { r: 128, g: 128, b: 128 };
}
