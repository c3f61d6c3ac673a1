import { lazyPackage } from '../core/lazy.js';
import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { graphFilePieces, type ElementCount, type ExportEdge, type ExportNode, type GraphFileProgress, type Primitive } from './export-attributes.js';

/** graphology's GEXF writer, loaded with the first export of a case link graph (cases/convergence.ts). */
export const gexfWriter = lazyPackage<typeof import('graphology-gexf')>('graphology-gexf');

/**
 * GEXF 1.3 for Gephi: typed node attributes to partition or colour by (`category`, `endpoint`, `chain`,
 * `jurisdictions`, `seed`, `victim`), viz colour/size/position from the report's layout, and edges weighted by the
 * tainted amount (display units) with tx, asset, amounts and time.
 */
export function graphToGexf(graph: TraceGraph, report: TraceReport): string {
  return [...gexfPieces(graph, report)].join('');
}

/**
 * The GEXF text of `graphToGexf` in pieces of about 64 K characters, each made as it is read: a big trace's graph is
 * written to a file piece by piece. The document is the one graphology-gexf writes (version 1.3, pretty) for the same
 * graph, byte for byte: each attribute's type is the widest its values take (string, double, long, integer, boolean,
 * in that order), the attributes are declared in the order their first non-empty value comes, and empty values ('' or
 * NaN) are left out.
 */
export const gexfPieces = (graph: TraceGraph, report: TraceReport, options: { onProgress?: (p: GraphFileProgress) => void } = {}) =>
  graphFilePieces(graph, report, gexfTexts, '', options.onProgress);

/** The document's text: its head, then each element with the line break before it (the document ends without one). */
function* gexfTexts(nodes: readonly ExportNode[], edges: readonly ExportEdge[], count: ElementCount): Generator<string> {
  const nodeModel = modelOf(nodes, false);
  const edgeModel = modelOf(edges, true);
  yield '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<gexf version="1.3" xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd">\n' +
    '  <meta/>\n' +
    '  <graph defaultedgetype="directed">' +
    declarations(nodeModel, 'node') +
    declarations(edgeModel, 'edge');
  yield nodes.length === 0 ? '\n    <nodes/>' : '\n    <nodes>';
  for (const n of nodes) {
    count.elements++;
    yield `\n      <node id="${text(n.key)}"${n.label ? ` label="${text(n.label)}"` : ''}>${attvalues(nodeModel, n.attributes)}` +
      `\n        <viz:color hex="${text(n.color)}"/>` +
      `\n        <viz:size value="${n.size}"/>` +
      `\n        <viz:position x="${n.x}" y="${n.y}"/>` +
      '\n      </node>';
  }
  if (nodes.length > 0) yield '\n    </nodes>';
  yield edges.length === 0 ? '\n    <edges/>' : '\n    <edges>';
  for (const e of edges) {
    count.elements++;
    // graphology-gexf writes an edge attribute named `kind` on the element itself (transfer or conversion).
    const { kind, ...attributes } = e.attributes;
    const values = attvalues(edgeModel, attributes);
    yield `\n      <edge id="${text(e.key)}" source="${text(e.source)}" target="${text(e.target)}" weight="${e.weight}"` +
      (kind ? ` kind="${text(String(kind))}"` : '') +
      (e.label ? ` label="${text(e.label)}"` : '') +
      (values === '' ? '/>' : `>${values}\n      </edge>`);
  }
  if (edges.length > 0) yield '\n    </edges>';
  yield '\n  </graph>\n</gexf>';
}

type GexfType = 'string' | 'double' | 'long' | 'integer' | 'boolean';

/** The widest type wins: a string among numbers makes the attribute a string, a fraction among integers a double. */
const WIDTH: Record<GexfType, number> = { string: 0, double: 1, long: 2, integer: 3, boolean: 4 };

/** A value's GEXF type; undefined for an empty one ('' or NaN), which is not written. */
function typeOf(value: Primitive): GexfType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return value === '' ? undefined : 'string';
  if (Number.isNaN(value)) return undefined;
  if (value !== (value | 0)) return 'double';
  return value <= 0x7fffffff && value >= -0x7fffffff ? 'integer' : 'long';
}

/** Each attribute's type, in the order of the first element that gives it a value (`kind` is an edge's own attribute). */
function modelOf(elements: readonly (ExportNode | ExportEdge)[], edges: boolean): Map<string, GexfType> {
  const model = new Map<string, GexfType>();
  for (const { attributes } of elements) {
    for (const name in attributes) {
      if (edges && name === 'kind') continue;
      const type = typeOf(attributes[name]!);
      if (type === undefined) continue;
      const known = model.get(name);
      if (known === undefined || WIDTH[type] < WIDTH[known]) model.set(name, type);
    }
  }
  return model;
}

function declarations(model: ReadonlyMap<string, GexfType>, kind: 'node' | 'edge'): string {
  if (model.size === 0) return '';
  let out = `\n    <attributes class="${kind}">`;
  for (const [name, type] of model) out += `\n      <attribute id="${text(name)}" title="${text(name)}" type="${type}"/>`;
  return `${out}\n    </attributes>`;
}

/** An element's values in the model's order, empty ones left out. */
function attvalues(model: ReadonlyMap<string, GexfType>, attributes: Record<string, Primitive>): string {
  if (model.size === 0) return '';
  let out = '';
  for (const name of model.keys()) {
    if (!(name in attributes)) continue;
    const value = attributes[name]!;
    if (typeOf(value) === undefined) continue;
    out += `\n          <attvalue for="${text(name)}" value="${text(String(value))}"/>`;
  }
  return out === '' ? '\n        <attvalues/>' : `\n        <attvalues>${out}\n        </attvalues>`;
}

/** An XML attribute value as graphology-gexf's writer escapes it (characters XML cannot carry are gone: xmlSafe). */
function text(value: string): string {
  return /[&<"\t\n\r]/.test(value)
    ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;')
    : value;
}
