import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace } from '../../src/trace/trace.js';

/**
 * Attribution and conservation through a swap, on the fixture source (contracts listed in the dataset): several
 * victims pay a scammer, who swaps everything in one transaction and pays the output to an exchange. The request
 * packet's amounts are split by victim in proportion to what each put into the swap.
 */

const hex = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const [scammer, pool, router, hot] = [0xa1, 0xc1, 0xc2, 0xe1].map(hex) as [string, string, string, string];
const txHash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

function world(paid: bigint[], out: bigint, clean: bigint) {
  const t0 = Date.UTC(2026, 0, 1) / 1000;
  const transfers = [
    ...paid.map((amount, i) => ({
      tx: txHash(i + 1),
      logIndex: 0,
      block: 10 + i,
      time: t0 + i * 60,
      from: hex(0x100 + i),
      to: scammer,
      asset: 'usdt',
      amount: `${amount}`,
    })),
    // Clean money the scammer already had from elsewhere, before the victims paid.
    ...(clean > 0n ? [{ tx: txHash(90), logIndex: 0, block: 5, time: t0 - 600, from: hex(0x200), to: scammer, asset: 'usdt', amount: `${clean}` }] : []),
    // The swap: everything in through the router to the pool, WETH out to the scammer (the pool pays first, v3-like).
    { tx: txHash(100), logIndex: 0, block: 50, time: t0 + 3600, from: pool, to: scammer, asset: 'weth', amount: `${out}` },
    {
      tx: txHash(100),
      logIndex: 1,
      block: 50,
      time: t0 + 3600,
      from: scammer,
      to: router,
      asset: 'usdt',
      amount: `${paid.reduce((s, a) => s + a, 0n) + clean}`,
    },
    { tx: txHash(100), logIndex: 2, block: 50, time: t0 + 3600, from: router, to: pool, asset: 'usdt', amount: `${paid.reduce((s, a) => s + a, 0n) + clean}` },
    { tx: txHash(101), logIndex: 0, block: 60, time: t0 + 7200, from: scammer, to: hot, asset: 'weth', amount: `${out}` },
  ];
  return {
    format: 'chaintrail-fixture' as const,
    version: 1 as const,
    assets: [
      { id: 'usdt', chain: 'ethereum', kind: 'token' as const, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 },
      { id: 'weth', chain: 'ethereum', kind: 'token' as const, contract: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', symbol: 'WETH', decimals: 18 },
    ],
    transfers: transfers.map((t) => ({ chain: 'ethereum', ...t })),
    contracts: [pool, router].map((address) => ({ chain: 'ethereum', address })),
  };
}

describe('attribution and conservation through a swap (fixture source)', () => {
  it('splits what the exchange received by victim in proportion to their payments into the swap; every unit accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1_000_000n, max: 10n ** 12n }), { minLength: 1, maxLength: 4 }),
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 21n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.constantFrom('fifo', 'haircut', 'poison') as fc.Arbitrary<'fifo' | 'haircut' | 'poison'>,
        async (paid, out, clean, taint) => {
          const labels = createLabelStore([
            { chain: 'ethereum', address: hot, entity: 'Exchange A', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
          ]);
          const { report } = await trace({
            seeds: paid.map((_, i) => ({ chain: 'ethereum', tx: txHash(i + 1) })),
            adapters: [createFixtureAdapter({ dataset: world(paid, out, clean) })],
            labels,
            taint,
            from: '2025-12-01',
          });
          const total = paid.reduce((s, a) => s + a, 0n);
          // Every model spends the scammer's whole balance into the swap: the tainted share is total / (total + clean).
          const tainted = (out * total) / (total + clean);
          const exchange = report.endpoints.filter((e) => e.kind === 'exchange');
          expect(exchange.map((e) => [e.address.toLowerCase(), e.asset.symbol, e.amount])).toEqual([[hot, 'WETH', `${tainted}`]]);
          // The pool keeps the victims' USDT; nothing else holds taint.
          const kept = report.endpoints.filter((e) => e.kind === 'contract');
          expect(kept.map((e) => [e.address.toLowerCase(), e.asset.symbol, e.amount])).toEqual([[pool, 'USDT', `${total}`]]);
          expect(report.endpoints).toHaveLength(2);
          // Split by victim, adding up exactly; each part within the attribution's precision (shares are carried as
          // doubles: src/engine/attribution.ts) of its share of the input.
          const victims = (exchange[0] as { victims?: { amount: string; tx: string }[] }).victims ?? [];
          expect(victims.reduce((s, v) => s + BigInt(v.amount), 0n)).toBe(tainted);
          const slack = 1n + tainted / 10n ** 12n;
          for (const [i, amount] of paid.entries()) {
            const share = BigInt(victims.find((v) => v.tx === txHash(i + 1))?.amount ?? '0');
            const expected = (tainted * amount) / total;
            expect(share >= expected - slack && share <= expected + slack).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
