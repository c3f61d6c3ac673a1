import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { buildTraceGraph } from '../../src/engine/graph.js';
import { runTrace, type TraceOutcome } from '../../src/engine/run.js';
import { createLabelStore } from '../../src/labels/store.js';
import { parseTraceSettings } from '../../src/trace/trace.js';
import { CHAIN } from '../support/ganache.js';
import { startRpcProxy } from '../support/rpc-proxy.js';
import { readChain, replayTaint, type TaintState, type TxMovements } from '../support/swap-oracle.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../support/swap-world.js';

/**
 * Transaction-level flow end to end (src/engine/boxes.ts, flow.ts boxes): seeded swap worlds on ganache (real
 * contracts: v2 pair, v3 pool that pays before it collects, router with a recipient, WETH9, splitter, batcher; clean
 * users on the same pools before and after), traced through the JSON-RPC source, against the independent oracle
 * (test/support/swap-oracle.ts), which reads every transaction of the chain and replays the rule over all of them.
 */

const lower = (key: string) => key.slice(key.indexOf('|') + 1).toLowerCase();

async function traceWorld(world: SwapWorld, model: 'fifo' | 'haircut', seeds?: { chain: string; tx: string; index?: number }[]) {
  const adapter = createEvmRpcAdapter({ url: world.chain.url, chain: CHAIN, wrappedNative: [world.tokens.WETH.address] });
  const labels = createLabelStore(
    world.labels.map((l) => ({
      chain: CHAIN,
      address: l.address,
      entity: l.entity,
      category: l.category,
      jurisdictions: ['SC'],
      confidence: 1,
      source: 'test',
    })),
  );
  // From the first block: the oracle sees every movement since genesis, so the engine reads them too.
  const settings = parseTraceSettings({ seeds: seeds ?? world.seeds.map((tx) => ({ chain: CHAIN, tx })), maxHops: 20, taint: model, from: 1 });
  return runTrace(settings, [adapter], labels, { concurrency: 4 });
}

/** Taint held per non-contract address and asset (lower-case), as the engine left it. */
function engineHeld(outcome: TraceOutcome, contracts: ReadonlySet<string>): Map<string, Map<string, bigint>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const [node, byAsset] of outcome.allocation.held) {
    const who = lower(node);
    if (contracts.has(who)) continue;
    for (const [asset, v] of byAsset) {
      const ref = outcome.assets.get(asset)!;
      const key = ref.kind === 'native' ? 'ETH' : ref.contract!.toLowerCase();
      if (v === 0n) continue;
      if (!out.has(who)) out.set(who, new Map());
      out.get(who)!.set(key, (out.get(who)!.get(key) ?? 0n) + v);
    }
  }
  return out;
}

const sorted = (m: Map<string, Map<string, bigint>>) => [...m].flatMap(([who, byAsset]) => [...byAsset].map(([asset, v]) => `${who} ${asset} ${v}`)).sort();

function keptByAsset(outcome: TraceOutcome): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const e of outcome.endpoints) {
    if (e.kind !== 'contract') continue;
    const key = e.asset.kind === 'native' ? 'ETH' : e.asset.contract!.toLowerCase();
    out.set(key, (out.get(key) ?? 0n) + e.amount);
  }
  return out;
}

function expectSameAsOracle(outcome: TraceOutcome, oracle: TaintState, contracts: ReadonlySet<string>, world: SwapWorld) {
  expect(outcome.failure).toBeUndefined();
  // Every address and asset the oracle says holds taint holds exactly that much in the engine, and no other.
  expect(sorted(engineHeld(outcome, contracts))).toEqual(sorted(oracle.held));
  for (const who of world.clean) expect(engineHeld(outcome, contracts).has(who)).toBe(false);
  // What the contracts kept, per asset.
  const kept = keptByAsset(outcome);
  for (const [asset, l] of oracle.ledger) expect({ asset, kept: kept.get(asset) ?? 0n }).toEqual({ asset, kept: l.kept });
  // Kept taint rests on the box's transaction: a contract endpoint names it and its time.
  for (const e of outcome.endpoints.filter((x) => x.kind === 'contract')) {
    expect(e.txs.length).toBeGreaterThan(0);
    expect(e.firstSeen).toBeGreaterThan(0);
  }
  // The trace graph joins every tainted address to a seed's recipient (box edges join a box's contracts).
  const graph = buildTraceGraph(outcome);
  const seen = new Set(outcome.seeds.flatMap((x) => x.transfers.map((t) => `${t.chain}|${t.to}`)));
  for (const frontier = [...seen]; frontier.length > 0; )
    for (const n of graph.outNeighbors(frontier.pop()!)) if (!seen.has(n) && seen.add(n)) frontier.push(n);
  for (const node of graph.nodes()) expect({ node, reached: seen.has(node) || graph.inDegree(node) === 0 }).toEqual({ node, reached: true });
  // The conversions the engine reports are the oracle's, transaction for transaction.
  const converted = (txs: string[]) => [...new Set(txs)].sort();
  expect(converted(outcome.boxes.filter((b) => b.conversions.length > 0).map((b) => b.tx))).toEqual(
    converted(oracle.conversions.filter((c) => [...c.out.keys()].some((a) => !c.in.has(a) && (c.out.get(a)?.tainted ?? 0n) > 0n)).map((c) => c.tx)),
  );
}

