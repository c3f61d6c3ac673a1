import pLimit from 'p-limit';
import { z } from 'zod';
import {
  AdapterError,
  ChaintrailError,
  NotFoundError,
  RateLimitError,
  ResponseShapeError,
  TraceAbortedError,
  type ErrorDetails,
} from '../core/errors.js';
import { cacheKey, sha256Hex, type ResponseCache } from '../cache/store.js';
import { redactText, redactUrl, secretsOfUrl } from '../core/redact.js';
import type { Evidence } from './adapter.js';

/**
 * The one HTTP client every HTTP adapter uses (viem-transport style: a small factory, the wire hidden behind it).
 * It owns timeouts, retries with exponential backoff + jitter, Retry-After, a token-bucket rate limit per source,
 * a concurrency cap, AbortSignal, request counting and secret redaction. Source-specific bodies (Etherscan's
 * HTTP-200 rate-limit envelopes, TronGrid's "suspended for 27 s") are mapped by the adapter's `classify` hook.
 */

/** Requests per second and burst for a source's token bucket; `false` for none (a local server). */
export const RateLimitSchema = z.union([z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() }), z.literal(false)]);

/** The options every API-key HTTP source (explorers) takes; each source extends it with its own. */
export const HttpSourceOptionsSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  rateLimit: RateLimitSchema.optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
  timeoutMs: z.number().int().positive().default(30_000),
  retries: z.number().int().min(0).max(10).default(3),
  maxAddressesPerCall: z.number().int().min(1).default(20),
  /**
   * 'all' (default): an address's token list holds every contract, so the engine sees and counts look-alike and
   * spam tokens. 'traced': only the traced token contracts, cheaper on addresses flooded with spam.
   */
  tokenFilter: z.enum(['all', 'traced']).default('all'),
});

/** Run-time hooks an HTTP source hands to its client: functions and stores, not data, so not validated by zod. */
export interface HttpSourceHooks {
  cache?: ResponseCache;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  onLog?: (event: HttpLogEvent) => void;
  /** Where the source's API-key variable is read when `apiKey` is absent (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Time as the client sees it; tests inject a virtual clock so backoff never sleeps for real. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** What came back from one attempt, handed to the classify hook. `json` is undefined when the body is not JSON. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** The URL with secrets replaced by ***. */
  url: string;
}

/**
 * The adapter's verdict on an answer. `retry` waits `afterMs` when the source said how long (else backoff);
 * `rateLimited` answers use their own, larger retry budget because they mean "slower", not "broken".
 */
export type Verdict =
  | { kind: 'ok' }
  | { kind: 'retry'; reason: string; afterMs?: number; rateLimited?: boolean; hint?: string }
  | { kind: 'fail'; error: ChaintrailError };

export type Classify = (answer: HttpAnswer) => Verdict | undefined;

export interface HttpLogEvent {
  level: 'debug' | 'warn';
  message: string;
}

export interface HttpClientOptions {
  /** Human name of the source for messages, e.g. "Etherscan". */
  source: string;
  baseUrl: string;
  /** Per attempt, ms. */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts and 5xx. */
  retries?: number;
  /** Retries for rate-limit answers (429, source-specific bodies): they slow the client, they do not fail it. */
  rateLimitRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A source asking to wait longer than this fails now with a RateLimitError instead of stalling the trace. */
  maxRetryAfterMs?: number;
  /** Token bucket: requests per second and burst; `false` for none. */
  rateLimit?: { perSecond: number; burst?: number | undefined } | false;
  concurrency?: number;
  /** Sent with every request (e.g. chainid, apikey). */
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string | undefined>;
  /** Names of query params and headers whose values are secrets: never printed, logged or put in an error. */
  secrets?: { query?: string[]; headers?: string[]; values?: string[] };
  classify?: Classify;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  onLog?: (event: HttpLogEvent) => void;
  /** Persistent answers (src/cache): hits cost no request; keys are built from the redacted request only. */
  cache?: ResponseCache;
  /** Data older than this many seconds is past any reorg and its answers are cached for good (default 1 h). */
  reorgMarginSeconds?: number;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  /** Appended to baseUrl. */
  path?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body for POST. */
  body?: unknown;
  signal?: AbortSignal;
  /** What this request is for, in words, for error messages ("txlist of 0xabc… page 3"). */
  what?: string;
  /**
   * How long the answer may be reused: 'final' for data deeper than the reorg margin, 'volatile' (default) for
   * anything that may still change (it expires), 'none' to never cache.
   */
  cache?: 'final' | 'volatile' | 'none';
  /** Unix seconds of the newest data the answer can hold (the query's time bound): old enough means 'final'. */
  dataUntil?: number;
  /** Replaces the client's classify hook for this request (a JSON-RPC batch knows which method each id is). */
  classify?: Classify;
  /** `false`: not listed as evidence (a batch whose parts the caller stores and lists one by one, a live question). */
  evidence?: false;
}

