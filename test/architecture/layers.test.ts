import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, reachable, readImportGraph, upwardImports } from '../support/imports.js';

// The layers of docs/architecture.md, lowest first: a file imports from its own rank or below, never above, never in
// a cycle. Model: zod's no-circular-imports test, which walks the package's imports and fails on any cycle.
const RANKS = [['core'], ['cache', 'labels', 'taint'], ['adapters', 'heuristics'], ['engine'], ['report'], ['trace'], ['cases'], ['cli']] as const;
/** The package's entries: they may import any rank but hold re-exports only. */
const ENTRIES = ['index.ts', 'bitcoin.ts', 'warehouse.ts', 'cases.ts', 'html.ts', 'cli.ts'];
/** What only the command loads; the library's root must reach none of it. */
const CLI_PACKAGES = ['commander', 'cli-progress'];

const graph = readImportGraph(fileURLToPath(new URL('../../src', import.meta.url)));

function violations(): string[] {
  const root = reachable(graph, 'index.ts');
  return [
    ...findCycles(graph).map((files) => `cycle: ${files.join(', ')}`),
    ...upwardImports(graph, RANKS, ENTRIES).map((u) => `upward: ${u.from} (${u.fromRank}) imports ${u.to} (${u.toRank})`),
    ...ENTRIES.flatMap((entry) => graph.get(entry)!.logic.map((line) => `entry ${entry} holds more than re-exports: ${line}`)),
    ...[...root.files].filter((f) => f.startsWith('cli/')).map((f) => `root index.ts reaches ${f}`),
    ...CLI_PACKAGES.filter((p) => root.packages.has(p)).map((p) => `root index.ts loads ${p}`),
  ];
}

describe('the layers of src/', () => {
  it('reads every source file and its imports (the guard is not vacuous)', () => {
    expect(graph.size).toBeGreaterThan(100);
    for (const entry of ENTRIES) expect(graph.get(entry)?.files.length).toBeGreaterThan(0);
    expect(graph.get('report/build.ts')?.files).toContain('engine/endpoints.ts');
  });

  it('has no import cycle, no import from a lower rank to a higher one, entries that only re-export, a root without the CLI', () => {
    expect(violations(), 'violations of the layers (docs/architecture.md)').toEqual([]);
  });
});
