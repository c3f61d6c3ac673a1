import { formatAddress } from '../core/address.js';
import { assetKey } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import { crossBorder } from '../core/jurisdiction.js';
import { DEFAULT_MAX_MOVEMENTS, type AssetRef, type Category, type EndpointKind, type TraceReport } from '../core/schema.js';
import { isService } from '../core/service.js';
import type { EndpointData } from '../engine/endpoints.js';
import { FlowTransfer } from '../engine/flow-table.js';
import type { TraceOutcome } from '../engine/run.js';
import { resolveBridgeDefinitions } from '../heuristics/bridges.js';
import { isoTime } from './assets.js';
import { conservation } from './conservation.js';
import { conversionSection } from './conversions.js';
import { reportEndpoint, summaryEndpoint, type SummaryEndpoint } from './endpoint.js';
import { MadeList } from './made-list.js';
import { AddressNames } from './names.js';
import { cmp, money, reportAsset, totals } from './figures.js';

/** Endpoints by chain, address, asset key and kind (a stable sort: ties keep the engine's order). */
export function sortEndpoints(endpoints: readonly EndpointData[]): EndpointData[] {
  // Each asset's key made once (endpoints of one asset share its object), not twice per comparison.
  const keys = new Map<AssetRef, string>();
  const keyOf = (a: AssetRef) => {
    let k = keys.get(a);
    if (k === undefined) keys.set(a, (k = assetKey(a)));
    return k;
  };
  const compare = (a: EndpointData, b: EndpointData) =>
    cmp(a.chain, b.chain) || cmp(a.address, b.address) || cmp(keyOf(a.asset), keyOf(b.asset)) || cmp(a.kind, b.kind);
  // The engine lists them in this order already but for a few cases (chains whose names prefix each other, UTXO
  // endpoints added after): a pass finds out, and a list in order is taken as it is (a stable sort would keep it so).
  let ordered = true;
  for (let i = 1; i < endpoints.length && ordered; i++) ordered = compare(endpoints[i - 1]!, endpoints[i]!) <= 0;
  return ordered ? [...endpoints] : [...endpoints].sort(compare);
}

/** The finished trace -> the documented, deterministic TraceReport (no clock, sorted everywhere). */
export function buildReport(outcome: TraceOutcome): TraceReport {
  return assemble(outcome, (list, caseJurisdiction, names) => endpointRecords(list, caseJurisdiction, names).all(storageOrder(list)));
}

/**
 * The report with only the endpoint records request packets cite (report/packets.ts: a service's labeled endpoints,
 * whose deposit addresses the `exchanges` section lists, and the unspent endpoints of a freezable token, which
 * freeze.ts groups by issuer); every other section as buildReport makes it. `buildRequestPackets` gives the same packets
 * from it as from the whole report, for a trace whose report object would not fit in memory (TraceResult.requestPackets).
 */
export function packetReport(outcome: TraceOutcome): TraceReport {
  return assemble(outcome, (list, caseJurisdiction, names) => list.filter(citedByPackets).map((e) => reportEndpoint(e, caseJurisdiction, names)));
}

/** A labeled service's endpoint: the `exchanges` and `jurisdictions` sections are made of these. */
const labeledService = (e: EndpointData): boolean => isService(e.kind) && Boolean(e.label);
const citedByPackets = (e: EndpointData): boolean => labeledService(e) || (e.kind === 'unspent' && Boolean(e.freezable));

/**
 * The endpoints' indexes in the order of their first inflow's flow-table row (the others first, in list order). The
 * list is sorted by address, which scatters the rows an endpoint's record reads over the whole table; made in row
 * order, neighbouring records read neighbouring rows (at 1 M transfers the records are made 0.4–0.5 s faster).
 */
function storageOrder(list: readonly EndpointData[]): Int32Array {
  const n = list.length;
  const rows = new Float64Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const t = list[i]!.inflowEdges[0]?.transfer;
    rows[i] = t instanceof FlowTransfer ? t.m + 1 : 0;
    if (rows[i]! > top) top = rows[i]!;
  }
  // Each index as one number, row * span + index, sorted by the native numeric sort (no comparator called back).
  const span = 2 ** Math.ceil(Math.log2(n + 1));
  if ((top + 1) * span > Number.MAX_SAFE_INTEGER) return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => rows[a]! - rows[b]! || a - b);
  for (let i = 0; i < n; i++) rows[i] = rows[i]! * span + i;
  rows.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = rows[i]! % span;
  return order;
}

