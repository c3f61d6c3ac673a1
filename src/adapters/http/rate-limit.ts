import type { Clock } from './clock.js';

/**
 * A token bucket shared by every request of one client. `pause` lets one rate-limit answer hold back all
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

export type TokenBucket = ReturnType<typeof createTokenBucket>;

/** The bucket a client's `rateLimit` option asks for (burst defaults to one second's worth), or none. */
export function bucketFor(rateLimit: { perSecond: number; burst?: number | undefined } | false | undefined, clock: Clock): TokenBucket | null {
  if (rateLimit === false || rateLimit === undefined) return null;
  return createTokenBucket(rateLimit.perSecond, Math.max(1, rateLimit.burst ?? Math.ceil(rateLimit.perSecond)), clock);
}
