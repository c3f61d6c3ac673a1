import { z } from 'zod';
import { parseInput } from '../core/parse.js';
import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { graphView } from './graph-view.js';
import { htmlPage } from './html-page.js';
import { htmlSections, link, type Links } from './html-tables.js';

/** An explorer URL template: http(s) only, `{tx}` / `{address}` replaced by the URL-encoded value. */
const templateSchema = (placeholder: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s"'<>]+$/i, 'expected an http(s) URL without spaces or quotes')
    .refine((t) => t.includes(`{${placeholder}}`), { message: `must contain {${placeholder}}` });

/** Schema of a block-explorer link template: `tx` and optional `address` URLs with a placeholder. */
export const ExplorerSchema = z.object({ tx: templateSchema('tx'), address: templateSchema('address').optional() }).strict();
/** Block-explorer URL templates of one chain, for links in the HTML report. */
export type Explorer = z.infer<typeof ExplorerSchema>;
export const ExplorersSchema = z.record(z.string(), ExplorerSchema);

/** Link targets only: the report never fetches anything from these hosts. */
export const DEFAULT_EXPLORERS: Record<string, Explorer> = {
  ethereum: { tx: 'https://etherscan.io/tx/{tx}', address: 'https://etherscan.io/address/{address}' },
  tron: { tx: 'https://tronscan.org/#/transaction/{tx}', address: 'https://tronscan.org/#/address/{address}' },
  bitcoin: { tx: 'https://mempool.space/tx/{tx}', address: 'https://mempool.space/address/{address}' },
};

/** Options of the HTML report: explorer links per chain and the page title. */
export interface HtmlReportOptions {
  /** Explorer URL templates per chain id; merged over DEFAULT_EXPLORERS. */
  explorers?: Record<string, Explorer>;
  title?: string;
}

/**
 * One self-contained HTML file: the graph's data and explorer links here, the tables (html-tables.ts) rendered with
 * every string escaped (labels come from untrusted files), the page (html-page.ts) with graphology + sigma inlined
 * and the data as escaped JSON. A Content-Security-Policy allows only the page's own
 * scripts (by hash) and no network at all, so even a missed escape could neither run code nor load anything.
 */
export function reportToHtml(report: TraceReport, graph: TraceGraph, options: HtmlReportOptions = {}): string {
  const explorers: Record<string, Explorer> = { ...DEFAULT_EXPLORERS, ...parseInput(ExplorersSchema, options.explorers ?? {}, 'Invalid explorer URL') };
  const txUrl = (chain: string, tx: string) => explorers[chain]?.tx.split('{tx}').join(encodeURIComponent(tx)) ?? null;
  const addrUrl = (chain: string, address: string) => explorers[chain]?.address?.split('{address}').join(encodeURIComponent(address)) ?? null;
  const links: Links = { tx: (chain, tx) => link(txUrl(chain, tx), tx), addr: (chain, a) => link(addrUrl(chain, a), a, 'addr') };

  const title = options.title ?? `chaintrail report${report.case.reference ? ` — case ${report.case.reference}` : ''}`;
  const view = graphView(graph, report);
  // A conversion's output is drawn as its own kind of edge (EDGE_STYLES) and says so on the path panel; transfers carry no kind.
  const edges = view.edges.map(({ raw: _raw, kind, ...e }) => (kind === 'conversion' ? { ...e, amount: `${e.amount} (conversion output)`, kind } : e));
  const data = { nodes: view.nodes, edges, explorers };
  return htmlPage({ title, report, sections: htmlSections(report, links), data, conversionEdges: view.conversions });
}
