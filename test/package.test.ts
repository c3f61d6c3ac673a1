import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the published package', () => {
  it('builds ESM, CommonJS, types and the CLI, and both module systems load the public API', { timeout: 120_000 }, async () => {
    await run(process.execPath, ['node_modules/tsup/dist/cli-default.js'], { env: { ...process.env, CI: 'true' } });
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const file of [pkg.exports['.'].import.default, pkg.exports['.'].require.default, pkg.exports['.'].import.types, pkg.exports['.'].require.types, pkg.bin.chaintrail]) {
      expect(existsSync(file), file).toBe(true);
    }
    const cjs = createRequire(import.meta.url)('../dist/index.cjs');
    // Built at test time: import by URL so the typecheck does not need dist/.
    const esm = await import(pathToFileURL('dist/index.js').href);
    for (const api of [cjs, esm]) {
      expect(typeof api.trace).toBe('function');
      expect(api.normalizeAddress('tron', '41a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toBe('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t');
    }
    const { stdout } = await run(process.execPath, ['dist/cli.js', 'demo', '--quiet']);
    expect(stdout).toContain('Conservation');
  });
});