/**
 * The same report with its endpoint records made one at a time as a writer reads them (json-stream.ts), none kept:
 * what `TraceResult.writeReport` writes when the report object was not asked for. The other sections are built as
 * usual (they are summaries of the endpoints, read from the engine's outcome).
 */
export type StreamedReport = Omit<TraceReport, 'endpoints'> & { endpoints: MadeList<TraceReport['endpoints'][number]> };

export function streamedReport(outcome: TraceOutcome): StreamedReport {
  return assemble(outcome, endpointRecords);
}

/** The streamed report's sections, its endpoint records without the request detail (inflows, outflows, victims) endpoints.csv does not show. */
export function csvReport(outcome: TraceOutcome): StreamedReport {
  return assemble(outcome, (list, caseJurisdiction, names) => endpointRecords(list, caseJurisdiction, names, false));
}

/**
 * The report's sections in their documented order, its endpoint records made by `records`. One `names` shows every
 * address of the report (each checksummed once): the records and the exchanges section share it.
 */
function assemble<E>(
  outcome: TraceOutcome,
  records: (list: readonly EndpointData[], caseJurisdiction: string | undefined, names: AddressNames) => E,
): Omit<TraceReport, 'endpoints'> & { endpoints: E } {
  const names = new AddressNames();
  const caseJurisdiction = outcome.settings.caseJurisdiction;
  const list = sortEndpoints(outcome.endpoints);
  const serviceEndpoints = list.filter(labeledService);
  const conversions = conversionSection(outcome);
  return {
    format: 'chaintrail-trace',
    version: 1,
    case: {
      ...(outcome.settings.caseReference ? { reference: outcome.settings.caseReference } : {}),
      ...(caseJurisdiction ? { jurisdiction: caseJurisdiction } : {}),
    },
    settings: reportSettings(outcome),
    sources: outcome.sources,
    seeds: seedRows(outcome),
    ...(conversions ? { conversions } : {}),
    endpoints: records(list, caseJurisdiction, names),
    exchanges: serviceSection(serviceEndpoints, caseJurisdiction, names),
    jurisdictions: jurisdictionSection(serviceEndpoints, caseJurisdiction),
    conservation: conservation(outcome, list),
    stops: stopSection(list),
    ignored: outcome.ignored,
    notes: outcome.notes,
    evidence: outcome.evidence,
    stats: outcome.stats,
    complete: !outcome.failure,
  };
}

/** The report's sections as `streamedReport` gives them, each endpoint record with only the fields the summary shows. */
export function summaryReport(outcome: TraceOutcome): Omit<TraceReport, 'endpoints'> & { endpoints: MadeList<SummaryEndpoint> } {
  return assemble(outcome, (list, _, names) => new MadeList(list.length, (i) => summaryEndpoint(list[i]!, names)));
}

/** The endpoint records, each made when read (the report object reads them all once), names shown once per flow node. */
function endpointRecords(
  list: readonly EndpointData[],
  caseJurisdiction: string | undefined,
  names: AddressNames,
  detail = true,
): MadeList<TraceReport['endpoints'][number]> {
  return new MadeList(list.length, (i) => reportEndpoint(list[i]!, caseJurisdiction, names, detail));
}