export interface HttpStats {
  /** HTTP attempts made (each retry counts). */
  requests: number;
  retries: number;
  rateLimited: number;
  /** Total ms spent waiting for the token bucket, Retry-After and backoff (clock time). */
  waitedMs: number;
  /** Answers taken from the cache instead of the network. */
  cacheHits: number;
}

export interface HttpClient {
  /** The base URL, safe to print. */
  readonly endpoint: string;
  /** The answer's parsed JSON after the classify hook accepted it. */
  requestJson(request: HttpRequest): Promise<unknown>;
  /**
   * For sources that answer many requests in one (JSON-RPC batches): the cached answer of one part, looked up as
   * if that part had been requested alone, and recorded as evidence; undefined when it is not cached.
   */
  cached(request: HttpRequest): { json: unknown } | undefined;
  /** Stores the answer of one such part under that part's own request, the moment it arrives, as evidence too. */
  store(request: HttpRequest, text: string): void;
  stats(): HttpStats;
  /** Replaces every secret this client knows with ***. */
  redact(text: string): string;
  /** Answers relied on after `since` (an evidenceMark()): the request (redacted) and the SHA-256 of its body. */
  evidence(since?: number): Evidence[];
  evidenceMark(): number;
}

/** Retry defaults shared by every source. */
export const RETRY_DEFAULTS = { retries: 3, backoffBaseMs: 500, backoffMaxMs: 20_000 } as const;

const DEFAULTS = {
  timeoutMs: 20_000,
  ...RETRY_DEFAULTS,
  rateLimitRetries: 8,
  maxRetryAfterMs: 120_000,
  concurrency: 4,
};

const RETRY_STATUS = new Set([408, 425, 500, 502, 503, 504, 520, 521, 522, 524]);

/**
 * The wait before retry number `attempt` (1-based): exponential from `backoffBaseMs`, capped at `backoffMaxMs`,
 * with jitter over its upper half so clients that failed together do not come back together. Sources that do not
 * speak HTTP through this client (BigQuery's library) back off with the same function.
 */