describe('transaction-level flow through the engine (ganache swap worlds against the oracle)', () => {
  it('generated worlds, fifo and haircut: taint per address and asset, kept per asset and conversions equal the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = await buildSwapWorld(drawSwapPlan(seed));
        try {
          const chain = await readChain(world.chain.request, world.tokens.WETH.address, true);
          for (const model of ['fifo', 'haircut'] as const) {
            // The JSON-RPC source lists value-carrying transactions only: their fees are the ones it sees, each taken
            // right after its transaction's value (the engine's ledger order).
            const charged = (tx: TxMovements) => tx.ok && tx.movements.some((m) => m.kind === 'value');
            const oracle = replayTaint(chain.txs, {
              contracts: chain.contracts,
              seeds: new Set(world.seeds),
              genesis: world.genesis,
              model,
              charged,
              feeOrder: 'after-value',
            });
            const outcome = await traceWorld(world, model);
            expectSameAsOracle(outcome, oracle, chain.contracts, world);
          }
        } finally {
          await world.chain.close();
        }
      }),
      { numRuns: 3, examples: [[2]] },
    );
  }, 300_000);
});

describe('a seed inside a swap (TX:N)', () => {
  it("seeding only the swapper's payment into a pool taints what came back through the conversion, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = await buildSwapWorld(drawSwapPlan(seed));
        try {
          const chain = await readChain(world.chain.request, world.tokens.WETH.address, true);
          // The first payment a launderer made into a contract after the victims paid: a swap's input.
          const laundering = new Set(world.txs.filter((t) => t.role === 'launder').map((t) => t.hash));
          const payment = chain.txs
            .filter((t) => laundering.has(t.hash))
            .flatMap((t) =>
              t.movements.filter((m) => m.kind === 'transfer' && m.from === t.sender && chain.contracts.has(m.to)).map((m) => ({ tx: t.hash, m })),
            )[0];
          expect(payment).toBeDefined();
          if (!payment) return;
          const charged = (tx: TxMovements) => tx.ok && tx.movements.some((m) => m.kind === 'value');
          const oracle = replayTaint(chain.txs, {
            contracts: chain.contracts,
            seeds: new Set([`${payment.tx}:${payment.m.log}`]),
            genesis: world.genesis,
            charged,
            feeOrder: 'after-value',
          });
          const outcome = await traceWorld(world, 'fifo', [{ chain: CHAIN, tx: payment.tx, index: payment.m.log! }]);
          expectSameAsOracle(outcome, oracle, chain.contracts, world);
          // The seed is the payment alone: the pool's reserves keep all of it, the conversion's output is followed.
          expect(outcome.boxes[0]!.tx).toBe(payment.tx);
          expect(outcome.boxes[0]!.inputs.map((e) => e.taint)).toEqual([payment.m.amount]);
          expect(outcome.boxes[0]!.outputs.length).toBeGreaterThan(0);
        } finally {
          await world.chain.close();
        }
      }),
      { numRuns: 3 },
    );
  }, 300_000);
});

describe('a source that cannot see internal value', () => {
  it('says which conversions it could not see, and still taints no clean user', async () => {
    const world = await buildSwapWorld(drawSwapPlan(2));
    // No debug_traceTransaction and no trace_filter: what contracts pay in native value is invisible.
    const proxy = await startRpcProxy({
      target: world.chain.url,
      intercept: (call) =>
        call.method.startsWith('debug_') || call.method.startsWith('trace_')
          ? { error: { code: -32601, message: `the method ${call.method} does not exist/is not available` } }
          : undefined,
    });
    try {
      const chain = await readChain(world.chain.request, world.tokens.WETH.address, true);
      const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, wrappedNative: [world.tokens.WETH.address] });
      const settings = parseTraceSettings({ seeds: world.seeds.map((tx) => ({ chain: CHAIN, tx })), maxHops: 20, from: 1 });
      const outcome = await runTrace(settings, [adapter], undefined, { concurrency: 4 });
      expect(outcome.failure).toBeUndefined();
      expect(outcome.boxes.length).toBeGreaterThan(0);
      for (const box of outcome.boxes) expect(box.notes.some((n) => n.includes('internal calls) was not visible'))).toBe(true);
      expect(outcome.notes.some((n) => /internal/i.test(n))).toBe(true);
      // The oracle (full view) says which transactions paid ETH out by internal calls: the blind trace reports no ETH
      // output in them, and no clean user holds anything.
      const paidByCalls = new Set(chain.txs.filter((t) => t.movements.some((m) => m.kind === 'internal' && !chain.contracts.has(m.to))).map((t) => t.hash));
      expect(paidByCalls.size).toBeGreaterThan(0);
      for (const box of outcome.boxes.filter((b) => paidByCalls.has(b.tx))) expect(box.outputs.every((e) => e.transfer.t.type !== 'internal')).toBe(true);
      for (const who of world.clean) expect(engineHeld(outcome, chain.contracts).has(who)).toBe(false);
    } finally {
      await proxy.close();
      await world.chain.close();
    }
  }, 120_000);
});
