import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long synchronous work (a trace's own, between source answers or over a source that waits for nothing: the fixture
 * store) gives the event loop a turn at least every `sliceMs`, so that a service running traces in its own process
 * keeps answering (its health checks, other requests, timers) and an AbortSignal fired by a timer or a closed request
 * reaches the trace. `pace()` returns undefined while the slice lasts (no await, no microtask), and a promise of the
 * next turn once it has run out.
 */
export type Pacer = () => Promise<void> | undefined;

export function createPacer(sliceMs = 50): Pacer {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < sliceMs) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}

/** No turns: for callers that run the engine's steps on their own (tests, small inputs). */
export const noPacing: Pacer = () => undefined;
