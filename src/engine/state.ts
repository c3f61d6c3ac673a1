import type { AccountTransfer } from '../core/movement.js';

/** A fetched movement with its graph keys computed once (the allocation loop runs over these many times). */
export interface TracedTransfer {
  id: string;
  t: AccountTransfer;
  from: string;
  to: string;
  asset: string;
}

/** A tainted deposit that starts the trace: exactly this transfer's amount is tainted at its recipient. */
export interface SeedDeposit {
  transferId: string;
  kind: 'tx' | 'address';
  node: string;
}

export function nodeKey(chain: string, address: string): string {
  return `${chain}|${address}`;
}

export function splitNodeKey(key: string): { chain: string; address: string } {
  const i = key.indexOf('|');
  return { chain: key.slice(0, i), address: key.slice(i + 1) };
}

/** Merges a sorted batch into a sorted list in O(n). */
export function mergeSorted<T>(sorted: T[], batch: T[], compare: (a: T, b: T) => number): T[] {
  if (batch.length === 0) return sorted;
  batch.sort(compare);
  if (sorted.length === 0) return batch;
  const out: T[] = new Array(sorted.length + batch.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < sorted.length && j < batch.length) out[k++] = compare(sorted[i]!, batch[j]!) <= 0 ? sorted[i++]! : batch[j++]!;
  while (i < sorted.length) out[k++] = sorted[i++]!;
  while (j < batch.length) out[k++] = batch[j++]!;
  return out;
}
