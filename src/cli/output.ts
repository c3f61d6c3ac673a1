import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InvalidInputError, ReportTooLargeError, withinStringLimit } from '../core/errors.js';
import type { TraceResult } from '../trace/trace.js';
import type { GraphFileProgress } from '../report/export-attributes.js';
import { gexfPieces } from '../report/gexf.js';
import { graphmlPieces } from '../report/graphml.js';
import { ExplorerSchema, reportToHtml, type Explorer } from '../report/html.js';
import { reportJsonChunks, writeReportJsonSync, type ReportWriteProgress } from '../report/json-stream.js';
import { reportCsvFiles } from '../report/csv-files.js';
import { summaryPieces } from '../report/summary.js';
import type { TraceReport } from '../core/schema.js';
import { createWriteProgress, megabytes, type WriteFigures } from './progress.js';
import { getChain } from '../core/chain.js';
import { linesInPieces } from '../core/pieces.js';
import { jsonChunks, writePiecesSync } from '../report/json-stream.js';
import { packetFileNamer, packetMarkdownLines, type RequestPacket, type StreamedPacket } from '../report/packets.js';

export const OUTPUT_FORMATS = ['summary', 'json', 'html', 'csv', 'gexf', 'graphml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUT_HELP = 'write to this file instead of stdout (csv: a directory, created if missing, for endpoints.csv and transfers.csv)';
export const PACKETS_HELP =
  'also write the request packets (one Markdown and one JSON file per exchange or service and per issuer of a freezable token) into this directory, created if missing';
export const EXPLORER_HELP = 'explorer link template for the HTML report, repeatable: CHAIN=URL with {tx} (and optionally CHAIN:address=URL with {address})';
export const OUTPUT_HELP =
  '\nOutputs (--format):\n' +
  '  summary   readable tables (default)          json     the TraceReport (input of `chaintrail report`)\n' +
  '  html      one offline file: interactive graph, tables per exchange/jurisdiction, freeze candidates\n' +
  '  csv       endpoints.csv + transfers.csv (+ conversions.csv after a swap) into --out DIR (formula-injection safe)\n' +
  '  gexf      Gephi (colour by category/endpoint)  graphml  yEd, Gephi, Cytoscape\n' +
  '  e.g. --format html --out report.html · --format csv --out csv/ · --explorer evm:56=https://bscscan.com/tx/{tx}\n';

export interface OutputOptions {
  format: string;
  out?: string;
  /** Directory for the request packets, written beside the output. */
  packets?: string;
  explorer?: string[];
  quiet?: boolean;
}

/** `--explorer ethereum=https://…/tx/{tx}` and `--explorer ethereum:address=https://…/address/{address}`. */
export function parseExplorerArgs(args: readonly string[]): Record<string, Explorer> {
  const out: Record<string, { tx?: string; address?: string }> = {};
  for (const arg of args) {
    const m = /^([^=:]+(?::\d+)?)(?::(tx|address))?=(.+)$/.exec(arg);
    if (!m)
      throw new InvalidInputError(`--explorer ${arg}: expected CHAIN=URL (e.g. ethereum=https://etherscan.io/tx/{tx})`, {
        details: { option: '--explorer', value: arg },
      });
    const chain = getChain(m[1]!).id;
    const kind = (m[2] ?? 'tx') as 'tx' | 'address';
    out[chain] = { ...out[chain], [kind]: m[3]! };
  }
  const explorers: Record<string, Explorer> = {};
  for (const [chain, e] of Object.entries(out)) {
    const parsed = ExplorerSchema.safeParse(e);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(`--explorer ${chain}: ${issue ? `${issue.path.join('.') || 'tx'}: ${issue.message}` : 'invalid'}`, {
        details: { option: '--explorer', chain },
      });
    }
    explorers[chain] = parsed.data;
  }
  return explorers;
}

/** Commander collector for `--explorer`: validated as it is parsed, so a typo fails before a long trace, not after. */
export function collectExplorer(value: string, previous: string[] = []): string[] {
  parseExplorerArgs([value]);
  return [...previous, value];
}

