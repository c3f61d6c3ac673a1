import { isChain } from '../../core/chain.js';
import { utxoOnlyTransfers } from '../bitcoin/guards.js';
import { utxoTransactionResult, type UtxoChainAdapter } from '../bitcoin/utxo-adapter.js';
import { getAddressTransactions } from './history.js';
import { openEsploraSource, type EsploraAdapterOptions } from './options.js';
import { getOutspends, getUtxoTransaction } from './reads.js';
import { EsploraTipHeightSchema } from './schema.js';

export { ESPLORA_PAGE_SIZE } from './history.js';
export type { EsploraAdapterOptions } from './options.js';

/** The Esplora source made by `createEsploraAdapter`: a UtxoChainAdapter that can also report the server's tip height. */
export interface EsploraAdapter extends UtxoChainAdapter {
  /** Height of the best block the server knows. */
  getTipHeight(options?: { signal?: AbortSignal | undefined }): Promise<number>;
}

/** Blockstream/mempool.space-compatible Esplora REST source for Bitcoin. */
export function createEsploraAdapter(input: EsploraAdapterOptions): EsploraAdapter {
  const src = openEsploraSource(input);
  const { chain, http, source } = src;

  return {
    kind: 'esplora',
    endpoint: http.endpoint,
    capabilities: { maxAddressesPerCall: 25, internalTransfers: false },
    supports: (requested) => isChain(requested, chain.id),
    getTransfers: () => Promise.reject(utxoOnlyTransfers(source)),
    getTransaction: utxoTransactionResult((requested, txid, opts) => getUtxoTransaction(src, requested, txid, opts)),
    getUtxoTransaction: (requested, txid, opts) => getUtxoTransaction(src, requested, txid, opts),
    getAddressTransactions: (requested, addresses, window) => getAddressTransactions(src, requested, addresses, window),
    getOutspends: (requested, txid, opts) => getOutspends(src, requested, txid, opts),
    getTipHeight: (opts) => src.get('/blocks/tip/height', EsploraTipHeightSchema, 'tip height', opts?.signal, 'none'),
    notes: () => ['Esplora: confirmed transactions only; unconfirmed (mempool) spends are not followed'],
    stats: () => ({ requests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}
