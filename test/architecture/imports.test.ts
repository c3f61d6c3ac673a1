import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, packageName, parseImports, reachable, readImportGraph, upwardImports, type ImportGraph } from '../support/imports.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'chaintrail-imports-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const RANKS = [['core'], ['engine'], ['cli']];

// A tiny tree with one planted cycle (engine/a <-> engine/b through c), one planted upward import (core -> engine),
// an entry with logic, and a root that reaches the CLI through a dynamic import.
const planted = () =>
  tree({
    'core/base.ts': "// import { nothing } from '../cli/main.js' is only a comment\nexport const text = \"import('../cli/main.js')\";\n",
    'core/up.ts': "import type { A } from '../engine/a.js';\nexport type B = A;\n",
    'engine/a.ts': "import { c } from './c.js';\nimport { text } from '../core/base.js';\nexport type A = string;\nexport const a = c + text;\n",
    'engine/b.ts': "export { a } from './a.js';\nexport const b = 1;\n",
    'engine/c.ts': "import { b } from './b';\nexport const c = String(b);\n",
    'cli/main.ts': "import { Command } from 'commander';\nimport { a } from '../engine/index.js';\nexport const run = () => new Command(a);\n",
    'engine/index.ts': "export { a } from './a.js';\nexport const load = () => import('../cli/main.js');\n",
    'index.ts':
      "export { a } from './engine/a.js';\nexport type { B } from './core/up.js';\nexport const version = 1;\nexport { load } from './engine/index.js';\n",
  });

describe('the import walker (test/support/imports.ts)', () => {
  it('reads static, re-export, dynamic and type-level imports, resolves .js and folders to .ts, ignores comments and strings', () => {
    const graph = readImportGraph(planted());
    expect(graph.get('core/base.ts')!.files).toEqual([]);
    expect(graph.get('core/up.ts')!.files).toEqual(['engine/a.ts']);
    expect(graph.get('engine/c.ts')!.files).toEqual(['engine/b.ts']);
    expect(graph.get('engine/index.ts')!.files).toEqual(['engine/a.ts', 'cli/main.ts']);
    expect(graph.get('cli/main.ts')).toEqual({
      files: ['engine/index.ts'],
      packages: ['commander'],
      logic: [expect.stringMatching(/^line 1: import/), expect.stringMatching(/^line 2: import/), expect.stringMatching(/^line 3: export const run/)],
    });
    expect(parseImports('t.ts', "type L = typeof import('./lazy.js');\nconst x = require('y');").specifiers).toEqual(['./lazy.js']);
    expect([packageName('ethers/abi'), packageName('@duckdb/node-api'), packageName('node:fs')]).toEqual(['ethers', '@duckdb/node-api', 'node:fs']);
  });

  it('finds the planted cycles, the planted upward import, the entry with logic and the root that reaches the CLI', () => {
    const graph = readImportGraph(planted());
    expect(findCycles(graph)).toEqual([
      ['cli/main.ts', 'engine/index.ts'],
      ['engine/a.ts', 'engine/b.ts', 'engine/c.ts'],
    ]);
    expect(upwardImports(graph, RANKS, ['index.ts'])).toEqual([
      { from: 'core/up.ts', to: 'engine/a.ts', fromRank: 'core', toRank: 'engine' },
      { from: 'engine/index.ts', to: 'cli/main.ts', fromRank: 'engine', toRank: 'cli' },
    ]);
    expect(graph.get('index.ts')!.logic).toEqual(['line 3: export const version = 1;']);
    const root = reachable(graph, 'index.ts');
    expect(root.files.has('cli/main.ts')).toBe(true);
    expect(root.packages.has('commander')).toBe(true);
  });

  it('gives an entry the highest rank it imports, so a lower file may not import it', () => {
    const root = tree({
      'core/x.ts': "export { a } from '../lib.js';\n",
      'engine/a.ts': 'export const a = 1;\n',
      'lib.ts': "export { a } from './engine/a.js';\n",
    });
    expect(upwardImports(readImportGraph(root), RANKS, ['lib.ts'])).toEqual([
      { from: 'core/x.ts', to: 'lib.ts', fromRank: 'core', toRank: 'entry lib.ts (as engine)' },
    ]);
  });

  it('fails loudly on an import it cannot resolve, a computed import() and a folder without a rank', () => {
    expect(() => readImportGraph(tree({ 'core/a.ts': "import { b } from './missing.js';\n" }))).toThrow(
      /core\/a\.ts: import '\.\/missing\.js' resolves to no \.ts file/,
    );
    expect(() => readImportGraph(tree({ 'core/a.ts': 'export const f = (m: string) => import(m);\n' }))).toThrow(/computed specifier/);
    const graph = readImportGraph(tree({ 'core/a.ts': "import { b } from '../misc/b.js';\n", 'misc/b.ts': 'export const b = 1;\n' }));
    expect(() => upwardImports(graph, RANKS, [])).toThrow(/misc\/b\.ts is in no layer/);
  });

  it('reports as cycles exactly the groups of files that reach each other (generated graphs)', () => {
    const graphs = fc
      .integer({ min: 1, max: 12 })
      .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 })));
    fc.assert(
      fc.property(graphs, ([n, edges]) => {
        const names = Array.from({ length: n }, (_, i) => `core/f${String(i).padStart(2, '0')}.ts`);
        const graph: ImportGraph = new Map(
          names.map((f, i) => [f, { files: [...new Set(edges.filter(([s]) => s === i).map(([, t]) => names[t]!))], packages: [], logic: [] }]),
        );
        // By definition: a reaches b through one import or more.
        const reaches = (a: string, b: string) => [...graph.get(a)!.files].some((f) => reachable(graph, f).files.has(b));
        const expected = new Map<string, string[]>();
        for (const a of names) {
          if (!reaches(a, a)) continue;
          const group = names.filter((b) => reaches(a, b) && reaches(b, a));
          expected.set(group[0]!, group);
        }
        expect(findCycles(graph)).toEqual([...expected.values()]);
      }),
      { numRuns: 300 },
    );
  });
});
