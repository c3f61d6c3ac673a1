import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { writeOutput } from '../../src/cli/output.js';
import { createLabelStore } from '../../src/labels/store.js';
import {
  csvCell,
  endpointCsvColumns,
  endpointsCsvPieces,
  ENDPOINTS_CSV_HEADER,
  graphToTransfersCsv,
  reportToConversionsCsv,
  reportToEndpointsCsv,
  TRANSFERS_CSV_HEADER,
  type CsvWriteProgress,
} from '../../src/report/csv.js';
import { MadeList } from '../../src/report/made-list.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { generateWorld } from '../bench/engine.js';
import { utxoWorld } from '../support/utxo-world.js';
import { traceBenchWorld, writerWorlds } from '../support/bench-world.js';
import { FORMULA_ENTITY, HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';
import { swapDataset, traceSwapWorld } from '../support/swap-dataset.js';

describe('csvCell', () => {
  it('neutralizes cells a spreadsheet would evaluate as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('Northwind Exchange')).toBe('Northwind Exchange');
    expect(csvCell('12500.5')).toBe('12500.5');
  });

  it('quotes per RFC 4180: commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('endpoints.csv and transfers.csv', () => {
  it('have one row per endpoint and per tainted transfer, parse back as RFC 4180 with CRLF line ends', async () => {
    const { report, graph } = await traceDemo();
    const endpoints = reportToEndpointsCsv(report);
    expect(endpoints.endsWith('\r\n')).toBe(true);
    const rows = parse(endpoints, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...ENDPOINTS_CSV_HEADER]);
    expect(rows).toHaveLength(report.endpoints.length);
    expect(rows.map((r) => r.amount)).toEqual(report.endpoints.map((e) => e.amount));
    expect(rows.map((r) => r.path)).toEqual(report.endpoints.map((e) => e.path.join(' ')));
    const transfers = parse(graphToTransfersCsv(graph, report), { columns: true }) as Record<string, string>[];
    expect(Object.keys(transfers[0]!)).toEqual([...TRANSFERS_CSV_HEADER]);
    expect(transfers).toHaveLength(graph.size);
    const times = transfers.map((t) => t.block_timestamp!);
    expect([...times].sort()).toEqual(times);
    // Exact amounts: the tainted base units of the CSV add up to what the graph carries.
    let graphTaint = 0n;
    graph.forEachEdge((_e, a) => (graphTaint += BigInt(String(a.taint))));
    expect(transfers.reduce((s, t) => s + BigInt(t.tainted_amount!), 0n)).toBe(graphTaint);
    const seed = transfers.find((t) => t.tx === report.seeds[0]!.tx)!;
    expect(seed.tainted_display).toBe(report.seeds[0]!.amountDisplay);
  });

  it('neutralizes formula and markup labels from an untrusted label file', async () => {
    const { report, graph } = await traceDemo({ hostile: true });
    const endpoints = reportToEndpointsCsv(report);
    const rows = parse(endpoints, { columns: true }) as Record<string, string>[];
    const entities = new Set(rows.map((r) => r.entity));
    expect(entities).toContain(`'${FORMULA_ENTITY}`);
    expect(entities).toContain(HOSTILE_ENTITY);
    expect(entities).not.toContain(FORMULA_ENTITY);
    for (const r of rows) for (const cell of Object.values(r)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const transfers = parse(graphToTransfersCsv(graph, report), { columns: true }) as Record<string, string>[];
    expect(transfers.some((t) => t.to_entity === `'${FORMULA_ENTITY}`)).toBe(true);
    for (const t of transfers) for (const cell of Object.values(t)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('the CSV files written as they are made (TraceResult.csvFiles)', () => {
  /** The whole-string CSV of a result, from its report object and graph. */
  const whole = (r: TraceResult) => [
    ['endpoints.csv', reportToEndpointsCsv(r.report)],
    ['transfers.csv', graphToTransfersCsv(r.graph, r.report)],
    ...(r.report.conversions ? [['conversions.csv', reportToConversionsCsv(r.report)]] : []),
  ];
  const streamed = (r: TraceResult) => r.csvFiles().map((f) => [f.name, [...f.pieces()].join('')]);

  it('give the bytes of the whole-string CSV before the report or graph is read, and after, on traced worlds', { timeout: 120_000 }, async () => {
    const results = await writerWorlds(2500, 600, 70);
    const u = utxoWorld(3);
    results.push(
      await trace({
        seeds: [{ chain: 'bitcoin', tx: u.seedTx }],
        adapters: [createFixtureAdapter({ dataset: u.dataset })],
        labels: createLabelStore([
          { chain: 'bitcoin', address: u.exchange, entity: 'Coin Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
        ]),
        peelMode: 'all-outputs',
      }),
    );
    let big = 0;
    for (const result of results) {
      const before = streamed(result);
      const expected = whole(result);
      expect(before).toEqual(expected);
      expect(streamed(result)).toEqual(expected);
      if (expected[1]![1]!.length > 64 * 1024) big++;
    }
    expect(results.at(-2)!.report.conversions?.length).toBeGreaterThan(0);
    expect(results.at(-1)!.report.endpoints.some((e) => e.chain === 'bitcoin')).toBe(true);
    expect(big).toBeGreaterThan(1);
  });

  it('hands out pieces of about 64 KiB, each ending a row, with the rows and bytes done so far', async () => {
    const result = await traceBenchWorld(generateWorld(6000, 91), 'fifo', 'full', 80);
    for (const file of result.csvFiles()) {
      const seen: CsvWriteProgress[] = [];
      const pieces = [...file.pieces({ onProgress: (p) => seen.push(p) })];
      const text = pieces.join('');
      const rows = text.split('\r\n').length - 2;
      for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(pieces.every((p) => p.endsWith('\r\n'))).toBe(true);
      let sum = 0;
      expect(seen.map((p) => p.bytes)).toEqual(pieces.map((piece) => (sum += Buffer.byteLength(piece))));
      expect(seen.at(-1)).toEqual({ rows, of: rows, bytes: Buffer.byteLength(text) });
      expect(seen.every((p, i) => i === 0 || p.rows > seen[i - 1]!.rows)).toBe(true);
      if (file.name === 'transfers.csv') expect(pieces.length).toBeGreaterThan(3);
    }
  });

  it('makes each endpoint record once, when its row is reached', async () => {
    const { report } = await traceDemo();
    const made: number[] = [];
    const lazy = new MadeList(report.endpoints.length, (i) => {
      made.push(i);
      return report.endpoints[i]!;
    });
    const pieces = endpointsCsvPieces(lazy, endpointCsvColumns(report.endpoints));
    expect(made).toEqual([]);
    expect([...pieces].join('')).toBe(reportToEndpointsCsv(report));
    expect(made).toEqual(report.endpoints.map((_, i) => i));
  });

  it('chaintrail writes them into --out DIR and says what each file got (rows, megabytes)', async () => {
    const result = await traceSwapWorld(swapDataset(17), 'fifo');
    const dir = join(mkdtempSync(join(tmpdir(), 'chaintrail-csv-')), 'out');
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (c: Buffer) => (said += c));
    writeOutput(result, { format: 'csv', out: dir }, { stdout: new PassThrough(), stderr });
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(dir).sort()).toEqual(['conversions.csv', 'endpoints.csv', 'transfers.csv']);
    for (const [name, text] of whole(result)) {
      expect(readFileSync(join(dir, name!), 'utf8')).toBe(text);
      const rows = text!.split('\r\n').length - 2;
      expect(said).toContain(`wrote ${join(dir, name!)}: ${rows.toLocaleString('en-US')} rows, ${(Buffer.byteLength(text!) / 1e6).toFixed(1)} MB\n`);
    }
  });
});
