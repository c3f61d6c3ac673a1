import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/core/address.js';
import { reachedAddresses } from '../../src/cases/reach.js';
import type { Payment } from '../../src/cases/schema.js';
import { swapDataset, traceSwapWorld } from '../support/swap-dataset.js';

describe('reachedAddresses through swaps', () => {
  it('gives the contracts that kept taint the role contract, reaches the swaps’ recipients in WETH and never a clean swapper (generated worlds)', async () => {
    let contractRows = 0;
    let recipientRows = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = swapDataset(seed);
        const result = await traceSwapWorld(world);
        const { report } = result;
        const seedRow = report.seeds[0]!;
        const payment: Payment = {
          caseReference: 'C-1',
          victim: 'victim-1',
          chain: 'ethereum',
          key: `tx:${seedRow.tx}:*`,
          tx: seedRow.tx!,
          asset: seedRow.asset,
          amount: seedRow.amount,
          time: Date.parse(seedRow.time) / 1000,
        };
        const rows = reachedAddresses(result, [payment]);
        const contracts = new Set(world.contracts);
        const contractEndpoints = new Set(report.endpoints.filter((e) => e.kind === 'contract').map((e) => e.address));
        for (const row of rows.filter((r) => contractEndpoints.has(formatAddress('ethereum', r.address)) && r.asset.symbol === 'USDT')) {
          expect(row.role).toBe('contract');
          contractRows++;
          expect(contracts.has(row.address)).toBe(true);
        }
        // Every recipient of a conversion is reached in WETH by the case's payment, for at least the taint it received
        // (box edges join the contract the money entered to the one that paid, as in a router in, a pool out).
        for (const c of report.conversions ?? []) {
          for (const r of c.recipients) {
            const row = rows.find((x) => formatAddress('ethereum', x.address) === r.to && x.asset.symbol === 'WETH')!;
            expect(row.payments).toEqual([`ethereum|${payment.key}`]);
            expect(BigInt(row.amount) >= BigInt(r.taint)).toBe(true);
            recipientRows++;
          }
        }
        const clean = new Set(world.actors.cleanUsers);
        expect(rows.filter((r) => clean.has(r.address))).toEqual([]);
      }),
      // About half of the drawn worlds leave no USDT in a contract (measured: 147 of 300), so 10 runs found none about
      // once in a thousand; with 40 an empty draw is about one in 10^12 and the count below stays meaningful.
      { numRuns: 40 },
    );
    expect([contractRows > 0, recipientRows > 0]).toEqual([true, true]);
  }, 120_000);
});
