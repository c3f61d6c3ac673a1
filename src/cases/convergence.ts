import type { UndirectedGraph } from 'graphology';
import { graphology } from '../core/lazy.js';
import { csvRow } from '../report/csv.js';
import { gexfWriter } from '../report/gexf.js';
import { xmlSafe } from '../report/export-attributes.js';
import type { CaseSummary, ConvergenceEntry, Money } from './records.js';

const money = (m: readonly Money[]) => m.map((x) => `${x.amountDisplay} ${x.asset.symbol}`).join(' + ');

export const CONVERGENCE_CSV_HEADER = [
  'rank',
  'chain',
  'address',
  'roles',
  'entity',
  'category',
  'cases',
  'victims',
  'total',
  'first_seen',
  'last_seen',
  'case_references',
  'per_case',
] as const;

/** One row per shared address (RFC 4180, formula-injection safe like every CSV of chaintrail). */
export function convergenceToCsv(entries: readonly ConvergenceEntry[]): string {
  const rows = entries.map((e) => [
    e.rank,
    e.chain,
    e.address,
    e.roles.join(' '),
    e.entity ?? '',
    e.category ?? '',
    e.caseCount,
    e.victimCount,
    money(e.totals),
    e.firstSeen,
    e.lastSeen,
    e.cases.map((c) => c.reference).join(' '),
    e.cases.map((c) => `${c.reference}: ${money(c.amounts)} (${c.victims.length} victim(s))`).join('; '),
  ]);
  return [csvRow(CONVERGENCE_CSV_HEADER), ...rows.map(csvRow)].map((l) => `${l}\r\n`).join('');
}

/** Plain-text ranking for the terminal. */
export function convergenceToSummary(entries: readonly ConvergenceEntry[]): string {
  if (entries.length === 0) return 'No address is shared by two or more traced cases.\n';
  const lines = [`${entries.length} address(es) reached by two or more cases (ranked by victims, cases, amount):`, ''];
  for (const e of entries) {
    lines.push(`${e.rank}. ${e.chain} ${e.address}${e.entity ? ` — ${e.entity}` : ''} [${e.roles.join(', ')}]`);
    lines.push(`   ${e.caseCount} cases, ${e.victimCount} victims, ${money(e.totals)}, ${e.firstSeen} to ${e.lastSeen}`);
    lines.push(`   cases: ${e.cases.map((c) => `${c.reference} (${money(c.amounts)})`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Options of `caseLinkGraph`. */
export interface LinkGraphOptions {
  /**
   * An address shared by more cases than this (a big exchange's hot wallet) is kept as a node attribute of its cases
   * but does not add an edge between every pair of them (default 100: 4,950 edges at most per address).
   */
  maxCasesPerAddress?: number;
}

/**
 * Case-to-case link graph: a node per case (reference, jurisdiction, victims, payments), an edge between two cases
 * for every pair that shares at least one address, weighted by the number of shared addresses, listing them.
 */
export function caseLinkGraph(entries: readonly ConvergenceEntry[], cases: readonly CaseSummary[] = [], options: LinkGraphOptions = {}): UndirectedGraph {
  const max = options.maxCasesPerAddress ?? 100;
  const graph = new (graphology().UndirectedGraph)();
  const info = new Map(cases.map((c) => [c.reference, c]));
  const addCase = (reference: string) => {
    if (graph.hasNode(reference)) return;
    const c = info.get(reference);
    graph.addNode(reference, {
      label: xmlSafe(reference),
      reference: xmlSafe(reference),
      jurisdiction: c?.jurisdiction ?? '',
      victims: c?.victims ?? -1,
      payments: c?.payments ?? -1,
      shared_addresses: 0,
      hub_addresses: '',
    });
  };
  for (const e of entries) {
    const refs = e.cases.map((c) => c.reference);
    for (const r of refs) {
      addCase(r);
      graph.updateNodeAttribute(r, 'shared_addresses', (n: number) => n + 1);
      if (refs.length > max) graph.updateNodeAttribute(r, 'hub_addresses', (s: string) => `${s ? `${s} ` : ''}${e.chain}:${e.address}`);
    }
    if (refs.length > max) continue;
    for (let i = 0; i < refs.length; i++) {
      for (let j = i + 1; j < refs.length; j++) {
        const [a, b] = [refs[i]!, refs[j]!].sort() as [string, string];
        const address = `${e.chain}:${e.address}${e.entity ? ` (${e.entity})` : ''}`;
        if (graph.hasEdge(a, b)) {
          graph.updateEdgeAttributes(a, b, (attrs) => ({
            ...attrs,
            weight: (attrs.weight as number) + 1,
            addresses: `${attrs.addresses as string}; ${xmlSafe(address)}`,
          }));
        } else {
          // A key of its own: graphology's generated keys differ between runs, and exports must not.
          graph.addEdgeWithKey(`${a}->${b}`, a, b, { weight: 1, label: '', addresses: xmlSafe(address) });
        }
      }
    }
  }
  graph.forEachEdge((edge, attrs) => graph.setEdgeAttribute(edge, 'label', `${attrs.weight as number} shared`));
  return graph;
}

/** GEXF 1.3 (Gephi) of the link graph, through graphology-gexf. */
export function linkGraphToGexf(graph: UndirectedGraph): string {
  return gexfWriter().write(graph, { version: '1.3', pretty: true });
}

const xml = (v: string) => xmlSafe(v).replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);

/** GraphML of the link graph (yEd, Cytoscape, Gephi). */
export function linkGraphToGraphml(graph: UndirectedGraph): string {
  const typeOf = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'double') : typeof v === 'boolean' ? 'boolean' : 'string');
  const keys = new Map<string, { for: 'node' | 'edge'; name: string; type: string }>();
  graph.forEachNode((_n, a) => Object.entries(a).forEach(([k, v]) => keys.set(`n_${k}`, { for: 'node', name: k, type: typeOf(v) })));
  graph.forEachEdge((_e, a) => Object.entries(a).forEach(([k, v]) => keys.set(`e_${k}`, { for: 'edge', name: k, type: typeOf(v) })));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...[...keys.entries()].map(([id, k]) => `  <key id="${xml(id)}" for="${k.for}" attr.name="${xml(k.name)}" attr.type="${k.type}"/>`),
    '  <graph id="chaintrail-cases" edgedefault="undirected">',
  ];
  graph.forEachNode((n, a) => {
    lines.push(`    <node id="${xml(n)}">`);
    for (const [k, v] of Object.entries(a)) lines.push(`      <data key="n_${xml(k)}">${xml(String(v))}</data>`);
    lines.push('    </node>');
  });
  graph.forEachEdge((e, a, s, t) => {
    lines.push(`    <edge id="${xml(e)}" source="${xml(s)}" target="${xml(t)}">`);
    for (const [k, v] of Object.entries(a)) lines.push(`      <data key="e_${xml(k)}">${xml(String(v))}</data>`);
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>');
  return `${lines.join('\n')}\n`;
}
