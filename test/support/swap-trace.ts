/**
 * Tracing a swap world (test/support/swap-world.ts) through chaintrail: the trace options every swap-world benchmark
 * and fault test uses, a source with transaction-level flow turned off, and which clean addresses the taint reached.
 *   const options = swapTraceOptions(world);                       // the victims' payments, the exchange label
 *   await trace({ ...options, adapters: [adapter] });              // conversions followed (the source reads them)
 *   await trace({ ...options, adapters: [withoutConversions(adapter)] });   // contracts are accounts, as before #20
 */
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import type { TraceOptions, TraceResult } from '../../src/trace/trace.js';
import { CHAIN } from './ganache.js';
import type { SwapWorld } from './swap-world.js';

/** The same source without getTransactionMovements/getContracts: the engine then treats every contract as an account. */
export function withoutConversions<A extends ChainAdapter>(adapter: A): Omit<A, 'getTransactionMovements' | 'getContracts'> {
  const { getTransactionMovements: _movements, getContracts: _contracts, ...rest } = adapter;
  return rest;
}

/**
 * A trace of the world's victims' payments with the exchange's hot wallet labeled, built-in labels off, every unit
 * followed. `on` names the world on another chain (TRON: its txids and addresses, test/support/tron-swap.ts).
 */
export function swapTraceOptions(
  world: SwapWorld,
  on: { chain: string; tx: (hash: string) => string; address: (evm: string) => string } = { chain: CHAIN, tx: (h) => h, address: (a) => a },
): Omit<TraceOptions, 'adapters'> {
  return {
    seeds: world.seeds.map((tx) => ({ chain: on.chain, tx: on.tx(tx) })),
    labels: createLabelStore(
      world.labels.map((l) => ({ ...l, chain: on.chain, address: on.address(l.address), jurisdictions: [], confidence: 1, source: 'swap world' })),
    ),
    builtinLabels: false,
    minValue: '0',
  };
}

/** Clean addresses (clean users, the liquidity provider) that received taint in the trace. */
export function cleanTainted(world: SwapWorld, result: TraceResult): string[] {
  const graph = result.graph;
  return world.clean.filter((address) => {
    const node = `${CHAIN}|${address}`;
    return graph.hasNode(node) && graph.inEdges(node).some((e) => BigInt(graph.getEdgeAttribute(e, 'taint') as string) > 0n);
  });
}
