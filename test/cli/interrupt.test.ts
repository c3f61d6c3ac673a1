import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtherscanServer, type EtherscanServer, type Row } from '../support/etherscan-server.js';
import { evmAddress, layeredTokenRows, timeOf } from '../support/etherscan-data.js';
import { TraceReportSchema } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { cli } from '../support/cli.js';

// Victim -> collector -> 3 layers -> 3 wallets each: 13 addresses to expand over a Blockscout-style API.
const rows: Row[] = layeredTokenRows(3, 3, { seed: '900000000000', layer: '300000000000', wallet: '100000000000' });

let server: EtherscanServer;
/** After this many account requests, answers are held (never sent) and `onHeld` fires once. */
let holdAfter = Number.POSITIVE_INFINITY;
let onHeld: () => void = () => {};
let accountRequests = 0;

beforeAll(async () => {
  server = await startEtherscanServer({
    flavor: 'blockscout',
    data: { tokentx: rows, blocks: Array.from({ length: 100 }, (_, b) => ({ number: b, timestamp: timeOf(b) })) },
    override: (req) => {
      if (req.query.get('module') !== 'account') return undefined;
      if (++accountRequests <= holdAfter) return undefined;
      onHeld();
      onHeld = () => {};
      return new Promise(() => {});
    },
  });
});
afterAll(async () => server?.close());

const args = (cache: string[], out: string) => [
  'trace',
  '--chain',
  'ethereum',
  '--source',
  `etherscan:${server.apiUrl}`,
  '--seed',
  evmAddress(2),
  '--from',
  String(timeOf(0)),
  '--to',
  String(timeOf(99)),
  ...cache,
  '--format',
  'json',
  '--out',
  out,
  '--quiet',
];

const urls = (from: number) =>
  server.requests
    .slice(from)
    .filter((r) => r.query.get('module') === 'account')
    .map((r) => `${r.path}?${r.query}`);

function spawnCli(argv: string[], interruptAfter?: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, BLOCKSCOUT_API_KEY: '' },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  accountRequests = 0;
  holdAfter = interruptAfter ?? Number.POSITIVE_INFINITY;
  // Ctrl-C arrives while a request is in flight (its answer held back).
  onHeld = () => child.kill('SIGINT');
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('Ctrl-C during a trace', () => {
  it('writes the partial report, says re-running with the same cache resumes, exits 130, and the re-run completes it', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const reference = await cli(args(['--no-cache'], join(dir, 'reference.json')));
    expect(reference.code).toBe(0);

    const cache = join(dir, 'cache.db');
    const start = server.requests.length;
    const interrupted = await spawnCli(args(['--cache', cache], join(dir, 'partial.json')), 6);
    expect(interrupted.code).toBe(EXIT.aborted);
    expect(interrupted.stderr.trim().split('\n')).toEqual([
      `chaintrail: Trace interrupted: the partial report (complete: false) was written; re-running the same command with the same cache (${cache}) resumes: answers already fetched are not asked again [TRACE_ABORTED]`,
    ]);
    const partial = TraceReportSchema.parse(JSON.parse(readFileSync(join(dir, 'partial.json'), 'utf8')));
    expect(partial.complete).toBe(false);
    expect(partial.notes).toContain('INCOMPLETE: the trace was interrupted before every branch was followed; addresses marked incomplete were not expanded');
    const cut = partial.endpoints.filter((e) => e.kind === 'incomplete');
    expect(cut.length).toBeGreaterThan(0);
    for (const e of cut) expect(e.reason).toBe('not expanded: the trace was interrupted');
    // Nothing is lost: what was seeded is held by the endpoints, the unexpanded ones included.
    expect(partial.conservation.every((c) => c.balanced)).toBe(true);
    const asked = urls(start);
    // Six answered; the seventh (and any sent before the signal landed) held back.
    expect(asked.length).toBeGreaterThanOrEqual(7);

    const resumedFrom = server.requests.length;
    const resumed = await spawnCli(args(['--cache', cache], join(dir, 'resumed.json')));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(readFileSync(join(dir, 'reference.json'), 'utf8'));
    // The re-run asks again only what was never answered; the six answered come from the cache.
    const again = urls(resumedFrom).filter((u) => asked.includes(u));
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((u) => asked.slice(0, 6).includes(u))).toEqual([]);
  });

  it('before anything was traced, says so and writes nothing', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const early = await spawnCli(args(['--no-cache'], join(dir, 'none.json')), 0);
    expect(early.code).toBe(EXIT.aborted);
    expect(early.stderr).toMatch(
      /^chaintrail: Trace interrupted: nothing was traced yet; re-run the same command to trace again \(no answer cache was used\) \[TRACE_ABORTED\]\n$/,
    );
    expect(() => readFileSync(join(dir, 'none.json'))).toThrow();
  });
});