/** The settings the trace ran with; bridge settings only when they applied. */
function reportSettings(outcome: TraceOutcome): TraceReport['settings'] {
  const { settings } = outcome;
  return {
    taint: settings.taint,
    maxHops: settings.maxHops,
    minValue: settings.minValue,
    maxNodes: settings.maxNodes,
    maxDegree: settings.maxDegree,
    ...(settings.maxMovements !== DEFAULT_MAX_MOVEMENTS ? { maxMovements: settings.maxMovements } : {}),
    ...(settings.from !== undefined ? { from: isoTime(settings.from) } : {}),
    ...(settings.to !== undefined ? { to: isoTime(settings.to) } : {}),
    depositTolerance: settings.depositTolerance,
    peelMode: settings.peelMode,
    ...(settings.bridges.length > 0
      ? {
          bridges: resolveBridgeDefinitions(settings.bridges).map((b) => ({
            chain: b.chain,
            address: formatAddress(b.chain, b.address),
            protocol: b.protocol,
            name: b.name,
          })),
        }
      : {}),
    ...(outcome.handovers.length > 0 ? { bridgeWindowHours: settings.bridgeWindowHours, bridgeTolerance: settings.bridgeTolerance } : {}),
  };
}

/** Every seed payment, in time order. */
function seedRows(outcome: TraceOutcome): TraceReport['seeds'] {
  return outcome.seeds
    .flatMap((s) => s.transfers.map((t) => ({ s, t })))
    .sort((a, b) => a.t.time - b.t.time || cmp(a.t.tx, b.t.tx) || a.t.logIndex - b.t.logIndex)
    .map(({ s, t }) => ({
      chain: t.chain,
      kind: s.kind,
      ...(s.kind === 'tx' ? { tx: t.tx } : {}),
      address: formatAddress(t.chain, t.to),
      asset: reportAsset(t.asset),
      ...money(t.asset, t.amount),
      time: isoTime(t.time),
    }));
}

/**
 * Service endpoints per entity and category (`exchanges[]`): where they are, what each deposit address received.
 * The category is written only when it is not `exchange`, so a trace that reaches only exchanges reads as before.
 */
function serviceSection(serviceEndpoints: EndpointData[], caseJurisdiction: string | undefined, names: AddressNames): TraceReport['exchanges'] {
  const byEntity = groupBy(serviceEndpoints, (e) => `${e.label!.entity}\u0000${e.kind}`);
  return [...byEntity.keys()].sort().map((key) => {
    const own = byEntity.get(key)!;
    const { entity } = own[0]!.label!;
    const category = own[0]!.kind;
    const jurisdictions = [...new Set(own.flatMap((e) => e.label!.jurisdictions))].sort();
    const cb = crossBorder(jurisdictions, caseJurisdiction);
    return {
      entity,
      ...(category !== 'exchange' ? { category: category as Category } : {}),
      jurisdictions,
      crossBorder: cb.crossBorder,
      crossBorderReason: cb.reason,
      totals: totals(own),
      depositAddresses: own.map((e) => ({
        chain: e.chain,
        address:
          e.depositAddress && e.depositAddress !== e.address
            ? formatAddress(e.chain, e.depositAddress)
            : names.address(e.chain, e.address, e.inflowEdges[0]?.transfer),
        inferred: e.depositInferred ?? false,
        asset: reportAsset(e.asset),
        ...money(e.asset, e.amount),
        firstSeen: isoTime(e.firstSeen),
        lastSeen: isoTime(e.lastSeen),
        txs: e.txs,
      })),
    };
  });
}

/** Labeled service endpoints per set of jurisdictions ('unknown' when a label names none). */
function jurisdictionSection(serviceEndpoints: EndpointData[], caseJurisdiction: string | undefined): TraceReport['jurisdictions'] {
  const byJurisdiction = groupBy(serviceEndpoints, (e) => (e.label!.jurisdictions.length ? [...e.label!.jurisdictions].sort().join(';') : 'unknown'));
  return [...byJurisdiction.keys()].sort().map((key) => {
    const own = byJurisdiction.get(key)!;
    return {
      jurisdiction: key,
      crossBorder: crossBorder(key === 'unknown' ? [] : key.split(';'), caseJurisdiction).crossBorder,
      entities: [...new Set(own.map((e) => e.label!.entity))].sort(),
      totals: totals(own),
    };
  });
}

/** Endpoints per kind: how many, and what they hold. */
function stopSection(list: EndpointData[]): TraceReport['stops'] {
  const byKind = groupBy(list, (e) => e.kind);
  return ([...byKind.keys()].sort() as EndpointKind[]).map((kind) => {
    const own = byKind.get(kind)!;
    return { kind, count: own.length, totals: totals(own) };
  });
}
