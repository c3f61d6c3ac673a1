import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareTransfers, transferId, type AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { TaintFlow } from '../../src/engine/flow.js';
import type { TransferTable } from '../../src/adapters/adapter.js';
import type { Allocation } from '../../src/engine/allocate.js';
import { nodeKey, shownFields } from '../../src/engine/state.js';
import { referenceAllocate } from '../support/reference-allocate.js';

/**
 * The incremental TaintFlow against its definition (one chronological replay of every movement read so far through
 * the ledgers of the expanded addresses, test/support/reference-allocate.ts): random small worlds with cycles,
 * self-transfers, equal timestamps, fees, overlapping seeds, expanded in random rounds with movements arriving in
 * random order, compared after every round.
 */

const NATIVE: AssetRef = { chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 };
const TOKEN: AssetRef = { chain: 'ethereum', kind: 'token', contract: `0x${'77'.repeat(20)}`, symbol: 'TKN', decimals: 6 };
const address = (i: number) => `0x${(0xa0 + i).toString(16)}${'5e'.repeat(19)}`;

const worldArb = fc.record({
  transfers: fc.array(
    fc.record({
      from: fc.nat(7),
      to: fc.nat(7),
      native: fc.boolean(),
      // Up to twelve tokens: a replay's ledgers by asset index grow past their first room.
      token: fc.nat(11),
      // Small, around 2^53 (FIFO replays in doubles below it, and falls back to bigints at the first from it), huge.
      amount: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 2n ** 53n - 40n, max: 2n ** 53n + 2n }), fc.bigInt({ min: 1n, max: 10n ** 20n })),
      time: fc.nat(5),
      fee: fc.option(fc.bigInt({ min: 0n, max: 10n })),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  seeds: fc.array(fc.record({ pick: fc.nat(1000), partial: fc.option(fc.bigInt({ min: 0n, max: 100n })) }), { minLength: 1, maxLength: 4 }),
  rounds: fc.array(fc.array(fc.nat(7), { maxLength: 4 }), { minLength: 1, maxLength: 5 }),
  order: fc.nat(1_000_000),
  model: fc.constantFrom('poison' as const, 'haircut' as const, 'fifo' as const),
});

function canonical(a: Allocation) {
  const sortMap = <V>(m: ReadonlyMap<string, V>) => [...m].sort(([x], [y]) => (x < y ? -1 : 1));
  return {
    edges: a.edges.map((e) => [transferId(e.transfer.t), e.taint.toString()]),
    held: sortMap(a.held).map(([n, m]) => [n, sortMap(m).map(([k, v]) => [k, v.toString()])]),
    fees: sortMap(a.fees).map(([k, v]) => [k, v.toString()]),
    overlap: sortMap(a.overlap).map(([k, v]) => [k, v.toString()]),
    hops: sortMap(a.hops),
  };
}

