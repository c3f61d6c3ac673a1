import { linesInPieces } from '../core/pieces.js';
import type { TraceGraph } from '../engine/graph.js';
import type { AssetRef, Endpoint, TraceReport } from '../core/schema.js';
import { conversionEdgeId, conversionEdgeIds, displayAmount, isoTime, reportAssets } from './assets.js';

/**
 * CSV for spreadsheets (RFC 4180: comma separated, CRLF line ends, a field is quoted when it holds a comma, quote,
 * CR or LF, and quotes are doubled).
 *
 * Formula injection: a spreadsheet evaluates a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR. Labels come
 * from untrusted files, so every such cell is prefixed with a single quote (`'=HYPERLINK(…)` shows as text). This
 * applies to every cell, numbers included: a negative number string would also get the prefix, but amounts in a
 * report are never negative (base units and display units of tainted amounts), so numeric columns stay numeric.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** Progress of a CSV file written in pieces: rows made so far of all, and the bytes handed out. */
export interface CsvWriteProgress {
  rows: number;
  of: number;
  bytes: number;
}

/**
 * A CSV file as pieces of about 64 KiB: the header, then row `i` made by `row(i)` when it is reached (none kept).
 * `onProgress` hears each piece handed out, the last call exact.
 */
function* csvPieces(
  header: readonly string[],
  rows: number,
  row: (index: number) => readonly Cell[],
  onProgress?: (progress: CsvWriteProgress) => void,
): Generator<string, void, undefined> {
  function* lines(): Generator<string, void, undefined> {
    yield csvRow(header);
    for (let i = 0; i < rows; i++) yield csvRow(row(i));
  }
  let bytes = 0;
  let done = 0;
  for (const piece of linesInPieces(lines(), '\r\n', (lines) => (done = lines - 1))) {
    bytes += Buffer.byteLength(piece);
    onProgress?.({ rows: done, of: rows, bytes });
    yield piece;
  }
}

/** The columns of the endpoints CSV, in order. */
export const ENDPOINTS_CSV_HEADER = [
  'kind',
  'chain',
  'address',
  'entity',
  'category',
  'jurisdictions',
  'cross_border',
  'deposit_address',
  'deposit_inferred',
  'swept_to',
  'freezable_issuer',
  'asset_chain',
  'token_address',
  'symbol',
  'decimals',
  'amount',
  'amount_display',
  'hops',
  'first_seen',
  'last_seen',
  'txs',
  'path',
  'reason',
] as const;

/** Columns added to the endpoints CSV when an endpoint's label states its source and licence. */
export const LABEL_CSV_COLUMNS = ['label_source', 'label_licence'] as const;

/**
 * Columns added to the endpoints CSV when the report states the confidence of an inferred deposit address (every
 * service but an exchange whose deposit address rests on its sweeps alone, as in request packets): each inferred
 * deposit address's depositEvidence (README "Deposit addresses"), empty on every other row; tx lists separated by spaces.
 */
export const DEPOSIT_CSV_COLUMNS = [
  'deposit_confidence',
  'deposits',
  'sweeps',
  'received',
  'swept',
  'share_swept',
  'paid_elsewhere',
  'sweep_delay_min_s',
  'sweep_delay_max_s',
  'gas_top_ups',
  'gas_top_up_txs',
  'activation_tx',
  'activation_from',
  'forwarder',
  'sweep_txs',
] as const;

type Cell = string | number | boolean | null | undefined;

function depositCells(ev: Endpoint['depositEvidence']): Cell[] {
  if (!ev) return DEPOSIT_CSV_COLUMNS.map(() => '');
  return [
    ev.confidence,
    ev.deposits,
    ev.sweeps,
    ev.received,
    ev.swept,
    ev.shareSwept,
    ev.paidElsewhere,
    ev.sweepDelaySeconds?.min,
    ev.sweepDelaySeconds?.max,
    ev.gasTopUps?.count,
    ev.gasTopUps?.txs.join(' '),
    ev.activation?.tx,
    ev.activation?.from,
    ev.forwarder,
    ev.sweepTxs.join(' '),
  ];
}

/** The optional column groups of endpoints.csv, decided from every endpoint before the header is written. */
export interface EndpointCsvColumns {
  /** Some endpoint's label states its source and licence (LABEL_CSV_COLUMNS). */
  labelled: boolean;
  /** Some inferred deposit address's confidence is stated (DEPOSIT_CSV_COLUMNS). */
  inferred: boolean;
}

/** A report's endpoints as endpoints.csv reads them: an array, or records made as they are read (MadeList). */
export interface EndpointRecords {
  readonly length: number;
  at(index: number): Endpoint | undefined;
}

