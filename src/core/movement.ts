import type { AssetRef } from './schema.js';

/**
 * A value movement on an account chain (EVM, TRON): a native transfer, an internal call with value or a token
 * Transfer event. Addresses are normalized; amount is in base units.
 */
export interface AccountTransfer {
  chain: string;
  /** 'native' for a transaction's own value, 'internal' for a value-carrying internal call, 'token' for a token event. */
  type: 'native' | 'internal' | 'token';
  from: string;
  to: string;
  asset: AssetRef;
  amount: bigint;
  tx: string;
  /** Position inside the transaction: log index for tokens, trace position for internal calls, -1 for the tx's own value. */
  logIndex: number;
  /**
   * Position of a token transfer's event in its transaction's log, when the source numbers events per transaction
   * and `logIndex` is not that number (TRON receipts): what a seed `TX:N` names there.
   */
  eventIndex?: number;
  block: number;
  /** Position of the transaction in its block, when the source tells it; orders same-block movements. */
  txIndex?: number;
  /** Unix seconds of the block. */
  time: number;
  /** Fee the sender paid for the whole transaction, in the chain's native asset (set on one movement per tx at most). */
  fee?: bigint;
}

/** An input of a UTXO transaction: the output it spends, its address and value (base units). */
export interface UtxoInput {
  prevTx: string;
  vout: number;
  address: string | null;
  value: bigint;
}

/** An output of a UTXO transaction: index, address, value (base units) and the transaction spending it, if known. */
export interface UtxoOutput {
  n: number;
  /** Address, or a stable script id for scripts without one; null when unknown. */
  address: string | null;
  value: bigint;
  spentBy?: { txid: string; vin: number };
  /** An OP_RETURN output's data (hex of its pushes): memos such as THORChain's `OUT:<hash>`. */
  data?: string;
}

/** A Bitcoin-family transaction with its prevouts resolved. */
export interface UtxoTransaction {
  chain: string;
  txid: string;
  inputs: UtxoInput[];
  outputs: UtxoOutput[];
  fee: bigint;
  block: number | null;
  time: number | null;
  coinbase?: boolean;
}

/** Stable identity of a movement: the same transfer fetched twice (two pages, two frontier addresses) is one. */
export function transferId(t: Pick<AccountTransfer, 'chain' | 'tx' | 'type' | 'logIndex'>): string {
  return `${t.chain}|${t.tx}|${t.type}|${t.logIndex}`;
}

/** Chronological order; same block falls back to transaction position, hash and log index so the order is total. */
export function compareTransfers(a: AccountTransfer, b: AccountTransfer): number {
  return (
    a.time - b.time ||
    a.block - b.block ||
    (a.txIndex ?? 0) - (b.txIndex ?? 0) ||
    (a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0) ||
    a.logIndex - b.logIndex ||
    (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)
  );
}

const INDEX_BITS = 2 ** 21;

/**
 * Sorts items by their movements' chronological order (compareTransfers), the same total order as
 * `list.sort((a, b) => compareTransfers(of(a), of(b)))`. Big lists sort on a typed array of time and position first
 * (numbers, no comparator calls) and use the comparator only within runs of equal times.
 */
export function sortChronologically<T>(list: T[], of: (item: T) => AccountTransfer): T[] {
  const n = list.length;
  const plain = () => list.sort((a, b) => compareTransfers(of(a), of(b)));
  if (n < 64 || n >= INDEX_BITS) return plain();
  // Each item's movement is read once; the sort moves indexes, and the items once at the end.
  const ts = new Array<AccountTransfer>(n);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = of(list[i]!);
    ts[i] = t;
    const time = t.time;
    // time * 2^21 + i stays exact below 2^53 for whole seconds under 2^32.
    if (!Number.isInteger(time) || time < 0 || time >= 2 ** 32) return plain();
    keys[i] = time * INDEX_BITS + i;
  }
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % INDEX_BITS;
  for (let start = 0; start < n; ) {
    const time = ts[order[start]!]!.time;
    let end = start + 1;
    while (end < n && ts[order[end]!]!.time === time) end++;
    // A run of equal times, in input order: the comparator decides within it (a stable sort, as the plain one).
    if (end - start > 1) {
      const run = Array.from(order.subarray(start, end)).sort((a, b) => compareTransfers(ts[a]!, ts[b]!));
      order.set(run, start);
    }
    start = end;
  }
  const items = list.slice();
  for (let i = 0; i < n; i++) list[i] = items[order[i]!]!;
  return list;
}
