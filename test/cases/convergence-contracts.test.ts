import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReachedAddress } from '../../src/cases/reach.js';
import { openCaseStore } from '../../src/cases/store.js';
import { traceDemo } from '../support/demo-trace.js';

/** Convergence never links cases through a contract that kept their taint in a swap: unrelated traders share pools. */
const dir = mkdtempSync(join(tmpdir(), 'chaintrail-conv-contracts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USDT = { chain: 'ethereum', kind: 'token' as const, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const row = (address: string, role: string): ReachedAddress => ({
  chain: 'ethereum',
  address,
  assetKey: 'ethereum:0xdac17f958d2ee523a2206206994597c13d831ec7',
  asset: USDT,
  amount: '1000000',
  firstSeen: 1_767_225_600,
  lastSeen: 1_767_225_600,
  hops: 2,
  role,
  payments: [],
});

describe('convergence and contracts', () => {
  it('lists an address two cases reached, but not a pool both swapped through', async () => {
    const store = await openCaseStore(`sqlite:${join(dir, 'cases.db')}`);
    try {
      const pool = `0x${'c1'.repeat(20)}`;
      const deposit = `0x${'d1'.repeat(20)}`;
      const { report } = await traceDemo();
      for (const reference of ['A-1', 'B-2']) {
        await store.addCase({ reference });
        await store.saveTrace(reference, { options: {}, report, reached: [row(pool, 'contract'), row(deposit, 'exchange')] });
      }
      const found = await store.convergence({});
      expect(found.map((e) => e.address.toLowerCase())).toEqual([deposit]);
      expect(found[0]!.caseCount).toBe(2);
    } finally {
      await store.close();
    }
  });
});
