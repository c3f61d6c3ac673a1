import type { AccountTransfer } from '../core/movement.js';

/** A fetched movement with its graph keys computed once. */
export interface TracedTransfer {
  /** Graph edge key when it differs from `transferId(t)` (UTXO outputs). */
  id?: string;
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