/**
 * endpoints.csv: one row per endpoint of the report (tx lists separated by spaces). The label source/licence columns
 * are added only when an endpoint has them, the deposit evidence columns only when an inferred deposit address's confidence is stated
 * (so reports of exchange deposit addresses inferred from sweeps alone keep their bytes).
 */
export function reportToEndpointsCsv(report: TraceReport): string {
  return [...endpointsCsvPieces(report.endpoints, endpointCsvColumns(report.endpoints))].join('');
}

/** The optional columns endpoints.csv gives these endpoint records. */
export function endpointCsvColumns(endpoints: readonly Endpoint[]): EndpointCsvColumns {
  return {
    labelled: endpoints.some((e) => e.labelSource !== undefined),
    inferred: endpoints.some((e) => e.depositEvidence?.confidence !== undefined),
  };
}

/** The text of endpoints.csv in pieces, each endpoint record read once when its row is reached. */
export function endpointsCsvPieces(
  endpoints: EndpointRecords,
  { labelled, inferred }: EndpointCsvColumns,
  onProgress?: (progress: CsvWriteProgress) => void,
): Generator<string, void, undefined> {
  return csvPieces(
    [...ENDPOINTS_CSV_HEADER, ...(labelled ? LABEL_CSV_COLUMNS : []), ...(inferred ? DEPOSIT_CSV_COLUMNS : [])],
    endpoints.length,
    (i) => {
      const e = endpoints.at(i)!;
      return [
        e.kind,
        e.chain,
        e.address,
        e.entity,
        e.category,
        e.jurisdictions?.join(';'),
        e.crossBorder === undefined ? '' : e.crossBorder === null ? 'unknown' : e.crossBorder,
        e.depositAddress,
        e.depositInferred,
        e.sweptTo?.join(' '),
        e.freezable?.issuer,
        e.asset.chain,
        e.asset.contract ?? '',
        e.asset.symbol,
        e.asset.decimals,
        e.amount,
        e.amountDisplay,
        e.hops,
        e.firstSeen,
        e.lastSeen,
        e.txs.join(' '),
        e.path.join(' '),
        e.reason,
        ...(labelled ? [e.labelSource, e.labelLicence] : []),
        ...(inferred ? depositCells(e.depositEvidence) : []),
      ];
    },
    onProgress,
  );
}

/** The columns of the transfers CSV, in order. */
export const TRANSFERS_CSV_HEADER = [
  'chain',
  'tx',
  'log_index',
  'type',
  'block',
  'block_timestamp',
  'from_address',
  'to_address',
  'from_entity',
  'to_entity',
  'token_address',
  'symbol',
  'amount',
  'amount_display',
  'tainted_amount',
  'tainted_display',
] as const;

/** An edge as a row of transfers.csv reads it: its attributes, and its ends with theirs (as graphology gives them). */
export interface TransferEdge {
  a: Record<string, unknown>;
  source: string;
  target: string;
  sa: Record<string, unknown>;
  ta: Record<string, unknown>;
}

/**
 * The edges of transfers.csv in the graph's order: what each is ordered by, read without making it, and the edge
 * itself, made when its row is written (the trace graph's, or walked from the trace: report/csv-files.ts).
 */
export interface TransferEdgeList {
  readonly length: number;
  time(index: number): number;
  tx(index: number): string;
  logIndex(index: number): unknown;
  at(index: number): TransferEdge;
}

/**
 * transfers.csv: every tainted movement of the trace graph, in chronological order (names as in ethereum-etl). When the
 * trace met a conversion, a last column `kind` says whether a row is a plain `transfer` or a `conversion` output.
 */
export function graphToTransfersCsv(graph: TraceGraph, report: TraceReport): string {
  const edges: TransferEdge[] = [];
  graph.forEachEdge((_key, a, source, target, sa, ta) => {
    edges.push({ a, source, target, sa, ta });
  });
  const list: TransferEdgeList = {
    length: edges.length,
    time: (i) => Number(edges[i]!.a.time),
    tx: (i) => String(edges[i]!.a.tx),
    logIndex: (i) => edges[i]!.a.logIndex,
    at: (i) => edges[i]!,
  };
  return [...transfersCsvPieces(list, reportAssets(report), conversionEdgeIds(report))].join('');
}

/**
 * The text of transfers.csv in pieces: the edges put in order by time, tx and log index (ties keep the graph's
 * order), each edge made and its row's cells written when it is reached. `assets` are the report's assets by graph
 * key (reportAssets), `conversions` its conversion outputs (conversionEdgeIds).
 */
