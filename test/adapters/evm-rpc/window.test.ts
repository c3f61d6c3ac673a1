import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCallWindow } from '../../../src/adapters/evm-rpc/window.js';

describe('call window (what a kill can lose)', () => {
  it('never has more calls in flight than 1/25 of those answered (at least one), up to its maximum, and finishes every call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.record({ want: fc.integer({ min: 1, max: 100 }), ticks: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 300 }),
        async (max, calls) => {
          const window = createCallWindow(max);
          let inFlight = 0;
          let answered = 0;
          let done = 0;
          await Promise.all(
            calls.map(async ({ want, ticks }) => {
              let left = want;
              while (left > 0) {
                const slots = await window.acquire(left);
                expect(slots).toBeGreaterThanOrEqual(1);
                expect(slots).toBeLessThanOrEqual(left);
                inFlight += slots;
                expect(inFlight).toBeLessThanOrEqual(Math.min(max, Math.max(1, Math.floor(answered / 25))));
                for (let t = 0; t < ticks; t++) await Promise.resolve();
                inFlight -= slots;
                answered += slots;
                left -= slots;
                window.release(slots, slots);
              }
              done++;
            }),
          );
          expect(done).toBe(calls.length);
          expect(window.capacity()).toBe(Math.min(max, Math.max(1, Math.floor(answered / 25))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not grow on calls that got no answer', async () => {
    const window = createCallWindow(100);
    for (let i = 0; i < 200; i++) window.release(await window.acquire(1), 0);
    expect(window.capacity()).toBe(1);
    for (let i = 0; i < 50; i++) window.release(await window.acquire(1), 1);
    expect(window.capacity()).toBe(2);
  });

  it('without an answer cache to resume from, allows its maximum from the first call', async () => {
    const window = createCallWindow(40, false);
    expect(await window.acquire(100)).toBe(40);
    window.release(40, 0);
    expect(window.capacity()).toBe(40);
    const grown = createCallWindow(40);
    expect(await grown.acquire(100)).toBe(1);
  });
});
