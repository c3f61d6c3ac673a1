import { describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ReportWriteProgress } from '../../src/index.js';
import { writeOutput } from '../../src/cli/output.js';
import { graphView } from '../../src/report/graph-view.js';
import { MadeList } from '../../src/report/made-list.js';
import { reportToSummary, summaryPieces } from '../../src/report/summary.js';
import { writerWorlds } from '../support/bench-world.js';
import { traceDemo } from '../support/demo-trace.js';

/** More endpoints than a function call takes arguments (a trace of 1 M transfers has about 185 k). */
const MANY = 200_000;

describe('reportToSummary at scale', () => {
  it('lists every endpoint of a report with hundreds of thousands of them, columns as wide as their widest cell', async () => {
    const { report } = await traceDemo();
    const base = report.endpoints;
    const endpoints = Array.from({ length: MANY }, (_, i) => {
      const e = base[i % base.length]!;
      // One reason longer than any other: its column widens to it, and the rows before it are padded to it.
      return i === MANY - 7 ? { ...e, hops: 1234567, reason: `${e.reason} (widest)` } : e;
    });
    const text = reportToSummary({ ...report, endpoints } as TraceReport);
    // Progress: the endpoint pass every 4,096 records (no text yet), then each piece handed out, to the whole size.
    const seen: ReportWriteProgress[] = [];
    const pieces = [...summaryPieces({ ...report, endpoints } as TraceReport, { onProgress: (p) => seen.push(p) })];
    expect(pieces.join('')).toBe(text);
    const reading = seen.filter((p) => p.bytes === 0);
    expect(reading.map((p) => p.endpoints)).toEqual(Array.from({ length: Math.ceil(MANY / 4096) }, (_, i) => i * 4096));
    let sum = 0;
    expect(seen.slice(reading.length).map((p) => p.bytes)).toEqual(pieces.map((piece) => (sum += Buffer.byteLength(piece))));
    expect(seen.at(-1)).toEqual({ endpoints: MANY, of: MANY, bytes: Buffer.byteLength(text) });
    const lines = text.split('\n');
    const start = lines.indexOf('Endpoints');
    const header = lines[start + 1]!;
    expect(header.slice(header.indexOf('hops') - 3, header.indexOf('hops') + 4)).toBe('   hops');
    const rows = lines.slice(start + 3, start + 3 + MANY);
    expect(header.startsWith('kind')).toBe(true);
    expect(rows).toHaveLength(MANY);
    expect(lines[start + 3 + MANY]).toBe('');
    // The hops column is right-aligned to its widest cell (7 digits) in every row.
    // The columns as the dashes under the header give them; hops is the sixth.
    const spans = [...lines[start + 2]!.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
    const [from, to] = spans[5]!;
    expect(to - from).toBe(7);
    for (const i of [0, 1, MANY - 7, MANY - 1]) {
      const cell = rows[i]!.slice(from, to);
      expect(cell).toBe(String(i === MANY - 7 ? 1234567 : base[i % base.length]!.hops).padStart(7));
    }
    expect(rows[MANY - 7]).toContain('(widest)');
  });

  it('draws the graph view of a graph with hundreds of thousands of nodes', async () => {
    const { report, graph } = await traceDemo();
    const copy = graph.copy();
    const [first] = copy.nodes();
    const attributes = copy.getNodeAttributes(first!);
    for (let i = 0; i < MANY; i++)
      copy.addNode(`ethereum|0x${i.toString(16).padStart(40, '0')}`, { ...attributes, address: `0x${i.toString(16).padStart(40, '0')}` });
    const view = graphView(copy, report);
    expect(view.nodes).toHaveLength(graph.order + MANY);
  });
});

describe('the summary written as it is made', () => {
  it('gives the text of reportToSummary from the trace before its report is read, on traced worlds', { timeout: 120_000 }, async () => {
    const results = await writerWorlds(2500, 600, 50);
    let sections = 0;
    for (const result of results) {
      const pieces = [...result.summaryPieces()];
      const expected = reportToSummary(result.report);
      expect(pieces.join('')).toBe(expected);
      // Pieces of about 64 KiB, each ending a line.
      for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
      if (expected.includes('Conversions (') || expected.includes('Freeze candidates')) sections++;
      // After the report is read, from the report object: the same.
      expect([...result.summaryPieces()].join('')).toBe(expected);
    }
    expect(results.some((r) => reportToSummary(r.report).length > 200_000)).toBe(true);
    expect(sections).toBeGreaterThan(1);
  });

  it('makes each endpoint record once, when it is reached', async () => {
    const { report } = await traceDemo();
    const made: number[] = [];
    const lazy = {
      ...report,
      endpoints: new MadeList(report.endpoints.length, (i) => {
        made.push(i);
        return report.endpoints[i]!;
      }),
    };
    const pieces = summaryPieces(lazy);
    expect(made).toEqual([]);
    expect([...pieces].join('')).toBe(reportToSummary(report));
    expect(made).toEqual(report.endpoints.map((_, i) => i));
  });

  it('chaintrail writes it to --out or stdout, the same text', async () => {
    const result = await traceDemo();
    const file = join(mkdtempSync(join(tmpdir(), 'chaintrail-summary-')), 'summary.txt');
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c));
    writeOutput(result, { format: 'summary' }, { stdout, stderr: new PassThrough() });
    writeOutput(result, { format: 'summary', out: file }, { stdout: new PassThrough(), stderr: new PassThrough() });
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    let said = '';
    terminal.on('data', (c: Buffer) => (said += c));
    writeOutput(result, { format: 'summary', out: file }, { stdout: new PassThrough(), stderr: terminal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toBe(reportToSummary(result.report));
    expect(readFileSync(file, 'utf8')).toBe(text);
    const size = readFileSync(file).length;
    expect(said.endsWith(`wrote ${file}: ${result.report.endpoints.length} endpoint records, ${(size / 1e6).toFixed(1)} MB\n`)).toBe(true);
  });
});
