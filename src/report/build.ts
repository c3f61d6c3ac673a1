import { formatAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import { crossBorder } from '../core/jurisdiction.js';
import { compareTransfers, sortChronologically, transferId } from '../core/movement.js';
import type { TaintedEdge } from '../engine/allocate.js';
import type { AssetRef, Endpoint, EndpointKind, TraceReport } from '../core/schema.js';
import { resolveBridgeDefinitions } from '../heuristics/bridges.js';
import { isoTime } from './assets.js';
import type { DepositEvidence } from '../heuristics/deposit.js';
import { requestable, type BridgeData, type EndpointData } from '../engine/endpoints.js';
import type { TraceOutcome } from '../engine/run.js';

// A fresh object each time: a caller that edits one endpoint's asset must not change another's.
function reportAsset(a: AssetRef): AssetRef {
  return { chain: a.chain, kind: a.kind, ...(a.contract ? { contract: formatAddress(a.chain, a.contract) } : {}), symbol: a.symbol, decimals: a.decimals };
}

function money(asset: AssetRef, amount: bigint) {
  return { amount: amount.toString(), amountDisplay: formatUnits(amount, asset.decimals) };
}

function totals(items: { asset: AssetRef; amount: bigint }[]) {
  const sums = new Map<string, { asset: AssetRef; amount: bigint }>();
  for (const i of items) {
    const k = assetKey(i.asset);
    const prev = sums.get(k);
    sums.set(k, { asset: i.asset, amount: (prev?.amount ?? 0n) + i.amount });
  }
  return [...sums.keys()].sort().map((k) => {
    const s = sums.get(k)!;
    return { asset: reportAsset(s.asset), ...money(s.asset, s.amount) };
  });
}

const compareEndpoints = (a: EndpointData, b: EndpointData) =>
  cmp(a.chain, b.chain) || cmp(a.address, b.address) || cmp(assetKey(a.asset), assetKey(b.asset)) || cmp(a.kind, b.kind);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A bridge endpoint's data for the report: addresses checksummed, amounts as strings. */
function reportBridge(chain: string, b: BridgeData): NonNullable<Endpoint['bridge']> {
  const addressOn = (c: string | undefined, a: string) => formatAddress(c ?? chain, a);
  return {
    protocol: b.protocol,
    name: b.name,
    ...(b.destinationChain ? { destinationChain: b.destinationChain } : {}),
    ...(b.recipient ? { recipient: addressOn(b.destinationChain, b.recipient) } : {}),
    ...(b.deposits
      ? {
          deposits: b.deposits.map((d) => ({
            tx: d.tx,
            ...(d.event ? { event: d.event } : {}),
            ...(d.depositId !== undefined ? { depositId: d.depositId } : {}),
            ...(d.destinationChain ? { destinationChain: d.destinationChain } : {}),
            ...(d.destinationChainId ? { destinationChainId: d.destinationChainId } : {}),
            ...(d.recipient ? { recipient: addressOn(d.destinationChain, d.recipient) } : {}),
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
function reportDepositEvidence(ev: DepositEvidence): NonNullable<Endpoint['depositEvidence']> {
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
  };
}

const movement = (e: TaintedEdge) => ({ tx: e.transfer.t.tx, logIndex: e.transfer.t.logIndex, time: isoTime(e.transfer.t.time), amount: e.transfer.t.amount.toString(), taint: e.taint.toString() });
const chronological = (list: readonly TaintedEdge[]) => sortChronologically([...list], (e) => e.transfer.t);

/** What a request relies on: the movements into (and swept out of) the address, and the amount split by victim payment. */
function requestDetail(e: EndpointData, out: Record<string, unknown>): void {
  out.inflows = chronological(e.inflowEdges).map((x) => ({ ...movement(x), from: formatAddress(x.transfer.t.chain, x.transfer.t.from) }));
  if (e.sweepEdges) out.outflows = chronological(e.sweepEdges).map((x) => ({ ...movement(x), to: formatAddress(x.transfer.t.chain, x.transfer.t.to) }));
  const parts = [...(e.victims ?? [])].flatMap(([seed, amount]) => (seed ? [{ seed, amount }] : []));
  parts.sort((a, b) => compareTransfers(a.seed, b.seed));
  out.victims = parts.map(({ seed, amount }) => ({
    chain: seed.chain,
    tx: seed.tx,
    logIndex: seed.logIndex,
    recipient: formatAddress(seed.chain, seed.to),
    time: isoTime(seed.time),
    paid: seed.amount.toString(),
    amount: amount.toString(),
  }));
  // Not attributed: what the split could not place (or all of it, when the split was skipped or is not made: UTXO).
  const rest = e.victims ? (e.victims.get(undefined) ?? 0n) : e.amount;
  if (rest) out.unattributed = rest.toString();
}

/** The finished trace -> the documented, deterministic TraceReport (no clock, sorted everywhere). */
export function buildReport(outcome: TraceOutcome): TraceReport {
  const { settings } = outcome;
  const caseJurisdiction = settings.caseJurisdiction;
  const list = [...outcome.endpoints].sort(compareEndpoints);

  // Fields added one by one in the documented order: the same JSON as a literal with conditional spreads, built
  // without a spread per optional field (a report can hold hundreds of thousands of endpoints).
  const endpoints: Endpoint[] = list.map((e) => {
    const out: Record<string, unknown> = { kind: e.kind, reason: e.reason, chain: e.chain, address: formatAddress(e.chain, e.address) };
    if (e.label) {
      out.entity = e.label.entity;
      out.category = e.label.category;
      out.jurisdictions = [...e.label.jurisdictions];
      out.crossBorder = crossBorder(e.label.jurisdictions, caseJurisdiction).crossBorder;
    }
    if (e.depositAddress) {
      out.depositAddress = formatAddress(e.chain, e.depositAddress);
      out.depositInferred = e.depositInferred ?? false;
    }
    if (e.sweptTo) out.sweptTo = e.sweptTo.map((a) => formatAddress(e.chain, a));
    if (e.depositEvidence) out.depositEvidence = reportDepositEvidence(e.depositEvidence);
    if (e.freezable) out.freezable = e.freezable;
    if (e.bridge) out.bridge = reportBridge(e.chain, e.bridge);
    out.asset = reportAsset(e.asset);
    out.amount = e.amount.toString();
    out.amountDisplay = formatUnits(e.amount, e.asset.decimals);
    out.hops = e.hops;
    out.firstSeen = isoTime(e.firstSeen);
    out.lastSeen = isoTime(e.lastSeen);
    out.txs = e.txs;
    out.path = e.path;
    if (requestable(e)) requestDetail(e, out);
    return out as unknown as Endpoint;
  });

  const exchangeEndpoints = list.filter((e) => e.kind === 'exchange' && e.label);
  const byEntity = groupBy(exchangeEndpoints, (e) => e.label!.entity);
  const exchanges = [...byEntity.keys()].sort().map((entity) => {
    const own = byEntity.get(entity)!;
    const jurisdictions = [...new Set(own.flatMap((e) => e.label!.jurisdictions))].sort();
    const cb = crossBorder(jurisdictions, caseJurisdiction);
    return {
      entity,
      jurisdictions,
      crossBorder: cb.crossBorder,
      crossBorderReason: cb.reason,
      totals: totals(own),
      depositAddresses: own.map((e) => ({
        chain: e.chain,
        address: formatAddress(e.chain, e.depositAddress ?? e.address),
        inferred: e.depositInferred ?? false,
        asset: reportAsset(e.asset),
        ...money(e.asset, e.amount),
        firstSeen: isoTime(e.firstSeen),
        lastSeen: isoTime(e.lastSeen),
        txs: e.txs,
      })),
    };
  });

  const byJurisdiction = groupBy(exchangeEndpoints, (e) => (e.label!.jurisdictions.length ? [...e.label!.jurisdictions].sort().join(';') : 'unknown'));
  const jurisdictions = [...byJurisdiction.keys()].sort().map((key) => {
    const own = byJurisdiction.get(key)!;
    return {
      jurisdiction: key,
      crossBorder: crossBorder(key === 'unknown' ? [] : key.split(';'), caseJurisdiction).crossBorder,
      entities: [...new Set(own.map((e) => e.label!.entity))].sort(),
      totals: totals(own),
    };
  });

  const seedRows = outcome.seeds
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

  // Two seeds can name the same payment (its tx and its recipient address): the engine taints it once, count it once.
  const seedTransfers = [...new Map(outcome.seeds.flatMap((s) => s.transfers).map((t) => [transferId(t), t])).values()];
  // Bridge hand-overs: taint that left one chain at a bridge endpoint and entered another as a continuation seed.
  const continued = outcome.handovers.flatMap((h) => (h.continuation ? [{ h, c: h.continuation }] : []));
  const continuationIds = new Set(continued.map(({ c }) => transferId(c.transfer)));
  const conservation = [...outcome.assets.keys()].sort().map((key) => {
    const asset = outcome.assets.get(key)!;
    const overlap = outcome.allocation.overlap.get(key) ?? 0n;
    const seeded = seedTransfers.filter((t) => assetKey(t.asset) === key && !continuationIds.has(transferId(t))).reduce((s, t) => s + t.amount, 0n) - overlap;
    const arriving = continued.filter(({ c }) => assetKey(c.transfer.asset) === key);
    const bridgedIn = arriving.reduce((s, { c }) => s + c.taint, 0n);
    const leaving = continued.filter(({ h }) => h.asset === key);
    const reached = list.filter((e) => assetKey(e.asset) === key).reduce((s, e) => s + e.amount, 0n);
    const fees = outcome.allocation.fees.get(key) ?? 0n;
    const difference = seeded + bridgedIn - reached - fees;
    const parts = [`${formatUnits(seeded, asset.decimals)} ${asset.symbol} tainted by the seeds`];
    if (bridgedIn > 0n) {
      const from = [...new Set(arriving.map(({ h }) => `${h.exit!.sourceChain} through ${h.exit!.name}`))].sort().join(', ');
      parts.push(`${formatUnits(bridgedIn, asset.decimals)} handed over from ${from} (bridge continuation)`);
    }
    if (leaving.length > 0) {
      const out = leaving.reduce((s, { h }) => s + h.tainted, 0n);
      const to = [...new Set(leaving.map(({ c }) => c.transfer.chain))].sort().join(', ');
      parts.push(`${formatUnits(out, asset.decimals)} left through bridge endpoints and was continued on ${to}`);
    }
    if (overlap > 0n) parts.push(`${formatUnits(overlap, asset.decimals)} of the seed payments was already tainted and is counted once`);
    if (fees > 0n) parts.push(`${formatUnits(fees, asset.decimals)} spent on fees`);
    parts.push(difference === 0n ? 'every unit accounted for at an endpoint' : `${formatUnits(difference, asset.decimals)} unaccounted: a defect, please report it`);
    return {
      asset: reportAsset(asset),
      seeded: seeded.toString(),
      ...(bridgedIn > 0n ? { bridgedIn: bridgedIn.toString() } : {}),
      endpoints: reached.toString(),
      fees: fees.toString(),
      difference: difference.toString(),
      balanced: difference === 0n,
      explanation: parts.join('; '),
    };
  });

  const kinds = [...new Set(list.map((e) => e.kind))].sort() as EndpointKind[];
  const stops = kinds.map((kind) => {
    const own = list.filter((e) => e.kind === kind);
    return { kind, count: own.length, totals: totals(own) };
  });

  return {
    format: 'chaintrail-trace',
    version: 1,
    case: {
      ...(settings.caseReference ? { reference: settings.caseReference } : {}),
      ...(caseJurisdiction ? { jurisdiction: caseJurisdiction } : {}),
    },
    settings: {
      taint: settings.taint,
      maxHops: settings.maxHops,
      minValue: settings.minValue,
      maxNodes: settings.maxNodes,
      maxDegree: settings.maxDegree,
      ...(settings.from !== undefined ? { from: isoTime(settings.from) } : {}),
      ...(settings.to !== undefined ? { to: isoTime(settings.to) } : {}),
      depositTolerance: settings.depositTolerance,
      peelMode: settings.peelMode,
      ...(settings.bridges.length > 0
        ? {
            bridges: resolveBridgeDefinitions(settings.bridges).map((b) => ({ chain: b.chain, address: formatAddress(b.chain, b.address), protocol: b.protocol, name: b.name })),
          }
        : {}),
      ...(outcome.handovers.length > 0 ? { bridgeWindowHours: settings.bridgeWindowHours, bridgeTolerance: settings.bridgeTolerance } : {}),
    },
    sources: outcome.sources,
    seeds: seedRows,
    endpoints,
    exchanges,
    jurisdictions,
    conservation,
    stops,
    ignored: outcome.ignored,
    notes: outcome.notes,
    evidence: outcome.evidence,
    stats: outcome.stats,
    complete: !outcome.failure,
  };
}
