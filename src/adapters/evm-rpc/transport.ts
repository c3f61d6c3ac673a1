import type { z } from 'zod';
import type { ResponseCache } from '../../cache/store.js';
import { AdapterError, RateLimitError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import type { Evidence } from '../adapter.js';
import { secretsOfUrl } from '../../core/redact.js';
import { createHttpClient, type Classify, type Clock, type HttpRequest, type Verdict } from '../http/index.js';
import { classifyRpcError, isLagging, isMissingState, isRateLimit, RpcError } from './errors.js';
import { checkAborted } from './abort.js';
import { createCallWindow } from './window.js';
import { JsonRpcResponseSchema, type JsonRpcResponse } from './schema.js';

export interface RpcRequest {
  method: string;
  params: unknown[];
}

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

/** Asked live, never from the cache. */
const LIVE = new Set(['eth_blockNumber', 'eth_chainId']);

/**
 * JSON-RPC over the shared HTTP client (timeouts, retries with backoff, Retry-After, answer cache, evidence):
 * explicit batches, per-call errors, zod at the boundary. The client only ever sees the redacted URL; the real
 * one (keys often sit in its path) is used by the fetch handed to it, so no message or cache key can hold a key.
 */
export function createTransport(options: TransportOptions): Transport {
  const stats = { calls: 0, byMethod: {} as Record<string, number> };
  // Some endpoints (and proxies) refuse JSON-RPC batches; the first refusal turns batching off for good.
  let batching = options.rpcBatchSize > 1;
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

  /**
   * A call as it is sent alone. Ids only need to be unique within a request: fixed ids keep requests cacheable, and
   * a call sent inside a batch is cached and listed as evidence under this same request, so its answer is found
   * again whichever batch (or none) it travels in on the next run.
   */
  const alone = (r: RpcRequest): HttpRequest => ({
    method: 'POST',
    body: { jsonrpc: '2.0', id: 1, ...r },
    // The head and the chain id move or must be asked live; everything else is keyed by block or hash.
    cache: LIVE.has(r.method) ? 'none' : 'volatile',
    ...(LIVE.has(r.method) ? { evidence: false as const } : {}),
  });

  /** One HTTP request; nothing is cached for it as a whole (its calls are stored one by one by `keep`). */
  async function post(requests: readonly RpcRequest[], batch: boolean, signal?: AbortSignal): Promise<unknown> {
    checkAborted(signal);
    const body = batch ? requests.map((r, i) => ({ jsonrpc: '2.0', id: i + 1, ...r })) : { jsonrpc: '2.0', id: 1, ...requests[0]! };
    const methods = [...new Set(requests.map((r) => r.method))].join(', ');
    return http.requestJson({
      method: 'POST',
      body,
      what: `${methods}${requests.length > 1 ? ` ×${requests.length}` : ''} at ${options.endpoint}`,
      cache: 'none',
      evidence: false,
      classify: classifyRpc(batch ? requests.map((r) => r.method) : [requests[0]!.method]),
      ...(signal ? { signal } : {}),
    });
  }

  let head: number | undefined;

  /**
   * Stores one call's answer under the call's own request the moment it arrives (as the answer it would have had
   * alone, id 1). Results and JSON-RPC errors (e.g. "range too large", "method not found") are kept; a null result
   * (a block past the head, a transaction not mined yet) is not, so it is asked again.
   */
  function keep(request: RpcRequest, item: unknown): void {
    if (!item || typeof item !== 'object' || (('result' in item) && item.result === null)) return;
    if (!('result' in item) && !('error' in item)) return;
    const req = alone(request);
    if (req.cache === 'none') {
      // The head, as the node last said: what is deep enough below it is settled.
      if (request.method === 'eth_blockNumber' && 'result' in item && typeof item.result === 'string' && /^0x[0-9a-f]+$/i.test(item.result)) head = Number(item.result);
      return;
    }
    const block = 'result' in item ? blockOf(request, item.result) : undefined;
    const settled = block !== undefined && head !== undefined && options.reorgMarginBlocks !== undefined && block <= head - options.reorgMarginBlocks;
    http.store(settled ? { ...req, cache: 'final' } : req, JSON.stringify({ ...item, id: 1 }));
  }

  /** The cached answer of a call, or undefined. */
  function cached(request: RpcRequest): unknown {
    const req = alone(request);
    return req.cache === 'none' ? undefined : http.cached(req)?.json;
  }

  function toError(method: string, error: { code: number; message: string; data?: unknown }): RpcError | AdapterError {
    if (isMissingState(error.message)) {
      return new AdapterError(
        `${method} at ${options.endpoint}: the node lacks the requested historical data ("${error.message}"); use an archive node or a narrower, recent window`,
        { details: { endpoint: options.endpoint, method, rpcCode: error.code, rpcMessage: error.message } },
      );
    }
    if (isRateLimit(error.code, error.message)) {
      return new RateLimitError(`${method} at ${options.endpoint} is rate-limited: ${error.message}`, {
        details: { endpoint: options.endpoint, method, rpcCode: error.code, rpcMessage: error.message },
      });
    }
    return new RpcError(method, error.code, error.message, options.endpoint, { details: { data: error.data } });
  }

  function unwrap<S extends z.ZodType>(request: RpcRequest, raw: unknown, schema: S): z.infer<S> | RpcError {
    const answer: JsonRpcResponse = parseAnswer(JsonRpcResponseSchema, raw, request.method, ': not a JSON-RPC response');
    if ('error' in answer) {
      // Providers echo the request (its key) in their messages: redacted before anything keeps it.
      const error = toError(request.method, { ...answer.error, message: http.redact(answer.error.message), data: redactData(answer.error.data) });
      if (!(error instanceof RpcError)) throw error;
      return error;
    }
    return parseAnswer(schema, answer.result, request.method);
  }

  function redactData(data: unknown): unknown {
    return data === undefined ? undefined : (JSON.parse(http.redact(JSON.stringify(data))) as unknown);
  }

  function shapeError(method: string, why: string): ResponseShapeError {
    return new ResponseShapeError(`${method} at ${options.endpoint} answered in an unexpected shape: ${why}`, {
      details: { endpoint: options.endpoint, method },
    });
  }

  /** A node's answer checked against its schema; a mismatch is a ResponseShapeError naming the method (and `part`). */
  function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, method: string, part = ''): z.output<S> {
    return parseInput(schema, value, `${method} at ${options.endpoint} answered in an unexpected shape${part}`, {
      error: (message) => new ResponseShapeError(message, { details: { endpoint: options.endpoint, method } }),
    });
  }

  function count(requests: readonly RpcRequest[]): void {
    stats.calls += requests.length;
    for (const r of requests) stats.byMethod[r.method] = (stats.byMethod[r.method] ?? 0) + 1;
  }

  async function single<S extends z.ZodType>(request: RpcRequest, schema: S, signal?: AbortSignal): Promise<z.infer<S> | RpcError> {
    const hit = cached(request);
    if (hit !== undefined) return unwrap(request, hit, schema);
    return (await exchange([request], await window.acquire(1), schema, signal))[0]!;
  }

  /**
   * Sends calls the cache did not have (one alone, more as a batch) on `slots` taken from the window, and gives the
   * slots back when the answer is in. Each call's answer is stored as it arrives.
   */
  async function exchange<S extends z.ZodType>(requests: readonly RpcRequest[], slots: number, schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]> {
    let answered = 0;
    let released = false;
    try {
      const batch = batching && requests.length > 1;
      count(requests);
      const raw = await post(requests, batch, signal);
      if (!batch) {
        answered = 1;
        const result = unwrap(requests[0]!, raw, schema);
        keep(requests[0]!, raw);
        return [result];
      }
      if (!Array.isArray(raw)) {
        // The endpoint refused the batch as a whole: send the calls one by one from now on.
        batching = false;
        stats.calls -= requests.length;
        for (const r of requests) stats.byMethod[r.method]! -= 1;
        window.release(slots, 0); // before asking for single slots, or a small window would wait on itself
        released = true;
        return await sendAll(requests, schema, signal);
      }
      answered = requests.length;
      const byId = new Map<unknown, unknown>();
      for (const item of raw) if (item && typeof item === 'object' && 'id' in item) byId.set((item as { id: unknown }).id, item);
      return requests.map((r, i) => {
        const item = byId.get(i + 1);
        if (item === undefined) throw shapeError(r.method, `batch answer has no response for call id ${i + 1}`);
        const result = unwrap(r, item, schema);
        keep(r, item);
        return result;
      });
    } finally {
      if (!released) window.release(slots, answered);
    }
  }

  /** Calls the cache did not have, in batches as large as the window and rpcBatchSize allow. */
  async function sendAll<S extends z.ZodType>(requests: readonly RpcRequest[], schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]> {
    const answers: (z.infer<S> | RpcError)[] = new Array(requests.length);
    const jobs: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    for (let next = 0; next < requests.length && !failure; ) {
      const want = batching ? Math.min(Math.max(1, options.rpcBatchSize), requests.length - next) : 1;
      const slots = await window.acquire(want);
      const start = next;
      const part = requests.slice(start, start + slots);
      next += part.length;
      jobs.push(
        exchange(part, slots, schema, signal).then(
          (list) => list.forEach((answer, j) => (answers[start + j] = answer)),
          (error: unknown) => void (failure ??= { error }),
        ),
      );
    }
    await Promise.all(jobs);
    if (failure) throw failure.error;
    return answers;
  }

  return {
    async call(request, schema, signal) {
      const result = await single(request, schema, signal);
      if (result instanceof RpcError) throw result;
      return result;
    },
    async batch(requests, schema, signal) {
      // Calls already answered come from the cache one by one; only the others go out.
      const answers: (z.infer<typeof schema> | RpcError)[] = new Array(requests.length);
      const missing: number[] = [];
      requests.forEach((r, i) => {
        const hit = cached(r);
        if (hit === undefined) missing.push(i);
        else answers[i] = unwrap(r, hit, schema);
      });
      const fetched = await sendAll(
        missing.map((i) => requests[i]!),
        schema,
        signal,
      );
      fetched.forEach((answer, j) => (answers[missing[j]!] = answer));
      return answers;
    },
    stats: () => ({ calls: stats.calls, byMethod: { ...stats.byMethod }, httpRequests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}

/**
 * JSON-RPC errors arrive inside HTTP 200 answers, alone or at any position of a batch. Each is classified once
 * (errors.ts); a rate-limited or transient one has the whole request asked again through the HTTP client's backoff
 * (a batch is re-sent whole, its answers matched by id, so none is lost or reordered; each call's answer is then
 * stored and listed as evidence on its own). Everything else goes to the caller. `methods[i]` is the method of id i + 1.
 */
function classifyRpc(methods: readonly string[]): Classify {
  return (answer) => {
    if (answer.status !== 200 || answer.json === undefined) return undefined;
    const items = Array.isArray(answer.json) ? answer.json : [answer.json];
    let transient: Verdict | undefined;
    for (const item of items) {
      const { id, error } = (item ?? {}) as { id?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
      if (typeof error?.code !== 'number' || typeof error.message !== 'string') continue;
      const method = methods[typeof id === 'number' ? id - 1 : 0] ?? methods[0]!;
      const kind = classifyRpcError(method, error.code, error.message);
      const reason = `${method} failed: ${error.message} (code ${error.code})`;
      if (kind === 'rate-limit') {
        // Infura says how long to back off in data.backoff_seconds.
        const seconds = (error.data as { backoff_seconds?: unknown } | undefined)?.backoff_seconds;
        return { kind: 'retry', reason, rateLimited: true, ...(typeof seconds === 'number' && seconds >= 0 ? { afterMs: Math.ceil(seconds * 1000) } : {}) };
      }
      if (kind === 'transient') {
        transient ??= {
          kind: 'retry',
          reason,
          ...(isLagging(error.message) ? { hint: 'the node kept missing that block: it lags behind, or lacks old history (use an archive node)' } : {}),
        };
      }
    }
    return transient;
  };
}

/**
 * The newest block an answer is about, when the call says it (a block by number, a log or trace range ending at a
 * number) or the answer does (a receipt, a transaction, a transaction's traces); undefined for anything else.
 */
export function blockOf(request: RpcRequest, result: unknown): number | undefined {
  const number = (v: unknown) => (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(v) : typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
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