/** Writes a finished (or partial) trace in the chosen format to stdout or --out, and its request packets to --packets. */
export function writeOutput(
  result: Pick<TraceResult, 'report' | 'graph' | 'writeReportSync' | 'reportChunks' | 'summaryPieces' | 'csvFiles' | 'eachRequestPacket'>,
  opts: OutputOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): void {
  writeFormat(result, opts, io);
  if (opts.packets) writePackets(result.eachRequestPacket(), opts.packets, opts.quiet ? undefined : (path) => io.stderr.write(`wrote ${path}\n`), io.stderr);
}

/**
 * Two files (Markdown, JSON) per packet into `dir` (created if missing), each path handed to `list` (none when quiet);
 * a trace that reached no service and left no freezable balance says so on stderr. Packets are taken one at a time
 * (a packet made as it is asked for is dropped once written), and each file is written in pieces: a freeze request for
 * a token held at hundreds of thousands of addresses is larger than one string can be.
 */
export function writePackets(
  packets: Iterable<RequestPacket | StreamedPacket>,
  dir: string,
  list: ((path: string) => void) | undefined,
  stderr: NodeJS.WritableStream,
): void {
  const nameOf = packetFileNamer();
  mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const packet of packets) {
    const name = nameOf(packet);
    const markdown = join(dir, `${name}.md`);
    const json = join(dir, `${name}.json`);
    writePieces(linesInPieces(packetMarkdownLines(packet)), 'the request packet', markdown);
    writePieces(jsonChunks(packet), 'the request packet', json);
    list?.(markdown);
    list?.(json);
    written++;
  }
  if (list && written === 0) stderr.write('no exchange reached and no freezable balance left: no packets\n');
}

/** The outputs made from the trace graph, which a JSON report does not hold. */
const GRAPH_FORMATS = new Set(['html', 'gexf', 'graphml']);

const graphNeeded = (format: string) =>
  new InvalidInputError(
    `--format ${format} needs the trace graph, which a JSON report does not hold: run \`chaintrail trace … --format ${format}\` (or demo) instead`,
    {
      details: { option: '--format', value: format },
    },
  );

/**
 * A JSON report read back (`report convert`) as summary, json or csv, written in pieces as a trace's are: a report
 * read from a file can be larger than one string.
 */
export function writeReportOutput(
  readReport: () => TraceReport,
  opts: OutputOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): void {
  // Said before the report is read: reading a big one takes minutes.
  if (GRAPH_FORMATS.has(opts.format)) throw graphNeeded(opts.format);
  const report = readReport();
  writeFormat(
    {
      report,
      writeReportSync: (file, options) => writeReportJsonSync(report, file, options),
      reportChunks: (options) => reportJsonChunks(report, options),
      summaryPieces: (options) => summaryPieces(report, options),
      csvFiles: () => reportCsvFiles(report),
    },
    opts,
    io,
  );
}

