import type { Clock } from '../../src/adapters/http/index.js';

/**
 * A clock whose sleeps return at once and move virtual time forward, so tests of backoff, Retry-After and the
 * token bucket assert on exact waits without sleeping. Concurrent sleepers advance time to the latest wake-up,
 * not the sum, as real time would.
 */
export interface VirtualClock extends Clock {
  /** Every sleep requested, in ms, in call order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function createVirtualClock(start = Date.UTC(2024, 0, 1)): VirtualClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      const wake = now + Math.max(0, ms);
      await Promise.resolve();
      now = Math.max(now, wake);
    },
  };
}
