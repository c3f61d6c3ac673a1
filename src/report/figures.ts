import { formatAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import type { AssetRef } from '../core/schema.js';

// A fresh object each time: a caller that edits one endpoint's asset must not change another's. Two literals, not a
// spread of an optional field: one object shape each, made once per endpoint.
export function reportAsset(a: AssetRef): AssetRef {
  if (!a.contract) return { chain: a.chain, kind: a.kind, symbol: a.symbol, decimals: a.decimals };
  return { chain: a.chain, kind: a.kind, contract: formatAddress(a.chain, a.contract), symbol: a.symbol, decimals: a.decimals };
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
  // The key made again only when the asset object changes (an asset's endpoints share one); the last item's asset
  // describes the sum, as it always did.
  let lastAsset: AssetRef | undefined;
  let sum: { asset: AssetRef; amount: bigint } | undefined;
  for (const i of items) {
    if (i.asset !== lastAsset || !sum) {
      lastAsset = i.asset;
      const k = assetKey(i.asset);
      sum = sums.get(k);
      if (!sum) sums.set(k, (sum = { asset: i.asset, amount: 0n }));
    }
    sum.asset = i.asset;
    sum.amount += i.amount;
  }
  return [...sums.keys()].sort().map((k) => {
    const s = sums.get(k)!;
    return { asset: reportAsset(s.asset), ...money(s.asset, s.amount) };
  });
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
