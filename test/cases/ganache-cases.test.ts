import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { registerStablecoin } from '../../src/core/stablecoins.js';
import { openCaseStore, type CaseStore } from '../../src/cases/store.js';
import { traceCase } from '../../src/cases/trace.js';
import { createLabelStore } from '../../src/labels/store.js';
import type { TraceGraph } from '../../src/engine/graph.js';
import { CHAIN } from '../support/ganache.js';
import { buildScamCase, type ScamCase } from '../support/ganache-scam.js';

/**
 * Cases built on the ganache scam world (real signed transactions, a real ERC-20): two victims' cases traced through
 * the JSON-RPC adapter into the case store; convergence must name exactly the addresses both traces reached.
 */
let s: ScamCase;
let store: CaseStore;
const dir = mkdtempSync(join(tmpdir(), 'ganache-cases-'));

beforeAll(async () => {
  s = await buildScamCase();
  // A later second payment of victim 1 to the other collector: the two cases now share that wallet and beyond.
  s.tx.extra1 = await s.chain.invoke('victim1', s.usdt, 'transfer', [s.a.collectorB, 1_000_000_000n]);
  registerStablecoin({ chain: CHAIN, contract: s.usdt.address, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });
  store = await openCaseStore(`sqlite:${join(dir, 'cases.db')}`);
}, 150_000);
afterAll(async () => {
  await store?.close();
  await s?.chain.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Addresses a trace's tainted movements reached (lower-case). */
const reached = (graph: TraceGraph) => {
  const out = new Set<string>();
  graph.forEachEdge((_e, attrs, _source, target) => {
    if (BigInt((attrs as { taint: string }).taint) > 0n) out.add(target.split('|')[1]!.toLowerCase());
  });
  return out;
};

describe('cases over the ganache world', () => {
  it('traces each case through the RPC adapter and finds exactly the addresses both reached', { timeout: 120_000 }, async () => {
    const adapter = createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN });
    const labels = createLabelStore([
      { chain: CHAIN, address: s.a.exAHot, entity: 'Exchange A', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
    ]);
    const graphs: TraceGraph[] = [];
    for (const [reference, victim, seeds] of [
      ['G-1', 'v1', ['seed1', 'extra1']],
      ['G-2', 'v2', ['seed2']],
    ] as const) {
      await store.addCase({ reference, jurisdiction: 'DE' });
      for (const seed of seeds) {
        const hash = s.tx[seed]!.transactionHash;
        const { transfers } = await adapter.getTransaction(CHAIN, hash);
        const paid = transfers.find((t) => t.type === 'token')!;
        await store.insertPayments([
          { caseReference: reference, victim, chain: CHAIN, key: `tx:${hash}:*`, tx: hash, asset: paid.asset, amount: paid.amount.toString(), time: paid.time },
        ]);
      }
      graphs.push((await traceCase(store, reference, { adapters: [adapter], labels, maxHops: 4 })).graph);
    }
    const [a, b] = graphs.map(reached) as [Set<string>, Set<string>];
    const shared = [...a].filter((x) => b.has(x)).sort();
    expect(shared.length).toBeGreaterThan(0);
    const found = await store.convergence({});
    expect(found.map((e) => e.address.toLowerCase()).sort()).toEqual(shared);
    for (const entry of found) expect(entry.cases.map((c) => c.reference).sort()).toEqual(['G-1', 'G-2']);
  });
});