function writeFormat(
  result: Pick<TraceResult, 'report' | 'writeReportSync' | 'reportChunks' | 'summaryPieces' | 'csvFiles'> & Partial<Pick<TraceResult, 'graph'>>,
  opts: OutputOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): void {
  const format = opts.format as OutputFormat;
  // JSON, the summary and CSV are written as they are made, from the trace (TraceResult.writeReport, summaryPieces,
  // csvFiles): neither the whole text nor the report object is held (V8 caps strings near 512 MB; a big trace's report
  // is gigabytes). A bar shows on a terminal, unless the text goes to that same terminal.
  if (format === 'json' || format === 'summary') {
    withWriteBar(opts, io, 'endpoint records', (update) => {
      const onProgress = (p: ReportWriteProgress) => update({ done: p.endpoints, of: p.of, bytes: p.bytes });
      if (format === 'summary') writePieces(result.summaryPieces({ onProgress }), 'the summary', opts.out, io.stdout);
      else if (opts.out) result.writeReportSync(opts.out, { onProgress });
      else writeJsonText(result.reportChunks({ onProgress }), io.stdout);
    });
    return;
  }
  if (format === 'csv') {
    if (!opts.out)
      throw new InvalidInputError('--format csv writes a file per table (endpoints.csv, transfers.csv, conversions.csv): give a directory with --out DIR', {
        details: { option: '--out' },
      });
    mkdirSync(opts.out, { recursive: true });
    for (const file of result.csvFiles()) {
      const path = join(opts.out, file.name);
      const progress = createWriteProgress(io.stderr, !opts.quiet, 'rows');
      let written: WriteFigures | undefined;
      try {
        writePieces(file.pieces({ onProgress: (p) => progress.update({ done: p.rows, of: p.of, bytes: p.bytes }) }), file.name, path);
      } finally {
        written = progress.done();
      }
      if (!opts.quiet) io.stderr.write(`wrote ${path}${written ? `: ${counted(written, 'rows')}` : ''}\n`);
    }
    return;
  }
  const { report, graph } = result;
  if (!graph) throw graphNeeded(format);
  // The graph files are written as they are made (a big trace's is longer than one string can be); the page is made whole.
  if (format === 'gexf' || format === 'graphml') {
    withWriteBar(opts, io, 'nodes and edges', (update) => {
      const onProgress = (p: GraphFileProgress) => update({ done: p.elements, of: p.of, bytes: p.bytes });
      const pieces = format === 'gexf' ? gexfPieces(graph, report, { onProgress }) : graphmlPieces(graph, report, { onProgress });
      writePieces(pieces, `the ${format === 'gexf' ? 'GEXF' : 'GraphML'} output`, opts.out, io.stdout);
    });
    return;
  }
  const text = madeWhole(format, report.endpoints.length, `the ${format} output`, () =>
    reportToHtml(report, graph, { explorers: parseExplorerArgs(opts.explorer ?? []) }),
  );
  if (opts.out) writeFileSync(opts.out, text);
  else io.stdout.write(text);
}

/**
 * Runs `write` with a write bar on stderr (shown on a terminal, unless the text itself goes to that same terminal),
 * then says `wrote FILE: N <unit>, X MB` when a file was written and stderr is a terminal.
 */
function withWriteBar(
  opts: OutputOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  unit: string,
  write: (update: (p: WriteFigures) => void) => void,
): void {
  const shown = !opts.quiet && (opts.out !== undefined || (io.stdout as { isTTY?: boolean }).isTTY !== true);
  const progress = createWriteProgress(io.stderr, shown, unit);
  let written: WriteFigures | undefined;
  try {
    write((p) => progress.update(p));
  } finally {
    written = progress.done();
  }
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  if (opts.out && written && !opts.quiet && terminal) io.stderr.write(`wrote ${opts.out}: ${counted(written, unit)}\n`);
}

/**
 * The text `make` returns, or, when it would be longer than a string can be (V8's RangeError "Invalid string
 * length"), a one-line ReportTooLargeError saying what to write instead.
 */
export function madeWhole(format: string, endpoints: number, what: string, make: () => string): string {
  return withinStringLimit(
    make,
    (cause) =>
      new ReportTooLargeError(
        `${what} of this trace (${endpoints.toLocaleString('en-US')} endpoints) is larger than one JavaScript string can be (about 512 MB): write --format json, summary or csv, which are written in pieces, or narrow the trace (--hops, --max-nodes, --min-value)`,
        { details: { format, endpoints }, cause },
      ),
  );
}

/** Text pieces to a file (created or replaced) or to stdout, each written as it comes. */
function writePieces(pieces: Iterable<string | Buffer>, what: string, file: string | undefined, out?: NodeJS.WritableStream): void {
  if (file) writePiecesSync(file, pieces, what);
  else for (const piece of pieces) out?.write(piece);
}

/** "N rows, X MB": what a file got. */
const counted = (w: WriteFigures, unit: string) => `${w.of.toLocaleString('en-US')} ${unit}, ${megabytes(w.bytes)}`;

/**
 * The JSON report to stdout in chunks, as text cut between characters (a reader decoding each chunk gets them whole).
 * Node writes to files and pipes synchronously on Linux, so the whole text is never held there either.
 */
function writeJsonText(chunks: Iterable<Buffer>, out: NodeJS.WritableStream): void {
  const decoder = new StringDecoder('utf8');
  for (const chunk of chunks) out.write(decoder.write(chunk));
  const rest = decoder.end();
  if (rest) out.write(rest);
}
