import type { ChainAdapter } from '../adapter.js';
import type { UtxoTransaction } from '../../core/movement.js';

/**
 * Who spent an output, as far as the source can tell. Esplora always knows the spender; Bitcoin Core only knows
 * whether an output is still in the UTXO set (`gettxout`), so a spent output may come with `txid: null`.
 * Provably unspendable outputs (OP_RETURN) are reported unspent: nothing can ever follow them.
 */
export type Outspend = { spent: false } | { spent: true; txid: string; vin: number } | { spent: true; txid: null; vin: null };

/**
 * A UTXO transaction as a source returned it. When a prevout could not be resolved (the source does not hold
 * the funding transaction), its vin is listed in `unresolvedInputs`; that input's `address` is null and its
 * `value` is a 0n placeholder, and `fee` is then 0n and unknown. Values are never invented.
 */
export interface SourcedUtxoTransaction extends UtxoTransaction {
  unresolvedInputs?: number[];
}

/** Options of `UtxoChainAdapter.getAddressTransactions`: a block-time window, a cap per address and an abort signal. */
export interface AddressTransactionsOptions {
  /** Inclusive window in unix seconds (block time); unconfirmed transactions are not listed. */
  fromTime?: number;
  toTime?: number;
  /** Stop collecting an address's transactions past this many and name it in `truncated`. */
  maxPerAddress?: number;
  signal?: AbortSignal;
}

/** What `UtxoChainAdapter.getAddressTransactions` returns: the transactions found, and the addresses whose list was cut. */
export interface AddressTransactionsResult {
  /** Every confirmed transaction that spends from or pays to one of the addresses, each once, oldest first. */
  transactions: SourcedUtxoTransaction[];
  /** Addresses whose list was cut at `maxPerAddress`: a list is complete or says it is not. */
  truncated: string[];
}

/** A Bitcoin-family source: answers UTXO questions (transactions with prevouts, spenders, address histories). */
export interface UtxoChainAdapter extends ChainAdapter {
  getUtxoTransaction(chain: string, txid: string, options?: { signal?: AbortSignal | undefined }): Promise<SourcedUtxoTransaction>;
  getAddressTransactions(chain: string, addresses: string[], options?: AddressTransactionsOptions): Promise<AddressTransactionsResult>;
  /** One entry per output of `txid`, in output order. */
  getOutspends(chain: string, txid: string, options?: { signal?: AbortSignal | undefined }): Promise<Outspend[]>;
}

/** Type guard: true when the adapter has the UTXO methods (getUtxoTransaction, getAddressTransactions, getOutspends). */
export function isUtxoChainAdapter(adapter: ChainAdapter): adapter is UtxoChainAdapter {
  const candidate = adapter as Partial<UtxoChainAdapter>;
  return (
    typeof candidate.getUtxoTransaction === 'function' && typeof candidate.getAddressTransactions === 'function' && typeof candidate.getOutspends === 'function'
  );
}

/** A UTXO source answers a seed by transaction hash with the whole transaction and no account movements. */
export function utxoTransactionResult(getUtxoTransaction: UtxoChainAdapter['getUtxoTransaction']): ChainAdapter['getTransaction'] {
  return async (chain, hash, options) => {
    const utxo = await getUtxoTransaction(chain, hash, options);
    return { chain: utxo.chain, tx: utxo.txid, transfers: [], utxo };
  };
}
