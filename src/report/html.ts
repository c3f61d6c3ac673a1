import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { missingDependency } from '../core/optional.js';
import { parseInput } from '../core/parse.js';
import type { TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { freezeCandidates } from './freeze.js';
import { CLIENT_SCRIPT } from './html-client.js';
import { CATEGORY_COLORS, graphView } from './graph-view.js';

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

let libraries: string | undefined;
/** graphology's and sigma's prebuilt UMD bundles, read once from node_modules (nothing is fetched at view time). */
function browserLibraries(): string {
  if (libraries !== undefined) return libraries;
  const require = createRequire(import.meta.url);
  const graphologyUmd = join(dirname(require.resolve('graphology')), 'graphology.umd.min.js');
  let sigmaUmd: string;
  try {
    sigmaUmd = join(dirname(require.resolve('sigma')), 'sigma.min.js');
  } catch (error) {
    throw missingDependency('sigma', error);
  }
  libraries = [readFileSync(graphologyUmd, 'utf8'), readFileSync(sigmaUmd, 'utf8')].map(scriptSafe).join('\n;\n');
  return libraries;
}

/** Code inlined in <script> must not close the element or open an HTML comment; both sequences are rewritten. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function link(url: string | null, text: string, cls = 'hash'): string {
  return url
    ? `<a class="${cls}" href="${escapeHtml(url)}" rel="noreferrer noopener" target="_blank">${escapeHtml(text)}</a>`
    : `<span class="${cls}">${escapeHtml(text)}</span>`;
}

function table(id: string, caption: string, headers: string[], rows: string[][], empty = 'none'): string {
  const head = `<tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.length
    ? rows.map((r) => `<tr class="row">${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')
    : `<tr class="empty"><td colspan="${headers.length}">${escapeHtml(empty)}</td></tr>`;
  return `<table id="${id}"><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

const cross = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no (domestic)' : 'unknown');
const amt = (m: { amountDisplay: string; asset: { symbol: string; chain: string } }) => escapeHtml(`${m.amountDisplay} ${m.asset.symbol} (${m.asset.chain})`);

/**
 * One self-contained HTML file: graphology + sigma inlined, the data as escaped JSON, the tables rendered here with
 * every string escaped (labels come from untrusted files). A Content-Security-Policy allows only the page's own
 * scripts (by hash) and no network at all, so even a missed escape could neither run code nor load anything.
 */
export function reportToHtml(report: TraceReport, graph: TraceGraph, options: HtmlReportOptions = {}): string {
  const explorers: Record<string, Explorer> = { ...DEFAULT_EXPLORERS, ...parseInput(ExplorersSchema, options.explorers ?? {}, 'Invalid explorer URL') };
  const txUrl = (chain: string, tx: string) => explorers[chain]?.tx.split('{tx}').join(encodeURIComponent(tx)) ?? null;
  const addrUrl = (chain: string, address: string) => explorers[chain]?.address?.split('{address}').join(encodeURIComponent(address)) ?? null;
  const txLinks = (chain: string, txs: string[]) => txs.map((t) => link(txUrl(chain, t), t)).join('<br>');
  const addr = (chain: string, a: string) => link(addrUrl(chain, a), a, 'addr');

  const c = report.case;
  const title = options.title ?? `chaintrail report${c.reference ? ` — case ${c.reference}` : ''}`;
  const view = graphView(graph, report);
  const data = { nodes: view.nodes, edges: view.edges.map(({ raw: _raw, ...e }) => e), explorers };

  const exchanges = table(
    'exchanges-table',
    'Per exchange: deposit addresses (freeze and disclosure requests go here)',
    ['entity', 'jurisdiction', 'cross-border', 'deposit address', 'inferred', 'amount', 'first seen (UTC)', 'last seen (UTC)', 'transactions'],
    report.exchanges.flatMap((x) =>
      x.depositAddresses.map((d) => [
        escapeHtml(x.entity),
        escapeHtml(x.jurisdictions.join(';') || 'unknown'),
        `<span title="${escapeHtml(x.crossBorderReason)}">${cross(x.crossBorder)}</span>`,
        addr(d.chain, d.address),
        d.inferred ? 'yes' : 'no',
        amt(d),
        escapeHtml(d.firstSeen),
        escapeHtml(d.lastSeen),
        txLinks(d.chain, d.txs),
      ]),
    ),
    'no exchange reached',
  );
  const jurisdictions = table(
    'jurisdictions-table',
    'Per jurisdiction',
    ['jurisdiction', 'cross-border', 'entities', 'total'],
    report.jurisdictions.map((j) => [escapeHtml(j.jurisdiction), cross(j.crossBorder), escapeHtml(j.entities.join(', ')), j.totals.map(amt).join(' + ')]),
  );
  const endpoints = table(
    'endpoints-table',
    'Endpoints: where every branch stopped',
    ['kind', 'chain', 'address', 'entity', 'amount', 'hops', 'transactions in', 'reason'],
    report.endpoints.map((e) => [
      escapeHtml(e.kind) + (e.freezable ? ' <span class="badge">freezable</span>' : ''),
      escapeHtml(e.chain),
      addr(e.chain, e.address),
      escapeHtml(e.entity ?? ''),
      amt(e),
      String(e.hops),
      txLinks(e.chain, e.txs),
      escapeHtml(e.reason),
    ]),
  );
  const freeze = freezeCandidates(report);
  const freezeTable = table(
    'freeze-table',
    'Freeze candidates: unspent tainted balances in issuer-freezable stablecoins',
    ['issuer', 'chain', 'address', 'amount', 'token contract', 'since (UTC)'],
    freeze.flatMap((g) => g.endpoints.map((e) => [escapeHtml(g.issuer), escapeHtml(e.chain), addr(e.chain, e.address), amt(e), escapeHtml(e.asset.contract ?? ''), escapeHtml(e.firstSeen)])),
    'no freezable balance left',
  );
  const stops = table(
    'stops-table',
    'Where the trace stopped',
    ['reason', 'endpoints', 'amount'],
    report.stops.map((s) => [escapeHtml(s.kind), String(s.count), s.totals.map(amt).join(' + ')]),
  );
  const seeds = table(
    'seeds-table',
    'Victim payments (seeds)',
    ['time (UTC)', 'chain', 'recipient', 'amount', 'transaction'],
    report.seeds.map((s) => [escapeHtml(s.time), escapeHtml(s.chain), addr(s.chain, s.address), amt(s), s.tx ? link(txUrl(s.chain, s.tx), s.tx) : '(address seed)']),
  );
  const conservation = report.conservation
    .map((l) => `<li class="${l.balanced ? 'ok' : 'gap'}"><strong>${l.balanced ? 'balanced' : 'GAP'}</strong> ${escapeHtml(`${l.asset.symbol} (${l.asset.chain})`)}: ${escapeHtml(l.explanation)}</li>`)
    .join('\n');
  const legend = Object.entries(CATEGORY_COLORS)
    .map(([k, color]) => `<li><span class="swatch" style="background:${color}"></span>${escapeHtml(k)}</li>`)
    .join('');
  const notes = [
    ...report.notes,
    ...(report.ignored.zeroValue || report.ignored.lookalikeToken || report.ignored.untracedAsset
      ? [`Ignored: ${report.ignored.zeroValue} zero-value, ${report.ignored.lookalikeToken} look-alike token and ${report.ignored.untracedAsset} other-asset transfer(s).`]
      : []),
  ];

  const libs = browserLibraries();
  const dataJson = jsonForScript(data);
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
  const csp = `default-src 'none'; script-src ${hash(libs)} ${hash(CLIENT_SCRIPT)}; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chaintrail">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #212529; background: #f8f9fa; }
  header { padding: 16px 24px; background: #212529; color: #f8f9fa; }
  header h1 { margin: 0 0 4px; font-size: 20px; }
  header p { margin: 0; color: #ced4da; }
  main { padding: 16px 24px; }
  section { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; overflow-x: auto; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  #graph-wrap { display: grid; grid-template-columns: 1fr 300px; gap: 12px; }
  #graph { position: relative; height: 560px; border: 1px solid #dee2e6; border-radius: 4px; background: #fff; }
  #graph canvas.overlay { position: absolute; left: 0; top: 0; pointer-events: none; }
  #tooltip { position: absolute; z-index: 10; max-width: 250px; background: #fff; border: 1px solid #adb5bd; border-radius: 4px; padding: 6px 8px; box-shadow: 0 2px 8px rgba(0,0,0,.2); pointer-events: none; font-size: 12px; }
  #tooltip dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin: 0; }
  #tooltip dt { color: #868e96; } #tooltip dd { margin: 0; word-break: break-all; }
  #legend ul { list-style: none; padding: 0; margin: 0 0 8px; }
  #legend li { margin: 2px 0; }
  .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 6px; vertical-align: -1px; }
  .ring { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; vertical-align: -1px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  caption { text-align: left; font-weight: 600; padding: 4px 0 8px; }
  th, td { border-bottom: 1px solid #e9ecef; padding: 4px 8px; text-align: left; vertical-align: top; }
  th { background: #f1f3f5; }
  .hash, .addr { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
  .badge { background: #fff3bf; border: 1px solid #f59f00; border-radius: 3px; padding: 0 4px; font-size: 11px; }
  .warning { color: #c92a2a; font-weight: 600; }
  li.ok strong { color: #2b8a3e; } li.gap strong { color: #c92a2a; }
  #path-panel ol { padding-left: 20px; } #path-panel h3 { font-size: 13px; margin: 8px 0 4px; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p>Case ${escapeHtml(c.reference ?? '(no reference)')} · jurisdiction ${escapeHtml(c.jurisdiction ?? 'unknown')} · taint model ${escapeHtml(report.settings.taint)} · max hops ${report.settings.maxHops} · min value ${escapeHtml(report.settings.minValue)} ·
  ${report.seeds.length} victim payment(s) · ${report.stats.addressesExpanded} addresses expanded · ${report.stats.transfersSeen} transfers read${report.complete ? '' : ' · <strong>INCOMPLETE TRACE</strong>'}</p>
</header>
<main>
<section id="graph-section">
  <h2>Flow of tainted funds: <span id="node-count">…</span> addresses, <span id="edge-count">…</span> tainted transfers</h2>
  <p id="graph-status">Loading the graph…</p>
  <div id="graph-wrap">
    <div id="graph"><div id="tooltip" hidden></div></div>
    <aside id="legend">
      <strong>Colour: category</strong>
      <ul>${legend}</ul>
      <ul><li><span class="ring" style="border:3px solid #212529"></span>seed recipient (victim payment arrived here)</li>
      <li><span class="ring" style="border:2px dashed #c2255c"></span>endpoint (a branch stopped here)</li>
      <li>Size: tainted amount received</li><li>Left to right: hops from the victim payment</li></ul>
      <button id="clear-path" type="button">Clear path</button>
      <div id="path-panel"></div>
    </aside>
  </div>
</section>
<section id="conservation"><h2>Conservation</h2><ul>${conservation}</ul></section>
<section>${exchanges}</section>
<section>${jurisdictions}</section>
<section>${freezeTable}</section>
<section>${stops}</section>
<section>${endpoints}</section>
<section>${seeds}</section>
${notes.length ? `<section id="notes"><h2>Notes</h2><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>` : ''}
</main>
<script type="application/json" id="chaintrail-data">${dataJson}</script>
<script>${libs}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
