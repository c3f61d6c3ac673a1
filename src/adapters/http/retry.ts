/**
 * Retrying one operation: the budget (ordinary failures and rate limits counted apart), exponential backoff with
 * jitter, and a source's own "wait this long" (Retry-After, a body's suspension time). What counts as a failure
 * and what the final error says belong to the caller; this file only decides whether and how long to wait.
 */

export interface RetryPolicy {
  /** Retries after the first attempt for ordinary failures. */
  retries: number;
  /** Retries for rate-limit answers, counted apart: they mean "slower", not "broken". */
  rateLimitRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A wait asked for beyond this is not waited for: the operation gives up at once. */
  maxRetryAfterMs: number;
}

/** Why one try gave no value and may be tried again (the `retry` verdict of a classify hook). */
export interface RetryReason {
  reason: string;
  /** The source said how long to wait; otherwise backoff decides. */
  afterMs?: number | undefined;
  rateLimited?: boolean | undefined;
  hint?: string | undefined;
}

/** One try: a value, or a reason to try again with whatever the caller needs to describe the failure (`failure`). */
export type TryResult<T, F> = { ok: true; value: T } | { ok: false; retry: RetryReason; failure: F };

/** Why the retries stopped: a wait longer than allowed, the rate-limit budget or the ordinary budget used up. */
export interface GiveUp<F> {
  why: 'wait-too-long' | 'rate-limited' | 'failed';
  /** The last try's reason and failure. */
  retry: RetryReason;
  failure: F;
  /** Ordinary failures and rate-limit answers so far. */
  failures: number;
  limited: number;
}

export interface RetryHooks<F> {
  policy: RetryPolicy;
  random: () => number;
  /** The error to throw when giving up. */
  giveUp: (stop: GiveUp<F>) => Error;
  /** Before each wait: `attempt` is the number of tries that failed so far. */
  onRetry?: (event: { retry: RetryReason; wait: number; attempt: number }) => void;
  /** Waits `ms` (a clock's sleep, or a rate limiter's pause). */
  wait: (ms: number, retry: RetryReason) => Promise<void>;
}

/** Runs `tryOnce` until it gives a value or the budget is spent (then throws `giveUp`'s error). */
export async function withRetry<T, F>(tryOnce: () => Promise<TryResult<T, F>>, hooks: RetryHooks<F>): Promise<T> {
  const { policy } = hooks;
  let failures = 0;
  let limited = 0;
  for (;;) {
    const result = await tryOnce();
    if (result.ok) return result.value;
    const { retry, failure } = result;
    const rateLimited = retry.rateLimited === true;
    if (rateLimited) limited++;
    else failures++;
    const stop = { retry, failure, failures, limited };
    if (retry.afterMs !== undefined && retry.afterMs > policy.maxRetryAfterMs) throw hooks.giveUp({ why: 'wait-too-long', ...stop });
    if (rateLimited ? limited > policy.rateLimitRetries : failures > policy.retries)
      throw hooks.giveUp({ why: rateLimited ? 'rate-limited' : 'failed', ...stop });
    const wait = retry.afterMs ?? backoffDelay(rateLimited ? limited : failures, policy, hooks.random);
    hooks.onRetry?.({ retry, wait, attempt: failures + limited });
    await hooks.wait(wait, retry);
  }
}

/**
 * The wait before retry number `attempt` (1-based): exponential from `backoffBaseMs`, capped at `backoffMaxMs`,
 * with jitter over its upper half so clients that failed together do not come back together.
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
