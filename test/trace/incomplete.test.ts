import { describe, expect, it } from 'vitest';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { AdapterError, TraceIncompleteError } from '../../src/core/errors.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { addr, adapterFor, txOf, type Step } from '../support/world.js';

const M = 1_000_000;
const steps: Step[] = [
  { tx: 'v', from: 'victim', to: 'c', amount: 100 * M, at: 0 },
  { tx: 'c-l', from: 'c', to: 'l', amount: 60 * M, at: 10 },
  { tx: 'l-m', from: 'l', to: 'm', amount: 60 * M, at: 20 },
];

/** The fixture source, failing from the n-th transfer query on as a source does when its retries are spent. */
function failingFrom(n: number): ChainAdapter {
  const inner = adapterFor(steps);
  let calls = 0;
  return {
    ...inner,
    async getTransfers(q) {
      if (++calls >= n)
        throw new AdapterError('GET https://source.invalid/x failed after 3 retries: HTTP 503', { details: { url: 'https://source.invalid/x' } });
      return inner.getTransfers(q);
    },
  };
}

describe('a source failing mid-trace', () => {
  it('stops with a typed error that carries the partial report, marked incomplete and still balanced', async () => {
    const error = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('v') }], adapters: [failingFrom(2)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceIncompleteError);
    const incomplete = error as TraceIncompleteError<TraceResult>;
    expect(incomplete.shortMessage).toMatch(/HTTP 503/);
    expect(incomplete.cause).toBeInstanceOf(AdapterError);
    const { report } = incomplete.partial;
    expect(report.complete).toBe(false);
    expect(report.notes.join(' ')).toMatch(/INCOMPLETE/);
    expect(report.endpoints.find((e) => e.address.toLowerCase() === addr('l'))).toMatchObject({ kind: 'incomplete', amount: String(60 * M) });
    expect(report.conservation[0]!.balanced).toBe(true);
  });

  it('is never presented as complete: the same trace without failures is', async () => {
    const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('v') }], adapters: [failingFrom(99)] });
    expect(report.complete).toBe(true);
    expect(report.endpoints.map((e) => e.kind)).not.toContain('incomplete');
  });
});
