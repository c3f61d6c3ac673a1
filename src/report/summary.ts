import type { TraceReport } from '../core/schema.js';
import type { SummaryEndpoint } from './endpoint.js';
import { append, largest } from '../core/lists.js';
import { linesInPieces } from '../core/pieces.js';
import type { ReportWriteProgress } from './json-stream.js';

type Cell = string;

/**
 * A report whose endpoint records may be made as they are read: the report object, or the one a trace result streams
 * (report/build.ts `streamedReport`: its endpoints a MadeList). The summary reads each record once.
 */
export type SummaryReport = Omit<TraceReport, 'endpoints'> & { endpoints: { readonly length: number; at(index: number): SummaryEndpoint | undefined } };

/** A table's lines: the header, a rule, a line per row (columns as wide as their widest cell). */
function* table(headers: Cell[], rows: Cell[][], rightAligned: number[] = []): Generator<string, void, undefined> {
  const widths = headers.map((h, i) =>
    largest(
      rows.map((r) => (r[i] ?? '').length),
      h.length,
    ),
  );
  const fmt = (cells: Cell[]) =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  yield fmt(headers);
  yield widths.map((w) => '-'.repeat(w)).join('  ');
  for (const row of rows) yield fmt(row);
}

const cb = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no (domestic)' : 'unknown');
const short = (a: string) => (a.length > 20 ? `${a.slice(0, 10)}…${a.slice(-8)}` : a);
const amount = (t: { amountDisplay: string; asset: { symbol: string; chain: string } }) => `${t.amountDisplay} ${t.asset.symbol} (${t.asset.chain})`;

function* chained(sections: Iterable<string>[]): Generator<string, void, undefined> {
  for (const section of sections) yield* section;
}

/** A human-readable summary: per exchange, per jurisdiction, every endpoint, cuts and the conservation line. */
export function reportToSummary(report: TraceReport): string {
  return [...summaryPieces(report)].join('');
}

/**
 * The text of `reportToSummary` in pieces, made as they are consumed: a summary of hundreds of thousands of endpoints
 * is tens of megabytes, and from a streamed report it is written without the report object (each endpoint record is
 * made once, and only the cells its rows show are kept).
 */
export function* summaryPieces(report: SummaryReport, options: SummaryOptions = {}): Generator<string, void, undefined> {
  const { onProgress } = options;
  const of = report.endpoints.length;
  const rows = endpointRows(report.endpoints, onProgress && ((endpoints) => onProgress({ endpoints, of, bytes: 0 })));
  let bytes = 0;
  const sections: Iterable<string>[] = [
    heading(report),
    exchangeLines(report),
    endpointLines(rows),
    conversionLines(report),
    crossingLines(rows),
    balanceLines(report),
  ];
  for (const piece of linesInPieces(chained(sections))) {
    bytes += Buffer.byteLength(piece);
    onProgress?.({ endpoints: of, of, bytes });
    yield piece;
  }
}

export interface SummaryOptions {
  /**
   * Called as the endpoint records are read (every 4,096, `bytes` 0: no text is made before they all are) and as
   * each piece is handed out (`bytes`: UTF-8 bytes so far); the last call has the whole size.
   */
  onProgress?: (progress: ReportWriteProgress) => void;
}

/** How often the endpoint pass reports. */
const PROGRESS_EVERY = 4096;

/** The cells the summary shows of each endpoint (the endpoints, freeze candidates and bridge crossings tables), read in one pass. */
interface EndpointRows {
  all: Cell[][];
  freeze: Cell[][];
  crossings: Cell[][];
}

function endpointRows(endpoints: SummaryReport['endpoints'], onRead: ((done: number) => void) | undefined): EndpointRows {
  const rows: EndpointRows = { all: [], freeze: [], crossings: [] };
  for (let i = 0; i < endpoints.length; i++) {
    if (onRead && i % PROGRESS_EVERY === 0) onRead(i);
    const e = endpoints.at(i)!;
    rows.all.push([e.kind + (e.freezable ? ' (freezable)' : ''), e.chain, e.address, e.entity ?? '', amount(e), String(e.hops), e.reason]);
    if (e.freezable) rows.freeze.push([e.freezable.issuer, e.chain, e.address, amount(e)]);
    for (const d of e.bridge?.deposits ?? []) rows.crossings.push(crossingRow(e.bridge!.name, d));
  }
  return rows;
}

/** The case, the settings, the seeds. */
function heading(report: SummaryReport): string[] {
  const c = report.case;
  return [
    `chaintrail trace${c.reference ? ` — case ${c.reference}` : ''}${c.jurisdiction ? ` (jurisdiction ${c.jurisdiction})` : ''}`,
    `taint model ${report.settings.taint}, max hops ${report.settings.maxHops}, min value ${report.settings.minValue}; ` +
      `${report.seeds.length} seed payment(s), ${report.stats.addressesExpanded} addresses expanded, ${report.stats.transfersSeen} transfers read`,
    '',
    'Seeds',
    ...table(
      ['time (UTC)', 'chain', 'recipient', 'amount', 'tx'],
      report.seeds.map((s) => [s.time, s.chain, short(s.address), amount(s), short(s.tx ?? '(address seed)')]),
      [3],
    ),
  ];
}

