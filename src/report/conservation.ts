import { assetKey, formatUnits } from '../core/asset.js';
import { transferId } from '../core/movement.js';
import type { AssetRef, TraceReport } from '../core/schema.js';
import type { BoxData } from '../engine/conversions.js';
import type { EndpointData } from '../engine/endpoints.js';
import type { TraceOutcome } from '../engine/run.js';
import { reportAsset } from './figures.js';

type Continued = { h: TraceOutcome['handovers'][number]; c: NonNullable<TraceOutcome['handovers'][number]['continuation']> };

/** Per asset: what the seeds tainted (plus what bridges and conversions brought in) against what reached endpoints and fees. */
export function conservation(outcome: TraceOutcome, endpoints: readonly EndpointData[]): TraceReport['conservation'] {
  // Two seeds can name the same payment (its tx and its recipient address): the engine taints it once, count it once.
  const seedTransfers = [...new Map(outcome.seeds.flatMap((s) => s.transfers).map((t) => [transferId(t), t])).values()];
  // Bridge hand-overs: taint that left one chain at a bridge endpoint and entered another as a continuation seed.
  const continued: Continued[] = outcome.handovers.flatMap((h) => (h.continuation ? [{ h, c: h.continuation }] : []));
  const continuationIds = new Set(continued.map(({ c }) => transferId(c.transfer)));
  const assets = conservedAssets(outcome);
  const reachedBy = amountsByAsset(endpoints);
  return [...assets.keys()].sort().map((key) => {
    const asset = assets.get(key)!;
    const overlap = outcome.allocation.overlap.get(key) ?? 0n;
    const seeded = seedTransfers.filter((t) => assetKey(t.asset) === key && !continuationIds.has(transferId(t))).reduce((s, t) => s + t.amount, 0n) - overlap;
    const arriving = continued.filter(({ c }) => assetKey(c.transfer.asset) === key);
    const bridgedIn = arriving.reduce((s, { c }) => s + c.taint, 0n);
    const leaving = continued.filter(({ h }) => h.asset === key);
    const converted = conversionFigures(outcome.boxes ?? [], key, assets);
    const reached = reachedBy.get(key) ?? 0n;
    const fees = outcome.allocation.fees.get(key) ?? 0n;
    const difference = seeded + bridgedIn + converted.convertedIn - reached - fees;
    return {
      asset: reportAsset(asset),
      seeded: seeded.toString(),
      ...(bridgedIn > 0n ? { bridgedIn: bridgedIn.toString() } : {}),
      ...(converted.convertedIn > 0n ? { convertedIn: converted.convertedIn.toString() } : {}),
      endpoints: reached.toString(),
      fees: fees.toString(),
      difference: difference.toString(),
      balanced: difference === 0n,
      explanation: explanation(asset, { seeded, bridgedIn, overlap, fees, difference }, arriving, leaving, converted),
    };
  });
}

/**
 * What the endpoints hold, summed per asset key in one pass (not one pass over every endpoint per asset); the key is
 * made once per asset object, which an asset's endpoints share.
 */
