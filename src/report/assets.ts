import { normalizeAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import type { AssetRef, TraceReport } from '../core/schema.js';

/**
 * The trace graph keys assets the way the engine does (`chain:native`, `chain:<normalized contract>`); the report
 * prints contracts checksummed. This maps the graph's keys back to the report's asset descriptions (for decimals).
 */
export function reportAssets(report: TraceReport): Map<string, AssetRef> {
  const out = new Map<string, AssetRef>();
  const add = (a: AssetRef) => {
    const key = a.kind === 'native' || !a.contract ? assetKey(a) : assetKey({ ...a, contract: safeNormalize(a.chain, a.contract) });
    if (!out.has(key)) out.set(key, a);
  };
  for (const c of report.conservation) add(c.asset);
  for (const s of report.seeds) add(s.asset);
  for (const e of report.endpoints) add(e.asset);
  return out;
}

function safeNormalize(chain: string, contract: string): string {
  try {
    return normalizeAddress(chain, contract);
  } catch {
    return contract;
  }
}

/** A base-unit decimal string shown in display units of the asset; unknown assets print base units. */
export function displayAmount(assets: ReadonlyMap<string, AssetRef>, key: string, baseUnits: string): string {
  const asset = assets.get(key);
  return asset ? formatUnits(BigInt(baseUnits), asset.decimals) : baseUnits;
}

/** Unix seconds to the report's UTC form (`2026-03-02T09:00:00Z`). */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
