import { formatAddress } from '../core/address.js';
import { formatUnits } from '../core/asset.js';
import { crossBorder } from '../core/jurisdiction.js';
import { compareTransfers, type AccountTransfer } from '../core/movement.js';
import type { Endpoint } from '../core/schema.js';
import type { TaintedEdge } from '../engine/allocate.js';
import { requestable, type BridgeData, type EndpointData } from '../engine/endpoints.js';
import { FlowTransfer } from '../engine/flow-table.js';
import type { DepositEvidence } from '../heuristics/deposit.js';
import { isoTime } from './assets.js';
import { amountText, money, reportAsset } from './figures.js';
import type { AddressNames } from './names.js';

/** One endpoint as the report writes it. Fields added one by one in the documented order: the same JSON as a literal
 * with conditional spreads, built without a spread per optional field (a report can hold hundreds of thousands).
 * `detail` false leaves out what a request needs (inflows, outflows, victims, unattributed): endpoints.csv shows none. */
export function reportEndpoint(e: EndpointData, caseJurisdiction: string | undefined, names: AddressNames, detail = true): Endpoint {
  const address = names.address(e.chain, e.address, e.inflowEdges[0]?.transfer);
  if (plain(e)) return plainEndpoint(e, address, names, detail);
  const out: Record<string, unknown> = { kind: e.kind, reason: e.reason, chain: e.chain, address };
  if (e.label) {
    out.entity = e.label.entity;
    out.category = e.label.category;
    out.jurisdictions = [...e.label.jurisdictions];
    out.crossBorder = crossBorder(e.label.jurisdictions, caseJurisdiction).crossBorder;
    if (statesLabelSource(e)) {
      out.labelSource = e.label.source;
      out.labelLicence = e.label.licence;
    }
  }
  if (e.depositAddress) {
    out.depositAddress = e.depositAddress === e.address ? address : formatAddress(e.chain, e.depositAddress);
    out.depositInferred = e.depositInferred ?? false;
  }
  if (e.sweptTo) out.sweptTo = e.sweptTo.map((a) => formatAddress(e.chain, a));
  if (e.depositEvidence) out.depositEvidence = reportDepositEvidence(e.depositEvidence, e);
  if (e.freezable) out.freezable = { issuer: e.freezable.issuer };
  if (e.bridge) out.bridge = reportBridge(e.chain, e.bridge);
  out.asset = names.asset(e.asset);
  out.amount = amountText(e.amount);
  out.amountDisplay = formatUnits(e.amount, e.asset.decimals);
  out.hops = e.hops;
  out.firstSeen = isoTime(e.firstSeen);
  out.lastSeen = isoTime(e.lastSeen);
  out.txs = e.txs;
  out.path = e.path;
  if (detail && requestable(e)) requestDetail(e, out, names);
  return out as unknown as Endpoint;
}

/**
 * An endpoint with none of the fields between `address` and `asset` but `freezable` (most of a trace's). A field
 * added there in `reportEndpoint` is added here too, or plain endpoints leave it out.
 */
const plain = (e: EndpointData): boolean => !e.label && !e.depositAddress && !e.sweptTo && !e.depositEvidence && !e.bridge;

/**
 * `reportEndpoint` of a plain endpoint: the same fields in the same order, made by one literal. Fields added one by
 * one past the literal's first four each went into a store of their own, copied to a bigger one every three: about
 * 190 bytes per record made and dropped.
 */
function plainEndpoint(e: EndpointData, address: string, names: AddressNames, detail: boolean): Endpoint {
  const asset = names.asset(e.asset);
  const amount = amountText(e.amount);
  const amountDisplay = formatUnits(e.amount, e.asset.decimals);
  const firstSeen = isoTime(e.firstSeen);
  const lastSeen = isoTime(e.lastSeen);
  const { kind, reason, chain, hops, txs, path } = e;
  const out: Record<string, unknown> = e.freezable
    ? { kind, reason, chain, address, freezable: { issuer: e.freezable.issuer }, asset, amount, amountDisplay, hops, firstSeen, lastSeen, txs, path }
    : { kind, reason, chain, address, asset, amount, amountDisplay, hops, firstSeen, lastSeen, txs, path };
  if (detail && requestable(e)) requestDetail(e, out, names);
  return out as unknown as Endpoint;
}

