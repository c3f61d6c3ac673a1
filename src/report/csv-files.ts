import type { AssetRef, TraceReport } from '../core/schema.js';
import { nodeIdentity, TraceEdges, type NodeIdentity } from '../engine/graph.js';
import type { TraceOutcome } from '../engine/run.js';
import { assetsByGraphKey, conversionEdgeIds, reportAssets } from './assets.js';
import { csvReport, sortEndpoints } from './build.js';
import { endpointCsvColumns, endpointsCsvPieces, conversionsCsvPieces, transfersCsvPieces, type CsvWriteProgress, type TransferEdgeList } from './csv.js';
import { statesDepositConfidence, statesLabelSource } from './endpoint.js';
import { reportAsset } from './figures.js';

/** One file of a trace's CSV export, its text made in pieces as they are consumed. */
export interface CsvFile {
  name: 'endpoints.csv' | 'transfers.csv' | 'conversions.csv';
  pieces(options?: { onProgress?: (progress: CsvWriteProgress) => void }): Generator<string, void, undefined>;
}

/**
 * A trace's CSV files (endpoints.csv, transfers.csv, and conversions.csv when the trace met a conversion) with the
 * bytes of reportToEndpointsCsv, graphToTransfersCsv and reportToConversionsCsv, made as they are written: endpoint
 * records one at a time when the report object was not read (`report` undefined), transfers.csv from the trace's
 * edges without building the graph. What endpoints.csv's header needs from every endpoint is read from the trace.
 */
export function traceCsvFiles(outcome: TraceOutcome, report: TraceReport | undefined): CsvFile[] {
  const shown = report ?? csvReport(outcome);
  const files: CsvFile[] = [
    {
      name: 'endpoints.csv',
      pieces: ({ onProgress } = {}) =>
        endpointsCsvPieces(
          shown.endpoints,
          report
            ? endpointCsvColumns(report.endpoints)
            : { labelled: outcome.endpoints.some(statesLabelSource), inferred: outcome.endpoints.some(statesDepositConfidence) },
          onProgress,
        ),
    },
    {
      name: 'transfers.csv',
      pieces: ({ onProgress } = {}) =>
        transfersCsvPieces(
          traceEdges(outcome),
          report ? reportAssets(report) : assetsByGraphKey(shown, endpointAssets(outcome)),
          conversionEdgeIds(shown),
          onProgress,
        ),
    },
  ];
  const conversions = shown.conversions;
  if (conversions) files.push({ name: 'conversions.csv', pieces: ({ onProgress } = {}) => conversionsCsvPieces({ conversions }, onProgress) });
  return files;
}

/**
 * The CSV files a report alone gives (endpoints.csv, and conversions.csv when it lists conversions), made in pieces;
 * transfers.csv needs the trace's edges.
 */
export function reportCsvFiles(report: TraceReport): CsvFile[] {
  const files: CsvFile[] = [
    { name: 'endpoints.csv', pieces: ({ onProgress } = {}) => endpointsCsvPieces(report.endpoints, endpointCsvColumns(report.endpoints), onProgress) },
  ];
  const { conversions } = report;
  if (conversions) files.push({ name: 'conversions.csv', pieces: ({ onProgress } = {}) => conversionsCsvPieces({ conversions }, onProgress) });
  return files;
}

/** The assets endpoint records show, in the report's order, each asset object once (reportAssets keeps the first of a key). */
function* endpointAssets(outcome: TraceOutcome): Generator<AssetRef, void, undefined> {
  const seen = new Set<AssetRef>();
  for (const e of sortEndpoints(outcome.endpoints)) {
    if (seen.has(e.asset)) continue;
    seen.add(e.asset);
    yield reportAsset(e.asset);
  }
}

/** The trace graph's edges with their ends' identities, walked from the trace (transfers.csv reads nothing else of the graph). */
function traceEdges(outcome: TraceOutcome): TransferEdgeList {
  const edges = new TraceEdges(outcome);
  const nodes = new Map<string, NodeIdentity>();
  const node = (key: string) => {
    let id = nodes.get(key);
    if (!id) nodes.set(key, (id = nodeIdentity(outcome, key)));
    return id as unknown as Record<string, unknown>;
  };
  return {
    length: edges.length,
    time: (i) => edges.time(i),
    tx: (i) => edges.tx(i),
    logIndex: (i) => edges.logIndex(i),
    at(i) {
      const { source, target, attributes } = edges.at(i);
      return { a: attributes, source, target, sa: node(source), ta: node(target) };
    },
  };
}
