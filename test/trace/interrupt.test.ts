import { describe, expect, it } from 'vitest';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { TraceAbortedError } from '../../src/core/errors.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { addr, adapterFor, txOf, type Step } from '../support/world.js';

const M = 1_000_000;
// A chain of `length` hops from the victim's payment: c -> l1 -> l2 -> …
const chain = (length: number): Step[] => [
  { tx: 'v', from: 'victim', to: 'c', amount: 100 * M, at: 0 },
  ...Array.from({ length }, (_, i) => ({ tx: `l${i}`, from: i === 0 ? 'c' : `l${i - 1}`, to: `l${i}`, amount: 100 * M, at: 10 * (i + 1) })),
];

/** The fixture source; the caller aborts during the n-th transfer query (as Ctrl-C lands mid-request). */
function abortingAt(steps: Step[], n: number, controller: AbortController): ChainAdapter {
  const inner = adapterFor(steps);
  let calls = 0;
  return {
    ...inner,
    async getTransfers(q) {
      if (++calls === n) {
        controller.abort(new Error('interrupted (SIGINT)'));
        q.signal?.throwIfAborted();
      }
      return inner.getTransfers(q);
    },
  };
}

describe('an interrupted trace (AbortSignal)', () => {
  it('throws TraceAbortedError carrying the partial report, as a failed source does, at whatever round it lands', async () => {
    for (let at = 1; at <= 5; at++) {
      const controller = new AbortController();
      const error = await trace({
        seeds: [{ chain: 'ethereum', tx: txOf('v') }],
        adapters: [abortingAt(chain(6), at, controller)],
        signal: controller.signal,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TraceAbortedError);
      const { report } = (error as TraceAbortedError<TraceResult>).partial!;
      expect(report.complete).toBe(false);
      expect(report.notes).toContain('INCOMPLETE: the trace was interrupted before every branch was followed; addresses marked incomplete were not expanded');
      // The address being expanded when the signal came holds all the taint, said to be not expanded.
      const stopped = at === 1 ? 'c' : `l${at - 2}`;
      expect(report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount, e.reason])).toEqual([
        ['incomplete', addr(stopped), String(100 * M), 'not expanded: the trace was interrupted'],
      ]);
      expect(report.conservation[0]!.balanced).toBe(true);
    }
  });
});
