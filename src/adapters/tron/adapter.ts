import { getChain, isChain } from '../../core/chain.js';
import type { AdapterStats, ChainAdapter } from '../adapter.js';
import { readTransaction } from './lookup.js';
import { createTronMovements } from './movements.js';
import { openTronSource, type TronGridAdapterOptions } from './options.js';
import { readTransfers } from './transfers.js';
import { createWrapEventReader } from './wraps.js';

export { classifyTronGrid } from './classify.js';
export { TRONGRID_URL, type TronGridAdapterOptions } from './options.js';

/**
 * TronGrid (TRON): TRC-20 transfers from `/v1/accounts/:a/transactions/trc20`, TRX from
 * `/v1/accounts/:a/transactions` (with internal transactions), fingerprint paging, base58 addresses throughout.
 * A seed transaction is read from the full-node API: `/wallet/gettransactionbyid` (its TRX value) and
 * `/wallet/gettransactioninfobyid` (fee, block, TRC-20 Transfer logs, internal TRX transfers); the same two calls
 * give a transaction's movements (movements.ts), and `/wallet/getcontract` which addresses are contracts.
 */
export function createTronGridAdapter(input: TronGridAdapterOptions = {}): ChainAdapter {
  const src = openTronSource(input);
  const moves = createTronMovements(src);
  const wraps = createWrapEventReader(src);
  return {
    kind: 'trongrid',
    endpoint: src.http.endpoint,
    capabilities: { maxAddressesPerCall: src.maxAddressesPerCall, internalTransfers: true },
    supports: (c) => isChain(c, 'tron'),
    getTransfers: (q) => readTransfers(src, q, wraps),
    getTransaction: (chain, hash, opts) => readTransaction(src.http, chain, hash, opts?.signal),
    getTransactionMovements: moves.getTransactionMovements,
    getContracts: moves.getContracts,
    evidence: (since?: number) => src.http.evidence(since),
    evidenceMark: () => src.http.evidenceMark(),
    notes: (c) => {
      if (getChain(c).id !== 'tron') return [];
      const notes = [
        'TronGrid: TRC-20 records carry no block number or log index; block is 0 for them and a stable index is derived from their content.',
        'TronGrid: TRC-10 tokens, staking and votes are not followed; failed transactions moved no value and are not listed.',
      ];
      return notes;
    },
    stats: (): AdapterStats => {
      const s = src.http.stats();
      const out = { requests: s.requests, cacheHits: s.cacheHits, retries: s.retries, rateLimited: s.rateLimited };
      return out;
    },
  };
}
