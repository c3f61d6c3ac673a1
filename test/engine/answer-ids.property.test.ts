import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChainAdapter, TransferResult, TransferTable } from '../../src/adapters/adapter.js';
import { createFixtureAdapter, loadFixtureDataset } from '../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { compareTransfers, transferId, type AccountTransfer } from '../../src/core/movement.js';
import { createLabelStore } from '../../src/labels/store.js';
import { reportToJson } from '../../src/report/json.js';
import { trace } from '../../src/trace/trace.js';
import { generateWorld } from '../bench/engine.js';
import { mulberry32 } from '../support/random.js';

/**
 * Answers by ids (adapter.ts TransferIds) are a shortcut, never a different trace: the same generated layering worlds
 * (sizes, seeds, taint models, cuts and repeated rows drawn by fast-check) traced from a source that answers with
 * objects only, by the fixture store's own table, by an independent table written here (its own row and address
 * numbering, ranks from a plain sort, movement ids from a map), and with ids out of the table's range (the engine
 * must take the objects then) give byte-identical reports.
 */

/** A table built the plain way over a dataset's movements, rows and address ids in a shuffled order. */
function plainTable(
  all: readonly AccountTransfer[],
  salt: number,
): { table: TransferTable; rowOf: (t: AccountTransfer, i: number) => number; idOf: (chain: string, a: string) => number } {
  const random = mulberry32(salt);
  const order = all.map((_, i) => i).sort(() => random() - 0.5);
  const rows = order.map((i) => all[i]!);
  const byStoreRow = new Map(order.map((i, row) => [i, row]));
  const addresses: [string, string][] = [];
  const ids = new Map<string, number>();
  const idOf = (chain: string, a: string) => {
    let id = ids.get(`${chain}|${a}`);
    if (id === undefined) ids.set(`${chain}|${a}`, (id = addresses.push([chain, a]) - 1));
    return id;
  };
  const ranked = rows.map((_, r) => r).sort((a, b) => compareTransfers(rows[a]!, rows[b]!) || a - b);
  const rank = new Map(ranked.map((r, i) => [r, i]));
  const first = new Map<string, number>();
  rows.forEach((t, r) => {
    const key = transferId(t);
    if (!first.has(key) || first.get(key)! > r) first.set(key, r);
  });
  const table: TransferTable = {
    rows: rows.length,
    addresses: 0,
    address: (id) => addresses[id]![1],
    addressChain: (id) => addresses[id]![0],
    addressId: (chain, a) => ids.get(`${chain}|${a}`) ?? -1,
    transfer: (row) => rows[row]!,
    asset: (row) => rows[row]!.asset,
    amount: (row) => rows[row]!.amount,
    tx: (row) => rows[row]!.tx,
    logIndex: (row) => rows[row]!.logIndex,
    time: (row) => rows[row]!.time,
    fee: (row) => rows[row]!.fee,
    rank: (row) => rank.get(row)!,
    movement: (row) => first.get(transferId(rows[row]!))!,
    find: (t) => first.get(transferId(t)) ?? -1,
  };
  for (const t of rows) [t.from, t.to].forEach((a) => idOf(t.chain, a));
  (table as { addresses: number }).addresses = addresses.length;
  return { table, rowOf: (_t, storeRow) => byStoreRow.get(storeRow)!, idOf };
}

/** The source's answers with their ids taken away, or put in another table's terms, or pushed out of range. */
function answering(adapter: ChainAdapter, mode: 'objects' | 'out-of-range' | ReturnType<typeof plainTable>): ChainAdapter {
  return {
    ...adapter,
    async getTransfers(q): Promise<TransferResult> {
      const answer = await adapter.getTransfers(q);
      const { transfers, truncated, ids } = answer;
      if (mode === 'objects' || !ids) return { transfers, truncated };
      if (mode === 'out-of-range') return { transfers, truncated, ids: { ...ids, row: ids.row.map((r, i) => (i % 3 === 0 ? ids.table.rows + r : r)) } };
      const row = ids.row.map((r, i) => mode.rowOf(transfers[i]!, r));
      const from = Int32Array.from(transfers, (t) => mode.idOf(t.chain, t.from));
      const to = Int32Array.from(transfers, (t) => mode.idOf(t.chain, t.to));
      return { transfers, truncated, ids: { table: mode.table, row, from, to } };
    },
  };
}

