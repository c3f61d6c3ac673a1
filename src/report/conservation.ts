import { assetKey, formatUnits } from '../core/asset.js';
import { transferId } from '../core/movement.js';
import type { AssetRef, TraceReport } from '../core/schema.js';
import type { EndpointData } from '../engine/endpoints.js';
import type { TraceOutcome } from '../engine/run.js';
import { reportAsset } from './figures.js';

type Continued = { h: TraceOutcome['handovers'][number]; c: NonNullable<TraceOutcome['handovers'][number]['continuation']> };

/** Per asset: what the seeds tainted (plus what bridges handed over) against what reached endpoints and fees. */
export function conservation(outcome: TraceOutcome, endpoints: readonly EndpointData[]): TraceReport['conservation'] {
  // Two seeds can name the same payment (its tx and its recipient address): the engine taints it once, count it once.
  const seedTransfers = [...new Map(outcome.seeds.flatMap((s) => s.transfers).map((t) => [transferId(t), t])).values()];
  // Bridge hand-overs: taint that left one chain at a bridge endpoint and entered another as a continuation seed.
  const continued: Continued[] = outcome.handovers.flatMap((h) => (h.continuation ? [{ h, c: h.continuation }] : []));
  const continuationIds = new Set(continued.map(({ c }) => transferId(c.transfer)));
  return [...outcome.assets.keys()].sort().map((key) => {
    const asset = outcome.assets.get(key)!;
    const overlap = outcome.allocation.overlap.get(key) ?? 0n;
    const seeded = seedTransfers.filter((t) => assetKey(t.asset) === key && !continuationIds.has(transferId(t))).reduce((s, t) => s + t.amount, 0n) - overlap;
    const arriving = continued.filter(({ c }) => assetKey(c.transfer.asset) === key);
    const bridgedIn = arriving.reduce((s, { c }) => s + c.taint, 0n);
    const leaving = continued.filter(({ h }) => h.asset === key);
    const reached = endpoints.filter((e) => assetKey(e.asset) === key).reduce((s, e) => s + e.amount, 0n);
    const fees = outcome.allocation.fees.get(key) ?? 0n;
    const difference = seeded + bridgedIn - reached - fees;
    return {
      asset: reportAsset(asset),
      seeded: seeded.toString(),
      ...(bridgedIn > 0n ? { bridgedIn: bridgedIn.toString() } : {}),
      endpoints: reached.toString(),
      fees: fees.toString(),
      difference: difference.toString(),
      balanced: difference === 0n,
      explanation: explanation(asset, { seeded, bridgedIn, overlap, fees, difference }, arriving, leaving),
    };
  });
}

/** The balance in words, one clause per figure that is not zero. */
function explanation(
  asset: AssetRef,
  f: { seeded: bigint; bridgedIn: bigint; overlap: bigint; fees: bigint; difference: bigint },
  arriving: readonly Continued[],
  leaving: readonly Continued[],
): string {
  const units = (n: bigint) => formatUnits(n, asset.decimals);
  const parts = [`${units(f.seeded)} ${asset.symbol} tainted by the seeds`];
  if (f.bridgedIn > 0n) {
    const from = [...new Set(arriving.map(({ h }) => `${h.exit!.sourceChain} through ${h.exit!.name}`))].sort().join(', ');
    parts.push(`${units(f.bridgedIn)} handed over from ${from} (bridge continuation)`);
  }
  if (leaving.length > 0) {
    const out = leaving.reduce((s, { h }) => s + h.tainted, 0n);
    const to = [...new Set(leaving.map(({ c }) => c.transfer.chain))].sort().join(', ');
    parts.push(`${units(out)} left through bridge endpoints and was continued on ${to}`);
  }
  if (f.overlap > 0n) parts.push(`${units(f.overlap)} of the seed payments was already tainted and is counted once`);
  if (f.fees > 0n) parts.push(`${units(f.fees)} spent on fees`);
  parts.push(f.difference === 0n ? 'every unit accounted for at an endpoint' : `${units(f.difference)} unaccounted: a defect, please report it`);
  return parts.join('; ');
}
