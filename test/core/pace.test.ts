import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/core/pace.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('createPacer', () => {
  it('asks for no await while its slice lasts, then gives the event loop a turn and starts a new slice', async () => {
    const pace = createPacer(20);
    expect(pace()).toBeUndefined();
    busy(25);
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    const turn = pace();
    expect(turn).toBeInstanceOf(Promise);
    expect(ran).toBe(false);
    await turn;
    // What was waiting for the event loop ran before the work went on.
    expect(ran).toBe(true);
    expect(pace()).toBeUndefined();
  });
});
