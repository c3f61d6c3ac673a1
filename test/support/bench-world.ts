import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import type { World } from '../bench/engine.js';

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
