import type { TraceReport } from '../core/schema.js';
import { escapeHtml } from './escape.js';
import { freezeCandidates } from './freeze.js';

/** Explorer links of one page: a transaction or address as a link when its chain has a template, as text otherwise. */
export interface Links {
  tx(chain: string, tx: string): string;
  addr(chain: string, address: string): string;
}

/** The report's sections as HTML, every string escaped (labels come from untrusted files). */
export interface HtmlSections {
  conservation: string;
  exchanges: string;
  jurisdictions: string;
  freezeTable: string;
  stops: string;
  endpoints: string;
  seeds: string;
  /** The conversions table; empty when the report has no conversions (the page then has no such section). */
  conversions: string;
}

export function link(url: string | null, text: string, cls = 'hash'): string {
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

const txLinks = (links: Links, chain: string, txs: string[]) => txs.map((t) => links.tx(chain, t)).join('<br>');

/** Every table and list of the page, from the report alone. */
export function htmlSections(report: TraceReport, links: Links): HtmlSections {
  return {
    conservation: conservationList(report),
    exchanges: exchangesTable(report, links),
    jurisdictions: jurisdictionsTable(report),
    freezeTable: freezeTable(report, links),
    stops: stopsTable(report),
    endpoints: endpointsTable(report, links),
    seeds: seedsTable(report, links),
    conversions: conversionsTable(report, links),
  };
}

/** Per exchange, one row per deposit address. */
function exchangesTable(report: TraceReport, links: Links): string {
  return table(
    'exchanges-table',
    'Per exchange: deposit addresses (freeze and disclosure requests go here)',
    ['entity', 'jurisdiction', 'cross-border', 'deposit address', 'inferred', 'amount', 'first seen (UTC)', 'last seen (UTC)', 'transactions'],
    report.exchanges.flatMap((x) =>
      x.depositAddresses.map((d) => [
        escapeHtml(x.category ? `${x.entity} (${x.category})` : x.entity),
        escapeHtml(x.jurisdictions.join(';') || 'unknown'),
        `<span title="${escapeHtml(x.crossBorderReason)}">${cross(x.crossBorder)}</span>`,
        links.addr(d.chain, d.address),
        d.inferred ? 'yes' : 'no',
        amt(d),
        escapeHtml(d.firstSeen),
        escapeHtml(d.lastSeen),
        txLinks(links, d.chain, d.txs),
      ]),
    ),
    'no exchange reached',
  );
}

/** Per jurisdiction: its entities and totals. */
function jurisdictionsTable(report: TraceReport): string {
  return table(
    'jurisdictions-table',
    'Per jurisdiction',
    ['jurisdiction', 'cross-border', 'entities', 'total'],
    report.jurisdictions.map((j) => [escapeHtml(j.jurisdiction), cross(j.crossBorder), escapeHtml(j.entities.join(', ')), j.totals.map(amt).join(' + ')]),
  );
}

/** Every endpoint with the stop that ended its branch. */
function endpointsTable(report: TraceReport, links: Links): string {
  return table(
    'endpoints-table',
    'Endpoints: where every branch stopped',
    ['kind', 'chain', 'address', 'entity', 'amount', 'hops', 'transactions in', 'reason'],
    report.endpoints.map((e) => [
      escapeHtml(e.kind) + (e.freezable ? ' <span class="badge">freezable</span>' : ''),
      escapeHtml(e.chain),
      links.addr(e.chain, e.address),
      escapeHtml(e.entity ?? ''),
      amt(e),
      String(e.hops),
      txLinks(links, e.chain, e.txs),
      escapeHtml(e.reason),
    ]),
  );
}

/** Freeze candidates per issuer. */
function freezeTable(report: TraceReport, links: Links): string {
  const freeze = freezeCandidates(report);
  return table(
    'freeze-table',
    'Freeze candidates: unspent tainted balances in issuer-freezable stablecoins',
    ['issuer', 'chain', 'address', 'amount', 'token contract', 'since (UTC)'],
    freeze.flatMap((g) =>
      g.endpoints.map((e) => [
        escapeHtml(g.issuer),
        escapeHtml(e.chain),
        links.addr(e.chain, e.address),
        amt(e),
        escapeHtml(e.asset.contract ?? ''),
        escapeHtml(e.firstSeen),
      ]),
    ),
    'no freezable balance left',
  );
}

/** Endpoints per stop reason. */
function stopsTable(report: TraceReport): string {
  return table(
    'stops-table',
    'Where the trace stopped',
    ['reason', 'endpoints', 'amount'],
    report.stops.map((s) => [escapeHtml(s.kind), String(s.count), s.totals.map(amt).join(' + ')]),
  );
}

/** Conversions inside transactions: what went in, the share tainted, what came out and who received it. */
function conversionsTable(report: TraceReport, links: Links): string {
  if (!report.conversions?.length) return '';
  return table(
    'conversions-table',
    'Conversions: swaps, wraps and unwraps inside a transaction (the tainted share of what went in makes the tainted part of what came out)',
    ['time (UTC)', 'chain', 'transaction', 'contracts', 'tainted in', 'share tainted', 'out', 'tainted out', 'recipients (tainted part)'],
    report.conversions.map((c) => [
      escapeHtml(c.time),
      escapeHtml(c.chain),
      links.tx(c.chain, c.tx),
      c.contracts.map((k) => (k.entity ? `${escapeHtml(k.entity)} ` : '') + links.addr(c.chain, k.address)).join('<br>'),
      escapeHtml(`${c.taintedInDisplay} ${c.assetIn.symbol} of ${c.totalInDisplay} (${c.assetIn.chain})`),
      `<span title="${escapeHtml(`${c.share.tainted}/${c.share.total}`)}">${escapeHtml(`${c.share.percent.toFixed(2)} %`)}</span>`,
      escapeHtml(`${c.amountOutDisplay} ${c.assetOut.symbol}`),
      escapeHtml(`${c.taintedOutDisplay} ${c.assetOut.symbol}`),
      c.recipients.map((r) => `${links.addr(c.chain, r.to)} ${escapeHtml(r.taintDisplay)}`).join('<br>'),
    ]),
  );
}

/** The victim payments. */
function seedsTable(report: TraceReport, links: Links): string {
  return table(
    'seeds-table',
    'Victim payments (seeds)',
    ['time (UTC)', 'chain', 'recipient', 'amount', 'transaction'],
    report.seeds.map((s) => [
      escapeHtml(s.time),
      escapeHtml(s.chain),
      links.addr(s.chain, s.address),
      amt(s),
      s.tx ? links.tx(s.chain, s.tx) : '(address seed)',
    ]),
  );
}

/** One line per asset: balanced or a gap, with the explanation. */
function conservationList(report: TraceReport): string {
  return report.conservation
    .map(
      (l) =>
        `<li class="${l.balanced ? 'ok' : 'gap'}"><strong>${l.balanced ? 'balanced' : 'GAP'}</strong> ${escapeHtml(`${l.asset.symbol} (${l.asset.chain})`)}: ${escapeHtml(l.explanation)}</li>`,
    )
    .join('\n');
}
