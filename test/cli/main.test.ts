import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { parseSeedArg } from '../../src/cli/seed-arg.js';
import { cli } from '../support/cli.js';

const DEMO = JSON.parse(readFileSync('fixtures/demo/case.json', 'utf8')) as { seeds: { chain: string; tx: string }[] };

describe('chaintrail demo', () => {
  it('prints the summary with exchanges per jurisdiction, endpoints and a balanced conservation line', async () => {
    const { code, stdout } = await cli(['demo']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('case DEMO-2026-0417 (jurisdiction DE)');
    expect(stdout).toMatch(/Northwind Exchange\s+SC\s+yes/);
    expect(stdout).toMatch(/Rheinwerk Boerse\s+DE\s+no \(domestic\)/);
    expect(stdout).toMatch(/Harborline\s+unknown\s+unknown/);
    for (const kind of ['bridge', 'mixer', 'sanctioned', 'unspent', 'hop-limit', 'below-min-value', 'high-degree', 'exchange']) {
      expect(stdout).toMatch(new RegExp(`^${kind}\\s`, 'm'));
    }
    expect(stdout).toMatch(/^ok {2}USDT \(ethereum\): 111000 USDT tainted by the seeds; every unit accounted for/m);
    expect(stdout).toMatch(/^ok {2}USDT \(tron\): 58500 USDT tainted by the seeds/m);
    expect(stdout).not.toMatch(/^GAP/m);
  });

  it('writes the same JSON report twice, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    expect((await cli(['demo', '--format', 'json', '--out', join(dir, 'a.json')])).code).toBe(0);
    expect((await cli(['demo', '--format', 'json', '--out', join(dir, 'b.json')])).code).toBe(0);
    const a = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.json'), 'utf8'));
    const report = TraceReportSchema.parse(JSON.parse(a));
    expect(report.exchanges.map((x) => x.entity)).toEqual(['Harborline', 'Kestrel Markets', 'Northwind Exchange', 'Rheinwerk Boerse']);
  });
});

