import { describe, expect, it } from 'vitest';
import type { TransferTable } from '../../src/adapters/adapter.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import { FlowTable } from '../../src/engine/flow-table.js';

const usdt = { chain: 'ethereum', kind: 'token' as const, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const hashOf = (row: number) => `0x${row.toString(16).padStart(64, '0')}`;

/** A source table of `rows` rows whose hashes are made on each ask, counting the asks. */
function countingTable(rows: number): { table: TransferTable; asked: () => number } {
  let asked = 0;
  const table: TransferTable = {
    rows,
    addresses: 2,
    address: (id) => `0x${String(id).padStart(40, '0')}`,
    addressChain: () => 'ethereum',
    transfer: (row) =>
      ({ chain: 'ethereum', type: 'token', tx: hashOf(row), logIndex: 0, time: row, from: '', to: '', asset: usdt, amount: 1n }) as AccountTransfer,
    asset: () => usdt,
    amount: () => 1n,
    tx: (row) => {
      asked++;
      return hashOf(row);
    },
    logIndex: () => 0,
    time: (row) => row,
    fee: () => undefined,
    rank: (row) => row,
    movement: (row) => row,
    find: () => -1,
  };
  return { table, asked: () => asked };
}

describe('FlowTable', () => {
  it('gives every row its own tx hash past the slots of its cache, and makes a hash asked again at once only once', () => {
    const n = 300_000;
    const { table: source, asked } = countingTable(n);
    const flow = new FlowTable();
    flow.sources.push(source);
    flow.assets.push('ethereum:token:usdt');
    for (let row = 0; row < n; row++) flow.pushRow(0, row, 0, 1, 0, 1n);
    // Rows 2^18 apart share a slot: read in turn, each is made again, and right.
    for (const m of [5, 5 + 2 ** 18, 5, 7 + 2 ** 18, 7]) expect(flow.txOf(m)).toBe(hashOf(m));
    expect(asked()).toBe(5);
    for (let m = 0; m < n; m += 997) {
      expect(flow.txOf(m)).toBe(hashOf(m));
      expect(flow.txOf(m)).toBe(hashOf(m));
    }
    expect(asked()).toBe(5 + Math.ceil(n / 997));
  });

  it('cuts its columns to its rows at release, the values kept', () => {
    const { table: source } = countingTable(3000);
    const flow = new FlowTable();
    flow.sources.push(source);
    flow.assets.push('ethereum:token:usdt');
    for (let row = 0; row < 3000; row++) flow.pushRow(0, 2999 - row, row % 7, row % 11, 0, 1n);
    expect(flow.from.length).toBeGreaterThan(3000);
    flow.release();
    for (const column of [flow.from, flow.to, flow.asset, flow.source, flow.sourceRow, flow.rank, flow.time]) expect(column.length).toBe(3000);
    for (let m = 0; m < 3000; m += 37) {
      expect([flow.from[m], flow.to[m], flow.sourceRow[m], flow.rank[m], flow.time[m]]).toEqual([m % 7, m % 11, 2999 - m, 2999 - m, 2999 - m]);
      expect(flow.txOf(m)).toBe(hashOf(2999 - m));
    }
  });
});