function amountsByAsset(endpoints: readonly EndpointData[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  const keys = new Map<AssetRef, string>();
  for (const e of endpoints) {
    let key = keys.get(e.asset);
    if (key === undefined) keys.set(e.asset, (key = assetKey(e.asset)));
    sums.set(key, (sums.get(key) ?? 0n) + e.amount);
  }
  return sums;
}

/** The traced assets, and any asset only conversions produced taint in (named by the conversion that produced it). */
function conservedAssets(outcome: TraceOutcome): Map<string, AssetRef> {
  const assets = new Map(outcome.assets);
  for (const box of outcome.boxes ?? []) {
    for (const key of box.produced.keys()) {
      if (assets.has(key)) continue;
      const named = [...box.conversions.map((c) => c.assetOut), ...box.outputs.map((o) => o.transfer.t.asset)].find((a) => assetKey(a) === key);
      if (named) assets.set(key, named);
    }
  }
  return assets;
}

/** What conversions did to one asset: taint they produced in it, taint that went into them from it, and what contracts kept. */
interface ConversionFigures {
  convertedIn: bigint;
  /** Symbols of the assets whose taint produced it. */
  producedFrom: string[];
  /** Tainted input of this asset into transactions with a conversion, and the symbols it was exchanged for. */
  intoSwaps: bigint;
  exchangedFor: string[];
  /** Kept by contracts: in transactions with a conversion, and in those without (routers, splitters: rounding). */
  keptInSwaps: bigint;
  keptElsewhere: bigint;
}

function conversionFigures(boxes: readonly BoxData[], key: string, assets: ReadonlyMap<string, AssetRef>): ConversionFigures {
  const f: ConversionFigures = { convertedIn: 0n, producedFrom: [], intoSwaps: 0n, exchangedFor: [], keptInSwaps: 0n, keptElsewhere: 0n };
  const symbol = (k: string, fallback: AssetRef) => (assets.get(k) ?? fallback).symbol;
  const from = new Set<string>();
  const into = new Set<string>();
  for (const box of boxes) {
    const taintedIn = new Map<string, { asset: AssetRef; taint: bigint }>();
    for (const i of box.inputs) {
      const k = assetKey(i.transfer.t.asset);
      taintedIn.set(k, { asset: i.transfer.t.asset, taint: (taintedIn.get(k)?.taint ?? 0n) + i.taint });
    }
    const produced = box.produced.get(key) ?? 0n;
    if (produced > 0n) {
      f.convertedIn += produced;
      for (const [k, v] of taintedIn) if (k !== key && v.taint > 0n) from.add(symbol(k, v.asset));
    }
    const kept = box.kept.get(key) ?? 0n;
    const swapped = box.conversions.some((c) => assetKey(c.assetOut) !== key) && (taintedIn.get(key)?.taint ?? 0n) > 0n;
    if (swapped) {
      f.intoSwaps += taintedIn.get(key)!.taint;
      for (const c of box.conversions) if (assetKey(c.assetOut) !== key) into.add(symbol(assetKey(c.assetOut), c.assetOut));
      f.keptInSwaps += kept;
    } else f.keptElsewhere += kept;
  }
  f.producedFrom = [...from].sort();
  f.exchangedFor = [...into].sort();
  return f;
}

/** The balance in words, one clause per figure that is not zero. */
function explanation(
  asset: AssetRef,
  f: { seeded: bigint; bridgedIn: bigint; overlap: bigint; fees: bigint; difference: bigint },
  arriving: readonly Continued[],
  leaving: readonly Continued[],
  converted: ConversionFigures,
): string {
  const units = (n: bigint) => formatUnits(n, asset.decimals);
  const parts = [`${units(f.seeded)} ${asset.symbol} tainted by the seeds`];
  if (f.bridgedIn > 0n) {
    const from = [...new Set(arriving.map(({ h }) => `${h.exit!.sourceChain} through ${h.exit!.name}`))].sort().join(', ');
    parts.push(`${units(f.bridgedIn)} handed over from ${from} (bridge continuation)`);
  }
  if (converted.convertedIn > 0n) {
    parts.push(
      `${units(converted.convertedIn)} ${asset.symbol} came out of swaps/wraps for ${converted.producedFrom.join(', ') || 'other assets'} (conversions)`,
    );
  }
  if (leaving.length > 0) {
    const out = leaving.reduce((s, { h }) => s + h.tainted, 0n);
    const to = [...new Set(leaving.map(({ c }) => c.transfer.chain))].sort().join(', ');
    parts.push(`${units(out)} left through bridge endpoints and was continued on ${to}`);
  }
  if (converted.intoSwaps > 0n) {
    const kept = converted.keptInSwaps;
    const keptText = kept === 0n ? '' : ` (${kept === converted.intoSwaps ? '' : `${units(kept)} `}kept by the contracts: endpoints 'contract')`;
    parts.push(`${units(converted.intoSwaps)} ${asset.symbol} went into swaps/wraps in exchange for ${converted.exchangedFor.join(', ')}${keptText}`);
  }
  if (converted.keptElsewhere > 0n) parts.push(`${units(converted.keptElsewhere)} kept by contracts it passed through (endpoints 'contract')`);
  if (f.overlap > 0n) parts.push(`${units(f.overlap)} of the seed payments was already tainted and is counted once`);
  if (f.fees > 0n) parts.push(`${units(f.fees)} spent on fees`);
  parts.push(f.difference === 0n ? 'every unit accounted for at an endpoint' : `${units(f.difference)} unaccounted: a defect, please report it`);
  return parts.join('; ');
}
