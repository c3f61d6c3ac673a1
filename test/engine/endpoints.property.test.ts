import { shownFields } from '../../src/engine/state.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { NodeColumnMap, type TaintedEdge } from '../../src/engine/allocate.js';
import { collectEndpoints, type EndpointData, type EndpointInput } from '../../src/engine/endpoints.js';

/**
 * The endpoint builder makes endpoints in the order the allocation holds its addresses and lists them by address:
 * the list, with every path, must not depend on that order. Generated allocations: random parent edges (hop counts
 * that may even form cycles), seeds with victim payments, bridge continuations that may lead back to where they came
 * from (so a path walk meets a cycle), two assets, expanded addresses and hop-limit stops, amounts including zero.
 */

const USDT: AssetRef = { chain: 'ethereum', kind: 'token', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const ETH: AssetRef = { chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 };
const ASSETS = new Map([
  ['usdt', USDT],
  ['eth', ETH],
]);

const nodeOf = (i: number) => `ethereum|0x${(i * 2_654_435_761 + 12_345).toString(16).padStart(40, '0').slice(-40)}`;

const worldArb = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    // parents[i]: the node whose edge gives node i its hop count (-1: a root); any index, so cycles happen.
    parents: fc.array(fc.integer({ min: -1, max: n - 1 }), { minLength: n, maxLength: n }),
    seeds: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    // continued[i]: a root continuing a bridge deposit at that node (-1: none).
    continued: fc.array(fc.integer({ min: -1, max: n - 1 }), { minLength: n, maxLength: n }),
    held: fc.array(
      fc.option(fc.record({ usdt: fc.bigInt({ min: 0n, max: 1000n }), eth: fc.option(fc.bigInt({ min: 0n, max: 50n }), { nil: undefined }) }), {
        nil: undefined,
      }),
      {
        minLength: n,
        maxLength: n,
      },
    ),
    expanded: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    extraInflows: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 10_000 })), {
      maxLength: 2 * n,
    }),
    order: fc.array(fc.integer(), { minLength: n, maxLength: n }),
  }),
);

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

function edge(from: string, to: string, tx: number, time: number, asset: string): TaintedEdge {
  const t: AccountTransfer = {
    chain: 'ethereum',
    type: asset === 'eth' ? 'native' : 'token',
    from: from.slice(9),
    to: to.slice(9),
    asset: asset === 'eth' ? ETH : USDT,
    amount: 10n,
    tx: `0x${tx.toString(16).padStart(64, '0')}`,
    logIndex: 0,
    block: 1_000 + time,
    time: 1_700_000_000 + time,
  };
  return { transfer: { t, ...shownFields(t), from, to, asset }, taint: 10n };
}

/** The endpoint input of a generated world, its addresses held in the order `rank` gives. */
function inputOf(w: World, rank: (i: number) => number): EndpointInput {
  const nodes = Array.from({ length: w.n }, (_, i) => nodeOf(i));
  const via = new Map<string, TaintedEdge>();
  const hops = new Map<string, number>();
  const inflows = new Map<string, TaintedEdge[]>();
  const add = (e: TaintedEdge) => {
    const list = inflows.get(e.transfer.to) ?? [];
    list.push(e);
    inflows.set(e.transfer.to, list);
  };
  w.parents.forEach((p, i) => {
    hops.set(nodes[i]!, (i * 7) % 5);
    if (p < 0) return;
    const e = edge(nodes[p]!, nodes[i]!, 1_000 + i, i, 'usdt');
    via.set(nodes[i]!, e);
    add(e);
  });
  w.extraInflows.forEach(([from, to, time], k) => add(edge(nodes[from]!, nodes[to]!, 5_000 + k, time, k % 3 === 0 ? 'eth' : 'usdt')));
  for (const list of inflows.values()) list.sort((a, b) => a.transfer.t.time - b.transfer.t.time || (a.transfer.t.tx < b.transfer.t.tx ? -1 : 1));
  const seedTx = new Map<string, string>();
  const continuedFrom = new Map<string, string>();
  w.parents.forEach((p, i) => {
    if (p >= 0) return;
    if (w.seeds[i]) seedTx.set(nodes[i]!, `0x${(9_000 + i).toString(16).padStart(64, '0')}`);
    const c = w.continued[i]!;
    if (c >= 0) continuedFrom.set(nodes[i]!, nodes[c]!);
  });
  const held = new Map<string, Map<string, bigint>>();
  const indices = nodes.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
  for (const i of indices) {
    const h = w.held[i];
    if (!h) continue;
    held.set(nodes[i]!, new Map([['usdt', h.usdt], ...(h.eth !== undefined ? [['eth', h.eth] as const] : [])]));
  }
  const expanded = new Set(nodes.filter((_, i) => w.expanded[i]));
  const stops = new Map(
    nodes.filter((_, i) => !w.expanded[i] && i % 3 === 0).map((node) => [node, { kind: 'hop-limit' as const, reason: 'hop limit 4 reached' }]),
  );
  return {
    allocation: { edges: [], edgeCount: 0, held, fees: new Map(), overlap: new Map(), hops, via },
    inflows,
    expanded,
    stops,
    deposits: new Map(),
    assets: ASSETS,
    seedTx,
    continuedFrom,
  };
}

