import { describe, expect, it } from 'vitest';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { AdapterError, TraceIncompleteError } from '../../src/core/errors.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { addr, adapterFor, txOf, type Step } from '../support/world.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { UtxoChainAdapter } from '../../src/adapters/bitcoin/utxo-adapter.js';
import { utxoWorld } from '../support/utxo-world.js';

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

describe('a Bitcoin source failing mid-trace', () => {
  const world = utxoWorld(7);
  /** The fixture source over the drawn UTXO world, failing from the n-th spend lookup on. */
  const failingSpendsFrom = (n: number): ChainAdapter => {
    const inner = createFixtureAdapter({ dataset: world.dataset }) as ChainAdapter & UtxoChainAdapter;
    let calls = 0;
    return {
      ...inner,
      async getOutspends(...args: Parameters<UtxoChainAdapter['getOutspends']>) {
        if (++calls >= n) throw new AdapterError('Esplora outspends request failed after 3 attempts (HTTP 503)', { details: { txid: args[1] } });
        return inner.getOutspends(...args);
      },
    } as ChainAdapter;
  };

  it('keeps what it traced: the rounds before stand, the outputs it could not follow are incomplete, still balanced', async () => {
    const options = { seeds: [{ chain: 'bitcoin', tx: world.seedTx }], builtinLabels: false, maxHops: 8 };
    const full = await trace({ ...options, adapters: [failingSpendsFrom(Number.POSITIVE_INFINITY)] });
    expect(full.report.complete).toBe(true);
    expect(full.report.stats.rounds).toBeGreaterThan(2);
    const error = await trace({ ...options, adapters: [failingSpendsFrom(3)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceIncompleteError);
    const incomplete = error as TraceIncompleteError<TraceResult>;
    expect(incomplete.shortMessage).toMatch(/HTTP 503/);
    const { report } = incomplete.partial;
    expect(report.complete).toBe(false);
    expect(report.notes.join(' ')).toMatch(/INCOMPLETE/);
    const cut = report.endpoints.filter((e) => e.kind === 'incomplete');
    expect(cut.length).toBeGreaterThan(0);
    for (const e of cut) expect(e.reason).toMatch(/^not expanded: the source failed/);
    // What the rounds before reached is reported as it was: the seed's value, all of it, somewhere.
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
    expect(report.stats.rounds).toBeLessThanOrEqual(full.report.stats.rounds);
  });
});
