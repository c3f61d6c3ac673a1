import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { graphFilePieces, type ElementCount, type ExportEdge, type ExportNode, type GraphFileProgress, type Primitive } from './export-attributes.js';

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
  return [...graphmlPieces(graph, report)].join('');
}

/**
 * The GraphML text of `graphToGraphml` in pieces of about 64 K characters, each made as it is read: a big trace's
 * graph is written to a file piece by piece (its text can be longer than one JavaScript string).
 */
export const graphmlPieces = (graph: TraceGraph, report: TraceReport, options: { onProgress?: (p: GraphFileProgress) => void } = {}) =>
  graphFilePieces(graph, report, graphmlLines, '\n', options.onProgress);

/** The document's lines: the keys' types are settled in a first pass over every value, then each element is written from its fields. */
function* graphmlLines(nodes: readonly ExportNode[], edges: readonly ExportEdge[], count: ElementCount): Generator<string> {
  const keys = new Map<string, Key>();
  const declare = (kind: 'node' | 'edge') => (name: string, value: Primitive) => {
    const id = `${kind === 'node' ? 'n' : 'e'}_${name}`;
    const type = typeOf(value);
    const prev = keys.get(id);
    if (!prev) keys.set(id, { id, for: kind, name, type });
    else if (prev.type !== type) prev.type = prev.type === 'string' || type === 'string' ? 'string' : 'double';
  };
  const declareNode = declare('node');
  const declareEdge = declare('edge');
  for (const n of nodes) nodeFields(n, declareNode);
  for (const e of edges) edgeFields(e, declareEdge);
  yield '<?xml version="1.0" encoding="UTF-8"?>';
  yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">';
  for (const k of keys.values()) yield `  <key id="${xml(k.id)}" for="${k.for}" attr.name="${xml(k.name)}" attr.type="${k.type}"/>`;
  yield '  <graph id="chaintrail" edgedefault="directed">';
  // An element's lines gathered into one (its data lines' openings escaped once per field name).
  let lines = '';
  const openings = new Map<string, string>();
  const data = (prefix: string) => (name: string, value: Primitive) => {
    let open = openings.get(prefix + name);
    if (open === undefined) openings.set(prefix + name, (open = `\n      <data key="${xml(prefix + name)}">`));
    lines += `${open}${xml(String(value))}</data>`;
  };
  const nodeData = data('n_');
  const edgeData = data('e_');
  for (const n of nodes) {
    count.elements++;
    lines = `    <node id="${xml(n.key)}">`;
    nodeFields(n, nodeData);
    yield `${lines}\n    </node>`;
  }
  for (const e of edges) {
    count.elements++;
    lines = `    <edge id="${xml(e.key)}" source="${xml(e.source)}" target="${xml(e.target)}">`;
    edgeFields(e, edgeData);
    yield `${lines}\n    </edge>`;
  }
  yield '  </graph>';
  yield '</graphml>';
}

/** A node's GraphML data in order: label, colour as r/g/b, size and position, then its typed attributes. */
function nodeFields(n: ExportNode, field: (name: string, value: Primitive) => void): void {
  const { r, g, b } = rgb(n.color);
  field('label', n.label);
  field('r', r);
  field('g', g);
  field('b', b);
  field('size', n.size);
  field('x', n.x);
  field('y', n.y);
  for (const name in n.attributes) field(name, n.attributes[name]!);
}

/** An edge's GraphML data in order: label, weight, then its typed attributes. */
function edgeFields(e: ExportEdge, field: (name: string, value: Primitive) => void): void {
  field('label', e.label);
  field('weight', e.weight);
  for (const name in e.attributes) field(name, e.attributes[name]!);
}

function rgb(hex: string): { r: number; g: number; b: number } {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? { r: parseInt(m[1]!, 16), g: parseInt(m[2]!, 16), b: parseInt(m[3]!, 16) } : { r: 128, g: 128, b: 128 };
}
