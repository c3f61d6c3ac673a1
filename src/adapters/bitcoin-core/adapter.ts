import { isChain } from '../../core/chain.js';
import { utxoOnlyTransfers } from '../bitcoin/guards.js';
import { utxoTransactionResult, type UtxoChainAdapter } from '../bitcoin/utxo-adapter.js';
import { openCoreSource, type BitcoinCoreAdapterOptions } from './options.js';
import { createCoreReads } from './reads.js';
import { createCoreRpc } from './rpc.js';
import { RpcBlockCountSchema } from './schema.js';

export type { BitcoinCoreAdapterOptions } from './options.js';

/**
 * The Bitcoin Core JSON-RPC source made by `createBitcoinCoreAdapter`: a UtxoChainAdapter plus the node's block count
 * (`getTipHeight`). Transactions outside the mempool and wallet need -txindex; the node has no address index, so
 * `getAddressTransactions` throws InvalidInputError.
 */
export interface BitcoinCoreAdapter extends UtxoChainAdapter {
  getTipHeight(options?: { signal?: AbortSignal | undefined }): Promise<number>;
}

/** Bitcoin Core JSON-RPC source: needs -txindex for arbitrary transactions; knows spent/unspent but not the spender. */
export function createBitcoinCoreAdapter(input: BitcoinCoreAdapterOptions): BitcoinCoreAdapter {
  const src = openCoreSource(input);
  const { chain, http, source } = src;
  const rpc = createCoreRpc(src);
  const reads = createCoreReads(src, rpc);

  return {
    kind: 'bitcoin-core',
    endpoint: http.endpoint,
    capabilities: { maxAddressesPerCall: 1, internalTransfers: false },
    supports: (requested) => isChain(requested, chain.id),
    getTransfers: () => Promise.reject(utxoOnlyTransfers(source)),
    getTransaction: utxoTransactionResult(reads.getUtxoTransaction),
    getUtxoTransaction: reads.getUtxoTransaction,
    getAddressTransactions: reads.getAddressTransactions,
    getOutspends: reads.getOutspends,
    getTipHeight: (opts) => rpc.call('getblockcount', [], RpcBlockCountSchema, 'block count', opts?.signal, 'none'),
    notes: () => [
      'Bitcoin Core: spent outputs are known (gettxout) but not who spent them; branches end there as spent with the spender unknown',
      'Bitcoin Core: no address index, so address seeds need an Esplora source',
    ],
    stats: () => ({ requests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}
