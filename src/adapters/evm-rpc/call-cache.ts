import type { HttpClient, HttpRequest } from '../http/index.js';
import type { RpcRequest } from './request.js';

/** Asked live, never from the cache. */
const LIVE = new Set(['eth_blockNumber', 'eth_chainId']);

/** Each JSON-RPC call's answer cached on its own, whichever batch (or none) carried it. */
export interface CallCache {
  /** Stores one call's answer the moment it arrives. */
  keep(request: RpcRequest, item: unknown): void;
  /** The cached answer of a call, or undefined. */
  cached(request: RpcRequest): unknown;
}

/**
 * A call as it is sent alone. Ids only need to be unique within a request: fixed ids keep requests cacheable, and
 * a call sent inside a batch is cached and listed as evidence under this same request, so its answer is found
 * again whichever batch (or none) it travels in on the next run.
 */
function alone(r: RpcRequest): HttpRequest {
  return {
    method: 'POST',
    body: { jsonrpc: '2.0', id: 1, ...r },
    // The head and the chain id move or must be asked live; everything else is keyed by block or hash.
    cache: LIVE.has(r.method) ? 'none' : 'volatile',
    ...(LIVE.has(r.method) ? { evidence: false as const } : {}),
  };
}

export function createCallCache(http: HttpClient, reorgMarginBlocks: number | undefined): CallCache {
  let head: number | undefined;
  return {
    /**
     * Stores one call's answer under the call's own request (as the answer it would have had alone, id 1). Results
     * and JSON-RPC errors (e.g. "range too large", "method not found") are kept; a null result (a block past the
     * head, a transaction not mined yet) is not, so it is asked again.
     */
    keep(request, item) {
      if (!item || typeof item !== 'object' || ('result' in item && item.result === null)) return;
      if (!('result' in item) && !('error' in item)) return;
      const req = alone(request);
      if (req.cache === 'none') {
        // The head, as the node last said: what is deep enough below it is settled.
        if (request.method === 'eth_blockNumber' && 'result' in item && typeof item.result === 'string' && /^0x[0-9a-f]+$/i.test(item.result))
          head = Number(item.result);
        return;
      }
      const block = 'result' in item ? blockOf(request, item.result) : undefined;
      const settled = block !== undefined && head !== undefined && reorgMarginBlocks !== undefined && block <= head - reorgMarginBlocks;
      http.store(settled ? { ...req, cache: 'final' } : req, JSON.stringify({ ...item, id: 1 }));
    },
    cached(request) {
      const req = alone(request);
      return req.cache === 'none' ? undefined : http.cached(req)?.json;
    },
  };
}

/**
 * The newest block an answer is about, when the call says it (a block by number, a log or trace range ending at a
 * number) or the answer does (a receipt, a transaction, a transaction's traces); undefined for anything else.
 */
export function blockOf(request: RpcRequest, result: unknown): number | undefined {
  const number = (v: unknown) =>
    typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(v) : typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
  switch (request.method) {
    case 'eth_getBlockByNumber':
      return number(request.params[0]);
    case 'eth_getLogs':
    case 'trace_filter':
      return number((request.params[0] as { toBlock?: unknown } | undefined)?.toBlock);
    case 'eth_getTransactionReceipt':
    case 'eth_getTransactionByHash':
      return number((result as { blockNumber?: unknown } | null)?.blockNumber);
    case 'trace_transaction': {
      const blocks = Array.isArray(result) ? result.map((t) => number((t as { blockNumber?: unknown } | null)?.blockNumber)) : [];
      return blocks.length > 0 && blocks.every((b) => b !== undefined) ? Math.max(...(blocks as number[])) : undefined;
    }
    default:
      return undefined;
  }
}