/** The world's dataset with `repeats` of its rows given again (the same movement twice, as a careless export has it). */
function withRepeats(dataset: FixtureDatasetInput, repeats: number, salt: number): FixtureDatasetInput {
  const rows = dataset.transfers!;
  const random = mulberry32(salt);
  const again = Array.from({ length: repeats }, () => rows[Math.floor(random() * rows.length)]!);
  return { ...dataset, transfers: [...rows, ...again] };
}

describe('answers by ids', () => {
  it('the fixture source answers by its table: ids, ranks and movement ids agree with the objects', async () => {
    const w = generateWorld(2_000, 3);
    const adapter = createFixtureAdapter({ dataset: withRepeats(w.dataset, 40, 5) });
    const addresses = [...new Set(w.dataset.transfers!.slice(0, 400).flatMap((t) => [t.from, t.to]))];
    const answer = await adapter.getTransfers({ chain: 'ethereum', addresses, direction: 'both' });
    const { ids, transfers } = answer;
    expect(ids).toBeDefined();
    const { table, row, from, to } = ids!;
    expect([row.length, from.length, to.length]).toEqual([transfers.length, transfers.length, transfers.length]);
    transfers.forEach((t, i) => {
      expect(table.transfer(row[i]!)).toEqual(t);
      expect([table.address(from[i]!), table.address(to[i]!), table.addressChain(from[i]!)]).toEqual([t.from, t.to, t.chain]);
      expect([table.amount(row[i]!), table.fee(row[i]!), table.asset(row[i]!), table.tx(row[i]!), table.time(row[i]!)]).toEqual([
        t.amount,
        t.fee,
        t.asset,
        t.tx,
        t.time,
      ]);
      expect(table.find(t)).toBe(table.movement(row[i]!));
    });
    // Ranks order rows as compareTransfers orders their movements; repeated rows share a movement id, others do not.
    const pairs = fc.sample(fc.tuple(fc.nat(transfers.length - 1), fc.nat(transfers.length - 1)), 2_000);
    for (const [a, b] of pairs) {
      const byObjects = Math.sign(compareTransfers(transfers[a]!, transfers[b]!));
      if (byObjects !== 0) expect(Math.sign(table.rank(row[a]!) - table.rank(row[b]!))).toBe(byObjects);
      expect(table.movement(row[a]!) === table.movement(row[b]!)).toBe(transferId(transfers[a]!) === transferId(transfers[b]!));
    }
    expect(new Set(Array.from(row, (r) => table.movement(r))).size).toBeLessThan(row.length);
    expect(table.find({ ...transfers[0]!, logIndex: 99 })).toBe(-1);
  });

  it('give the same report as answers by objects, whatever table numbers them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          size: fc.integer({ min: 150, max: 2_500 }),
          seed: fc.nat(10_000),
          salt: fc.nat(1_000),
          repeats: fc.constantFrom(0, 0, 25),
          taint: fc.constantFrom('fifo' as const, 'haircut' as const, 'poison' as const, 'tiho' as const),
          maxDegree: fc.constantFrom(6, 40, 1_000),
          maxNodes: fc.constantFrom(50, 1_000_000),
        }),
        async (p) => {
          const w = generateWorld(p.size, p.seed);
          const dataset = withRepeats(w.dataset, p.repeats, p.salt);
          const base = createFixtureAdapter({ dataset, maxAddressesPerCall: 50 });
          const run = async (adapter: ChainAdapter) =>
            reportToJson(
              (
                await trace({
                  seeds: w.seeds,
                  adapters: [adapter],
                  labels: createLabelStore(w.labels),
                  builtinLabels: false,
                  taint: p.taint,
                  maxHops: w.levels.length + 2,
                  maxNodes: p.maxNodes,
                  maxDegree: p.maxDegree,
                })
              ).report,
            );
          const plain = await run(answering(base, 'objects'));
          expect(JSON.parse(plain).endpoints.length).toBeGreaterThan(0);
          expect(await run(base)).toBe(plain);
          expect(await run(answering(base, plainTable(loadFixtureDataset(dataset).transfers, p.salt)))).toBe(plain);
          expect(await run(answering(base, 'out-of-range'))).toBe(plain);
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
