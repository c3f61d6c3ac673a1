import { normalizeAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import type { AssetRef, TraceReport } from '../core/schema.js';

/**
 * The trace graph keys assets the way the engine does (`chain:native`, `chain:<normalized contract>`); the report
 * prints contracts checksummed. This maps the graph's keys back to the report's asset descriptions (for decimals).
 */
export function reportAssets(report: TraceReport): Map<string, AssetRef> {
  return assetsByGraphKey(
    report,
    report.endpoints.map((e) => e.asset),
  );
}

/** reportAssets with the endpoints' assets given (in the report's order) rather than read from endpoint records. */
export function assetsByGraphKey(
  report: Pick<TraceReport, 'conservation' | 'seeds' | 'conversions'>,
  endpointAssets: Iterable<AssetRef>,
): Map<string, AssetRef> {
  const out = new Map<string, AssetRef>();
  const add = (a: AssetRef) => {
    const key = graphAssetKey(a);
    if (!out.has(key)) out.set(key, a);
  };
  for (const c of report.conservation) add(c.asset);
  for (const s of report.seeds) add(s.asset);
  for (const a of endpointAssets) add(a);
  for (const c of report.conversions ?? []) add(c.assetOut);
  return out;
}

/** A report's asset under the key the trace graph gives it (contract normalized as the engine keeps it). */
export function graphAssetKey(a: AssetRef): string {
  return a.kind === 'native' || !a.contract ? assetKey(a) : assetKey({ ...a, contract: safeNormalize(a.chain, a.contract) });
}

/**
 * The trace graph's edges that are a conversion's outputs (a swap, wrap or unwrap paid them), as the report's
 * `conversions` names them: `tx|logIndex|recipient|asset key`. Empty when the report has no conversions.
 */
export function conversionEdgeIds(report: Pick<TraceReport, 'conversions'>): Set<string> {
  return new Set((report.conversions ?? []).flatMap((c) => c.recipients.map((r) => conversionEdgeId(r.tx, r.logIndex, r.to, graphAssetKey(c.assetOut)))));
}

/** The id conversionEdgeIds uses for an edge: its tx, log index, recipient (as the report prints it) and asset key. */
export const conversionEdgeId = (tx: string, logIndex: number, to: string, asset: string) => `${tx}|${logIndex}|${to}|${asset}`;

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

// Reports print two timestamps per endpoint and one per movement, mostly the same second: the last few thousand
// results are remembered (direct-mapped by the second), so repeats share one string. The date part is formatted once
// per day, and each timestamp is built as one flat string from char codes (a template literal would keep a chain of
// cons strings per timestamp alive).
const days = new Map<number, number[]>();
const TIME_SLOTS = 4096;
const timeKeys = new Float64Array(TIME_SLOTS).fill(-1);
const timeTexts = new Array<string>(TIME_SLOTS).fill('');
const codes = new Array<number>(20).fill(0);

/** Unix seconds to the report's UTC form (`2026-03-02T09:00:00Z`). */
export function isoTime(seconds: number): string {
  // (Fractions and years past 9999, which ISO writes differently, take the general path.)
  if (!Number.isInteger(seconds) || seconds < 0 || seconds >= 253_402_300_800) return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  const slot = seconds % TIME_SLOTS;
  if (timeKeys[slot] === seconds) return timeTexts[slot]!;
  const day = Math.floor(seconds / 86_400);
  let date = days.get(day);
  if (date === undefined) {
    const text = new Date(day * 86_400_000).toISOString();
    days.set(day, (date = Array.from({ length: 20 }, (_, i) => text.charCodeAt(i))));
    date[19] = 0x5a; // 'Z'
  }
  for (let i = 0; i < 11; i++) codes[i] = date[i]!;
  const rest = seconds - day * 86_400;
  twoDigits(11, Math.floor(rest / 3600));
  codes[13] = 0x3a;
  twoDigits(14, Math.floor((rest % 3600) / 60));
  codes[16] = 0x3a;
  twoDigits(17, rest % 60);
  codes[19] = 0x5a;
  // Each code as its own argument: \`apply\` would copy the array into a fresh one per call.
  const c = codes;
  const text = String.fromCharCode(
    c[0]!,
    c[1]!,
    c[2]!,
    c[3]!,
    c[4]!,
    c[5]!,
    c[6]!,
    c[7]!,
    c[8]!,
    c[9]!,
    c[10]!,
    c[11]!,
    c[12]!,
    c[13]!,
    c[14]!,
    c[15]!,
    c[16]!,
    c[17]!,
    c[18]!,
    c[19]!,
  );
  timeKeys[slot] = seconds;
  timeTexts[slot] = text;
  return text;
}

function twoDigits(at: number, n: number): void {
  codes[at] = 0x30 + Math.floor(n / 10);
  codes[at + 1] = 0x30 + (n % 10);
}