/**
 * The same input with its allocation's maps as the flow's snapshot gives them (NodeColumnMaps over node ids): path
 * walks then go by those ids, and must find the same paths as by keys.
 */
function asColumns(input: EndpointInput): EndpointInput {
  const a = input.allocation;
  const keys = [...new Set([...a.hops.keys(), ...a.via.keys(), ...a.held.keys()])];
  const index = new Map(keys.map((k, i) => [k, i]));
  const columns = <V>(m: ReadonlyMap<string, V>) => new NodeColumnMap(index, keys, (id) => m.get(keys[id]!), m.size);
  return { ...input, allocation: { ...a, hops: columns(a.hops), via: columns(a.via), held: columns(a.held) } };
}

/** Endpoints as their readers see them: their fields with `txs` and `path` read (not the way an endpoint keeps them). */
const seen = (list: readonly EndpointData[]) =>
  list.map((e) => {
    const { step: _step, ownTxs: _txs, ownPath: _path, ...fields } = e as unknown as Record<string, unknown>;
    return { ...fields, txs: e.txs, path: e.path };
  });

describe('collectEndpoints', () => {
  it('lists the same endpoints with the same paths whatever order the allocation holds its addresses in, by keys or by node ids', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const keyOrder = Array.from({ length: w.n }, (_, i) => i).sort((a, b) => (nodeOf(a) < nodeOf(b) ? -1 : 1));
        const sorted = await collectEndpoints(inputOf(w, (i) => keyOrder.indexOf(i)));
        const byKey = await collectEndpoints(inputOf(w, () => 0));
        const shuffled = await collectEndpoints(inputOf(w, (i) => w.order[i]!));
        const reversed = await collectEndpoints(inputOf(w, (i) => -i));
        const byIds = await collectEndpoints(asColumns(inputOf(w, (i) => w.order[i]!)));
        for (const other of [byKey, shuffled, reversed, byIds]) expect(seen(other)).toEqual(seen(sorted));
        // Listed by address, then asset; every amount held above zero is an endpoint.
        const keys = sorted.map((e) => `${e.chain}|${e.address}`);
        expect(keys).toEqual([...keys].sort());
        const positive = [...inputOf(w, () => 0).allocation.held.values()].reduce((s, m) => s + [...m.values()].filter((v) => v > 0n).length, 0);
        expect(sorted.length).toBe(positive);
        // No two endpoints share one path array.
        expect(new Set(sorted.map((e) => e.path)).size).toBe(sorted.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives each endpoint the path from its victim payment, through every edge and every bridge continuation before it', async () => {
    // Parents and continuations point to lower indexes only: no cycles, so each path is one walk up the world.
    const acyclic = worldArb.map((w) => ({
      ...w,
      parents: w.parents.map((p, i) => (p < i ? p : -1)),
      continued: w.continued.map((c, i) => (c < i ? c : -1)),
    }));
    const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
    await fc.assert(
      fc.asyncProperty(acyclic, async (w) => {
        const pathOf = (i: number): string[] => {
          const p = w.parents[i]!;
          if (p >= 0) return [...pathOf(p), hash(1_000 + i)];
          const c = w.continued[i]!;
          return [...(c >= 0 ? pathOf(c) : []), ...(w.seeds[i] ? [hash(9_000 + i)] : [])];
        };
        const index = new Map(Array.from({ length: w.n }, (_, i) => [nodeOf(i), i]));
        for (const input of [inputOf(w, (i) => w.order[i]!), asColumns(inputOf(w, (i) => -i))]) {
          for (const e of await collectEndpoints(input)) expect(e.path).toEqual(pathOf(index.get(`${e.chain}|${e.address}`)!));
        }
      }),
      { numRuns: 300 },
    );
  });
});
