import type { z } from 'zod';
import { AdapterError, RateLimitError } from '../../core/errors.js';
import { parseAnswer } from '../validate.js';
import type { Classify } from '../http/index.js';
import { classifyRpcError } from '../evm-rpc/errors.js';
import { EnvelopeSchema } from './schema.js';

/**
 * Etherscan and Blockscout report most errors as HTTP 200 with `{"status":"0","message":"NOTOK","result":"<why>"}`.
 * `classifyEtherscan` is the HTTP client's hook: it turns the rate-limit bodies into waits and the hopeless ones
 * (bad key, unsupported chain, daily quota) into immediate errors. `unwrapList` then reads what is left.
 */

/** Etherscan's per-second limit resets within a second; waiting a little longer than that is enough. */
const PER_SECOND_WAIT_MS = 1_100;

const TRANSIENT = /too busy|try again|temporarily|unexpected error|timed? ?out|unavailable/i;

function reasonOf(json: unknown): string | undefined {
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success || parsed.data.status !== '0') return undefined;
  return typeof parsed.data.result === 'string' ? parsed.data.result : parsed.data.message;
}

/** A `module=proxy` answer carrying a JSON-RPC error object. */
function proxyRpcError(json: unknown): { method: string; code: number; message: string } | undefined {
  const error = (json as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } } | null)?.error;
  if ((json as { jsonrpc?: unknown } | null)?.jsonrpc === undefined || typeof error?.code !== 'number' || typeof error.message !== 'string') return undefined;
  return { method: 'proxy', code: error.code, message: error.message };
}

export function classifyEtherscan(source: string, chainLabel: string): Classify {
  return (answer) => {
    if (answer.status !== 200) return undefined;
    const rpc = proxyRpcError(answer.json);
    if (rpc) {
      // The proxy module answers as the node does: its JSON-RPC errors are classified like the RPC source's.
      const kind = classifyRpcError(rpc.method, rpc.code, rpc.message);
      const why = `${rpc.method}: ${rpc.message} (code ${rpc.code})`;
      if (kind === 'rate-limit') return { kind: 'retry', reason: why, rateLimited: true, afterMs: PER_SECOND_WAIT_MS };
      if (kind === 'transient') return { kind: 'retry', reason: why };
      return undefined;
    }
    const reason = reasonOf(answer.json);
    if (reason === undefined) return undefined;
    const details = { source, url: answer.url, reason };
    if (/daily.*limit|limit.*daily/i.test(reason)) {
      return {
        kind: 'fail',
        error: new RateLimitError(`${source} daily request quota is used up (${reason}): wait for the reset or use a key with a larger plan`, { details }),
      };
    }
    if (/rate limit|too many|calls per sec/i.test(reason)) {
      return { kind: 'retry', reason, rateLimited: true, afterMs: PER_SECOND_WAIT_MS };
    }
    // "Unexpected error, timeout or server too busy. Please try again later": the same request answers later.
    if (TRANSIENT.test(reason)) return { kind: 'retry', reason };
    if (/api ?key/i.test(reason)) {
      return {
        kind: 'fail',
        error: new AdapterError(`${source} rejected the API key (${reason}): set ETHERSCAN_API_KEY to a valid key from etherscan.io/myapikey`, {
          details: { ...details, reason: 'invalid-api-key', message: reason },
        }),
      };
    }
    if (/chainid|chain id|not supported for this chain|unsupported chain/i.test(reason)) {
      return {
        kind: 'fail',
        error: new AdapterError(`${source} does not serve ${chainLabel} (${reason}): use a Blockscout instance or an RPC source for this chain`, {
          details: { ...details, reason: 'unsupported-chain', message: reason },
        }),
      };
    }
    return undefined;
  };
}

/** The source's "nothing here" answers: an empty list, not an error. */
const EMPTY = /^no (transactions|token transfers|internal transactions|records|logs)? ?found/i;
const WINDOW = /result window is too large/i;

export class ResultWindowError extends AdapterError {
  override name = 'ResultWindowError';
}

/** An envelope's list result, validated; "No … found" is empty; the 10k-window answer is a ResultWindowError. */
export function unwrapList<T>(json: unknown, schema: z.ZodType<T[]>, where: { source: string; what: string; url: string }): T[] {
  const { status, message, result } = parseAnswer(EnvelopeSchema, json, where);
  const text = typeof result === 'string' ? result : message;
  if (status !== '1') {
    if (WINDOW.test(text) || WINDOW.test(message)) throw new ResultWindowError(`${where.source}: ${text}`, { details: { ...where, message: text } });
    if (EMPTY.test(message) || EMPTY.test(text)) {
      if (result === null || (Array.isArray(result) && result.length === 0) || typeof result === 'string') return [];
    }
    if (Array.isArray(result) && result.length === 0 && message === 'OK') return [];
    throw new AdapterError(`${where.source} answered an error for ${where.what}: ${text}`, {
      details: { ...where, status, message, result: typeof result === 'string' ? result : null },
    });
  }
  return parseAnswer(schema, result, where, json);
}

/** A single-value envelope result (block by time, tx info). */
export function unwrapValue<T>(
  json: unknown,
  schema: z.ZodType<T>,
  where: { source: string; what: string; url: string },
): { ok: true; value: T } | { ok: false; message: string } {
  const { status, message, result } = parseAnswer(EnvelopeSchema, json, where);
  if (status !== '1') return { ok: false, message: typeof result === 'string' ? result : message };
  return { ok: true, value: parseAnswer(schema, result, where, json) };
}
