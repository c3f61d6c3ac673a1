/**
 * The cross-case convergence ranking, a pure function over what the case database read: the addresses several cases'
 * latest traces reached (one row per address, case and asset) and the victims whose payments lead there. Amounts are
 * added in bigint; nothing is priced.
 */
import { formatAddress } from '../core/address.js';
import { formatUnits } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import type { AssetRef } from '../core/schema.js';
import type { ConvergenceCase, ConvergenceEntry, Money } from './records.js';

/** One case's part in a shared address, for one asset (a row of `trace_addresses` of the case's latest trace). */
export interface SharedReach {
  chain: string;
  /** Normalized, as stored. */
  address: string;
  reference: string;
  assetKey: string;
  asset: AssetRef;
  /** Tainted base units the case's trace saw arrive. */
  amount: bigint;
  /** Unix seconds. */
  firstSeen: number;
  lastSeen: number;
  hops: number | null;
  role: string;
  entity?: string;
  category?: string;
}

/** A victim of a case whose payment leads to a shared address. */
export interface SharedVictim {
  chain: string;
  address: string;
  reference: string;
  victim: string;
}

type Amounts = Map<string, { asset: AssetRef; amount: bigint }>;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
// Not Math.min(...xs): an address may be shared by more cases than a call takes arguments.
const least = (xs: readonly number[]) => xs.reduce((m, x) => Math.min(m, x));
const most = (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x));

/** Adds amounts per asset key (the asset of the last one added stands for its key). */
function addTo(sums: Amounts, assetKey: string, asset: AssetRef, amount: bigint): void {
  sums.set(assetKey, { asset, amount: (sums.get(assetKey)?.amount ?? 0n) + amount });
}

/** Per asset, ordered by asset key, as decimal strings. */
const money = (sums: Amounts): Money[] =>
  [...sums.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([, v]) => ({ asset: v.asset, amount: v.amount.toString(), amountDisplay: formatUnits(v.amount, v.asset.decimals) }));

/** One case's part in an address: its amounts per asset, its first and last time, roles and fewest hops. */
function casePart(reference: string, rows: readonly SharedReach[], victims: string[]): ConvergenceCase & { sums: Amounts; first: number; last: number } {
  const sums: Amounts = new Map();
  for (const r of rows) addTo(sums, r.assetKey, r.asset, r.amount);
  const first = least(rows.map((r) => r.firstSeen));
  const last = most(rows.map((r) => r.lastSeen));
  const hops = rows.flatMap((r) => (r.hops === null ? [] : [r.hops]));
  return {
    reference,
    victims,
    amounts: money(sums),
    firstSeen: isoOf(first),
    lastSeen: isoOf(last),
    roles: [...new Set(rows.map((r) => r.role))].sort(),
    hops: hops.length > 0 ? least(hops) : null,
    sums,
    first,
    last,
  };
}

/** One shared address with its cases (by reference) and its ranking weight. */
function addressEntry(rows: readonly SharedReach[], victimsOf: Map<string, SharedVictim[]>): ConvergenceEntry & { weight: bigint } {
  const { chain, address } = rows[0]!;
  const parts = [...groupBy(rows, (r) => r.reference)]
    .sort(([a], [b]) => cmp(a, b))
    .map(([reference, own]) =>
      casePart(
        reference,
        own,
        (victimsOf.get(`${chain}|${address}|${reference}`) ?? []).map((v) => v.victim),
      ),
    );
  const totals: Amounts = new Map();
  for (const part of parts) for (const [k, v] of part.sums) addTo(totals, k, v.asset, v.amount);
  const entity = rows.find((r) => r.entity)?.entity;
  const category = rows.find((r) => r.category)?.category;
  return {
    rank: 0,
    chain,
    address: formatAddress(chain, address),
    roles: [...new Set(rows.map((r) => r.role))].sort(),
    ...(entity ? { entity } : {}),
    ...(category ? { category } : {}),
    caseCount: parts.length,
    victimCount: new Set(parts.flatMap((p) => p.victims.map((v) => `${p.reference}\u0000${v}`))).size,
    totals: money(totals),
    firstSeen: isoOf(least(parts.map((p) => p.first))),
    lastSeen: isoOf(most(parts.map((p) => p.last))),
    cases: parts.map(({ sums: _sums, first: _first, last: _last, ...c }) => c),
    // The amounts in display units, summed exactly across assets (assets are not priced).
    weight: [...totals.values()].reduce((s, v) => s + v.amount * 10n ** BigInt(77 - v.asset.decimals), 0n),
  };
}

/**
 * Ranks shared addresses: more victims first, then more cases, then more money (display units summed across
 * assets), then chain and address. Ranks start at 1.
 */
export function rankConvergence(reached: readonly SharedReach[], victims: readonly SharedVictim[]): ConvergenceEntry[] {
  const victimsOf = groupBy(victims, (v) => `${v.chain}|${v.address}|${v.reference}`);
  const entries = [...groupBy(reached, (r) => `${r.chain}|${r.address}`).values()].map((rows) => addressEntry(rows, victimsOf));
  entries.sort(
    (a, b) =>
      b.victimCount - a.victimCount ||
      b.caseCount - a.caseCount ||
      (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : 0) ||
      cmp(a.chain, b.chain) ||
      cmp(a.address, b.address),
  );
  return entries.map(({ weight: _weight, ...e }, i) => ({ ...e, rank: i + 1 }));
}
