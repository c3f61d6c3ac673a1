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
  block: number;
  /** Position of the transaction in its block, when the source tells it; orders same-block movements. */
  txIndex?: number;
  /** Unix seconds of the block. */
  time: number;
  /** Fee the sender paid for the whole transaction, in the chain's native asset (set on one movement per tx at most). */
  fee?: bigint;
}

export interface UtxoInput {
  prevTx: string;
  vout: number;
  address: string | null;
  value: bigint;
}

export interface UtxoOutput {
  n: number;
  /** Address, or a stable script id for scripts without one; null when unknown. */
  address: string | null;
  value: bigint;
  spentBy?: { txid: string; vin: number };
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