export function transfersCsvPieces(
  edges: TransferEdgeList,
  assets: ReadonlyMap<string, AssetRef>,
  conversions: ReadonlySet<string>,
  onProgress?: (progress: CsvWriteProgress) => void,
): Generator<string, void, undefined> {
  const n = edges.length;
  const times = new Float64Array(n);
  const logIndexes = new Float64Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = edges.time(i);
    logIndexes[i] = Number(edges.logIndex(i) ?? 0);
    order[i] = i;
  }
  // The tx only between movements of the same second (its string is made then, not kept).
  order.sort((x, y) => {
    const byTime = times[x]! - times[y]!;
    if (byTime) return byTime;
    const tx = edges.tx(x);
    const other = edges.tx(y);
    return (tx < other ? -1 : tx > other ? 1 : 0) || logIndexes[x]! - logIndexes[y]! || x - y;
  });
  return csvPieces(
    conversions.size > 0 ? [...TRANSFERS_CSV_HEADER, 'kind'] : TRANSFERS_CSV_HEADER,
    n,
    (i) => {
      const { a, source, target, sa, ta } = edges.at(order[i]!);
      const asset = String(a.asset);
      const to = String(ta.address ?? target);
      const logIndex = a.logIndex === undefined || a.logIndex === null ? null : Number(a.logIndex);
      const cells: Cell[] = [
        String(sa.chain),
        String(a.tx),
        logIndex,
        a.type === undefined ? null : String(a.type),
        a.block === undefined || a.block === null ? null : Number(a.block),
        isoTime(Number(a.time)),
        String(sa.address ?? source),
        to,
        (sa.entity as string | null) ?? null,
        (ta.entity as string | null) ?? null,
        assets.get(asset)?.contract ?? (asset.endsWith(':native') ? '' : asset.slice(asset.indexOf(':') + 1)),
        String(a.symbol ?? ''),
        String(a.amount),
        displayAmount(assets, asset, String(a.amount)),
        String(a.taint),
        displayAmount(assets, asset, String(a.taint)),
      ];
      if (conversions.size > 0) cells.push(conversions.has(conversionEdgeId(String(a.tx), logIndex ?? -1, to, asset)) ? 'conversion' : 'transfer');
      return cells;
    },
    onProgress,
  );
}

/** The columns of the conversions CSV, in order. */
export const CONVERSIONS_CSV_HEADER = [
  'chain',
  'tx',
  'block',
  'block_timestamp',
  'contracts',
  'contract_entities',
  'asset_in_symbol',
  'asset_in_token_address',
  'tainted_in',
  'tainted_in_display',
  'total_in',
  'total_in_display',
  'share_tainted',
  'share_total',
  'share_percent',
  'asset_out_symbol',
  'asset_out_token_address',
  'amount_out',
  'amount_out_display',
  'tainted_out',
  'tainted_out_display',
  'recipients',
  'recipient_taints',
] as const;

/**
 * conversions.csv: one row per conversion of the report (a swap, wrap or unwrap inside a transaction); contracts,
 * their label names and the recipients with their tainted parts (base units) separated by spaces, in the same order.
 */
export function reportToConversionsCsv(report: Pick<TraceReport, 'conversions'>): string {
  return [...conversionsCsvPieces(report)].join('');
}

/** The text of conversions.csv in pieces. */
export function conversionsCsvPieces(
  report: Pick<TraceReport, 'conversions'>,
  onProgress?: (progress: CsvWriteProgress) => void,
): Generator<string, void, undefined> {
  const conversions = report.conversions ?? [];
  return csvPieces(
    CONVERSIONS_CSV_HEADER,
    conversions.length,
    (i) => {
      const c = conversions[i]!;
      return [
        c.chain,
        c.tx,
        c.block,
        c.time,
        c.contracts.map((k) => k.address).join(' '),
        c.contracts.map((k) => k.entity ?? '').join(';'),
        c.assetIn.symbol,
        c.assetIn.contract ?? '',
        c.taintedIn,
        c.taintedInDisplay,
        c.totalIn,
        c.totalInDisplay,
        c.share.tainted,
        c.share.total,
        c.share.percent.toFixed(2),
        c.assetOut.symbol,
        c.assetOut.contract ?? '',
        c.amountOut,
        c.amountOutDisplay,
        c.taintedOut,
        c.taintedOutDisplay,
        c.recipients.map((r) => r.to).join(' '),
        c.recipients.map((r) => r.taint).join(' '),
      ];
    },
    onProgress,
  );
}
