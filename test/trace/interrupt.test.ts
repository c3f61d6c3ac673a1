import { id } from 'ethers';
import { networks, payments } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { TraceAbortedError } from '../../src/core/errors.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { addr, adapterFor, txOf, type Step } from '../support/world.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { generateWorld } from '../bench/engine.js';

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

  it('reaches a trace over a local source when a timer fires it: the engine gives the event loop turns as it works', async () => {
    // The fixture source answers without waiting for anything: without turns of the event loop, neither a timer nor
    // a service's other requests would run until the whole trace had ended.
    const w = generateWorld(60_000, 11);
    const options = { seeds: w.seeds, labels: createLabelStore(w.labels), builtinLabels: false, maxHops: w.levels.length + 2 };
    const full = await trace({ ...options, adapters: [createFixtureAdapter({ dataset: w.dataset })] });
    expect(full.report.stats.rounds).toBeGreaterThan(4);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const controller = new AbortController();
    let armed = false;
    const error = await trace({
      ...options,
      adapters: [createFixtureAdapter({ dataset: w.dataset })],
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== 'expand' || p.round !== 2 || armed) return;
        armed = true;
        setTimeout(() => controller.abort(new Error('the service gave up')), 0);
      },
    })
      .catch((e: unknown) => e)
      .finally(() => clearInterval(timer));
    expect(ticks).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(TraceAbortedError);
    const { report } = (error as TraceAbortedError<TraceResult>).partial!;
    expect(report.complete).toBe(false);
    expect(report.stats.rounds).toBeLessThan(full.report.stats.rounds);
    expect(report.endpoints.some((e) => e.kind === 'incomplete')).toBe(true);
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
  }, 60_000);
});

describe('trace: a UTXO trace over a local source gives the event loop turns', () => {
  // Outputs split in 8 by their owners, 5 levels deep: 32,768 outputs over 4,682 transactions, none of them waiting.
  const fanOutTree = () => {
    const btc = (name: string) => payments.p2wpkh({ hash: Buffer.from(id(`tree:${name}`).slice(2, 42), 'hex'), network: networks.bitcoin }).address!;
    const txid = (n: number) => id(`tree-tx:${n}`).slice(2);
    const utxoTransactions: NonNullable<FixtureDatasetInput['utxoTransactions']> = [];
    let level = [{ txid: txid(0), vout: 0, address: btc('victim'), value: 100_000_000_000n }];
    let n = 1;
    for (let depth = 0; depth < 6; depth++) {
      const next: typeof level = [];
      for (const o of level) {
        const tx = txid(n++);
        const part = (o.value - 1_000n) / 8n;
        const outputs = Array.from({ length: depth === 0 ? 1 : 8 }, (_, k) => ({
          n: k,
          address: btc(`${depth}-${next.length + k}`),
          value: String(depth === 0 ? o.value - 1_000n : part),
        }));
        utxoTransactions.push({
          chain: 'bitcoin',
          txid: tx,
          block: 800_000 + depth,
          time: 1_760_000_000 + depth * 600,
          inputs: [{ prevTx: o.txid, vout: o.vout, address: o.address, value: String(o.value) }],
          outputs,
        });
        for (const out of outputs) next.push({ txid: tx, vout: out.n, address: out.address, value: BigInt(out.value) });
      }
      level = next;
    }
    return { dataset: { format: 'chaintrail-fixture', version: 1, utxoTransactions } as FixtureDatasetInput, seed: txid(1) };
  };

  it('reaches it when a timer fires, with the rounds done so far and conservation balanced', async () => {
    const { dataset, seed } = fanOutTree();
    const options = { seeds: [{ chain: 'bitcoin', tx: seed }], builtinLabels: false, maxHops: 6, maxDegree: 100 };
    const full = await trace({ ...options, adapters: [createFixtureAdapter({ dataset })] });
    expect(full.report.endpoints).toHaveLength(32_768);
    // The service gives up at the first turn its timer gets: without turns, it would get none before the trace ended.
    const controller = new AbortController();
    const timer = setInterval(() => controller.abort(new Error('the service gave up')), 1);
    const error = await trace({ ...options, adapters: [createFixtureAdapter({ dataset })], signal: controller.signal })
      .catch((e: unknown) => e)
      .finally(() => clearInterval(timer));
    expect(error).toBeInstanceOf(TraceAbortedError);
    const { report } = (error as TraceAbortedError<TraceResult>).partial!;
    expect(report.complete).toBe(false);
    expect(report.stats.rounds).toBeLessThan(full.report.stats.rounds);
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
  }, 60_000);
});
