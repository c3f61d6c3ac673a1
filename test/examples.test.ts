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

  it('batch-of-cases-with-convergence traces three complaints and finds the wallets two victims paid into', { timeout: 90_000 }, async () => {
    const { stdout, stderr } = await run('examples/batch-of-cases-with-convergence.ts');
    expect(stdout.match(/^case DEMO-2026-0417-[ABC]: /gm)).toHaveLength(3);
    expect(stdout).toMatch(
      /^case DEMO-2026-0417-C: 4 payment\(s\), exchanges Kestrel Markets, Northwind Exchange; freeze candidates 500 USDT \(Tether Operations Limited\)/m,
    );
    expect(stdout).toMatch(/^Convergence: \d+ address\(es\) received funds from at least 2 of 3 victims$/m);
    // Victims A and B paid the same Ethereum collector: all 111000 USDT of their payments arrived there.
    expect(stdout).toMatch(/^\s+2 victims\s+ethereum\s+0xf7E1f48d5902aB1FaBfdA123411d13DbC99d96e8\s+\(unlabeled\)\s+111000 USDT/m);
    expect(stdout).toMatch(/^\s+2 victims\s+ethereum\s+\S+\s+Rheinwerk Boerse\s+[\d.]+ USDT\s+\[exchange\]$/m);
    expect(stdout).not.toMatch(/^\s+3 victims/m);
    expect(stderr).toContain('traced victim-C (3/3)');
  });
});
