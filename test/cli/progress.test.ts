import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, createWriteProgress } from '../../src/cli/progress.js';
import type { TraceProgress } from '../../src/engine/run.js';

function stream(isTTY: boolean) {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(s, { isTTY, columns: 200 });
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return { s, text: () => text };
}

const event = (over: Partial<TraceProgress>): TraceProgress => ({
  phase: 'expand',
  round: 1,
  frontier: 0,
  expanded: 0,
  transfers: 0,
  taintedTransfers: 0,
  requests: 0,
  cacheHits: 0,
  elapsedMs: 0,
  ...over,
});

describe('progress on stderr', () => {
  it('draws a bar with addresses expanded, frontier, requests, cache hits, elapsed and ETA on a terminal', async () => {
    const { s, text } = stream(true);
    const p = createProgressReporter(s, true);
    p.update(event({ phase: 'seeds', round: 0 }));
    p.update(event({ round: 1, frontier: 2, expanded: 0, requests: 2 }));
    p.update(event({ round: 2, frontier: 5, expanded: 2, requests: 7, cacheHits: 3 }));
    await new Promise((r) => setTimeout(r, 250));
    const drawn = text();
    p.done();
    expect(drawn).toMatch(/2\/7 addresses expanded \| round 2 \| frontier 5 \| requests 7 \(3 cached\) \|\s+\S+ elapsed, ETA\s+\S+/);
  });

  it('names the settle phase once the rounds are over (a long step of a big trace)', async () => {
    const { s, text } = stream(true);
    const p = createProgressReporter(s, true);
    p.update(event({ phase: 'seeds', round: 0 }));
    p.update(event({ round: 1, frontier: 4, requests: 1 }));
    await new Promise((r) => setTimeout(r, 250));
    p.update(event({ phase: 'settle', round: 1, frontier: 0, expanded: 4, requests: 1 }));
    await new Promise((r) => setTimeout(r, 250));
    const drawn = text();
    p.done();
    expect(drawn).toMatch(/expand .*0\/4 addresses expanded/);
    expect(drawn).toMatch(/settle .*4\/4 addresses expanded \| round 1 \| frontier 0/);
  });

  it('draws a new phase at once, while the work after it runs without a break (the settle after the rounds)', () => {
    const { s, text } = stream(true);
    const p = createProgressReporter(s, true);
    p.update(event({ phase: 'seeds', round: 0 }));
    p.update(event({ round: 1, frontier: 4, requests: 1 }));
    p.update(event({ phase: 'settle', round: 1, frontier: 0, expanded: 4, requests: 1 }));
    // No timer runs from here: what is on the screen is what update() drew.
    const drawn = text();
    p.done();
    expect(drawn).toMatch(/settle .*4\/4 addresses expanded \| round 1 \| frontier 0/);
  });

  it('is silent when stderr is not a terminal, and with --quiet (the trace bar and the write bar, which still keeps its figures)', async () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { s, text } = stream(tty);
      const p = createProgressReporter(s, enabled);
      p.update(event({ phase: 'seeds', round: 0 }));
      p.update(event({ round: 1, frontier: 3, requests: 1 }));
      p.done();
      const w = createWriteProgress(s, enabled);
      w.update({ done: 0, of: 0, bytes: 100 });
      w.update({ done: 5, of: 5, bytes: 900 });
      expect(w.done()).toEqual({ done: 5, of: 5, bytes: 900 });
      await new Promise((r) => setTimeout(r, 50));
      expect(text()).toBe('');
    }
  });

  it("draws the report's writing (records written, megabytes) while it runs synchronously, and keeps the last figures", () => {
    const { s, text } = stream(true);
    const p = createWriteProgress(s, true);
    const of = 100;
    // As a synchronous write does: no timer runs in between, so the bar is drawn from update() itself.
    for (let endpoints = 0; endpoints <= 40; endpoints++) {
      const until = Date.now() + 12;
      while (Date.now() < until);
      p.update({ done: endpoints, of, bytes: endpoints * 30_000 });
    }
    const drawn = text();
    p.update({ done: of, of, bytes: 3_500_000 });
    expect(p.done()).toEqual({ done: of, of, bytes: 3_500_000 });
    // Drawn again by an update (start draws 0/100; when, depends on the machine's pace).
    expect(drawn).toMatch(/write .*\b[1-9]\d*\/100 endpoint records \| \d\.\d MB \|\s+\S+ elapsed, ETA/);
  });
});