/** Per exchange (deposit addresses) and per jurisdiction. */
function exchangeLines(report: SummaryReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push('Exchanges');
  if (report.exchanges.length === 0) out.push('(none reached)');
  else
    append(
      out,
      table(
        ['entity', 'jurisdiction', 'cross-border', 'deposit address', 'inferred', 'amount', 'first seen', 'last seen'],
        report.exchanges.flatMap((x) =>
          x.depositAddresses.map((d) => [
            x.category ? `${x.entity} (${x.category})` : x.entity,
            x.jurisdictions.join(';') || 'unknown',
            cb(x.crossBorder),
            d.address,
            d.inferred ? 'yes' : 'no',
            amount(d),
            d.firstSeen,
            d.lastSeen,
          ]),
        ),
        [5],
      ),
    );
  out.push('');
  out.push('By jurisdiction');
  if (report.jurisdictions.length === 0) out.push('(none)');
  else
    append(
      out,
      table(
        ['jurisdiction', 'cross-border', 'entities', 'total'],
        report.jurisdictions.map((j) => [j.jurisdiction, cb(j.crossBorder), j.entities.join(', '), j.totals.map(amount).join(' + ')]),
      ),
    );
  return out;
}

/** Every endpoint, then the freeze candidates among them. */
function* endpointLines(rows: EndpointRows): Generator<string, void, undefined> {
  yield '';
  yield 'Endpoints';
  yield* table(['kind', 'chain', 'address', 'entity', 'amount', 'hops', 'reason'], rows.all, [4, 5]);
  if (rows.freeze.length === 0) return;
  yield '';
  yield 'Freeze candidates (unspent, issuer-freezable stablecoins)';
  yield* table(['issuer', 'chain', 'address', 'amount'], rows.freeze, [3]);
}

/** Conversions inside transactions (swaps, wraps, unwraps), one row each (nothing when there are none). */
function conversionLines(report: SummaryReport): string[] {
  if (!report.conversions?.length) return [];
  const contracts = (c: NonNullable<TraceReport['conversions']>[number]) =>
    c.contracts.map((k) => (k.entity ? `${k.entity} (${short(k.address)})` : short(k.address))).join(', ');
  return [
    '',
    'Conversions (swaps, wraps, unwraps inside a transaction)',
    ...table(
      ['time (UTC)', 'chain', 'tx', 'contracts', 'tainted in', 'share tainted', 'out', 'tainted out', 'recipients'],
      report.conversions.map((c) => [
        c.time,
        c.chain,
        short(c.tx),
        contracts(c),
        `${c.taintedInDisplay} ${c.assetIn.symbol} of ${c.totalInDisplay}`,
        `${c.share.percent.toFixed(2)}% (${c.share.tainted}/${c.share.total})`,
        `${c.amountOutDisplay} ${c.assetOut.symbol}`,
        `${c.taintedOutDisplay} ${c.assetOut.symbol}`,
        c.recipients.map((r) => `${short(r.to)} ${r.taintDisplay}`).join(', '),
      ]),
      [4, 6, 7],
    ),
    ...[...new Set(report.conversions.flatMap((c) => (c.notes ?? []).map((n) => `  ${short(c.tx)}: ${n}`)))],
  ];
}

/** Deposits into bridges and whether each was continued on the destination chain (nothing when there are none). */
function* crossingLines(rows: EndpointRows): Generator<string, void, undefined> {
  if (rows.crossings.length === 0) return;
  yield '';
  yield 'Bridge crossings';
  yield* table(['bridge', 'deposit tx', 'deposit id', 'to chain', 'recipient', 'continued'], rows.crossings);
}

type BridgeDeposit = NonNullable<NonNullable<SummaryEndpoint['bridge']>['deposits']>[number];

function crossingRow(bridge: string, d: BridgeDeposit): Cell[] {
  return [
    bridge,
    short(d.tx),
    d.depositId ?? '',
    d.destinationChain ?? d.destinationNetwork ?? d.destinationChainId ?? '',
    d.recipient ?? '',
    d.continuation
      ? `${d.continuation.taintedDisplay} ${d.continuation.asset.symbol} in ${short(d.continuation.tx)} (${d.continuation.match === 'protocol-id' ? 'deposit id' : `amount+time, ${d.continuation.confidence}`})`
      : `no: ${d.note ?? 'not traced'}`,
  ];
}

/** Where the trace stopped, conservation, what was ignored, notes and the incomplete warning. */
function balanceLines(report: SummaryReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push('Where the trace stopped');
  append(
    out,
    table(
      ['reason', 'endpoints', 'amount'],
      report.stops.map((s) => [s.kind, String(s.count), s.totals.map(amount).join(' + ')]),
      [1],
    ),
  );
  out.push('');
  out.push('Conservation');
  for (const line of report.conservation) out.push(`${line.balanced ? 'ok ' : 'GAP'} ${line.asset.symbol} (${line.asset.chain}): ${line.explanation}`);
  const ig = report.ignored;
  if (ig.zeroValue || ig.lookalikeToken || ig.untracedAsset) {
    out.push('');
    out.push(
      `Ignored: ${ig.zeroValue} zero-value transfer(s), ${ig.lookalikeToken} look-alike token transfer(s), ${ig.untracedAsset} transfer(s) of other assets`,
    );
  }
  for (const note of report.notes) out.push(`Note: ${note}`);
  if (!report.complete) out.push('WARNING: this trace is incomplete.');
  return out;
}
