import { InvalidInputError, TraceAbortedError, TraceIncompleteError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { TraceSettingsSchema, type TraceReport, type TraceSettings, type TraceSettingsInput } from '../core/schema.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { createLabelStore, layerLabelStores, type LabelStore } from '../labels/store.js';
import { createBuiltinLabelStore } from '../labels/builtin.js';
import { createBridgeRegistry, resolveBridgeDefinitions } from '../heuristics/bridges.js';
import { runTrace, type TraceProgress, type TraceRunStats } from '../engine/run.js';
import { bridgeDefinitionLabels } from '../engine/bridge-continuation.js';
import { buildTraceGraph, type TraceGraph } from '../engine/graph.js';
import { buildReport, packetReport, streamedReport, summaryReport } from '../report/build.js';
import { buildRequestPackets, eachRequestPacket, type RequestPacket, type StreamedPacket } from '../report/packets.js';
import { reportJsonChunks, writeReportJson, writeReportJsonSync, type ReportJsonOptions } from '../report/json-stream.js';
import { summaryPieces, type SummaryOptions } from '../report/summary.js';
import { traceCsvFiles, type CsvFile } from '../report/csv-files.js';

export type { TraceProgress, TraceRunStats } from '../engine/run.js';

/** Options of `trace()`: seeds, adapters, labels, settings, progress callback and AbortSignal. */
export interface TraceOptions extends TraceSettingsInput {
  /** Data sources; for each chain the first that supports it is used. */
  adapters: ChainAdapter[];
  labels?: LabelStore;
  /** Also use the curated labels shipped with chaintrail (after `labels`); default true. */
  builtinLabels?: boolean;
  onProgress?: (event: TraceProgress) => void;
  signal?: AbortSignal;
  /** Concurrent adapter calls per round (default 4). */
  concurrency?: number;
}

/** What `trace()` returns: the report, the graph (built on first read) and the run's figures. */
export interface TraceResult {
  /** The report, built on first read and kept (a service that only writes it to a file can skip it: `writeReport`). */
  readonly report: TraceReport;
  /** The tainted flow as a graphology graph, built on first access (a service that only wants the report skips it). */
  readonly graph: TraceGraph;
  run: TraceRunStats;
  /**
   * Writes the report as JSON (the bytes of `reportToJson(result.report)`) to a file or a Writable, chunk by chunk
   * (writeReportJson). When `report` was not read, the report is never held whole: its endpoint records are made one
   * at a time as they are written, so a trace of millions of transfers writes its report in the memory of the trace.
   */
  writeReport(target: string | NodeJS.WritableStream, options?: ReportJsonOptions): Promise<void>;
  /** The same bytes synchronously to a file (the CLI's `--format json --out FILE`). */
  writeReportSync(file: string, options?: ReportJsonOptions): void;
  /** The same bytes as chunks made as they are consumed (reportJsonChunks). */
  reportChunks(options?: ReportJsonOptions): Generator<Buffer, void, undefined>;
  /**
   * The text of `reportToSummary(result.report)` in pieces made as they are consumed; when `report` was not read, the
   * report object is never built (each endpoint record is made once, and only what the summary's tables show is kept).
   */
  summaryPieces(options?: SummaryOptions): Generator<string, void, undefined>;
  /**
   * The CSV export (endpoints.csv, transfers.csv, and conversions.csv after a conversion) with the bytes of
   * reportToEndpointsCsv, graphToTransfersCsv and reportToConversionsCsv, each file made in pieces as it is written:
   * the graph is not built, nor the report object when `report` was not read.
   */
  csvFiles(): CsvFile[];
  /**
   * The request packets (`buildRequestPackets(result.report)`); when `report` was not read, made from the endpoint
   * records the packets cite only (services' deposit addresses and wallets, freezable balances), so a trace whose report
   * object would not fit in memory still gets its packets.
   */
  requestPackets(): RequestPacket[];
  /**
   * The same packets, in the same order, each made when the one before was taken, its addresses made as they are read
   * (report/packets.ts `eachRequestPacket`): a caller that writes each holds one address at a time (the CLI's
   * `--packets`).
   */
  eachRequestPacket(): Generator<StreamedPacket, void, undefined>;
}

/** Validates trace settings (zod) and fills in the defaults; InvalidInputError names each bad field. */
export function parseTraceSettings(input: unknown): TraceSettings {
  if (typeof input === 'object' && input !== null && 'depositWindowHours' in input) {
    throw new InvalidInputError(
      'Invalid trace options: depositWindowHours was retired (deposit addresses are decided by where their outflows go, however late the sweep); remove it',
      { details: { option: 'depositWindowHours' } },
    );
  }
  return parseInput(TraceSettingsSchema, input, 'Invalid trace options');
}

/** Follows tainted funds outward from the seeds until every branch stops, and reports where they stopped. */
export async function trace(options: TraceOptions): Promise<TraceResult> {
  const { adapters, labels: own, builtinLabels = true, onProgress, signal, concurrency = 4, ...rest } = options;
  const labels = builtinLabels ? layerLabelStores(own ?? createLabelStore(), builtinStore()) : own;
  if (!Array.isArray(adapters) || adapters.length === 0) {
    throw new InvalidInputError('trace() needs at least one data source in `adapters`', { details: {} });
  }
  const settings = parseTraceSettings(rest);
  // The trace's own bridge definitions stop it like labeled bridges.
  const ownBridges = resolveBridgeDefinitions(settings.bridges);
  const withBridges = ownBridges.length > 0 ? layerLabelStores(createLabelStore(bridgeDefinitionLabels(ownBridges)), labels ?? createLabelStore()) : labels;
  const outcome = await runTrace(settings, adapters, withBridges, { onProgress, signal, concurrency }, createBridgeRegistry(ownBridges));
  let graph: TraceGraph | undefined;
  let report: TraceReport | undefined;
  // The report object when it was read, else one whose endpoint records are made as they are written.
  const toWrite = () => report ?? streamedReport(outcome);
  const result: TraceResult = {
    get report() {
      return (report ??= buildReport(outcome));
    },
    get graph() {
      return (graph ??= buildTraceGraph(outcome));
    },
    run: outcome.run,
    writeReport: (target, options) => writeReportJson(toWrite(), target, options),
    writeReportSync: (file, options) => writeReportJsonSync(toWrite(), file, options),
    reportChunks: (options) => reportJsonChunks(toWrite(), options),
    summaryPieces: (options) => summaryPieces(report ?? summaryReport(outcome), options),
    csvFiles: () => traceCsvFiles(outcome, report),
    requestPackets: () => buildRequestPackets(report ?? packetReport(outcome)),
    eachRequestPacket: () => eachRequestPacket(report ?? packetReport(outcome)),
  };
  if (outcome.failure instanceof TraceAbortedError) {
    throw new TraceAbortedError(outcome.failure.shortMessage, { details: outcome.failure.details, cause: outcome.failure.cause, partial: result });
  }
  if (outcome.failure) throw new TraceIncompleteError(result, outcome.failure);
  return result;
}

let builtin: LabelStore | undefined;
function builtinStore(): LabelStore {
  return (builtin ??= createBuiltinLabelStore());
}
