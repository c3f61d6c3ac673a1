import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { id } from 'ethers';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { tronHexToBase58 } from '../../src/core/address.js';
import { SERVICE_CATEGORIES } from '../../src/core/service.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace } from '../../src/trace/trace.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';

/**
 * TRON deposit addresses and activation. On TRON an account exists once a first TRX transfer reached it: exchanges
 * activate the deposit addresses they hand out. The activation is evidence only beside sweeps: a withdrawal to a
 * fresh address activates it too. Generated worlds over every service category, TRC-20 USDT traced (TRX is not, so
 * the engine reads the deposit addresses' TRX inflows apart, over their whole history).
 */

const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const T0 = 1_760_000_000;
const HOUR = 3600;
const M = 1_000_000n;
const a = (name: string) => tronHexToBase58(`41${id(`tron:${name}`).slice(26)}`);
const tx = (name: string) => id(`trontx:${name}`).slice(2);

interface Move {
  tx: string;
  from: string;
  to: string;
  amount: bigint;
  at: number;
  trx?: boolean;
}

const branchArb = fc.record({
  // activated: its first TRX came from the service; other: from a private wallet first (the service's TRX later is a top-up).
  shape: fc.constantFrom('activated-then-swept', 'activated-then-private', 'other-activation-then-swept'),
  amount: fc.bigInt({ min: 5n * M, max: 200_000n * M }),
  // The activation from minutes to weeks before the deposit; the sweep minutes to weeks after it.
  lead: fc.integer({ min: 60, max: 30 * 24 * HOUR }),
  delay: fc.integer({ min: 60, max: 21 * 24 * HOUR }),
  sweeps: fc.integer({ min: 1, max: 3 }),
});

const worldArb = fc.record({
  category: fc.constantFrom(...SERVICE_CATEGORIES),
  branches: fc.array(branchArb, { minLength: 1, maxLength: 5 }),
});

function build(w: typeof worldArb extends fc.Arbitrary<infer W> ? W : never) {
  const moves: Move[] = [];
  let total = 0n;
  const start = 40 * 24 * HOUR;
  w.branches.forEach((b, i) => {
    const name = `dep-${i}`;
    const depositAt = start + i * 600;
    const activator = b.shape === 'other-activation-then-swept' ? `friend-${i}` : 'hot';
    moves.push({ tx: `${name}-activate`, from: activator, to: name, amount: 1_100_000n, at: depositAt - b.lead, trx: true });
    if (b.shape === 'other-activation-then-swept')
      moves.push({ tx: `${name}-topup`, from: 'hot', to: name, amount: 20_000_000n, at: depositAt - Math.floor(b.lead / 2), trx: true });
    moves.push({ tx: `${name}-in`, from: 'collector', to: name, amount: b.amount, at: depositAt });
    total += b.amount;
    let left = b.amount;
    for (let s = 0; s < b.sweeps; s++) {
      const part = s === b.sweeps - 1 ? left : b.amount / BigInt(b.sweeps);
      left -= part;
      const to = b.shape === 'activated-then-private' ? `private-${i}` : 'hot';
      moves.push({ tx: `${name}-out-${s}`, from: name, to, amount: part, at: depositAt + b.delay + s * 60 });
    }
  });
  moves.push({ tx: 'victim', from: 'victim', to: 'collector', amount: total, at: start - 60 });
  moves.sort((x, y) => x.at - y.at || (x.tx < y.tx ? -1 : 1));
  const dataset: FixtureDatasetInput = {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [{ id: 'usdt', chain: 'tron', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    transfers: moves.map((m, i) => ({
      chain: 'tron',
      tx: tx(m.tx),
      logIndex: m.trx ? -1 : 0,
      block: 1000 + i,
      time: T0 + m.at,
      from: a(m.from),
      to: a(m.to),
      asset: m.trx ? 'native' : 'usdt',
      amount: String(m.amount),
    })),
  };
  return dataset;
}

describe('TRON: a deposit address activated by the service (generated worlds)', () => {
  it('states the activation beside the sweeps, never in place of them', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const entity = `Tron ${w.category}`;
        const { report } = await trace({
          seeds: [{ chain: 'tron', tx: tx('victim') }],
          adapters: [createFixtureAdapter({ dataset: build(w) })],
          labels: createLabelStore([{ chain: 'tron', address: a('hot'), entity, category: w.category, jurisdictions: ['SC'], confidence: 1, source: 'test' }]),
          builtinLabels: false,
        });
        w.branches.forEach((b, i) => {
          const eps = report.endpoints.filter((e) => e.address === a(`dep-${i}`));
          if (b.shape === 'activated-then-private') {
            // Activated by the service, then paid a private wallet: a customer's own wallet, never a deposit address.
            expect(eps.every((e) => !e.depositInferred)).toBe(true);
            expect(report.endpoints.find((e) => e.address === a(`private-${i}`))).toMatchObject({ kind: 'unspent', amount: String(b.amount) });
            return;
          }
          expect(eps).toHaveLength(1);
          const ev = eps[0]!.depositEvidence!;
          expect(eps[0]).toMatchObject({ kind: w.category, entity, depositInferred: true, amount: String(b.amount) });
          expect(ev.sweepTxs).toHaveLength(b.sweeps);
          if (b.shape === 'activated-then-swept') {
            expect(ev.activation).toEqual({ tx: tx(`dep-${i}-activate`), from: a('hot') });
            expect(ev.gasTopUps).toBeUndefined();
            expect(ev.confidence).toBeCloseTo(1 - 2 ** -(b.sweeps + 1), 6);
            expect(eps[0]!.reason).toContain('activated by');
          } else {
            // Activated by someone else: the service's TRX is a top-up before the sweep, not an activation.
            expect(ev.activation).toBeUndefined();
            expect(ev.gasTopUps).toEqual({ count: 1, txs: [tx(`dep-${i}-topup`)] });
            expect(ev.confidence).toBeCloseTo(1 - 2 ** -(b.sweeps + 1), 6);
          }
        });
      }),
      { seed: 77, numRuns: 40 },
    );
  }, 240_000);
});
