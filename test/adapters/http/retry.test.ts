import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry, type GiveUp, type RetryPolicy, type RetryReason } from '../../../src/adapters/http/retry.js';

/** One try's outcome in a script: a value, an ordinary failure, a rate limit, either with a wait the source asked for. */
type Step = { kind: 'ok' } | { kind: 'fail' | 'limited'; afterMs?: number | undefined };

const policyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    retries: fc.integer({ min: 0, max: 6 }),
    rateLimitRetries: fc.integer({ min: 0, max: 10 }),
    backoffBaseMs: fc.integer({ min: 1, max: 5_000 }),
    capFactor: fc.integer({ min: 1, max: 64 }),
    maxRetryAfterMs: fc.integer({ min: 1_000, max: 300_000 }),
  })
  .map(({ capFactor, ...p }) => ({ ...p, backoffMaxMs: p.backoffBaseMs * capFactor }));

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'ok' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('fail' as const, 'limited' as const),
      afterMs: fc.option(fc.integer({ min: 0, max: 400_000 }), { nil: undefined }),
    }),
  },
);

async function run(policy: RetryPolicy, script: Step[], random: () => number) {
  let tries = 0;
  const waits: Array<{ ms: number; retry: RetryReason }> = [];
  const events: number[] = [];
  let stop: GiveUp<number> | undefined;
  const result = await withRetry<string, number>(
    async () => {
      const step = script[Math.min(tries, script.length - 1)]!;
      tries++;
      if (step.kind === 'ok') return { ok: true, value: `value after ${tries}` };
      const retry = { reason: step.kind, rateLimited: step.kind === 'limited', ...(step.afterMs !== undefined ? { afterMs: step.afterMs } : {}) };
      return { ok: false, retry, failure: tries };
    },
    {
      policy,
      random,
      giveUp: (g) => {
        stop = g;
        return new Error(g.why);
      },
      onRetry: (e) => events.push(e.attempt),
      wait: async (ms, retry) => void waits.push({ ms, retry }),
    },
  ).catch((e: unknown) => e as Error);
  return { result, tries, waits, events, stop };
}

describe('withRetry', () => {
  it('keeps the two budgets apart, honours the asked wait, backs off within bounds, and stops exactly when a budget is spent', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.array(stepArb, { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        async (policy, script, r) => {
          const { result, tries, waits, events, stop } = await run(policy, script, () => r);
          // Walk the script as the rules say, independently of the implementation's counters.
          let failures = 0;
          let limited = 0;
          let i = 0;
          for (; ; i++) {
            const step = script[Math.min(i, script.length - 1)]!;
            if (step.kind === 'ok') {
              expect(result).toBe(`value after ${i + 1}`);
              break;
            }
            if (step.kind === 'limited') limited++;
            else failures++;
            const tooLong = step.afterMs !== undefined && step.afterMs > policy.maxRetryAfterMs;
            const spent = step.kind === 'limited' ? limited > policy.rateLimitRetries : failures > policy.retries;
            if (tooLong || spent) {
              expect(result).toBeInstanceOf(Error);
              expect(stop).toMatchObject({
                why: tooLong ? 'wait-too-long' : step.kind === 'limited' ? 'rate-limited' : 'failed',
                failures,
                limited,
                failure: i + 1,
              });
              break;
            }
            // The wait before the next try: the source's own, else backoff over the count of its own kind.
            const wait = waits[i]!;
            if (step.afterMs !== undefined) expect(wait.ms).toBe(step.afterMs);
            else {
              const n = step.kind === 'limited' ? limited : failures;
              const full = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (n - 1));
              expect(wait.ms).toBeGreaterThanOrEqual(Math.floor(full / 2));
              expect(wait.ms).toBeLessThanOrEqual(full);
            }
            expect(wait.retry.rateLimited).toBe(step.kind === 'limited');
          }
          expect(tries).toBe(i + 1);
          // One wait (and one retry event numbered by the failures so far) between consecutive tries, none after the last.
          expect(waits).toHaveLength(i);
          expect(events).toEqual(Array.from({ length: i }, (_, k) => k + 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('backoff doubles from the base up to the cap, with jitter over its upper half only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100 }), (attempt, base, capFactor) => {
        const o = { backoffBaseMs: base, backoffMaxMs: base * capFactor };
        const full = Math.min(o.backoffMaxMs, base * 2 ** (attempt - 1));
        expect(backoffDelay(attempt, o, () => 0)).toBe(Math.round(full / 2));
        expect(backoffDelay(attempt, o, () => 0.999999)).toBe(Math.round(full / 2 + 0.999999 * (full / 2)));
        expect(backoffDelay(attempt + 1, o, () => 0)).toBeGreaterThanOrEqual(backoffDelay(attempt, o, () => 0));
      }),
    );
  });
});
