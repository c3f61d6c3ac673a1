import type { z } from 'zod';
import type { HttpClient } from '../http/index.js';
import { checkAborted } from './abort.js';
import type { AnswerReader } from './answers.js';
import type { CallCache } from './call-cache.js';
import { classifyRpc } from './classify.js';
import type { RpcError } from './errors.js';
import type { RpcRequest } from './request.js';
import type { CallWindow } from './window.js';

export interface SenderParts {
  http: HttpClient;
  window: CallWindow;
  cache: CallCache;
  reader: AnswerReader;
  endpoint: string;
  rpcBatchSize: number;
}

/** Sends calls the cache did not have, in JSON-RPC batches while the endpoint accepts them, and counts them. */
export interface Sender {
  /** Calls in batches as large as the window and rpcBatchSize allow; answers in the calls' order. */
  sendAll<S extends z.ZodType>(requests: readonly RpcRequest[], schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]>;
  /** One call on one slot of the window. */
  sendOne<S extends z.ZodType>(request: RpcRequest, schema: S, signal?: AbortSignal): Promise<z.infer<S> | RpcError>;
  /** JSON-RPC calls sent (what providers bill), in all and by method. */
  counts(): { calls: number; byMethod: Record<string, number> };
}

export function createSender(parts: SenderParts): Sender {
  const { http, window, cache, reader } = parts;
  const stats = { calls: 0, byMethod: {} as Record<string, number> };
  // Some endpoints (and proxies) refuse JSON-RPC batches; the first refusal turns batching off for good.
  let batching = parts.rpcBatchSize > 1;

  function count(requests: readonly RpcRequest[], sign: 1 | -1): void {
    stats.calls += sign * requests.length;
    for (const r of requests) stats.byMethod[r.method] = (stats.byMethod[r.method] ?? 0) + sign;
  }

  /**
   * Sends calls (one alone, more as a batch) on `slots` taken from the window, and gives the slots back when the
   * answer is in. Each call's answer is stored as it arrives.
   */
  async function exchange<S extends z.ZodType>(
    requests: readonly RpcRequest[],
    slots: number,
    schema: S,
    signal?: AbortSignal,
  ): Promise<(z.infer<S> | RpcError)[]> {
    let answered = 0;
    let released = false;
    try {
      const batch = batching && requests.length > 1;
      count(requests, 1);
      const raw = await post(http, parts.endpoint, requests, batch, signal);
      if (!batch) {
        answered = 1;
        const result = reader.unwrap(requests[0]!, raw, schema);
        cache.keep(requests[0]!, raw);
        return [result];
      }
      if (!Array.isArray(raw)) {
        // The endpoint refused the batch as a whole: send the calls one by one from now on.
        batching = false;
        count(requests, -1);
        window.release(slots, 0); // before asking for single slots, or a small window would wait on itself
        released = true;
        return await sendAll(requests, schema, signal);
      }
      answered = requests.length;
      return matchBatch(reader, cache, requests, raw, schema);
    } finally {
      if (!released) window.release(slots, answered);
    }
  }

  async function sendAll<S extends z.ZodType>(requests: readonly RpcRequest[], schema: S, signal?: AbortSignal): Promise<(z.infer<S> | RpcError)[]> {
    const answers: (z.infer<S> | RpcError)[] = new Array(requests.length);
    const jobs: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    for (let next = 0; next < requests.length && !failure; ) {
      const want = batching ? Math.min(Math.max(1, parts.rpcBatchSize), requests.length - next) : 1;
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
    sendAll,
    sendOne: async (request, schema, signal) => (await exchange([request], await window.acquire(1), schema, signal))[0]!,
    counts: () => ({ calls: stats.calls, byMethod: { ...stats.byMethod } }),
  };
}

/** One HTTP request; nothing is cached for it as a whole (its calls are stored one by one by the call cache). */
async function post(http: HttpClient, endpoint: string, requests: readonly RpcRequest[], batch: boolean, signal?: AbortSignal): Promise<unknown> {
  checkAborted(signal);
  const body = batch ? requests.map((r, i) => ({ jsonrpc: '2.0', id: i + 1, ...r })) : { jsonrpc: '2.0', id: 1, ...requests[0]! };
  const methods = [...new Set(requests.map((r) => r.method))].join(', ');
  return http.requestJson({
    method: 'POST',
    body,
    what: `${methods}${requests.length > 1 ? ` ×${requests.length}` : ''} at ${endpoint}`,
    cache: 'none',
    evidence: false,
    classify: classifyRpc(batch ? requests.map((r) => r.method) : [requests[0]!.method]),
    ...(signal ? { signal } : {}),
  });
}

/** A batch answer matched to its calls by id; each call's answer is stored as it is read. */
function matchBatch<S extends z.ZodType>(
  reader: AnswerReader,
  cache: CallCache,
  requests: readonly RpcRequest[],
  raw: unknown[],
  schema: S,
): (z.infer<S> | RpcError)[] {
  const byId = new Map<unknown, unknown>();
  for (const item of raw) if (item && typeof item === 'object' && 'id' in item) byId.set((item as { id: unknown }).id, item);
  return requests.map((r, i) => {
    const item = byId.get(i + 1);
    if (item === undefined) throw reader.shapeError(r.method, `batch answer has no response for call id ${i + 1}`);
    const result = reader.unwrap(r, item, schema);
    cache.keep(r, item);
    return result;
  });
}
