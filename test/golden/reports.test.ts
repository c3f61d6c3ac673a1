import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goldenOutputs, sha256 } from './worlds.js';

// Written by test/golden/write.ts before a refactoring; the refactoring must leave every byte as it was.
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('./manifest.json', import.meta.url)), 'utf8')) as Record<
  string,
  { sha256: string; bytes: number }
>;

describe('reports stay byte-identical to those pinned before the change', () => {
  it('demo, layering, convergence and UTXO worlds under every taint model, with and without cuts, in every format', async () => {
    const outputs = await goldenOutputs();
    expect(outputs.map((o) => o.name).sort()).toEqual(Object.keys(manifest).sort());
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-golden-'));
    const changed: string[] = [];
    for (const o of outputs) {
      if (sha256(o.text) === manifest[o.name]!.sha256) continue;
      writeFileSync(join(dir, o.name), o.text);
      changed.push(`${o.name} (${manifest[o.name]!.bytes} -> ${Buffer.byteLength(o.text)} bytes; now in ${dir})`);
    }
    expect(changed).toEqual([]);
    // The worlds are not trivial: every cut kind, every taint model and the UTXO engine produced endpoints.
    const kinds = new Set(
      outputs
        .filter((o) => o.name.endsWith('.json') && !o.name.includes('convergence') && !o.name.includes('freeze') && !o.name.startsWith('cases.'))
        .flatMap((o) => (JSON.parse(o.text) as { endpoints: { kind: string }[] }).endpoints.map((e) => e.kind)),
    );
    for (const kind of ['exchange', 'unspent', 'hop-limit', 'budget', 'high-degree', 'below-min-value']) expect(kinds).toContain(kind);
  }, 300_000);
});
