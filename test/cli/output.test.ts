import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { madeWhole, parseExplorerArgs, writeOutput } from '../../src/cli/output.js';
import { ReportWriteError } from '../../src/report/json-stream.js';
import { isChaintrailError, ReportTooLargeError } from '../../src/core/errors.js';
import { TraceReportSchema } from '../../src/core/schema.js';
import { packetFiles, RequestPacketSchema } from '../../src/report/packets.js';
import { CONVERSIONS_CSV_HEADER, TRANSFERS_CSV_HEADER } from '../../src/report/csv.js';
import { cli } from '../support/cli.js';
import { graphToGexf } from '../../src/report/gexf.js';
import { graphToGraphml } from '../../src/report/graphml.js';
import { swapDataset } from '../support/swap-dataset.js';
import { traceDemo } from '../support/demo-trace.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chaintrail-cli-'));

describe('--format on demo and trace', () => {
  it('writes the HTML report with custom explorer links', { timeout: 60_000 }, async () => {
    const dir = tmp();
    const file = join(dir, 'report.html');
    const { code } = await cli(['demo', '--format', 'html', '--out', file, '--explorer', 'ethereum=http://127.0.0.1:9/tx/{tx}', '--quiet']);
    expect(code).toBe(EXIT.ok);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('href="http://127.0.0.1:9/tx/0x');
    expect(html).toContain('href="https://tronscan.org/#/transaction/');
  });

  it('writes GEXF and GraphML in pieces with a bar on a terminal, and says how many nodes and edges went in', async () => {
    const result = await traceDemo();
    const dir = tmp();
    for (const [format, whole] of [
      ['gexf', graphToGexf(result.graph, result.report)],
      ['graphml', graphToGraphml(result.graph, result.report)],
    ] as const) {
      const out = join(dir, `graph.${format}`);
      const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
      let said = '';
      stderr.on('data', (c: Buffer) => (said += c.toString()));
      writeOutput(result, { format, out }, { stdout: new PassThrough(), stderr });
      expect(readFileSync(out, 'utf8')).toBe(whole);
      const elements = result.graph.order + result.graph.size;
      expect(said).toContain(`wrote ${out}: ${elements} nodes and edges, ${(Buffer.byteLength(whole) / 1e6).toFixed(1)} MB`);
    }
  });

  it('writes endpoints.csv and transfers.csv into --out DIR, and refuses csv without a directory', { timeout: 60_000 }, async () => {
    const dir = join(tmp(), 'csv');
    const { code, stderr } = await cli(['demo', '--format', 'csv', '--out', dir]);
    expect(code).toBe(EXIT.ok);
    expect(readdirSync(dir).sort()).toEqual(['endpoints.csv', 'transfers.csv']);
    expect(stderr).toContain(join(dir, 'endpoints.csv'));
    const report = TraceReportSchema.parse(JSON.parse((await cli(['demo', '--format', 'json'])).stdout));
    expect(readFileSync(join(dir, 'endpoints.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(report.endpoints.length + 1);
    const bad = await cli(['demo', '--format', 'csv']);
    expect(bad.code).toBe(EXIT.invalidInput);
    expect(bad.stderr).toMatch(/--out DIR/);
  });

  it('writes conversions.csv and a kind column after a trace through swaps; report convert writes it from the JSON', { timeout: 60_000 }, async () => {
    const world = swapDataset(11);
    const dir = tmp();
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify(world.dataset));
    const labels = world.labels.map((l) => [l.chain, l.address, l.entity, l.category, l.jurisdictions.join(';'), l.confidence, l.source].join(','));
    writeFileSync(join(dir, 'labels.csv'), ['chain,address,entity,category,jurisdiction,confidence,source', ...labels].join('\n'));
    const base = [
      'trace',
      '--chain',
      'ethereum',
      '--source',
      `fixture:${join(dir, 'dataset.json')}`,
      '--labels',
      join(dir, 'labels.csv'),
      '--no-builtin-labels',
    ];
    const args = [...base, '--seed', world.seedTx, '--quiet'];
    const { code } = await cli([...args, '--format', 'csv', '--out', join(dir, 'csv')]);
    expect(code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['conversions.csv', 'endpoints.csv', 'transfers.csv']);
    const report = TraceReportSchema.parse(JSON.parse((await cli([...args, '--format', 'json'])).stdout));
    const conversions = readFileSync(join(dir, 'csv', 'conversions.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(conversions[0]).toBe(CONVERSIONS_CSV_HEADER.join(','));
    expect(conversions.slice(1).map((l) => l.split(',')[1])).toEqual(report.conversions!.map((c) => c.tx));
    const transfers = readFileSync(join(dir, 'csv', 'transfers.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(transfers[0]).toBe([...TRANSFERS_CSV_HEADER, 'kind'].join(','));
    const recipients = report.conversions!.reduce((s, c) => s + c.recipients.length, 0);
    expect(transfers.filter((l) => l.endsWith(',conversion'))).toHaveLength(recipients);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    const convert = await cli(['report', 'convert', '--in', join(dir, 'report.json'), '--format', 'csv', '--out', join(dir, 'again')]);
    expect(convert.code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'again', 'conversions.csv'), 'utf8')).toBe(readFileSync(join(dir, 'csv', 'conversions.csv'), 'utf8'));
    const summary = await cli(['report', 'convert', '--in', join(dir, 'report.json')]);
    expect(summary.stdout).toContain('Conversions (swaps, wraps, unwraps inside a transaction)');
    expect(summary.stdout).toMatch(/ok +WETH \(ethereum\): .* WETH came out of swaps\/wraps for USDT/);
  });

  it('prints GEXF and GraphML that parse back with the trace graph size', { timeout: 60_000 }, async () => {
    const gexf = parseGexf(MultiDirectedGraph, (await cli(['demo', '--format', 'gexf', '--quiet'])).stdout);
    const graphml = parseGraphml(MultiDirectedGraph, (await cli(['demo', '--format', 'graphml', '--quiet'])).stdout);
    const report = TraceReportSchema.parse(JSON.parse((await cli(['demo', '--format', 'json'])).stdout));
    expect(gexf.order).toBe(graphml.order);
    expect(gexf.size).toBe(graphml.size);
    expect(gexf.size).toBe(report.stats.taintedTransfers);
  });

  it('rejects an explorer template that is not http(s) or lacks {tx}', async () => {
    const js = await cli(['demo', '--format', 'html', '--explorer', 'ethereum=javascript:alert(1)/{tx}']);
    expect(js.code).toBe(EXIT.invalidInput);
    expect(js.stderr).toMatch(/--explorer ethereum: .*http\(s\) URL/);
    // Checked while the options are parsed: a typo fails before any tracing, even on a source that does not exist.
    const early = await cli([
      'trace',
      '--chain',
      'ethereum',
      '--source',
      'fixture:missing.json',
      '--seed',
      `0x${'ab'.repeat(32)}`,
      '--explorer',
      'ethereum=ftp://x/{tx}',
    ]);
    expect(early.code).toBe(EXIT.invalidInput);
    expect(early.stderr).toMatch(/--explorer ethereum/);
    expect(parseExplorerArgs(['bsc=https://bscscan.com/tx/{tx}', 'bsc:address=https://bscscan.com/address/{address}'])).toEqual({
      'evm:56': { tx: 'https://bscscan.com/tx/{tx}', address: 'https://bscscan.com/address/{address}' },
    });
    expect(() => parseExplorerArgs(['ethereum'])).toThrow(/expected CHAIN=URL/);
    expect(() => parseExplorerArgs(['ethereum=https://etherscan.io/'])).toThrow(/must contain \{tx\}/);
  });
});

describe('chaintrail report', () => {
  it('packets: one Markdown and one JSON file per exchange and freezable-token issuer', { timeout: 60_000 }, async () => {
    const dir = tmp();
    expect((await cli(['demo', '--format', 'json', '--out', join(dir, 'report.json')])).code).toBe(0);
    const { code, stdout } = await cli(['report', 'packets', '--in', join(dir, 'report.json'), '--out', join(dir, 'packets')]);
    expect(code).toBe(EXIT.ok);
    const names = readdirSync(join(dir, 'packets')).sort();
    expect(names).toEqual([
      'exchange-harborline.json',
      'exchange-harborline.md',
      'exchange-kestrel-markets.json',
      'exchange-kestrel-markets.md',
      'exchange-northwind-exchange.json',
      'exchange-northwind-exchange.md',
      'exchange-rheinwerk-boerse.json',
      'exchange-rheinwerk-boerse.md',
      'issuer-tether-operations-limited.json',
      'issuer-tether-operations-limited.md',
    ]);
    expect(stdout.trim().split('\n')).toHaveLength(names.length);
    const packet = RequestPacketSchema.parse(JSON.parse(readFileSync(join(dir, 'packets', 'exchange-rheinwerk-boerse.json'), 'utf8')));
    expect(packet.case.reference).toBe('DEMO-2026-0417');
    expect(packet.recipient).toMatchObject({ entity: 'Rheinwerk Boerse', jurisdictions: ['DE'], crossBorder: false });
    expect(readFileSync(join(dir, 'packets', 'exchange-rheinwerk-boerse.md'), 'utf8')).toContain('- Case reference: DEMO-2026-0417');
  });

  it('packets and convert refuse files that are not a valid report (exit 2)', async () => {
    const dir = tmp();
    const bad = await cli(['report', 'packets', '--in', 'fixtures/demo/case.json', '--out', join(dir, 'p')]);
    expect(bad.code).toBe(EXIT.invalidInput);
    expect(bad.stderr).toMatch(/Invalid report fixtures\/demo\/case\.json/);
    expect(existsSync(join(dir, 'p'))).toBe(false);
    expect((await cli(['report', 'packets', '--in', join(dir, 'missing.json'), '--out', join(dir, 'p')])).code).toBe(EXIT.invalidInput);
  });

  it('convert: summary and endpoints.csv from a saved report; graph formats need the trace', { timeout: 60_000 }, async () => {
    const dir = tmp();
    await cli(['demo', '--format', 'json', '--out', join(dir, 'report.json')]);
    const summary = await cli(['report', 'convert', '--in', join(dir, 'report.json')]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toBe((await cli(['demo', '--quiet'])).stdout);
    expect((await cli(['report', 'convert', '--in', join(dir, 'report.json'), '--format', 'csv', '--out', join(dir, 'csv')])).code).toBe(0);
    expect(readdirSync(join(dir, 'csv'))).toEqual(['endpoints.csv']);
    const html = await cli(['report', 'convert', '--in', join(dir, 'report.json'), '--format', 'html']);
    expect(html.code).toBe(EXIT.invalidInput);
    expect(html.stderr).toMatch(/needs the trace graph/);
  });

  it('has --help with examples on every new command', async () => {
    for (const args of [['report'], ['report', 'packets'], ['report', 'convert'], ['demo'], ['trace']]) {
      const { code, stdout } = await cli([...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('Examples:');
    }
    expect((await cli(['trace', '--help'])).stdout).toMatch(/--format <format>.*"html".*"csv".*"gexf".*"graphml"/s);
  });
});

describe('outputs made as one string', () => {
  it("past what a string can hold (V8's own RangeError), say so in one line and name the streamed formats", () => {
    // A string of 2^29 characters is past V8's limit: repeat() refuses it before allocating anything.
    const error = (() => {
      try {
        madeWhole('html', 185_326, 'the html output', () => 'a'.repeat(2 ** 29));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ReportTooLargeError);
    expect(isChaintrailError(error, 'REPORT_TOO_LARGE')).toBe(true);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^the html output of this trace \(185,326 endpoints\) is larger than one JavaScript string can be.*--format json, summary or csv/);
    expect((error as ReportTooLargeError).details).toEqual({ format: 'html', endpoints: 185_326 });
    // Any other failure is left as it is; a text that fits is returned.
    const other = new RangeError('Maximum call stack size exceeded');
    expect(() =>
      madeWhole('csv', 1, 'endpoints.csv', () => {
        throw other;
      }),
    ).toThrow(other);
    expect(madeWhole('gexf', 1, 'the gexf output', () => 'fits')).toBe('fits');
  });
});

describe('outputs written in pieces to a place that cannot take them', () => {
  it('end with ReportWriteError naming the output and the file (summary, a CSV file, a request packet)', async () => {
    const result = await traceDemo();
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-unwritable-'));
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    const failure = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error as ReportWriteError;
      }
      throw new Error('expected the write to fail');
    };
    const missing = join(dir, 'no-such-dir', 'summary.txt');
    const summary = failure(() => writeOutput(result, { format: 'summary', out: missing }, io));
    expect(summary).toBeInstanceOf(ReportWriteError);
    expect(summary.shortMessage).toMatch(new RegExp(`^Could not write the summary to ${missing}: ENOENT`));
    expect(summary.details).toMatchObject({ target: missing, code: 'ENOENT' });
    // A directory where endpoints.csv is to go.
    mkdirSync(join(dir, 'csv', 'endpoints.csv'), { recursive: true });
    const csv = failure(() => writeOutput(result, { format: 'csv', out: join(dir, 'csv') }, io));
    expect(csv.shortMessage).toMatch(new RegExp(`^Could not write endpoints\\.csv to ${join(dir, 'csv', 'endpoints.csv')}: EISDIR`));
    const first = packetFiles(result.report)[0]!.name;
    mkdirSync(join(dir, 'packets', first), { recursive: true });
    const packets = failure(() => writeOutput(result, { format: 'json', out: join(dir, 'report.json'), packets: join(dir, 'packets') }, io));
    expect(packets.shortMessage).toContain(`Could not write the request packet to ${join(dir, 'packets', first)}: EISDIR`);
    expect(isChaintrailError(packets, 'REPORT_WRITE_FAILED')).toBe(true);
  });
});
