import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { exportGraph, type Primitive } from './export-attributes.js';

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

/**
 * GraphML (graphology-graphml only parses, so this small writer does the writing; every value XML-escaped).
 * Node keys include `label`, `r`/`g`/`b`, `size`, `x`, `y` (what Gephi's GraphML importer reads as visual attributes)
 * and the typed attributes of exportGraph; edges carry `weight` (tainted amount, display units) and the tx data.
 */
export function graphToGraphml(graph: TraceGraph, report: TraceReport): string {
  const { nodes, edges } = exportGraph(graph, report);
  const keys = new Map<string, Key>();
  const declare = (kind: 'node' | 'edge', name: string, value: Primitive) => {
    const id = `${kind === 'node' ? 'n' : 'e'}_${name}`;
    const type = typeOf(value);
    const prev = keys.get(id);
    if (!prev) keys.set(id, { id, for: kind, name, type });
    else if (prev.type !== type) prev.type = prev.type === 'string' || type === 'string' ? 'string' : 'double';
    return id;
  };
  const rgb = (hex: string) => {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    return m ? { r: parseInt(m[1]!, 16), g: parseInt(m[2]!, 16), b: parseInt(m[3]!, 16) } : { r: 128, g: 128, b: 128 };
  };
  const nodeData = nodes.map((n) => ({
    key: n.key,
    data: { label: n.label, ...rgb(n.color), size: n.size, x: n.x, y: n.y, ...n.attributes } as Record<string, Primitive>,
  }));
  const edgeData = edges.map((e) => ({ e, data: { label: e.label, weight: e.weight, ...e.attributes } as Record<string, Primitive> }));
  for (const n of nodeData) for (const [k, v] of Object.entries(n.data)) declare('node', k, v);
  for (const { data } of edgeData) for (const [k, v] of Object.entries(data)) declare('edge', k, v);
  const value = (v: Primitive) => xml(String(v));
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const k of keys.values()) lines.push(`  <key id="${xml(k.id)}" for="${k.for}" attr.name="${xml(k.name)}" attr.type="${k.type}"/>`);
  lines.push('  <graph id="chaintrail" edgedefault="directed">');
  for (const n of nodeData) {
    lines.push(`    <node id="${xml(n.key)}">`);
    for (const [k, v] of Object.entries(n.data)) lines.push(`      <data key="n_${xml(k)}">${value(v)}</data>`);
    lines.push('    </node>');
  }
  for (const { e, data } of edgeData) {
    lines.push(`    <edge id="${xml(e.key)}" source="${xml(e.source)}" target="${xml(e.target)}">`);
    for (const [k, v] of Object.entries(data)) lines.push(`      <data key="e_${xml(k)}">${value(v)}</data>`);
    lines.push('    </edge>');
  }
  lines.push('  </graph>', '</graphml>');
  return `${lines.join('\n')}\n`;
}
