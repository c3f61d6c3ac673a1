import { formatAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import type { AssetRef } from '../core/schema.js';

// A fresh object each time: a caller that edits one endpoint's asset must not change another's.
export function reportAsset(a: AssetRef): AssetRef {
  return { chain: a.chain, kind: a.kind, ...(a.contract ? { contract: formatAddress(a.chain, a.contract) } : {}), symbol: a.symbol, decimals: a.decimals };
}

/** An amount as the report writes it: base units as a string, and the decimal display. */
export function money(asset: AssetRef, amount: bigint) {
  return { amount: amountText(amount), amountDisplay: formatUnits(amount, asset.decimals) };
}

// An endpoint's amount is often its inflow's taint and its victim's share: the same value, one string.
let lastAmount = 0n;
let lastText = '0';

/** Base units as the report writes them (`amount.toString()`), the last value's string reused. */
export function amountText(amount: bigint): string {
  if (amount !== lastAmount) {
    lastAmount = amount;
    lastText = amount.toString();
  }
  return lastText;
}

/** Amounts summed per asset, in asset-key order. */
export function totals(items: { asset: AssetRef; amount: bigint }[]) {
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

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
