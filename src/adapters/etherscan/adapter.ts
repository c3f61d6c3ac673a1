import { getChain, isChain } from '../../core/chain.js';
import type { AdapterStats, ChainAdapter } from '../adapter.js';
import { wrappedNativeTokens } from '../../core/wrapped-native.js';
import { createContractReader } from './contracts.js';
import { createTransactionLookup } from './lookup.js';
import { createExplorerFacts, createMovementReader } from './movements.js';
import { createWrapLogReader } from './wraps.js';
import { openEtherscanSource, type EtherscanAdapterOptions } from './options.js';
import { createListReader } from './paging.js';
import { createBlockByTime, createCall } from './requests.js';
import { createTransferReader } from './transfers.js';

export { ETHERSCAN_V2_URL, type EtherscanAdapterOptions } from './options.js';

/**
 * Etherscan V2 (one key, many EVM chains via `chainid`) and Blockscout's Etherscan-compatible API. Explorers
 * answer per address, so a call fans out over addresses x {txlist, txlistinternal, tokentx}; the shared HTTP
 * client bounds concurrency and rate. The pieces: options.ts (settings and the client), requests.ts (one request,
 * blocks by time), paging.ts (whole lists within the result window), transfers.ts (the fan-out), lookup.ts (one
 * transaction and its logs), movements.ts (every movement of some transactions), contracts.ts (which addresses
 * are contracts).
 */
export function createEtherscanAdapter(input: EtherscanAdapterOptions): ChainAdapter {
  const s = openEtherscanSource(input);
  const { chain, source, http } = s;
  const call = createCall(http, source);
  const lists = createListReader({ chain: chain.id, call, pageSize: s.pageSize, resultWindow: s.resultWindow });
  const lookup = createTransactionLookup(s, call, lists);
  const { getTransaction, getTransactionLogs } = lookup;
  const wrapped = wrappedNativeTokens(chain.id, s.wrappedNative);
  const facts = createExplorerFacts(s, call);
  const { getTransactionMovements } = createMovementReader(s, call, lists, lookup, wrapped, facts);
  const wraps = { read: createWrapLogReader(s, call, facts.tokenOf, wrapped), wrapped };
  const { getContracts } = createContractReader(s, call);
  return {
    kind: 'etherscan',
    endpoint: s.flavor === 'etherscan' ? `${http.endpoint} (chainid ${chain.evmChainId})` : http.endpoint,
    capabilities: { maxAddressesPerCall: s.maxAddressesPerCall, internalTransfers: true },
    supports: (c) => isChain(c, chain.id),
    getTransfers: createTransferReader(s, lists, createBlockByTime(call), wraps),
    getTransaction,
    getTransactionLogs,
    getTransactionMovements,
    getContracts,
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
    notes: (c) => {
      if (getChain(c).id !== chain.id) return [];
      const notes = [
        `${source}: ERC-20 transfers via tokentx; NFT (ERC-721/1155) transfers are not followed.`,
        `${source}: failed transactions (isError=1) moved no value and are not listed; their fees are not counted.`,
        `${source}: a seed transaction's movements are its value and fee, the token transfers that involve its sender, and all its internal calls.`,
      ];
      if (lists.windowRestarts())
        notes.push(
          `${source}: lists longer than the ${s.resultWindow}-result window were read in block ranges (${lists.windowRestarts()} restarts), de-duplicated.`,
        );
      if (lists.synthesizedIndex()) notes.push(`${source}: some token transfers came without a log index; a stable index was derived from their content.`);
      return notes;
    },
    stats: (): AdapterStats => {
      const st = http.stats();
      const out = { requests: st.requests, cacheHits: st.cacheHits, retries: st.retries, rateLimited: st.rateLimited };
      return out;
    },
  };
}