describe('chaintrail trace', () => {
  it('traces the fixture dataset from tx seeds on two chains and prints JSON', async () => {
    const eth = DEMO.seeds.filter((s) => s.chain === 'ethereum').map((s) => s.tx);
    const tron = DEMO.seeds.filter((s) => s.chain === 'tron').map((s) => `tron=${s.tx}`);
    const args = [
      'trace',
      '--chain',
      'ethereum',
      '--source',
      'fixture:fixtures/demo/dataset.json',
      '--labels',
      'fixtures/demo/labels.csv',
      '--case-jurisdiction',
      'DE',
      '--min-value',
      '1',
      '--max-degree',
      '50',
      '--format',
      'json',
      '--quiet',
    ];
    const { code, stdout } = await cli([...args, ...[...eth, ...tron].flatMap((s) => ['--seed', s])]);
    expect(code).toBe(0);
    const report = TraceReportSchema.parse(JSON.parse(stdout));
    expect(report.seeds).toHaveLength(12);
    expect(report.conservation.map((c) => c.balanced)).toEqual([true, true]);
    const demo = TraceReportSchema.parse(JSON.parse((await cli(['demo', '--format', 'json'])).stdout));
    expect(report.endpoints).toEqual(demo.endpoints);
  });

  it('reads no more of an address than --max-movements, naming the bound where it cut and in the settings', async () => {
    const tron = DEMO.seeds.filter((s) => s.chain === 'tron').map((s) => `tron=${s.tx}`);
    const base = [
      'trace',
      '--chain',
      'tron',
      '--source',
      'fixture:fixtures/demo/dataset.json',
      '--labels',
      'fixtures/demo/labels.csv',
      '--format',
      'json',
      '--quiet',
    ];
    const run = async (extra: string[]) => {
      const { code, stdout } = await cli([...base, ...extra, ...tron.flatMap((s) => ['--seed', s])]);
      expect(code).toBe(0);
      return TraceReportSchema.parse(JSON.parse(stdout));
    };
    // The demo's payment hub: 121 movements in the window, 60 merchants paid.
    const hub = (r: TraceReport) => r.endpoints.filter((e) => e.kind === 'high-degree').map((e) => e.reason);
    const cut = await run(['--max-degree', '60', '--max-movements', '100']);
    expect(cut.settings).toMatchObject({ maxDegree: 60, maxMovements: 100 });
    expect(hub(cut)).toEqual(['more than 100 movements in the window: not read whole, not expanded (maxMovements, --max-movements)']);
    // Cut or whole, a list that shows more than --max-degree merchants paid is a hub by what it paid.
    const fanOut = ['paid more than 50 different addresses in the window: a service-like hub, not expanded (maxDegree, --max-degree)'];
    expect(hub(await run(['--max-degree', '50', '--max-movements', '100']))).toEqual(fanOut);
    expect(hub(await run(['--max-degree', '50', '--max-movements', '200']))).toEqual(fanOut);
    // Above the 60 merchants it paid, the hub is followed: no high-degree stop is left.
    expect(hub(await run(['--max-degree', '60']))).toEqual([]);
  });

  it('exits 2 with a clear message for bad input', async () => {
    const bad = await cli(['trace', '--chain', 'ethereum', '--source', 'fixture:fixtures/demo/dataset.json', '--seed', '0x1234']);
    expect(bad.code).toBe(EXIT.invalidInput);
    expect(bad.stderr).toMatch(/"0x1234" has 4 hex digits: neither a transaction hash \(0x \+ 64 hex digits\) nor an address/);
    const unknownSource = await cli(['trace', '--chain', 'ethereum', '--source', 'ftp:x', '--seed', DEMO.seeds[0]!.tx]);
    expect(unknownSource).toMatchObject({ code: EXIT.invalidInput });
    expect(unknownSource.stderr).toMatch(/Unknown source kind "ftp"/);
    const hops = await cli(['trace', '--chain', 'ethereum', '--source', 'fixture:x.json', '--seed', DEMO.seeds[0]!.tx, '--hops', 'many']);
    expect(hops.code).toBe(EXIT.invalidInput);
    expect((await cli(['trace', '--chain', 'ethereum'])).code).toBe(EXIT.invalidInput);
    expect((await cli(['trace', '--chain', 'ethereum', '--source', 'fixture:fixtures/demo/dataset.json', '--seed', `0x${'ab'.repeat(32)}`])).code).toBe(
      EXIT.notFound,
    );
  });

  it('exits 2 naming the file and the definition for a bad --bridges file, before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridges-'));
    const base = ['trace', '--chain', 'ethereum', '--source', 'fixture:fixtures/demo/dataset.json', '--seed', DEMO.seeds[0]!.tx, '--quiet'];
    const write = (name: string, body: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
      return file;
    };
    const unknown = await cli([...base, '--bridges', write('a.json', [{ chain: 'ethereum', address: `0x${'aa'.repeat(20)}`, protocol: 'wormhole' }])]);
    expect(unknown.code).toBe(EXIT.invalidInput);
    expect(unknown.stderr).toMatch(/a\.json: bridge definition 0 \(wormhole at 0xaaaa.*\): unknown protocol "wormhole"/);
    const shape = await cli([...base, '--bridges', write('b.json', { bridges: [{ chain: 'ethereum', address: '0x12', protocol: 'across' }] })]);
    expect(shape.code).toBe(EXIT.invalidInput);
    expect(shape.stderr).toMatch(/b\.json: Invalid bridge definitions: 0\.address/);
    const notJson = await cli([...base, '--bridges', write('c.json', '{')]);
    expect(notJson.code).toBe(EXIT.invalidInput);
    expect(notJson.stderr).toMatch(/Cannot read bridge definitions .*c\.json/);
    expect((await cli([...base, '--bridges', write('d.json', { other: 1 })])).stderr).toMatch(/expected a JSON array of bridge definitions/);
    expect((await cli([...base, '--bridge-window', 'soon'])).stderr).toMatch(/--bridge-window must be a non-negative number/);
  });

  it('tells a seed tx hash from an address per chain', () => {
    expect(parseSeedArg(`0x${'a'.repeat(64)}`, 'ethereum')).toEqual({ chain: 'ethereum', tx: `0x${'a'.repeat(64)}` });
    expect(parseSeedArg(`tron=${'b'.repeat(64)}`, 'ethereum')).toEqual({ chain: 'tron', tx: 'b'.repeat(64) });
    expect(parseSeedArg('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'tron')).toEqual({ chain: 'tron', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' });
    expect(() => parseSeedArg('0xabc', undefined)).toThrow(/say which chain/);
  });

  it('prints help with examples and exits 0', async () => {
    const { code, stdout } = await cli(['trace', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('--case-jurisdiction');
  });
});

describe('the chaintrail binary', () => {
  it('runs as a real process with documented exit codes', { timeout: 60_000 }, async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'demo', '--quiet']);
    expect(stdout).toContain('Where the trace stopped');
    await expect(
      run(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'trace', '--chain', 'nowhere', '--source', 'fixture:x', '--seed', 'x']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown chain "nowhere"'),
    });
  });
});
