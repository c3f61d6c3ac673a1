import { getChain, isChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import { wrappedNativeTokens } from '../../core/wrapped-native.js';
import type { AdapterStats, ChainAdapter, TransactionLog, TransactionMovements } from '../adapter.js';
import { createSpanState } from './block-range.js';
import { createBlockClock } from './blocks.js';
import { createReceiptCache, type NativeContext } from './native.js';
import { createNativeReader } from './native-value.js';
import { evmChainInfo, moveUserinfo, parseEvmRpcOptions, type EvmRpcAdapterOptions } from './options.js';
import { createNodeProbes } from './probes.js';
import { createContractReader } from './contracts.js';
import { createMovementReader } from './movements.js';
import { createTokenRegistry } from './tokens.js';
import { createTransactionLookup } from './transactions.js';
import { createTransferReader } from './transfers.js';
import { createTransport, type TransportStats } from './transport.js';

/** Requests and cache hits of the JSON-RPC source, with its transport's figures. */
export interface EvmRpcStats extends AdapterStats, TransportStats {}

/** The JSON-RPC source: a ChainAdapter with its request statistics. */
export interface EvmRpcAdapter extends ChainAdapter {
  readonly kind: 'evm-rpc';
  stats(): EvmRpcStats;
  getTransactionLogs(chain: string, hash: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactionLog[]>;
  getTransactionMovements(chain: string, hashes: string[], options?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements>;
  getContracts(chain: string, addresses: string[], options?: { signal?: AbortSignal | undefined }): Promise<Set<string>>;
}

/**
 * An EVM chain through any JSON-RPC node or provider: ERC-20 Transfer logs for whole frontiers per eth_getLogs,
 * native value through trace_filter when the node has it (else a bounded block scan), timestamps and token
 * metadata fetched in batches and cached. The pieces: options.ts (settings), transport.ts (batched calls over the
 * HTTP client), probes.ts (chain id, trace_filter), transfers.ts (a frontier's movements, with
 * per-address-cut.ts and native-value.ts), transactions.ts (one transaction and its logs), movements.ts (every
 * movement of a set of transactions, with internal-calls.ts) and contracts.ts (which addresses hold code).
 */
export function createEvmRpcAdapter(input: EvmRpcAdapterOptions): EvmRpcAdapter {
  const { cache, clock: sleeper, fetch: fetchImpl, ...rest } = input;
  const options = parseEvmRpcOptions(rest);
  const info = evmChainInfo(options.chain);
  const endpoint = redactUrl(options.url);
  // fetch refuses URLs with credentials: user:password@ in the URL travels as Basic authorization instead.
  const { url, headers } = moveUserinfo(options.url, options.headers);
  const transport = createTransport({
    url,
    endpoint,
    rpcBatchSize: options.rpcBatchSize,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    reorgMarginBlocks: options.reorgMarginBlocks,
    ...(headers ? { headers } : {}),
    ...(cache ? { cache } : {}),
    ...(sleeper ? { clock: sleeper } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const clock = createBlockClock(transport, endpoint);
  const tokens = createTokenRegistry(transport, info.id);
  const receipts = createReceiptCache(transport);
  const native: NativeContext = { chain: info.id, transport, clock, receipts };
  const notes = new Set<string>();
  const probes = createNodeProbes({ transport, clock, chain: info.id, evmChainId: info.evmChainId, endpoint, traceFilter: options.traceFilter, notes });
  const chainOf = (chain: string): string => {
    const id = getChain(chain).id;
    if (id !== info.id) throw new InvalidInputError(`This EVM RPC source serves ${info.id}, not ${id}`, { details: { endpoint, chain: id, serves: info.id } });
    return id;
  };
  const nativeReader = createNativeReader({
    native,
    info,
    probes,
    batchSize: options.batchSize,
    blockScanLimit: options.blockScanLimit,
    span: createSpanState(options.maxBlockRange),
    notes,
  });
  const wrapped = wrappedNativeTokens(info.id, options.wrappedNative);
  const getTransfers = createTransferReader(
    { transport, clock, tokens, probes, native: nativeReader, logSpan: createSpanState(options.maxBlockRange), chainOf, wrapped },
    options,
  );
  const { getTransaction, getTransactionLogs } = createTransactionLookup({ transport, clock, tokens, receipts, probes, endpoint, chainOf });
  const movements = createMovementReader({
    transport,
    clock,
    tokens,
    receipts,
    probes,
    endpoint,
    chainOf,
    wrapped,
  });
  const { getContracts } = createContractReader({ transport, probes, chainOf });

  return {
    kind: 'evm-rpc',
    endpoint,
    capabilities: {
      maxAddressesPerCall: options.batchSize,
      // Known once probed (or forced by the traceFilter option); false until then.
      get internalTransfers() {
        return probes.hasTraces();
      },
    },
    supports: (chain) => isChain(chain, info.id),
    getTransfers,
    getTransaction,
    getTransactionLogs,
    getTransactionMovements: movements.getTransactionMovements,
    getContracts,
    notes(chain) {
      try {
        if (getChain(chain).id !== info.id) return [];
      } catch {
        return [];
      }
      return [...notes, ...tokens.notes(), ...movements.notes()];
    },
    stats() {
      const t = transport.stats();
      // requests = JSON-RPC calls (what providers bill); cacheHits = answer-cache hits plus block times reused.
      return { ...t, requests: t.calls, cacheHits: t.cacheHits + clock.cacheHits() };
    },
    evidence: (since) => transport.evidence(since),
    evidenceMark: () => transport.evidenceMark(),
  };
}

export type { EvmRpcAdapterOptions };
