/**
 * The one table of defaults of the HTTP client (BigQuery's retries, through withRetry too, back off by it): every
 * source starts from these, and a source's option schema refers to them instead of repeating a number. A source
 * that needs another value sets it in its own options (Etherscan's lower concurrency, a local server's
 * `rateLimit: false`), never in a second table.
 */
export const HTTP_DEFAULTS = {
  /**
   * Per attempt, ms. 30 s for every source: the explorers and JSON-RPC providers documented 30 s, the Bitcoin
   * sources used to fall back to 20 s without a reason recorded; a slow archive query or a large block is worth
   * the longer wait, and a dead source is still found by the retries that follow.
   */
  timeoutMs: 30_000,
  /** Retries after the first attempt for network errors, timeouts, 5xx and JSON answers cut short. */
  retries: 3,
  /** Retries for rate-limit answers: they mean "slower", not "broken", so they get a larger budget. */
  rateLimitRetries: 8,
  /** Exponential backoff: base of the first wait and the cap of any wait, ms. */
  backoffBaseMs: 500,
  backoffMaxMs: 20_000,
  /** A source asking to wait longer than this fails at once with a RateLimitError instead of stalling the trace. */
  maxRetryAfterMs: 120_000,
  /** HTTP requests of one client in flight at once. */
  concurrency: 4,
  /** Data older than this many seconds is past any reorg: its answers are cached for good. */
  reorgMarginSeconds: 3600,
} as const;

/** Statuses that mean "try again" (timeouts, too early, server and gateway errors, Cloudflare's 52x). */
export const RETRY_STATUS: ReadonlySet<number> = new Set([408, 425, 500, 502, 503, 504, 520, 521, 522, 524]);
