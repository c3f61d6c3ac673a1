/**
 * How many JSON-RPC calls may be in flight at once. What is in flight when a trace is killed is lost (answers are
 * stored the moment they arrive, so nothing else is), so the window grows with the calls already answered: at most
 * `1 / FRACTION_DENOMINATOR` of them (at least one call), up to `max`. A kill at any moment therefore repeats at
 * most that share of the calls made before it, whatever the world, and a long trace still reaches full batches and
 * concurrency once it has made enough calls (25 answered calls per call in flight; 10,000 for 400 in flight).
 * Without an answer cache nothing survives a kill anyway: `growing: false` allows `max` from the start.
 */
const FRACTION_DENOMINATOR = 25;

export interface CallWindow {
  /** Waits for room, then takes up to `want` call slots (at least one); returns how many it took. */
  acquire(want: number): Promise<number>;
  /** Gives slots back; `answered` of those calls got an answer (and count towards the window's growth). */
  release(slots: number, answered: number): void;
  /** Calls the window allows in flight now. */
  capacity(): number;
}

export function createCallWindow(max: number, growing = true): CallWindow {
  let inFlight = 0;
  let answered = 0;
  let waiting: (() => void)[] = [];
  const capacity = () => (growing ? Math.min(max, Math.max(1, Math.floor(answered / FRACTION_DENOMINATOR))) : max);
  return {
    async acquire(want) {
      while (inFlight >= capacity()) await new Promise<void>((resolve) => waiting.push(resolve));
      const slots = Math.max(1, Math.min(want, capacity() - inFlight));
      inFlight += slots;
      return slots;
    },
    release(slots, done) {
      inFlight -= slots;
      answered += done;
      const wake = waiting;
      waiting = [];
      for (const resolve of wake) resolve();
    },
    capacity,
  };
}
