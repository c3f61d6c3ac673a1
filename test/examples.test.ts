import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = (file: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', file]);

describe('examples run against the bundled case', () => {
  it('trace-victim-payments prints the summary and one request line per exchange', { timeout: 60_000 }, async () => {
    const { stdout } = await run('examples/trace-victim-payments.ts');
    expect(stdout).toContain('Where the trace stopped');
    expect(stdout).toMatch(/request to Northwind Exchange \(abroad\): 2 deposit address\(es\)/);
    expect(stdout).toMatch(/request to Rheinwerk Boerse \(domestic\)/);
  });

  it('embed-in-service emits progress on stderr and JSON on stdout', { timeout: 60_000 }, async () => {
    const { stdout, stderr } = await run('examples/embed-in-service.ts');
    const out = JSON.parse(stdout) as { ok: boolean; endpoints: number; exchanges: unknown[] };
    expect(out.ok).toBe(true);
    expect(out.exchanges).toHaveLength(4);
    expect(stderr).toMatch(/expand round=1/);
  });
});
