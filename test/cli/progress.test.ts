import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
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

  it('is silent when stderr is not a terminal, and with --quiet', async () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { s, text } = stream(tty);
      const p = createProgressReporter(s, enabled);
      p.update(event({ phase: 'seeds', round: 0 }));
      p.update(event({ round: 1, frontier: 3, requests: 1 }));
      p.done();
      await new Promise((r) => setTimeout(r, 50));
      expect(text()).toBe('');
    }
  });
});
