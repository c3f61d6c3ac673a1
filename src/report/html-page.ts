import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { missingDependency } from '../core/optional.js';
import type { TraceReport } from '../core/schema.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { CATEGORY_COLORS, EDGE_STYLES } from './graph-view.js';
import { CLIENT_SCRIPT } from './html-client.js';
import type { HtmlSections } from './html-tables.js';

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

/** The page's stylesheet (inline: the CSP allows no other). */
const STYLE = `  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #212529; background: #f8f9fa; }
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
  #path-panel ol { padding-left: 20px; } #path-panel h3 { font-size: 13px; margin: 8px 0 4px; word-break: break-all; }`;

/** The legend's entry for conversion edges (only on pages whose graph has one). */
const conversionLegend = `
      <li id="legend-conversion"><span class="swatch" style="background:${EDGE_STYLES.conversion.color};border-radius:0;height:${EDGE_STYLES.conversion.size}px"></span>thick dark edge: a conversion's output (a swap, wrap or unwrap paid it the tainted share of what went in)</li>`;

/** What the page shows: the title, the report (header figures, notes), its sections and the graph's data. */
export interface PageContent {
  title: string;
  report: TraceReport;
  sections: HtmlSections;
  data: unknown;
  /** The graph draws conversion outputs as their own kind of edge: the legend then names it. */
  conversionEdges?: boolean;
}

/** The page template: header, graph, sections, notes; the data as escaped JSON and the scripts allowed by hash. */
export function htmlPage({ title, report, sections, data, conversionEdges = false }: PageContent): string {
  const c = report.case;
  const { conservation, exchanges, jurisdictions, freezeTable, stops, endpoints, seeds, conversions } = sections;
  const legend = Object.entries(CATEGORY_COLORS)
    .map(([k, color]) => `<li><span class="swatch" style="background:${color}"></span>${escapeHtml(k)}</li>`)
    .join('');
  const notes = [
    ...report.notes,
    ...(report.ignored.zeroValue || report.ignored.lookalikeToken || report.ignored.untracedAsset
      ? [
          `Ignored: ${report.ignored.zeroValue} zero-value, ${report.ignored.lookalikeToken} look-alike token and ${report.ignored.untracedAsset} other-asset transfer(s).`,
        ]
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
${STYLE}
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
      <li><span class="ring" style="border:2px dashed #c2255c"></span>endpoint (a branch stopped here)</li>${conversionEdges ? conversionLegend : ''}
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
${conversions ? `<section id="conversions">${conversions}</section>\n` : ''}<section>${seeds}</section>
${notes.length ? `<section id="notes"><h2>Notes</h2><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>` : ''}
</main>
<script type="application/json" id="chaintrail-data">${dataJson}</script>
<script>${libs}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
