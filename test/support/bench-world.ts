import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { generateWorld, type World } from '../bench/engine.js';
import { traceDemo } from './demo-trace.js';
import { swapDataset, traceSwapWorld } from './swap-dataset.js';

/** How a test cuts the benchmark world's trace: not at all, by hubs (hop limit 4, degree 6), or by a node budget. */
export type WorldCut = 'full' | 'hub' | 'budget';

/** Traces the engine benchmark's layering world (test/bench/engine.ts) under a taint model, cut as asked. */
export function traceBenchWorld(w: World, taint: 'fifo' | 'haircut' | 'poison' | 'tiho', cut: WorldCut, budget: number): Promise<TraceResult> {
  return trace({
    seeds: w.seeds,
    adapters: [createFixtureAdapter({ dataset: w.dataset })],
    labels: createLabelStore(w.labels),
    taint,
    maxHops: cut === 'hub' ? 4 : w.levels.length + 2,
    maxNodes: cut === 'budget' ? budget : 1_000_000,
    maxDegree: cut === 'hub' ? 6 : 1_000,
  });
}

/** Every taint model once, with and without cuts. */
export const MODELS_AND_CUTS = [
  ['fifo', 'full'],
  ['haircut', 'hub'],
  ['poison', 'budget'],
  ['tiho', 'full'],
] as const;

/**
 * Fresh results (nothing read yet) of the worlds a report writer is checked on: the demo, a benchmark world per taint
 * model and cut (the i-th of `size + i * step` transfers, PRNG seed `seed + i`), and the world of swaps.
 */
export async function writerWorlds(size: number, step: number, seed: number): Promise<TraceResult[]> {
  const results: TraceResult[] = [await traceDemo()];
  for (const [taint, cut] of MODELS_AND_CUTS) {
    const i = results.length;
    results.push(await traceBenchWorld(generateWorld(size + i * step, seed + i), taint, cut, 80));
  }
  results.push(await traceSwapWorld(swapDataset(17), 'fifo'));
  return results;
}
