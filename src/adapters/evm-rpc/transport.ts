import pLimit from 'p-limit';
import type { z } from 'zod';
import { AdapterError, ChaintrailError, describeZodIssues, RateLimitError, ResponseShapeError, TraceAbortedError } from '../../core/errors.js';
import { isMissingState, isRateLimit, RpcError } from './errors.js';
import { checkAborted } from './abort.js';
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
  headers?: Record<string, string>;
}

export interface TransportStats {
  /** HTTP round trips. */
  httpRequests: number;
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
}

const NOT_TRANSIENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ERR_INVALID_URL|certificate/i;

/** Raw JSON-RPC over fetch: explicit batches, retries with backoff on rate limits and 5xx, timeouts, abort. */
export function createTransport(options: TransportOptions): Transport {
  const limit = pLimit(options.concurrency);
  const stats: TransportStats = { httpRequests: 0, calls: 0, byMethod: {} };
  let nextId = 1;
  // Some endpoints (and proxies) refuse JSON-RPC batches; the first refusal turns batching off for good.
  let batching = options.rpcBatchSize > 1;

  async function post(body: unknown, methods: string[], signal?: AbortSignal): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      checkAborted(signal);
      stats.httpRequests++;
      let response: Response;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (signal?.aborted) throw aborted(signal, error);
        const why = describeFetchError(error, timeout.aborted, options.timeoutMs);
        // A timeout is not retried: the same heavy query would time out again (raise timeoutMs or lower maxBlockRange).
        if (attempt < options.retries && !timeout.aborted && !NOT_TRANSIENT.test(why)) {
          await backoff(attempt, undefined, signal);
          continue;
        }
        throw new AdapterError(`Cannot reach EVM node at ${options.endpoint}: ${why}`, {
          details: { endpoint: options.endpoint, methods: unique(methods), attempts: attempt + 1 },
          cause: error,
        });
      }
      if (response.status === 429 || response.status >= 500) {
        const retryAfter = response.headers.get('retry-after');
        await response.body?.cancel();
        if (attempt < options.retries) {
          await backoff(attempt, retryAfter, signal);
          continue;
        }
        const details = { endpoint: options.endpoint, status: response.status, methods: unique(methods) };
        if (response.status === 429) throw new RateLimitError(`EVM node at ${options.endpoint} keeps rate-limiting (HTTP 429)`, { details });
        throw new AdapterError(`EVM node at ${options.endpoint} answered HTTP ${response.status}`, { details });
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new AdapterError(`EVM node at ${options.endpoint} refused access (HTTP ${response.status}): check the API key or allow-list`, {
          details: { endpoint: options.endpoint, status: response.status, methods: unique(methods) },
        });
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw aborted(signal, error);
        throw new AdapterError(`EVM node at ${options.endpoint} stopped answering: ${describeFetchError(error, timeout.aborted, options.timeoutMs)}`, {
          details: { endpoint: options.endpoint, methods: unique(methods), timeoutMs: options.timeoutMs },
          cause: error,
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new ResponseShapeError(`${methods[0]} at ${options.endpoint}: HTTP ${response.status} answer is not JSON`, {
          details: { endpoint: options.endpoint, status: response.status, method: methods[0], body: text.slice(0, 200) },
          cause: error,
        });
      }
      // A JSON-RPC rate-limit error is retried like HTTP 429.
      if (attempt < options.retries && hasRateLimitError(parsed)) {
        await backoff(attempt, undefined, signal);
        continue;
      }
      return parsed;
    }
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
    const envelope = JsonRpcResponseSchema.safeParse(raw);
    if (!envelope.success) throw shapeError(request.method, `not a JSON-RPC response: ${describeZodIssues(envelope.error.issues)}`);
    const answer: JsonRpcResponse = envelope.data;
    if ('error' in answer) {
      const error = toError(request.method, answer.error);
      if (!(error instanceof RpcError)) throw error;
      return error;
    }
    const result = schema.safeParse(answer.result);
    if (!result.success) throw shapeError(request.method, describeZodIssues(result.error.issues));
    return result.data;
  }

  function shapeError(method: string, why: string): ResponseShapeError {
    return new ResponseShapeError(`${method} at ${options.endpoint} answered in an unexpected shape: ${why}`, {
      details: { endpoint: options.endpoint, method },
    });
  }

  function count(requests: readonly RpcRequest[]): void {
    stats.calls += requests.length;
    for (const r of requests) stats.byMethod[r.method] = (stats.byMethod[r.method] ?? 0) + 1;
  }

  async function single<S extends z.ZodType>(request: RpcRequest, schema: S, signal?: AbortSignal): Promise<z.infer<S> | RpcError> {
    count([request]);
    const raw = await limit(() => post({ jsonrpc: '2.0', id: nextId++, ...request }, [request.method], signal));
    return unwrap(request, raw, schema);
  }

  async function chunk<S extends z.ZodType>(requests: readonly RpcRequest[], schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]> {
    if (!batching || requests.length === 1) return Promise.all(requests.map((r) => single(r, schema, signal)));
    const ids = requests.map(() => nextId++);
    count(requests);
    const raw = await limit(() =>
      post(
        requests.map((r, i) => ({ jsonrpc: '2.0', id: ids[i], ...r })),
        requests.map((r) => r.method),
        signal,
      ),
    );
    if (!Array.isArray(raw)) {
      // The endpoint refused the batch as a whole: send the calls one by one from now on.
      batching = false;
      stats.calls -= requests.length;
      for (const r of requests) stats.byMethod[r.method]! -= 1;
      return Promise.all(requests.map((r) => single(r, schema, signal)));
    }
    const byId = new Map<unknown, unknown>();
    for (const item of raw) if (item && typeof item === 'object' && 'id' in item) byId.set((item as { id: unknown }).id, item);
    return requests.map((r, i) => {
      const item = byId.get(ids[i]);
      if (item === undefined) throw shapeError(r.method, `batch answer has no response for call id ${ids[i]}`);
      return unwrap(r, item, schema);
    });
  }

  return {
    async call(request, schema, signal) {
      const result = await single(request, schema, signal);
      if (result instanceof RpcError) throw result;
      return result;
    },
    async batch(requests, schema, signal) {
      const size = Math.max(1, options.rpcBatchSize);
      const chunks: RpcRequest[][] = [];
      for (let i = 0; i < requests.length; i += size) chunks.push(requests.slice(i, i + size));
      const answers = await Promise.all(chunks.map((c) => chunk(c, schema, signal)));
      return answers.flat();
    },
    stats: () => ({ ...stats, byMethod: { ...stats.byMethod } }),
  };
}

function hasRateLimitError(parsed: unknown): boolean {
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.some((item) => {
    const error = (item as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return typeof error?.code === 'number' && typeof error.message === 'string' && isRateLimit(error.code, error.message);
  });
}

function describeFetchError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  // Never echo the URL fetch may put in its message: it can hold a key.
  return cause?.code ?? cause?.message?.replace(/https?:\/\/\S+/g, '(url)') ?? (error instanceof Error ? error.name : 'network error');
}

function aborted(signal: AbortSignal, cause: unknown): ChaintrailError {
  return new TraceAbortedError('EVM RPC request aborted', { details: { reason: String(signal.reason ?? 'aborted') }, cause });
}

async function backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  const ms = Number.isFinite(seconds) ? Math.min(seconds * 1000, 10_000) : 250 * 2 ** attempt + Math.random() * 100;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(aborted(signal, signal.reason));
      },
      { once: true },
    );
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
