import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChainAdapter, TransferIds, TransferResult } from '../../src/adapters/adapter.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import { createLabelStore } from '../../src/labels/store.js';
import { reportToJson } from '../../src/report/json.js';
import { trace } from '../../src/trace/trace.js';
import { generateWorld } from '../bench/engine.js';

/**
 * Answers by ids (adapter.ts TransferIds) are a shortcut, never a different trace: the same generated layering worlds
 * (sizes, seeds, taint models and cuts drawn by fast-check) traced from a source that answers by strings only, by
 * the fixture store's own ids, by honest ids interned here, and by ids that lie (rows and address ids drawn from a few values, so they collide across movements
 * and addresses) give byte-identical reports.
 */

type IdsOf = (t: AccountTransfer) => { row: number; from: number; to: number };

/** The source's answers with `ids` replaced: none (`undefined`), or those `idsOf` gives. */
function answering(adapter: ChainAdapter, idsOf: IdsOf | undefined): ChainAdapter {
  const table = { rows: 1 << 20, addresses: 1 << 20 };
  return {
    ...adapter,
    async getTransfers(q): Promise<TransferResult> {
      const { transfers, truncated } = await adapter.getTransfers(q);
      if (!idsOf) return { transfers, truncated };
      const n = transfers.length;
      const ids: TransferIds = { table, row: new Int32Array(n), from: new Int32Array(n), to: new Int32Array(n) };
      transfers.forEach((t, i) => {
        const x = idsOf(t);
        (ids.row as Int32Array)[i] = x.row;
        (ids.from as Int32Array)[i] = x.from;
        (ids.to as Int32Array)[i] = x.to;
      });
      return { transfers, truncated, ids };
    },
  };
}

/** Honest ids: one row per movement, one id per address, interned as answers come. */
function honest(): IdsOf {
  const rows = new Map<string, number>();
  const addresses = new Map<string, number>();
  const intern = (m: Map<string, number>, k: string) => {
    let id = m.get(k);
    if (id === undefined) m.set(k, (id = m.size));
    return id;
  };
  return (t) => ({ row: intern(rows, `${t.tx}:${t.type}:${t.logIndex}`), from: intern(addresses, t.from), to: intern(addresses, t.to) });
}

/** Lying ids: a handful of values for thousands of rows and addresses. */
function lying(salt: number): IdsOf {
  const pick = (s: string) => {
    let h = salt;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return (h >>> 0) % 7;
  };
  return (t) => ({ row: pick(t.tx), from: pick(t.from), to: pick(t.to) });
}

describe('answers by ids', () => {
  it('the fixture source answers by its table: one row per movement, one id per address', async () => {
    const w = generateWorld(2_000, 3);
    const adapter = createFixtureAdapter({ dataset: w.dataset });
    const addresses = [...new Set(w.dataset.transfers!.slice(0, 400).flatMap((t) => [t.from, t.to]))];
    const { transfers, ids } = await adapter.getTransfers({ chain: 'ethereum', addresses, direction: 'both' });
    expect(ids).toBeDefined();
    expect([ids!.row.length, ids!.from.length, ids!.to.length]).toEqual([transfers.length, transfers.length, transfers.length]);
    const rowOf = new Map<string, number>();
    const idOf = new Map<string, number>();
    const same = (m: Map<string, number>, k: string, v: number) => {
      if (!m.has(k)) m.set(k, v);
      return m.get(k) === v;
    };
    transfers.forEach((t, i) => {
      expect(same(rowOf, `${t.tx}:${t.logIndex}`, ids!.row[i]!)).toBe(true);
      expect(same(idOf, t.from, ids!.from[i]!) && same(idOf, t.to, ids!.to[i]!)).toBe(true);
    });
    // Distinct movements and addresses get distinct ids.
    expect(new Set(rowOf.values()).size).toBe(rowOf.size);
    expect(new Set(idOf.values()).size).toBe(idOf.size);
    expect(rowOf.size).toBeGreaterThan(400);
  });

  it('give the same report as answers by strings, even when the ids lie', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          size: fc.integer({ min: 150, max: 2_500 }),
          seed: fc.nat(10_000),
          salt: fc.nat(1_000),
          taint: fc.constantFrom('fifo' as const, 'haircut' as const, 'poison' as const, 'tiho' as const),
          maxDegree: fc.constantFrom(6, 40, 1_000),
          maxNodes: fc.constantFrom(50, 1_000_000),
        }),
        async (p) => {
          const w = generateWorld(p.size, p.seed);
          const base = createFixtureAdapter({ dataset: w.dataset, maxAddressesPerCall: 50 });
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
          const plain = await run(answering(base, undefined));
          expect(JSON.parse(plain).endpoints.length).toBeGreaterThan(0);
          expect(await run(base)).toBe(plain);
          expect(await run(answering(base, honest()))).toBe(plain);
          expect(await run(answering(base, lying(p.salt)))).toBe(plain);
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
