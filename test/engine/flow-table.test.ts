import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransferTable } from '../../src/adapters/adapter.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import { AmountColumn } from '../../src/core/typed-arrays.js';
import { FlowTable } from '../../src/engine/flow-table.js';

const usdt = { chain: 'ethereum', kind: 'token' as const, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const hashOf = (row: number) => `0x${row.toString(16).padStart(64, '0')}`;

/** A source table of `rows` rows whose hashes are made on each ask, counting the asks; its amounts `amount` gives. */
function countingTable(rows: number, amount: (row: number) => bigint = () => 1n): { table: TransferTable; asked: () => number } {
  let asked = 0;
  const table: TransferTable = {
    rows,
    addresses: 2,
    address: (id) => `0x${String(id).padStart(40, '0')}`,
    addressChain: () => 'ethereum',
    addressId: (chain, address) => (chain === 'ethereum' ? [0, 1].findIndex((id) => table.address(id) === address) : -1),
    transfer: (row) =>
      ({ chain: 'ethereum', type: 'token', tx: hashOf(row), logIndex: 0, time: row, from: '', to: '', asset: usdt, amount: 1n }) as AccountTransfer,
    asset: () => usdt,
    amount,
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
    flow.addAsset('ethereum:token:usdt');
    for (let row = 0; row < n; row++) flow.pushRow(0, row, 0, 1, 0);
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
    flow.addAsset('ethereum:token:usdt');
    for (let row = 0; row < 3000; row++) flow.pushRow(0, 2999 - row, row % 7, row % 11, 0);
    expect(flow.from.length).toBeGreaterThan(3000);
    flow.release();
    for (const column of [flow.from, flow.to, flow.asset, flow.source, flow.sourceRow, flow.rank, flow.time]) expect(column.length).toBe(3000);
    for (let m = 0; m < 3000; m += 37) {
      expect([flow.from[m], flow.to[m], flow.sourceRow[m], flow.rank[m], flow.time[m]]).toEqual([m % 7, m % 11, 2999 - m, 2999 - m, 2999 - m]);
      expect(flow.txOf(m)).toBe(hashOf(2999 - m));
    }
  });

  it('reads a movement of a table row on demand and keeps none it was not asked to keep', () => {
    const { table: source } = countingTable(10);
    const flow = new FlowTable();
    flow.sources.push(source);
    flow.addAsset('ethereum:token:usdt');
    const a = flow.addNode('ethereum|0xa', 'ethereum', '0xa');
    const b = flow.addNode('ethereum|0xb', 'ethereum', '0xb');
    for (let row = 0; row < 10; row++) flow.pushRow(0, row, a.id, b.id, 0);
    // Asked of every tainted movement by the attribution: outside any box, the answer needs no movement object.
    for (let m = 0; m < 10; m++) expect(flow.view(m).boxInputs).toBeUndefined();
    // An export's read (the graph, transfers.csv): made each time, not kept.
    expect(flow.movementAt(3).tx).toBe(hashOf(3));
    expect(flow.movementAt(3)).not.toBe(flow.movementAt(3));
    for (let m = 0; m < 10; m++) expect(flow.t.get(m)).toBeUndefined();
    // The view's own `t` keeps its object.
    expect(flow.view(4).t).toBe(flow.view(4).t);
    expect(flow.t.get(4)).toBeDefined();
  });

  it('keeps node state in columns: nodes past the first columns start unreached and empty, a later asset reads empty for every node', () => {
    const flow = new FlowTable();
    flow.addAsset('ethereum:token:usdt');
    const nodes = Array.from({ length: 5000 }, (_, i) => flow.addNode(`ethereum|0x${i}`, 'ethereum', `0x${i}`));
    flow.addAsset('ethereum:native');
    expect(flow.hop.length).toBeGreaterThanOrEqual(5000);
    for (const n of [nodes[0]!, nodes[1023]!, nodes[1024]!, nodes[4999]!]) {
      expect([n.hop, n.via, n.rootHop, n.fetchedIn, n.payees, n.expanded, n.contract, n.boxes]).toEqual([-1, -1, -1, 0, 0, false, false, undefined]);
      expect(flow.nodes[n.id]).toBe(n);
    }
    for (const a of [0, 1]) {
      expect(nodes.map((n) => flow.receivedAt(a, n.id))).toEqual(nodes.map(() => undefined));
      expect(nodes.map((n) => flow.held[a]!.at(n.id))).toEqual(nodes.map(() => 0n));
    }
    flow.hop[4999] = 3;
    expect(nodes[4999]!.hop).toBe(3);
  });

  it('fills the room a source table reserved without copying a column, its rows and new nodes as without it', () => {
    const rows = 300_000;
    const { table } = countingTable(rows, (r) => BigInt(r) * 2n ** 40n);
    const flow = new FlowTable();
    flow.sources.push(table);
    flow.addAsset('ethereum:token:usdt');
    flow.reserve(rows, 100_000);
    const columns = () => [flow.from, flow.to, flow.asset, flow.source, flow.sourceRow, flow.rank, flow.time, flow.hop, flow.via, flow.flags];
    const reserved = columns();
    const nodes = Array.from({ length: 100_000 }, (_, i) => flow.addNode(`ethereum|0x${i}`, 'ethereum', `0x${i}`));
    for (let r = 0; r < rows; r++) flow.pushRow(0, r, r % 100_000, (r * 7) % 100_000, 0);
    columns().forEach((c, i) => expect(c, `column ${i}`).toBe(reserved[i]));
    for (const r of [0, 1023, 1024, 65_535, 299_999]) {
      expect([flow.from[r], flow.to[r], flow.time[r], flow.rank[r], flow.amount.get(r), flow.taint.get(r)]).toEqual([
        r % 100_000,
        (r * 7) % 100_000,
        r,
        r,
        BigInt(r) * 2n ** 40n,
        0n,
      ]);
    }
    for (const n of [nodes[0]!, nodes[99_999]!]) expect([n.hop, n.via, n.rootHop, n.fetchedIn, n.expanded]).toEqual([-1, -1, -1, 0, false]);
    // Past the room, the columns grow as before.
    flow.pushRow(0, 7, 1, 2, 0);
    expect(flow.from.length).toBeGreaterThan(rows);
    expect([flow.from[rows], flow.to[rows], flow.amount.get(rows)]).toEqual([1, 2, 7n * 2n ** 40n]);
  });

  it('holds reserved room in no memory until it is written', () => {
    const flow = new FlowTable();
    const before = process.memoryUsage().rss;
    // Columns for 20 M rows and 5 M nodes: about 1 GB if their pages were there.
    flow.reserve(20_000_000, 5_000_000);
    expect(flow.from.length).toBeGreaterThanOrEqual(20_000_000);
    expect(flow.hop.length).toBeGreaterThanOrEqual(5_000_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('sums received taint exactly, past 64 bits and back to zero, and tells a sum at zero from none ever', () => {
    const flow = new FlowTable();
    flow.addAsset('ethereum:token:usdt');
    Array.from({ length: 3000 }, (_, i) => flow.addNode(`ethereum|0x${i}`, 'ethereum', `0x${i}`));
    flow.addAsset('ethereum:native');
    const big = 2n ** 70n + 3n;
    flow.addReceived(1, 2999, big);
    flow.addReceived(1, 2999, 5n);
    flow.addReceived(0, 7, 40n);
    flow.addReceived(0, 7, -40n);
    expect(flow.receivedAt(1, 2999)).toBe(big + 5n);
    expect(flow.receivedAt(0, 7)).toBe(0n);
    expect([flow.receivedAt(0, 2999), flow.receivedAt(1, 7), flow.receivedAt(0, 8)]).toEqual([undefined, undefined, undefined]);
    flow.addReceived(1, 2999, -big);
    expect(flow.receivedAt(1, 2999)).toBe(5n);
    flow.held[0]!.set(2500, big);
    expect([flow.held[0]!.at(2500), flow.held[0]!.at(2501), flow.held[1]!.at(2500)]).toEqual([big, 0n, 0n]);
  });

  it('sums received taint given as numbers exactly as given as bigints, past 2^53 and below zero', () => {
    // A change as a number has a magnitude below 2^53; sums may still run past it, or below zero, and back.
    const change = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 52, -(2 ** 52)));
    // Few ids, so sums build up; some past the first 1,024 cells of a column.
    const op = fc.tuple(fc.nat(1), fc.constantFrom(0, 1024, 2_100), change, fc.boolean());
    // One table (making one costs milliseconds); each run sums into two assets of its own, so runs do not meet.
    const flow = new FlowTable();
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const first = flow.addAsset(`run ${flow.assets.length}: usdt`);
        flow.addAsset(`run ${flow.assets.length}: native`);
        const expected = new Map<string, bigint>();
        for (const [a, id, c, asNumber] of ops) {
          if (asNumber) flow.addReceivedNumber(first + a, id, c);
          else flow.addReceived(first + a, id, BigInt(c));
          expected.set(`${a}:${id}`, (expected.get(`${a}:${id}`) ?? 0n) + BigInt(c));
        }
        // The ids written, and ids never written (undefined, whatever their neighbours hold).
        for (let a = 0; a < 2; a++) for (const id of [0, 1, 1023, 1024, 2_099, 2_100]) expect(flow.receivedAt(first + a, id)).toBe(expected.get(`${a}:${id}`));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['read one by one', false],
    ['copied from its amount column', true],
  ])('keeps amounts and taint exact past 64 bits, through release, for a table whose amounts are %s', (_, column) => {
    const big = [0n, 1n, 2n ** 53n, 2n ** 64n - 2n, 2n ** 64n - 1n, 2n ** 64n, 10n ** 30n + 7n, 5n];
    const { table } = countingTable(big.length, (row) => big[row]!);
    const amounts = new AmountColumn();
    big.forEach((amount, row) => amounts.set(row, amount));
    const flow = new FlowTable();
    flow.sources.push(column ? { ...table, amounts, amount: () => 0n } : table);
    flow.addAsset('ethereum:token:usdt');
    big.forEach((_, row) => flow.pushRow(0, row, 0, 1, 0));
    // A cell past 64 bits (in the side map) that a plain cell is then copied over holds the plain one.
    flow.amount.set(big.length, 2n ** 70n);
    flow.amount.copy(big.length, amounts, 7);
    expect(flow.amount.get(big.length)).toBe(5n);
    big.forEach((amount, m) => flow.taint.set(m, amount / 3n));
    flow.release();
    big.forEach((amount, m) => {
      expect(flow.amount.get(m)).toBe(amount);
      expect(flow.view(m).amount).toBe(amount);
      expect(flow.view(m).taint).toBe(amount / 3n);
    });
  });
});
