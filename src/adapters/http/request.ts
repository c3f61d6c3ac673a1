import { AdapterError, NotFoundError, ResponseShapeError, type ErrorDetails } from '../../core/errors.js';
import { RETRY_STATUS } from './defaults.js';
import { snippet } from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { HttpAnswer, Sent, Verdict } from './types.js';

/**
 * One HTTP request and what its answer means: the URL and headers, the fetch with a timeout per attempt, the body
 * read as text and JSON, and the status verdicts (retry on 429/5xx, typed errors on 404/401/403/other non-2xx and
 * on a body that is not JSON).
 */

export interface Outgoing {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** JSON text for POST. */
  body?: string;
}

/** `base` + `path` with the client's and the request's query parameters (undefined ones left out). */
export function buildUrl(base: string, path: string | undefined, ...queries: Array<Record<string, string | number | boolean | undefined> | undefined>): string {
  const url = new URL(base + (path ?? ''));
  for (const [k, v] of Object.entries(Object.assign({}, ...queries) as Record<string, unknown>)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

/** JSON in, JSON out; the client's own headers (empty values left out). */
export function requestHeaders(method: 'GET' | 'POST', own: Record<string, string | undefined> | undefined): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries(own ?? {})) if (v !== undefined && v !== '') h[k] = v;
  if (method === 'POST') h['content-type'] = 'application/json';
  return h;
}

/**
 * Fetches once, abandoned after `timeoutMs`. A network error or timeout is returned, not thrown (the caller
 * decides whether to retry); the caller's own abort is thrown.
 */
export async function send(
  doFetch: typeof fetch,
  url: string,
  out: Outgoing,
  o: { timeoutMs: number; signal?: AbortSignal | undefined; safeUrl: string },
): Promise<Sent> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout.signal]) : timeout.signal;
  try {
    const res = await doFetch(url, { method: out.method, headers: out.headers, ...(out.body === undefined ? {} : { body: out.body }), signal });
    const text = await res.text();
    return { answer: { status: res.status, headers: res.headers, text, json: parseJson(text), url: o.safeUrl } };
  } catch (error) {
    if (o.signal?.aborted) throw o.signal.reason ?? error;
    return { error, timedOut: timeout.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  try {
    return text.length ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The verdict when the source's classify hook has none: 429 is a rate limit, RETRY_STATUS a transient fault. */
export function statusVerdict(a: HttpAnswer, now: number): Verdict {
  const retryAfter = parseRetryAfter(a.headers.get('retry-after'), now);
  if (a.status === 429)
    return { kind: 'retry', reason: 'HTTP 429 Too Many Requests', rateLimited: true, ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
  if (RETRY_STATUS.has(a.status)) return { kind: 'retry', reason: `HTTP ${a.status}`, ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
  return { kind: 'ok' };
}

/**
 * A JSON answer cut short (a connection dropped mid-body, a truncated page) is worth another try, before any
 * source-specific reading; an HTML page or plain text means a wrong endpoint, and retrying will not change that.
 */
export function truncatedJson(a: HttpAnswer): Verdict | undefined {
  if (a.status >= 200 && a.status < 300 && a.json === undefined && /^\s*[[{]/.test(a.text))
    return { kind: 'retry', reason: 'malformed JSON (truncated answer?)' };
  return undefined;
}

/** After the hook said ok: non-2xx statuses and non-JSON bodies still are errors, typed by what they mean. */
export function finalVerdict(a: HttpAnswer, source: string, what: string, base: ErrorDetails): Verdict {
  const details = { ...base, status: a.status, body: snippet(a.text) };
  if (a.status === 404) return { kind: 'fail', error: new NotFoundError(`${source} has no such resource (HTTP 404): ${what}`, { details }) };
  if (a.status === 401 || a.status === 403) {
    return { kind: 'fail', error: new AdapterError(`${source} refused the request (HTTP ${a.status}): ${what}; check the API key and its plan`, { details }) };
  }
  if (a.status < 200 || a.status >= 300) return { kind: 'fail', error: new AdapterError(`${source} answered HTTP ${a.status}: ${what}`, { details }) };
  if (a.json === undefined) {
    return {
      kind: 'fail',
      error: new ResponseShapeError(`${source} answered with a body that is not JSON: ${what}; is the URL an API endpoint?`, { details }),
    };
  }
  return { kind: 'ok' };
}