/** The fields of an endpoint record the summary shows (summary.ts). */
export type SummaryEndpoint = Pick<Endpoint, 'kind' | 'reason' | 'chain' | 'address' | 'entity' | 'freezable' | 'bridge' | 'asset' | 'amountDisplay' | 'hops'>;

/**
 * Those fields alone, with the values `reportEndpoint` gives them: a summary written from the trace makes no tx
 * lists, paths or movement rows it would not show (at 10 M transfers they were most of its time).
 */
export function summaryEndpoint(e: EndpointData, names: AddressNames): SummaryEndpoint {
  const out: SummaryEndpoint = {
    kind: e.kind,
    reason: e.reason,
    chain: e.chain,
    address: names.address(e.chain, e.address, e.inflowEdges[0]?.transfer),
    asset: names.asset(e.asset),
    amountDisplay: formatUnits(e.amount, e.asset.decimals),
    hops: e.hops,
  };
  if (e.label) out.entity = e.label.entity;
  if (e.freezable) out.freezable = { issuer: e.freezable.issuer };
  if (e.bridge) out.bridge = reportBridge(e.chain, e.bridge);
  return out;
}

/** Whether an endpoint's record gives its label's source and licence (labelSource, labelLicence). */
export const statesLabelSource = (e: Pick<EndpointData, 'label'>): boolean => e.label?.licence !== undefined;

/** Whether an endpoint's record states the confidence of its inferred deposit address (depositEvidence.confidence). */
export const statesDepositConfidence = (e: Pick<EndpointData, 'depositEvidence' | 'depositConfidence'>): boolean =>
  e.depositEvidence !== undefined && e.depositConfidence !== undefined;

/** A bridge endpoint's data for the report: addresses checksummed, amounts as strings. */
function reportBridge(chain: string, b: BridgeData): NonNullable<Endpoint['bridge']> {
  const addressOn = (c: string | undefined, a: string) => formatAddress(c ?? chain, a);
  return {
    protocol: b.protocol,
    name: b.name,
    ...(b.destinationChain ? { destinationChain: b.destinationChain } : {}),
    ...(b.destinationNetwork ? { destinationNetwork: b.destinationNetwork } : {}),
    ...(b.recipient ? { recipient: addressOn(b.destinationChain, b.recipient) } : {}),
    ...(b.deposits
      ? {
          deposits: b.deposits.map((d) => ({
            tx: d.tx,
            ...(d.event ? { event: d.event } : {}),
            ...(d.depositId !== undefined ? { depositId: d.depositId } : {}),
            ...(d.destinationChain ? { destinationChain: d.destinationChain } : {}),
            ...(d.destinationChainId ? { destinationChainId: d.destinationChainId } : {}),
            ...(d.destinationNetwork ? { destinationNetwork: d.destinationNetwork } : {}),
            ...(d.recipient ? { recipient: addressOn(d.destinationChain, d.recipient) } : {}),
            ...(d.memo !== undefined ? { memo: d.memo } : {}),
            ...(d.destinationAsset ? { destinationAsset: d.destinationAsset } : {}),
            ...(d.amount !== undefined ? { amount: d.amount.toString() } : {}),
            ...(d.outputAmount !== undefined ? { outputAmount: d.outputAmount.toString() } : {}),
            tainted: d.tainted.toString(),
            ...(d.continuation
              ? {
                  continuation: {
                    chain: d.continuation.chain,
                    tx: d.continuation.tx,
                    recipient: formatAddress(d.continuation.chain, d.continuation.recipient),
                    asset: reportAsset(d.continuation.asset),
                    ...money(d.continuation.asset, d.continuation.amount),
                    tainted: d.continuation.taint.toString(),
                    taintedDisplay: formatUnits(d.continuation.taint, d.continuation.asset.decimals),
                    match: d.continuation.match,
                    confidence: d.continuation.confidence,
                    reason: d.continuation.reason,
                  },
                }
              : {}),
            ...(d.note ? { note: d.note } : {}),
          })),
        }
      : {}),
  };
}

