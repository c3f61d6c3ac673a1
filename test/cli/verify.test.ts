import { constants } from 'node:buffer';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { verifyEvidence } from '../../src/report/verify.js';
import { EXIT_VERIFY_FAILED } from '../../src/cli/commands/verify.js';
import { cli } from '../support/cli.js';

const DEMO = JSON.parse(readFileSync('fixtures/demo/case.json', 'utf8')) as { seeds: { chain: string; tx: string }[] };
let dir: string;
let report: TraceReport;

/** `chaintrail trace` of the demo's seeds over a fixture dataset, its JSON report to `out`. */
function traceDemo(dataset: string, out: string, extra: string[] = []) {
  const seeds = DEMO.seeds.flatMap((s) => ['--seed', s.chain === 'ethereum' ? s.tx : `${s.chain}=${s.tx}`]);
  return cli(['trace', '--chain', 'ethereum', '--source', `fixture:${dataset}`, ...extra, ...seeds, '--format', 'json', '--out', out, '--quiet']);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaintrail-verify-'));
  copyFileSync('fixtures/demo/dataset.json', join(dir, 'dataset.json'));
  const traced = await traceDemo(join(dir, 'dataset.json'), join(dir, 'report.json'), ['--labels', 'fixtures/demo/labels.csv']);
  expect(traced.code).toBe(0);
  report = TraceReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chaintrail verify on a fixture trace', () => {
  it('checks the SHA-256 of the dataset the report relied on (found next to the report) and exits 0', async () => {
    expect(report.evidence).toEqual([{ source: 'fixture', request: 'dataset dataset.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const ok = await cli(['verify', join(dir, 'report.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`match    fixture: dataset dataset.json (${join(dir, 'dataset.json')})`);
    expect(ok.stdout).toContain('1 of 1 answers verified');
  });

  it('fails (exit 5) when the dataset changed, naming the file', async () => {
    const data = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    data.transfers[0].amount = String(BigInt(data.transfers[0].amount) + 1n);
    mkdirSync(join(dir, 'tampered'));
    writeFileSync(join(dir, 'tampered', 'dataset.json'), JSON.stringify(data, null, 2));
    const bad = await cli(['verify', join(dir, 'report.json'), '--dataset', join(dir, 'tampered', 'dataset.json')]);
    expect(bad.code).toBe(EXIT_VERIFY_FAILED);
    expect(bad.stdout).toContain(`mismatch fixture: dataset dataset.json (${join(dir, 'tampered', 'dataset.json')})`);
    expect(bad.stdout).toContain('0 of 1 answers verified, 1 missing or different');
  });

  it('reports a dataset it cannot find as missing with what to do (exit 5), and takes a renamed copy given with --dataset', async () => {
    mkdirSync(join(dir, 'elsewhere'));
    copyFileSync(join(dir, 'report.json'), join(dir, 'elsewhere', 'report.json'));
    const missing = await cli(['verify', join(dir, 'elsewhere', 'report.json')]);
    expect(missing.code).toBe(EXIT_VERIFY_FAILED);
    expect(missing.stdout).toContain('missing  fixture: dataset dataset.json: dataset dataset.json not found: pass it with --dataset FILE');
    copyFileSync(join(dir, 'dataset.json'), join(dir, 'elsewhere', 'copy-of-data.json'));
    const renamed = await cli(['verify', join(dir, 'elsewhere', 'report.json'), '--dataset', join(dir, 'elsewhere', 'copy-of-data.json')]);
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain('1 of 1 answers verified');
  });

  it('reads a report file longer than one string can be: verify, report packets and report convert as from the same report', { timeout: 120_000 }, async () => {
    // The same report with whitespace between its endpoint records, past V8's string limit (about 512 MB).
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    const at = text.indexOf('"endpoints": [') + '"endpoints": ['.length;
    const big = join(dir, 'big.json');
    const fd = openSync(big, 'w');
    writeSync(fd, text.slice(0, at));
    const spaces = Buffer.alloc(2 ** 24, ' ');
    for (let n = 0; n <= constants.MAX_STRING_LENGTH; n += spaces.length) writeSync(fd, spaces);
    writeSync(fd, text.slice(at));
    closeSync(fd);
    expect(statSync(big).size).toBeGreaterThan(constants.MAX_STRING_LENGTH);
    try {
      const verified = await cli(['verify', big]);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('1 of 1 answers verified');
      for (const [name, file] of [
        ['small', join(dir, 'report.json')],
        ['big', big],
      ] as const) {
        expect((await cli(['report', 'packets', '--in', file, '--out', join(dir, `packets-${name}`), '--quiet'])).code).toBe(0);
        expect((await cli(['report', 'convert', '--in', file, '--format', 'csv', '--out', join(dir, `csv-${name}`), '--quiet'])).code).toBe(0);
      }
      const files = (d: string) => Object.fromEntries(readdirSync(join(dir, d)).map((f) => [f, readFileSync(join(dir, d, f), 'utf8')]));
      expect(Object.keys(files('packets-big')).length).toBeGreaterThan(0);
      expect(files('packets-big')).toEqual(files('packets-small'));
      expect(Object.keys(files('csv-big'))).toEqual(['endpoints.csv']);
      expect(files('csv-big')).toEqual(files('csv-small'));
    } finally {
      rmSync(big);
    }
  });

  it('reads only the format, version and evidence of the report: the rest is stepped over, what it checks is validated', async () => {
    writeFileSync(join(dir, 'other-endpoints.json'), JSON.stringify({ ...report, endpoints: 'not read by verify' }));
    const ok = await cli(['verify', join(dir, 'other-endpoints.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 of 1 answers verified');
    writeFileSync(
      join(dir, 'bad-evidence.json'),
      JSON.stringify({ ...report, evidence: [{ source: 'fixture', request: 'dataset dataset.json', sha256: 'x' }] }),
    );
    const bad = await cli(['verify', join(dir, 'bad-evidence.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid report .*bad-evidence\.json: evidence\.0\.sha256/);
    writeFileSync(join(dir, 'no-format.json'), JSON.stringify({ ...report, format: 'something else' }));
    expect((await cli(['verify', join(dir, 'no-format.json')])).code).toBe(2);
  });

  it("checks a dataset by its file's bytes, as the fixture source hashed them: an NDJSON line that is not valid UTF-8 matches too", async () => {
    // The demo dataset as NDJSON, an asset's symbol holding a byte no UTF-8 text has (0xFF): decoded, it is U+FFFD.
    const dataset = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    const { transfers, ...head } = dataset;
    head.assets[0].symbol = 'USDT@';
    const [before, after] = JSON.stringify(head).split('@') as [string, string];
    const lines = [
      Buffer.from(before),
      Buffer.from([0xff]),
      Buffer.from(`${after}\n`),
      ...transfers.map((t: unknown) => Buffer.from(`${JSON.stringify(t)}\n`)),
    ];
    mkdirSync(join(dir, 'bytes'));
    writeFileSync(join(dir, 'bytes', 'dataset.ndjson'), Buffer.concat(lines));
    const traced = await traceDemo(join(dir, 'bytes', 'dataset.ndjson'), join(dir, 'bytes', 'report.json'));
    expect(traced.code).toBe(0);
    const verified = await cli(['verify', join(dir, 'bytes', 'report.json')]);
    expect(verified.stdout).toContain('match    fixture: dataset dataset.ndjson');
    expect(verified.code).toBe(0);
  });

  it('exits 5 with a clear message when the report lists nothing that could be checked', async () => {
    writeFileSync(join(dir, 'no-evidence.json'), JSON.stringify({ ...report, evidence: [] }));
    const none = await cli(['verify', join(dir, 'no-evidence.json')]);
    expect(none.code).toBe(EXIT_VERIFY_FAILED);
    expect(none.stdout).toMatch(/^nothing verified: .*no-evidence\.json lists no evidence/m);
    expect(none.stdout).not.toContain('0 of 0');
  });

  it('finds any change to the dataset file, wherever it is', () => {
    const original = readFileSync(join(dir, 'dataset.json'), 'utf8');
    const file = join(dir, 'edited.json');
    fc.assert(
      fc.property(fc.nat({ max: original.length - 1 }), fc.constantFrom('0', '1', '7', 'a', ' ', '"'), (at, ch) => {
        fc.pre(original[at] !== ch);
        writeFileSync(file, original.slice(0, at) + ch + original.slice(at + 1));
        expect(verifyEvidence(report, undefined, { datasets: [file] })).toMatchObject([{ status: 'mismatch', file }]);
      }),
      { numRuns: 50 },
    );
    writeFileSync(file, original);
    expect(verifyEvidence(report, undefined, { datasets: [file] })).toMatchObject([{ status: 'match', file }]);
  });
});
