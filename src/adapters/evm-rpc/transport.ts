import type { z } from 'zod';
import type { ResponseCache } from '../../cache/store.js';
import type { Evidence } from '../adapter.js';
import { secretsOfUrl } from '../../core/redact.js';
import { createHttpClient, type Clock } from '../http/index.js';
import { RpcError } from './errors.js';
import { createAnswerReader } from './answers.js';
import { createCallCache } from './call-cache.js';
import type { RpcRequest } from './request.js';
import { createSender } from './sender.js';
import { createCallWindow } from './window.js';

export interface TransportOptions {
  url: string;
  /** The URL with keys removed, used in every message. */
  endpoint: string;
  /** JSON-RPC calls per HTTP request; 1 sends each call alone. */
  rpcBatchSize: number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  /** Answers about blocks at least this far below the head are cached for good (default: never). */
  reorgMarginBlocks?: number;
  headers?: Record<string, string>;
  cache?: ResponseCache;
  clock?: Clock;
  fetch?: typeof fetch;
}

export interface TransportStats {
  /** HTTP round trips (each retry counts). */
  httpRequests: number;
  /** Answers taken from the response cache. */
  cacheHits: number;
  /** JSON-RPC calls (what providers bill). */
  calls: number;
  byMethod: Record<string, number>;
}

export interface Transport {
  /** One call; a JSON-RPC error becomes an RpcError, a malformed result a ResponseShapeError. */
  call<S extends z.ZodType>(request: RpcRequest, schema: S, signal?: AbortSignal): Promise<z.infer<S>>;
  /** Many calls, sent in JSON-RPC batches where the endpoint accepts them; per-call errors come back as RpcError values. */
  batch<S extends z.ZodType>(requests: readonly RpcRequest[], schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]>;
  stats(): TransportStats;
  evidence(since?: number): Evidence[];
  evidenceMark(): number;
}

/**
 * JSON-RPC over the shared HTTP client (timeouts, retries with backoff, Retry-After, answer cache, evidence):
 * explicit batches, per-call errors, zod at the boundary. The client only ever sees the redacted URL; the real
 * one (keys often sit in its path) is used by the fetch handed to it, so no message or cache key can hold a key.
 * Wires call-cache.ts (each call's answer on its own), answers.ts (results and errors read), sender.ts (batches).
 */
export function createTransport(options: TransportOptions): Transport {
  const headerNames = Object.keys(options.headers ?? {});
  const http = createHttpClient({
    source: 'EVM RPC',
    baseUrl: options.endpoint,
    fetch: (_url, init) => (options.fetch ?? globalThis.fetch)(options.url, init),
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    rateLimit: false,
    headers: options.headers ?? {},
    // The real URL's key (path, query) and every header value (an Authorization built from its userinfo).
    secrets: { headers: headerNames, values: secretsOfUrl(options.url) },
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  // Calls in flight are what a kill loses: with an answer cache (what a resume reads), the window keeps them a small
  // share of the calls already answered; without one there is nothing to resume from, so batches are full at once.
  const window = createCallWindow(Math.max(1, options.concurrency * options.rpcBatchSize), Boolean(options.cache));
  const cache = createCallCache(http, options.reorgMarginBlocks);
  const reader = createAnswerReader(http, options.endpoint);
  const sender = createSender({ http, window, cache, reader, endpoint: options.endpoint, rpcBatchSize: options.rpcBatchSize });

  return {
    async call(request, schema, signal) {
      const hit = cache.cached(request);
      const result = hit !== undefined ? reader.unwrap(request, hit, schema) : await sender.sendOne(request, schema, signal);
      if (result instanceof RpcError) throw result;
      return result;
    },
    async batch(requests, schema, signal) {
      // Calls already answered come from the cache one by one; only the others go out.
      const answers: (z.infer<typeof schema> | RpcError)[] = new Array(requests.length);
      const missing: number[] = [];
      requests.forEach((r, i) => {
        const hit = cache.cached(r);
        if (hit === undefined) missing.push(i);
        else answers[i] = reader.unwrap(r, hit, schema);
      });
      const fetched = await sender.sendAll(
        missing.map((i) => requests[i]!),
        schema,
        signal,
      );
      fetched.forEach((answer, j) => (answers[missing[j]!] = answer));
      return answers;
    },
    stats: () => ({ ...sender.counts(), httpRequests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}