export function backoffDelay(attempt: number, o: { backoffBaseMs: number; backoffMaxMs: number }, random: () => number = Math.random): number {
  const backoff = Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(backoff / 2 + random() * (backoff / 2));
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * A token bucket shared by every request of one client. `pauseUntil` lets one rate-limit answer hold back all
 * requests of the source (TronGrid suspends the whole key, not one request).
 */
export function createTokenBucket(perSecond: number, burst: number, clock: Clock) {
  let tokens = burst;
  let last = clock.now();
  let pausedUntil = 0;
  let queue: Promise<void> = Promise.resolve();
  const refill = () => {
    const now = clock.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
  };
  return {
    /** Resolves when a request may go; returns the ms waited. Callers are served in arrival order. */
    take(signal?: AbortSignal): Promise<number> {
      const run = queue.then(async () => {
        let waited = 0;
        for (;;) {
          signal?.throwIfAborted();
          const pause = pausedUntil - clock.now();
          if (pause > 0) {
            await clock.sleep(pause, signal);
            waited += pause;
            continue;
          }
          refill();
          if (tokens >= 1) {
            tokens -= 1;
            return waited;
          }
          const ms = Math.ceil(((1 - tokens) / perSecond) * 1000);
          await clock.sleep(ms, signal);
          waited += ms;
        }
      });
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    pause(ms: number): void {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
  };
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? globalThis.fetch;
  const limit = pLimit(Math.max(1, o.concurrency));
  const bucket =
    options.rateLimit === false || options.rateLimit === undefined
      ? null
      : createTokenBucket(options.rateLimit.perSecond, Math.max(1, options.rateLimit.burst ?? Math.ceil(options.rateLimit.perSecond)), clock);
  const secretQuery = options.secrets?.query ?? [];
  const secretHeaders = options.secrets?.headers ?? [];
  // The base URL's own secrets (userinfo, a key in the path or query) and the configured key values.
  const secrets = [
    ...secretsOfUrl(options.baseUrl, { secretParams: secretQuery }),
    ...[...secretQuery.map((n) => options.query?.[n]), ...secretHeaders.map((n) => options.headers?.[n])]
      .filter((v): v is string | number => v !== undefined && v !== '')
      .map(String),
    ...(options.secrets?.values ?? []),
  ];
  const redact = (text: string) => redactText(text, { secretParams: secretQuery, secrets });
  const stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0, cacheHits: 0 };
  // Keyed by request; `seq` is when it was last relied on, so one trace can ask for its own answers only.
  const evidence = new Map<string, Evidence & { seq: number }>();
  let seq = 0;
  const log = (level: HttpLogEvent['level'], message: string) => options.onLog?.({ level, message: redact(message) });
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const endpoint = redactUrl(baseUrl, { secretParams: secretQuery, secrets });

  const buildUrl = (req: HttpRequest): string => {
    const url = new URL(baseUrl + (req.path ?? ''));
    for (const [k, v] of Object.entries({ ...options.query, ...req.query })) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  };

  const headers = (req: HttpRequest): Record<string, string> => {
    const h: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined && v !== '') h[k] = v;
    if (req.method === 'POST') h['content-type'] = 'application/json';
    return h;
  };

  const fail = (Kind: new (m: string, opts: { details: ErrorDetails; cause?: unknown }) => ChaintrailError, message: string, details: ErrorDetails, cause?: unknown) =>
    new Kind(redact(message), { details: JSON.parse(redact(JSON.stringify(details))) as ErrorDetails, ...(cause === undefined ? {} : { cause: sanitizeCause(cause, redact) }) });

  /** One attempt: waits for the bucket and a concurrency slot, then fetches with a timeout. */
  const attempt = async (req: HttpRequest, url: string): Promise<{ answer?: HttpAnswer; error?: unknown; timedOut?: boolean }> => {
    if (bucket) stats.waitedMs += await bucket.take(req.signal);
    return limit(async () => {
      req.signal?.throwIfAborted();
      stats.requests++;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error('timeout')), o.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
      try {
        const res = await doFetch(url, {
          method: req.method ?? 'GET',
          headers: headers(req),
          ...(req.method === 'POST' ? { body: JSON.stringify(req.body ?? {}) } : {}),
          signal,
        });
        const text = await res.text();
        let json: unknown;
        try {
          json = text.length ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        return { answer: { status: res.status, headers: res.headers, text, json, url: redact(url) } };
      } catch (error) {
        if (req.signal?.aborted) throw req.signal.reason ?? error;
        return { error, timedOut: timeout.signal.aborted };
      } finally {
        clearTimeout(timer);
      }
    });
  };

  const defaultVerdict = (a: HttpAnswer, now: number): Verdict => {
    const retryAfter = parseRetryAfter(a.headers.get('retry-after'), now);
    if (a.status === 429) return { kind: 'retry', reason: 'HTTP 429 Too Many Requests', rateLimited: true, ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
    if (RETRY_STATUS.has(a.status)) return { kind: 'retry', reason: `HTTP ${a.status}`, ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
    return { kind: 'ok' };
  };

  /** The request as evidence names it (secrets as ***), its cache key when it is cached, and its cache mode. */
  const identify = (req: HttpRequest, url: string) => {
    const request = `${req.method ?? 'GET'} ${redact(url)}${req.body === undefined ? '' : ` ${redact(JSON.stringify(req.body))}`}`;
    const margin = options.reorgMarginSeconds ?? 3600;
    const mode = req.cache ?? (req.dataUntil !== undefined && clock.now() / 1000 - req.dataUntil > margin ? 'final' : 'volatile');
    const key = options.cache && mode !== 'none' ? cacheKey(options.source, request) : undefined;
    const relied = (body: string, sha256 = sha256Hex(body)) => evidence.set(request, { source: options.source, request, sha256, seq: ++seq });
    return { request, mode, key, relied };
  };

  const fromCache = (id: ReturnType<typeof identify>): { json: unknown } | undefined => {
    const hit = id.key ? options.cache!.get(id.key) : undefined;
    if (!hit) return undefined;
    stats.cacheHits++;
    id.relied(hit.body, hit.sha256);
    return { json: JSON.parse(hit.body) as unknown };
  };

  const requestJson = async (req: HttpRequest): Promise<unknown> => {
    const url = buildUrl(req);
    const safeUrl = redact(url);
    const method = req.method ?? 'GET';
    const what = req.what ?? `${method} ${safeUrl}`;
    const base = { source: options.source, method, url: safeUrl, ...(req.what ? { what: req.what } : {}) };
    let failures = 0;
    let limited = 0;
    let lastReason = '';
    const id = identify(req, url);
    const { key, mode, relied } = id;
    const hit = fromCache(id);
    if (hit) return hit.json;
    try {
      for (;;) {
        const { answer, error, timedOut } = await attempt(req, url);
        let verdict: Verdict;
        if (!answer) {
          lastReason = timedOut ? `timed out after ${o.timeoutMs} ms` : `network error: ${errorText(error)}`;
          verdict = { kind: 'retry', reason: lastReason };
        } else {
          verdict = truncatedJson(answer) ?? (req.classify ?? options.classify)?.(answer) ?? defaultVerdict(answer, clock.now());
          if (verdict.kind === 'ok') verdict = finalVerdict(answer, options.source, what, base);
          if (verdict.kind === 'ok') {
            if (key) options.cache!.set(key, answer.text, { final: mode === 'final' });
            if (req.evidence !== false) relied(answer.text);
            return answer.json;
          }
        }
        if (verdict.kind === 'fail') throw redactError(verdict.error, redact);
        lastReason = verdict.reason;
        const lastHint = verdict.hint;
        const rateLimited = verdict.rateLimited === true;
        if (rateLimited) {
          stats.rateLimited++;
          limited++;
        } else failures++;
        const outOfBudget = rateLimited ? limited > o.rateLimitRetries : failures > o.retries;
        const details = { ...base, attempts: failures + limited, reason: lastReason, ...(answer ? { status: answer.status, body: snippet(answer.text) } : {}) };
        if (verdict.afterMs !== undefined && verdict.afterMs > o.maxRetryAfterMs) {
          throw fail(RateLimitError, `${options.source} asks to wait ${Math.ceil(verdict.afterMs / 1000)} s before the next request (${what}): try again later or use a key with a higher limit`, { ...details, retryAfterMs: verdict.afterMs });
        }
        if (outOfBudget) {
          if (rateLimited) {
            throw fail(RateLimitError, `${options.source} kept rate-limiting ${what} after ${limited} waits (${lastReason}): lower the request rate or use an API key with a higher limit`, details);
          }
          const hint = lastHint ?? (timedOut ? 'the source is slow or unreachable: try again later or raise the timeout' : 'check the URL and the network, or try again later');
          throw fail(AdapterError, `${options.source} request failed after ${failures} attempts (${lastReason}): ${what}; ${hint}`, details, error);
        }
        const wait = verdict.afterMs ?? backoffDelay(rateLimited ? limited : failures, o, random);
        // A rate-limit answer holds back every request of this source, not only this one.
        if (rateLimited && bucket) bucket.pause(wait);
        stats.retries++;
        log('warn', `${options.source}: ${lastReason}; retry ${failures + limited} in ${wait} ms (${what})`);
        if (!(rateLimited && bucket)) {
          await clock.sleep(wait, req.signal);
          stats.waitedMs += wait;
        }
      }
    } catch (error) {
      if (req.signal?.aborted) {
        throw new TraceAbortedError(`Request to ${options.source} aborted`, { details: base, cause: sanitizeCause(req.signal.reason, redact) });
      }
      if (error instanceof ChaintrailError) throw error;
      throw fail(AdapterError, `${options.source} request failed (${errorText(error)}): ${what}`, base, error);
    }
  };

  return {
    endpoint,
    requestJson,
    cached: (req) => fromCache(identify(req, buildUrl(req))),
    store(req, text) {
      const id = identify(req, buildUrl(req));
      if (id.key) options.cache!.set(id.key, text, { final: id.mode === 'final' });
      id.relied(text);
    },
    stats: () => ({ ...stats }),
    redact,
    evidence: (since = 0) =>
      [...evidence.values()]
        .filter((e) => e.seq > since)
        .map(({ source, request, sha256 }) => ({ source, request, sha256 }))
        .sort((a, b) => (a.request < b.request ? -1 : a.request > b.request ? 1 : 0)),
    evidenceMark: () => seq,
  };
}

/**
 * A JSON answer cut short (a connection dropped mid-body, a truncated page) is worth another try, before any
 * source-specific reading; an HTML page or plain text means a wrong endpoint, and retrying will not change that.
 */
function truncatedJson(a: HttpAnswer): Verdict | undefined {
  if (a.status >= 200 && a.status < 300 && a.json === undefined && /^\s*[[{]/.test(a.text)) return { kind: 'retry', reason: 'malformed JSON (truncated answer?)' };
  return undefined;
}

/** After the hook said ok: non-2xx statuses and non-JSON bodies still are errors, typed by what they mean. */
function finalVerdict(a: HttpAnswer, source: string, what: string, base: ErrorDetails): Verdict {
  const details = { ...base, status: a.status, body: snippet(a.text) };
  if (a.status === 404) return { kind: 'fail', error: new NotFoundError(`${source} has no such resource (HTTP 404): ${what}`, { details }) };
  if (a.status === 401 || a.status === 403) {
    return { kind: 'fail', error: new AdapterError(`${source} refused the request (HTTP ${a.status}): ${what}; check the API key and its plan`, { details }) };
  }
  if (a.status < 200 || a.status >= 300) return { kind: 'fail', error: new AdapterError(`${source} answered HTTP ${a.status}: ${what}`, { details }) };
  if (a.json === undefined) {
    return { kind: 'fail', error: new ResponseShapeError(`${source} answered with a body that is not JSON: ${what}; is the URL an API endpoint?`, { details }) };
  }
  return { kind: 'ok' };
}

function snippet(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Errors built by a classify hook pass through the same redaction as the client's own. */
function redactError(error: ChaintrailError, redact: (s: string) => string): ChaintrailError {
  const message = redact(error.shortMessage);
  const detailsText = JSON.stringify(error.details);
  const details = redact(detailsText);
  if (message === error.shortMessage && details === detailsText) return error;
  const Kind = error.constructor as new (m: string, o: { details: ErrorDetails; cause?: unknown }) => ChaintrailError;
  return new Kind(message, { details: JSON.parse(details) as ErrorDetails, ...(error.cause === undefined ? {} : { cause: sanitizeCause(error.cause, redact) }) });
}

/** Causes can carry URLs with keys (undici errors do): keep the message, redacted, and drop the object. */
function sanitizeCause(cause: unknown, redact: (s: string) => string): unknown {
  if (cause instanceof ChaintrailError) return cause;
  const e = new Error(redact(errorText(cause)));
  e.name = cause instanceof Error ? cause.name : 'Error';
  return e;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
