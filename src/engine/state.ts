import { nativeAsset } from '../core/asset.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';

/** A fetched movement with its graph keys computed once. */
export interface TracedTransfer {
  /** Graph edge key when it differs from `transferId(t)` (UTXO outputs). */
  id?: string;
  t: AccountTransfer;
  /** `t`'s fields a report shows, read without making `t` where it is made on demand (the flow's table rows). */
  readonly tx: string;
  readonly logIndex: number;
  readonly time: number;
  readonly amount: bigint;
  from: string;
  to: string;
  asset: string;
}

/** A movement's fields that TracedTransfer carries beside it (for a TracedTransfer made from the movement object). */
export function shownFields(t: AccountTransfer): Pick<TracedTransfer, 'tx' | 'logIndex' | 'time' | 'amount'> {
  return { tx: t.tx, logIndex: t.logIndex, time: t.time, amount: t.amount };
}

/** A tainted deposit that starts the trace: exactly this transfer's amount is tainted at its recipient. */
export interface SeedDeposit {
  transferId: string;
  kind: 'tx' | 'address';
  node: string;
}

/**
 * A node's key, `chain|address`. Read once here (one character), which makes V8 copy the two parts into one flat
 * string now, while they are in cache: a joined string is otherwise a pair of pointers until its first hash or read
 * of a character, and at 1 M transfers the endpoints were the first to hash or sort most of 265 k keys, each a
 * copy then.
 */
export function nodeKey(chain: string, address: string): string {
  const key = `${chain}|${address}`;
  key.charCodeAt(0);
  return key;
}

export function splitNodeKey(key: string): { chain: string; address: string } {
  const i = key.indexOf('|');
  return { chain: key.slice(0, i), address: key.slice(i + 1) };
}

/** Output `n` of a UTXO transaction as a transfer: from the first input's address to the output's. */
export function seedTransfer(chain: string, tx: UtxoTransaction, n: number): AccountTransfer {
  const o = tx.outputs.find((x) => x.n === n)!;
  return {
    chain,
    type: 'native',
    from: tx.inputs.find((i) => i.address)?.address ?? 'coinbase',
    to: o.address ?? `unknown:${tx.txid}:${n}`,
    asset: nativeAsset(chain),
    amount: o.value,
    tx: tx.txid,
    logIndex: n,
    block: tx.block ?? 0,
    time: tx.time ?? 0,
  };
}
