import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'chaintrail-jitless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The demo case (`chaintrail demo`, the README's quick start), its report's JSON written to `out`. */
const demo = (out: string) => ['demo', '--format', 'json', '--out', out, '--quiet'];

describe('chaintrail where WebAssembly is off (node --jitless)', () => {
  it('checksums addresses and grows columns without it: the same report, byte for byte', async () => {
    const here = await cli(demo(join(dir, 'here.json')));
    expect(here.code).toBe(0);
    const jitless = [process.execPath, '--jitless', '--no-warnings', '--import', 'tsx'];
    // Columns of a page or more would live in memories of their own: grown past that, they are ordinary buffers.
    const grown = await run(jitless[0]!, [
      ...jitless.slice(1),
      '-e',
      "import('./src/core/typed-arrays.ts').then(({ grow }) => { let a = new Int32Array(0); for (let n = 1; n <= 2e6; n += 99_991) { a = grow(a, n, (k) => new Int32Array(k)); a[n - 1] = n; } let s = 0; for (const x of a) s += x; console.log(typeof WebAssembly, a.length >= 1_999_821, s); })",
    ]);
    let sum = 0;
    for (let n = 1; n <= 2e6; n += 99_991) sum += n;
    expect(grown.stdout.trim()).toBe(`undefined true ${sum}`);
    await run(jitless[0]!, [...jitless.slice(1), 'src/cli/bin.ts', ...demo(join(dir, 'jitless.json'))]);
    const report = readFileSync(join(dir, 'jitless.json'), 'utf8');
    expect(report).toMatch(/"address": "0x[0-9a-f]*[A-F][0-9a-fA-F]*"/); // checksummed addresses
    expect(report).toBe(readFileSync(join(dir, 'here.json'), 'utf8'));
  }, 120_000);
});
