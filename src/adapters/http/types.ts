import type { ResponseCache } from '../../cache/store.js';
import type { ChaintrailError } from '../../core/errors.js';
import type { Evidence } from '../adapter.js';
import type { Clock } from './clock.js';

/** What came back from one attempt, handed to the classify hook. `json` is undefined when the body is not JSON. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** The URL with secrets replaced by ***. */
  url: string;
}

/** What one attempt gave: an answer, or the network error (and whether it was our timeout). */
export interface Sent {
  answer?: HttpAnswer;
  error?: unknown;
  timedOut?: boolean;
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

/** Every field left out takes its value from HTTP_DEFAULTS (defaults.ts). */
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
