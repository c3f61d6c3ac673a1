import { z } from 'zod';
import { NotFoundError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { rpcError } from './errors.js';
import type { CoreSource } from './options.js';
import { RpcEnvelopeSchema } from './schema.js';

/** Bitcoin Core's JSON-RPC 1.0 calls, alone or batched, each answer checked against its schema. */
export interface CoreRpc {
  call<T>(method: string, params: unknown[], schema: z.ZodType<T>, what: string, signal?: AbortSignal, cacheMode?: 'none'): Promise<T>;
  batch<T>(method: string, paramsList: unknown[][], schema: z.ZodType<T>, what: string, signal?: AbortSignal): Promise<T[]>;
}

export function createCoreRpc({ http, source }: CoreSource): CoreRpc {
  /** An answer checked against its schema; a mismatch is a ResponseShapeError naming the method. */
  const parseAnswer = <S extends z.ZodType>(schema: S, value: unknown, method: string): z.output<S> =>
    parseInput(schema, value, `${source} answered ${method} in an unexpected shape`, {
      error: (message) => new ResponseShapeError(message, { details: { source: 'Bitcoin Core', endpoint: http.endpoint, method } }),
    });

  function unwrap<T>(json: unknown, method: string, schema: z.ZodType<T>): T {
    const envelope = parseAnswer(RpcEnvelopeSchema, json, method);
    if (envelope.error) throw rpcError(envelope.error, method, http.endpoint);
    return parseAnswer(schema, envelope.result, method);
  }

  // Ids only need to be unique within one HTTP request: fixed ids make the same call the same request, so its
  // answer is found in the cache on a re-run whatever order the calls come in.
  async function call<T>(method: string, params: unknown[], schema: z.ZodType<T>, what: string, signal?: AbortSignal, cacheMode?: 'none'): Promise<T> {
    try {
      const body = { jsonrpc: '1.0', id: 1, method, params };
      const json = await http.requestJson({ method: 'POST', body, what, ...(signal ? { signal } : {}), ...(cacheMode ? { cache: cacheMode } : {}) });
      return unwrap(json, method, schema);
    } catch (error) {
      // The classify hook cannot know the method; name it here.
      if (error instanceof NotFoundError && error.details.rpcCode !== undefined) {
        throw new NotFoundError(`${what} not found by ${source}: ${String(error.details.rpcMessage)}`, { details: { ...error.details, method }, cause: error });
      }
      throw error;
    }
  }

  /** Several calls in one HTTP request (JSON-RPC batch); answers are matched by id. */
  async function batch<T>(method: string, paramsList: unknown[][], schema: z.ZodType<T>, what: string, signal?: AbortSignal): Promise<T[]> {
    if (paramsList.length === 0) return [];
    const first = 1;
    const body = paramsList.map((params, i) => ({ jsonrpc: '1.0', id: first + i, method, params }));
    const json = await http.requestJson({ method: 'POST', body, what, ...(signal ? { signal } : {}) });
    const answers = parseAnswer(
      z.custom<unknown[]>((v) => Array.isArray(v) && v.length === paramsList.length, { message: `expected ${paramsList.length} answers in a batch` }),
      json,
      method,
    );
    const byId = new Map<unknown, unknown>(answers.map((item: unknown) => [(item as { id?: unknown } | null)?.id, item]));
    return paramsList.map((_, i) => unwrap(byId.get(first + i), method, schema));
  }

  return { call, batch };
}