/** An inferred deposit address's evidence for the report: amounts as strings, the share swept to six decimals. */
function reportDepositEvidence(
  ev: DepositEvidence,
  e: Pick<EndpointData, 'chain' | 'depositEvidence' | 'depositConfidence' | 'depositForwarder'>,
): NonNullable<Endpoint['depositEvidence']> {
  return {
    deposits: ev.deposits,
    sweeps: ev.sweeps,
    received: ev.received.toString(),
    swept: ev.swept.toString(),
    // Rounded down from the exact bigint ratio, so it never claims more was swept than was.
    shareSwept: ev.received > 0n ? Number((ev.swept * 1_000_000n) / ev.received) / 1_000_000 : 0,
    ...(ev.elsewhere > 0n ? { paidElsewhere: ev.elsewhere.toString() } : {}),
    ...(ev.sweepDelaySeconds ? { sweepDelaySeconds: { min: ev.sweepDelaySeconds.min, max: ev.sweepDelaySeconds.max } } : {}),
    sweepTxs: [...ev.sweepTxs],
    ...(ev.gasTopUps ? { gasTopUps: { count: ev.gasTopUps.length, txs: [...ev.gasTopUps] } } : {}),
    ...(ev.activation ? { activation: { tx: ev.activation.tx, from: formatAddress(e.chain, ev.activation.from) } } : {}),
    ...(e.depositForwarder ? { forwarder: true } : {}),
    ...(statesDepositConfidence(e) ? { confidence: e.depositConfidence } : {}),
  };
}

/**
 * A movement as a request cites it, then its counterparty (`from` of an inflow, `to` of a sweep) as the last field.
 * Object literals, one per side: every row of a side gets the same object shape at once.
 */
function inflowRow(x: TaintedEdge, names: AddressNames): Record<string, unknown> {
  const t = x.transfer;
  return { tx: t.tx, logIndex: t.logIndex, time: isoTime(t.time), amount: amountText(t.amount), taint: amountText(x.taint), from: names.from(t) };
}
function outflowRow(x: TaintedEdge, names: AddressNames): Record<string, unknown> {
  const t = x.transfer;
  return { tx: t.tx, logIndex: t.logIndex, time: isoTime(t.time), amount: amountText(t.amount), taint: amountText(x.taint), to: names.to(t) };
}

/** The rows of `list` in chronological order: the list itself when it is in that order already (inflows mostly are). */
function chronologicalRows(
  list: readonly TaintedEdge[],
  row: (x: TaintedEdge, names: AddressNames) => Record<string, unknown>,
  names: AddressNames,
): Record<string, unknown>[] {
  const ordered = inOrder(list) ? list : [...list].sort((a, b) => FlowTransfer.compare(a.transfer, b.transfer));
  const out = new Array<Record<string, unknown>>(ordered.length);
  for (let i = 0; i < ordered.length; i++) out[i] = row(ordered[i]!, names);
  return out;
}

/** Whether the movements are in chronological order (a stable sort would leave them as they are). */
function inOrder(list: readonly TaintedEdge[]): boolean {
  for (let i = 1; i < list.length; i++) if (FlowTransfer.compare(list[i - 1]!.transfer, list[i]!.transfer) > 0) return false;
  return true;
}

/** What a request relies on: the movements into (and swept out of) the address, and the amount split by victim payment. */
function requestDetail(e: EndpointData, out: Record<string, unknown>, names: AddressNames): void {
  out.inflows = chronologicalRows(e.inflowEdges, inflowRow, names);
  if (e.sweepEdges) out.outflows = chronologicalRows(e.sweepEdges, outflowRow, names);
  const parts: { seed: AccountTransfer; amount: bigint }[] = [];
  if (e.victims) for (const [seed, amount] of e.victims) if (seed) parts.push({ seed, amount });
  if (parts.length > 1) parts.sort((a, b) => compareTransfers(a.seed, b.seed));
  out.victims = parts.map(({ seed, amount }) => ({
    chain: seed.chain,
    tx: seed.tx,
    logIndex: seed.logIndex,
    recipient: formatAddress(seed.chain, seed.to),
    time: isoTime(seed.time),
    paid: amountText(seed.amount),
    amount: amountText(amount),
  }));
  // Not attributed: what the split could not place (or all of it, when the split was skipped or is not made: UTXO).
  const rest = e.victims ? (e.victims.get(undefined) ?? 0n) : e.amount;
  // All of it (the common case without a split): the amount's own string, not a copy of it per record.
  if (rest) out.unattributed = rest === e.amount ? out.amount : amountText(rest);
}
