import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtherscanServer, type EtherscanServer, type Row } from '../support/etherscan-server.js';
import { layeredTokenRows } from '../support/etherscan-data.js';
import { cli } from '../support/cli.js';
import type { TraceReport } from '../../src/core/schema.js';

// Victim -> collector C -> 10 layers -> 6 wallets each: 71 addresses to expand, one request each.
const rows: Row[] = layeredTokenRows(10, 6, { seed: '1000000000000', layer: '100000000000', wallet: '16000000000' });

let server: EtherscanServer;
let killAfter = Number.POSITIVE_INFINITY;
let onKill: () => void = () => {};
beforeAll(async () => {
  server = await startEtherscanServer({
    data: { tokentx: rows, blocks: Array.from({ length: 200 }, (_, b) => ({ number: b, timestamp: 1_700_000_000 + b * 12 })) },
    apiKey: 'test-key',
  });
  // The kill switch rides on the server: after `killAfter` answered list requests the child is killed.
  const original = server.requests.push.bind(server.requests);
  server.requests.push = (...items) => {
    const r = original(...items);
    if (server.requests.length >= killAfter) onKill();
    return r;
  };
});
afterAll(async () => server.close());

function run(cache: string, out: string, killAt?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/resumable-child.ts', server.apiUrl, cache, out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  killAfter = killAt ?? Number.POSITIVE_INFINITY;
  onKill = () => child.kill('SIGKILL');
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      if (code && code !== 0) console.error(stderr);
      resolve({ code, signal });
    }),
  );
}

const urls = (from: number, to = server.requests.length) => server.requests.slice(from, to).map((r) => `${r.path}?${r.query}`);

describe('resumable traces and evidence', () => {
  it('a trace killed with SIGKILL completes on the next run with the same report, mostly from the cache, and verifies', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    const reference = await run('none', join(dir, 'reference.json'));
    expect(reference.code).toBe(0);

    const start = server.requests.length;
    const killed = await run(join(dir, 'cache.db'), join(dir, 'killed.json'), start + 40);
    expect(killed.signal).toBe('SIGKILL');
    const before = new Set(urls(start));
    expect(before.size).toBeGreaterThanOrEqual(30);

    const resumedFrom = server.requests.length;
    const resumed = await run(join(dir, 'cache.db'), join(dir, 'resumed.json'));
    expect(resumed.code).toBe(0);
    const again = urls(resumedFrom).filter((u) => before.has(u));
    // At most 5 % of what the killed run had already asked is asked again (the request in flight at the kill).
    expect(again.length / before.size).toBeLessThanOrEqual(0.05);
    expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(readFileSync(join(dir, 'reference.json'), 'utf8'));

    // A second investigator checks the report against the cache; a tampered hash is caught.
    const report = JSON.parse(readFileSync(join(dir, 'resumed.json'), 'utf8')) as TraceReport;
    expect(report.evidence.length).toBeGreaterThanOrEqual(71);
    const ok = await cli(['verify', join(dir, 'resumed.json'), '--cache', join(dir, 'cache.db')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${report.evidence.length} of ${report.evidence.length} answers verified`);
    report.evidence[3]!.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(report));
    const bad = await cli(['verify', join(dir, 'tampered.json'), '--cache', join(dir, 'cache.db')]);
    expect(bad.code).toBe(5);
    expect(bad.stdout).toMatch(/^mismatch /m);
  });
});