describe('TaintFlow (incremental taint) equals the full chronological replay', () => {
  it('after every round, for every model', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const all: AccountTransfer[] = w.transfers.map((s, i) => ({
          chain: 'ethereum',
          tx: `0x${(i + 1).toString(16).padStart(64, '0')}`,
          type: s.native ? 'native' : 'token',
          logIndex: 0,
          block: 100 + s.time,
          time: 1_000 + s.time,
          from: address(s.from),
          to: address(s.to),
          asset: s.native ? NATIVE : { ...TOKEN, contract: `0x${(0x70 + s.token).toString(16).repeat(20)}` },
          amount: s.amount,
          ...(s.native && s.fee !== null ? { fee: s.fee } : {}),
        }));
        const assetOf = (t: AccountTransfer) => (t.asset.kind === 'native' ? 'n' : `t${t.asset.contract}`);
        const flow = new TaintFlow(w.model);
        const seedIds = new Set<string>();
        const seedNodes = new Set<string>();
        const known = new Map<string, AccountTransfer>();
        for (const s of w.seeds) {
          const t = all[s.pick % all.length]!;
          const tr = flow.add(t, assetOf(t)) ?? flow.find(t)!;
          flow.seed(tr);
          known.set(transferId(t), t);
          seedIds.add(transferId(t));
          seedNodes.add(nodeKey(t.chain, t.to));
        }
        const expanded = new Set<string>();
        // What each node had received and its hop count when the touched nodes were last taken.
        const nodes = () => Array.from({ length: 8 }, (_, i) => flow.peek('ethereum', address(i))).filter((n) => n !== undefined);
        const state = () => new Map(nodes().map((n) => [n.key, JSON.stringify([flow.receivedBy(n).map(([k, v]) => [k, String(v)]), n.hop])]));
        let lastState = new Map<string, string>();
        let shuffle = w.order;
        for (const round of w.rounds) {
          const fresh = round.map(address).filter((a) => !expanded.has(nodeKey('ethereum', a)));
          const batch = all.filter((t) => fresh.includes(t.from) || fresh.includes(t.to));
          // Movements arrive in an order of the answer's choosing, and some twice.
          for (let i = 0; i < batch.length; i++) {
            shuffle = (shuffle * 1103515245 + 12345) % 2147483648;
            const j = shuffle % batch.length;
            [batch[i], batch[j]] = [batch[j]!, batch[i]!];
          }
          for (const t of [...batch, ...batch.slice(0, 2)]) {
            flow.add(t, assetOf(t));
            known.set(transferId(t), t);
          }
          for (const a of fresh) {
            flow.expand(flow.node('ethereum', a));
            expanded.add(nodeKey('ethereum', a));
          }
          await flow.settle();
          // The nodes touched since the last take: each once, every node whose received taint or hop count changed.
          const touched = flow.takeTouched().map((n) => n.key);
          expect(new Set(touched).size).toBe(touched.length);
          const now = state();
          for (const [key, seen] of now) if (seen !== (lastState.get(key) ?? JSON.stringify([[], -1]))) expect(touched).toContain(key);
          expect(flow.takeTouched()).toEqual([]);
          lastState = now;
          const sorted = [...known.values()]
            .sort(compareTransfers)
            .map((t) => ({ t, ...shownFields(t), from: nodeKey(t.chain, t.from), to: nodeKey(t.chain, t.to), asset: assetOf(t) }));
          const expected = referenceAllocate(sorted, seedIds, expanded, w.model, seedNodes);
          const actual = await flow.snapshot();
          expect(canonical(actual)).toEqual(canonical(expected));
          // Each map's size is its number of entries (path walks read via's size to spot a cycle).
          for (const m of [actual.held, actual.hops, actual.via]) expect(m.size).toBe([...m].length);
          // The edge that gives each hop count: from a node one hop closer, the earliest such tainted edge.
          for (const [node, edge] of actual.via) {
            const hop = actual.hops.get(node)!;
            expect(actual.hops.get(edge.transfer.from)).toBe(hop - 1);
            const rivals = actual.edges.filter((e) => e.transfer.to === node && actual.hops.get(e.transfer.from) === hop - 1);
            expect(rivals[0]!.transfer.t).toBe(edge.transfer.t);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  /** Token movement `n` from address `from` to address `to` at `time`. */
  const mk = (n: number, from: number, to: number, time: number, amount = 10n): AccountTransfer => ({
    chain: 'ethereum',
    tx: `0x${n.toString(16).padStart(64, '0')}`,
    type: 'token',
    logIndex: 0,
    block: time,
    time,
    from: address(from),
    to: address(to),
    asset: TOKEN,
    amount,
  });

  it('gives a hop count the earliest edge even when a later round taints it', async () => {
    const flow = new TaintFlow('fifo');
    flow.seed(flow.add(mk(1, 7, 0, 1), 't')!);
    flow.seed(flow.add(mk(2, 7, 1, 1), 't')!);
    flow.add(mk(3, 0, 2, 5), 't');
    flow.expand(flow.node('ethereum', address(0)));
    await flow.settle();
    expect((await flow.snapshot()).via.get(nodeKey('ethereum', address(2)))!.transfer.t.tx).toBe(mk(3, 0, 2, 5).tx);
    flow.add(mk(4, 1, 2, 3), 't');
    flow.expand(flow.node('ethereum', address(1)));
    await flow.settle();
    const after = await flow.snapshot();
    expect(after.hops.get(nodeKey('ethereum', address(2)))).toBe(1);
    expect(after.via.get(nodeKey('ethereum', address(2)))!.transfer.t.tx).toBe(mk(4, 1, 2, 3).tx);
  });

  it('puts what an address paid itself back in its FIFO ledger, tainted as it left', async () => {
    const flow = new TaintFlow('fifo');
    // 0 gets 10 tainted, then 10 clean; it pays itself 10 (the tainted lot, back at the end), then 10 to 2 (the clean lot).
    flow.seed(flow.add(mk(1, 7, 0, 1, 10n), 't')!);
    flow.add(mk(2, 6, 0, 2, 10n), 't');
    flow.add(mk(3, 0, 0, 3, 10n), 't');
    flow.add(mk(4, 0, 2, 4, 10n), 't');
    flow.expand(flow.node('ethereum', address(0)));
    await flow.settle();
    const held = (await flow.snapshot()).held;
    expect([...(held.get(nodeKey('ethereum', address(0))) ?? new Map()).values()]).toEqual([10n]);
    expect(flow.receivedBy(flow.node('ethereum', address(2)))).toEqual([]);
  });

  it('starts a continuation seed at its own hop count unless a shorter path reaches it', async () => {
    const flow = new TaintFlow('fifo');
    flow.seed(flow.add(mk(1, 7, 0, 1), 't')!);
    flow.seed(flow.add(mk(2, 6, 3, 1), 't')!, 10n, 4);
    flow.add(mk(3, 3, 4, 2), 't');
    flow.expand(flow.node('ethereum', address(3)));
    await flow.settle();
    let a = await flow.snapshot();
    expect([a.hops.get(nodeKey('ethereum', address(3))), a.hops.get(nodeKey('ethereum', address(4)))]).toEqual([4, 5]);
    expect(a.via.has(nodeKey('ethereum', address(3)))).toBe(false);
    // A same-chain path from the victim's recipient reaches it in one hop: that wins.
    flow.add(mk(4, 0, 3, 1), 't');
    flow.expand(flow.node('ethereum', address(0)));
    await flow.settle();
    a = await flow.snapshot();
    expect([a.hops.get(nodeKey('ethereum', address(3))), a.hops.get(nodeKey('ethereum', address(4)))]).toEqual([1, 2]);
    expect(a.via.get(nodeKey('ethereum', address(3)))!.transfer.t.tx).toBe(mk(4, 0, 3, 1).tx);
  });

  it('counts a movement once however often the sources return it', () => {
    const flow = new TaintFlow('fifo');
    const t: AccountTransfer = {
      chain: 'ethereum',
      tx: `0x${'1'.repeat(64)}`,
      type: 'token',
      logIndex: 3,
      block: 1,
      time: 1,
      from: address(0),
      to: address(1),
      asset: TOKEN,
      amount: 5n,
    };
    expect(flow.add(t, 't')).toBeDefined();
    expect(flow.add({ ...t }, 't')).toBeUndefined();
    expect(flow.add({ ...t, logIndex: 4 }, 't')).toBeDefined();
    expect(flow.add({ ...t, chain: 'evm:10' }, 't')).toBeDefined();
    expect(flow.size).toBe(3);
  });
});

describe('TaintFlow nodes by a table’s address ids', () => {
  /** A table of `n` addresses (ids 0..n-1) on one chain; only the address columns are read. */
  const tableOf = (n: number) =>
    ({
      rows: 0,
      addresses: n,
      address: (id: number) => address(id),
      addressChain: () => 'ethereum',
      addressId: (chain: string, a: string) => (chain === 'ethereum' ? Array.from({ length: n }, (_, id) => address(id)).indexOf(a) : -1),
      find: () => -1,
    }) as unknown as TransferTable;

  it('makes room for every row of each table it meets (its columns then fill without copies)', () => {
    const flow = new TaintFlow('fifo');
    flow.idSpace({ ...tableOf(3_000), rows: 50_000 } as TransferTable);
    expect(flow.columns.from.length).toBeGreaterThanOrEqual(50_000);
    flow.idSpace({ ...tableOf(5), rows: 170_000 } as TransferTable);
    expect(flow.columns.from.length).toBeGreaterThanOrEqual(170_000);
  });

  it('finds and makes the same node by id as by address, in any mix with nodes made by address or from another table, met first or later; gives each node’s address id back', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('peek' as const), table: fc.nat(1), id: fc.nat(11) }),
      fc.record({ kind: fc.constant('make' as const), table: fc.nat(1), id: fc.nat(11) }),
      fc.record({ kind: fc.constant('byAddress' as const), table: fc.constant(0), id: fc.nat(11) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const flow = new TaintFlow('fifo');
        // The second table is met when an op first names it: the nodes made before then are entered in it.
        const tables = [tableOf(12), tableOf(12)];
        const space = (table: number) => flow.idSpace(tables[table]!);
        space(0);
        const made = new Set<number>();
        const peekById = (table: number, id: number) => {
          const node = flow.peekNodeId(space(table), id);
          return node >= 0 ? flow.nodeAt(node) : undefined;
        };
        for (const o of ops) {
          const byAddress = flow.peek('ethereum', address(o.id));
          if (o.kind === 'peek') expect(peekById(o.table, o.id)).toBe(byAddress);
          else {
            const node = o.kind === 'make' ? flow.nodeAt(flow.nodeIdOf(space(o.table), o.id)) : flow.node('ethereum', address(o.id));
            if (byAddress) expect(node).toBe(byAddress);
            expect(node.address).toBe(address(o.id));
            made.add(o.id);
          }
        }
        for (let id = 0; id < 12; id++) {
          const node = flow.peek('ethereum', address(id));
          expect(node !== undefined).toBe(made.has(id));
          for (const table of [0, 1]) expect(peekById(table, id)).toBe(node);
        }
        // And the other way: each node's address id in both tables (the loop above met the second one, if no op
        // did), what a request names it by; -1 in a table the flow has not met.
        const nodes = [...made].map((id) => flow.peek('ethereum', address(id))!);
        for (const table of tables) expect([...flow.addressIds(table, nodes)]).toEqual([...made]);
        expect([...flow.addressIds(tableOf(12), nodes)]).toEqual(nodes.map(() => -1));
      }),
      { numRuns: 500 },
    );
  });
});
