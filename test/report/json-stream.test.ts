import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFixtureAdapter,
  createLabelStore,
  isChaintrailError,
  reportJsonChunks,
  reportToJson,
  ReportWriteError,
  trace,
  writeReportJson,
  writeReportJsonSync,
  InvalidInputError,
  type ReportWriteProgress,
  type TraceReport,
} from '../../src/index.js';
import { EXIT } from '../../src/cli/io.js';
import { writeOutput } from '../../src/cli/output.js';
import type { TraceGraph } from '../../src/engine/graph.js';
import { MadeList } from '../../src/report/made-list.js';
import { summaryPieces } from '../../src/report/summary.js';
import { generateWorld } from '../bench/engine.js';
import { MODELS_AND_CUTS, traceBenchWorld, writerWorlds } from '../support/bench-world.js';
import { cli } from '../support/cli.js';
import { swapDataset, traceSwapWorld } from '../support/swap-dataset.js';
import { utxoWorld } from '../support/utxo-world.js';
import { traceDemo } from '../support/demo-trace.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chaintrail-json-stream-'));
const joined = (value: unknown, chunkBytes?: number) =>
  Buffer.concat([...reportJsonChunks(value as TraceReport, chunkBytes === undefined ? {} : { chunkBytes })]).toString('utf8');

/** A Writable that keeps what it is given, answers each write after `delayMs`, and records writes made while it asked to wait. */
function slowSink(options: { highWaterMark: number; delayMs: number; failAfter?: number }) {
  const got: Buffer[] = [];
  let waiting = false;
  let writesWhileWaiting = 0;
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      setTimeout(() => {
        if (options.failAfter !== undefined && got.length >= options.failAfter) return done(new Error('disk full (simulated)'));
        got.push(Buffer.from(chunk));
        done();
      }, options.delayMs);
    },
  });
  const write = sink.write.bind(sink) as (chunk: Buffer, cb?: (error?: Error | null) => void) => boolean;
  sink.write = ((chunk: Buffer, cb?: (error?: Error | null) => void) => {
    if (waiting) writesWhileWaiting++;
    const ok = write(chunk, cb);
    maxBuffered = Math.max(maxBuffered, sink.writableLength);
    if (!ok) waiting = true;
    return ok;
  }) as typeof sink.write;
  sink.on('drain', () => {
    waiting = false;
  });
  return { sink, got, stats: () => ({ writesWhileWaiting, maxBuffered }) };
}

// Values JSON.stringify treats specially: undefined and functions (left out of objects, null in arrays), non-finite
// numbers and -0, boxed primitives, toJSON, empty containers, unicode with lone surrogates.
const special = fc.constantFrom<unknown>(
  undefined,
  () => 1,
  Symbol('s'),
  Number.NaN,
  -0,
  Number.POSITIVE_INFINITY,
  new Number(3),
  new String('x'),
  new Boolean(false),
  {
    toJSON: (key: string) => ({ key }),
  },
);
const leaf = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: 0n, max: 2n ** 256n }).map(String),
  special,
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 6 }),
  object: fc.dictionary(fc.string({ unit: 'grapheme-composite', maxLength: 6 }), tie('node'), { maxKeys: 6 }),
})).node;

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

/** A report-shaped value: endpoints with amounts as decimal strings, optional fields absent or undefined, empty lists. */
const reportLike = fc.record({
  format: fc.constant('chaintrail-trace'),
  version: fc.constant(1),
  case: fc.record({ reference: fc.string() }, { requiredKeys: [] }),
  endpoints: fc.array(
    fc.record(
      {
        kind: fc.constantFrom('exchange', 'unspent', 'hop-limit'),
        address: hex(40).map((h) => `0x${h}`),
        entity: fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        jurisdictions: fc.array(fc.constantFrom('SC', 'US', 'DE'), { maxLength: 3 }),
        amount: fc.bigInt({ min: 0n, max: 2n ** 200n }).map(String),
        txs: fc.array(hex(64), { maxLength: 5 }),
        path: fc.array(hex(64), { maxLength: 12 }),
        victims: fc.array(fc.record({ tx: fc.string(), amount: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String) }), { maxLength: 3 }),
      },
      { requiredKeys: ['kind', 'address', 'amount', 'txs', 'path'] },
    ),
    { maxLength: 8 },
  ),
  notes: fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }),
  complete: fc.boolean(),
});

describe('reportJsonChunks: the bytes of reportToJson, made chunk by chunk', () => {
  it('equals reportToJson on traced reports: the demo, generated, UTXO and swap worlds under every taint model, with and without cuts', {
    timeout: 120_000,
  }, async () => {
    const reports: TraceReport[] = [(await traceDemo()).report];
    for (const [taint, cut] of MODELS_AND_CUTS) {
      const w = generateWorld(1500 + reports.length * 700, reports.length * 13);
      reports.push((await traceBenchWorld(w, taint, cut, 60)).report);
    }
    // A UTXO world (peel chains) and a world of swaps, wraps and routers (the conversions section).
    const u = utxoWorld(5);
    const utxo = await trace({
      seeds: [{ chain: 'bitcoin', tx: u.seedTx }],
      adapters: [createFixtureAdapter({ dataset: u.dataset })],
      labels: createLabelStore([
        { chain: 'bitcoin', address: u.exchange, entity: 'Coin Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
      ]),
      peelMode: 'follow-change',
    });
    const swaps = await traceSwapWorld(swapDataset(11), 'haircut');
    expect(swaps.report.conversions?.length).toBeGreaterThan(0);
    reports.push(utxo.report, swaps.report);
    expect(reports.reduce((n, r) => n + r.endpoints.length, 0)).toBeGreaterThan(200);
    for (const report of reports) {
      const expected = reportToJson(report);
      for (const chunkBytes of [undefined, 1000, 4093]) expect(joined(report, chunkBytes)).toBe(expected);
    }
  });

  it('equals JSON.stringify(value, null, 2) + newline on generated values (nesting, unicode, undefined, toJSON, boxed, empty)', () => {
    fc.assert(
      fc.property(fc.oneof(value, reportLike), fc.integer({ min: 1, max: 300 }), (v, chunkBytes) => {
        expect(joined(v, chunkBytes)).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { numRuns: 400 },
    );
  });

  it('hands out chunks of exactly chunkBytes but the last, never larger, whatever the characters', () => {
    fc.assert(
      fc.property(reportLike, fc.integer({ min: 1, max: 512 }), (v, chunkBytes) => {
        const chunks = [...reportJsonChunks(v as unknown as TraceReport, { chunkBytes })];
        expect(chunks.length).toBeGreaterThan(0);
        for (const c of chunks.slice(0, -1)) expect(c.length).toBe(chunkBytes);
        expect(chunks.at(-1)!.length).toBeGreaterThan(0);
        expect(chunks.at(-1)!.length).toBeLessThanOrEqual(chunkBytes);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the report as it goes: the first chunk comes before the big lists are read', () => {
    let read = 0;
    const path = Array.from({ length: 20_000 }, (_, i) => `0x${i.toString(16).padStart(64, '0')}`);
    const counted = new Proxy(path, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read++;
        return Reflect.get(target, key, receiver);
      },
    });
    const report = { format: 'chaintrail-trace', endpoints: [{ path: counted }, { path: counted }] } as unknown as TraceReport;
    const chunks = reportJsonChunks(report, { chunkBytes: 4096 });
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(200);
    expect(Buffer.concat([first.value as Buffer, ...chunks]).toString()).toBe(reportToJson(report));
  });

  it('throws what JSON.stringify throws: a BigInt the report should have written as a string, a cycle', () => {
    const withBigint = { endpoints: [{ amount: 10n }] } as unknown as TraceReport;
    expect(() => reportToJson(withBigint)).toThrow(TypeError);
    expect(() => joined(withBigint)).toThrow(TypeError);
    const cyclic: Record<string, unknown> = { a: [] };
    (cyclic.a as unknown[]).push(cyclic);
    expect(() => joined(cyclic)).toThrow(TypeError);
    expect(() => joined({}, 0)).toThrow(/chunkBytes 0/);
  });
});

describe('writeReportJson and writeReportJsonSync', () => {
  const report = () => traceDemo().then((r) => r.report);

  it('write the same bytes to a file, async and sync', { timeout: 60_000 }, async () => {
    const r = await report();
    const dir = tmp();
    await writeReportJson(r, join(dir, 'a.json'), { chunkBytes: 777 });
    writeReportJsonSync(r, join(dir, 'b.json'), { chunkBytes: 777 });
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(reportToJson(r));
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(reportToJson(r));
  });

  it('write the same bytes to a file whatever the characters and the chunk size', { timeout: 60_000 }, async () => {
    const dir = tmp();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(reportLike, fc.integer({ min: 1, max: 300 }), async (v, chunkBytes) => {
        const report = v as unknown as TraceReport;
        const [a, b] = [join(dir, `a${n}.json`), join(dir, `b${n++}.json`)];
        await writeReportJson(report, a, { chunkBytes });
        writeReportJsonSync(report, b, { chunkBytes });
        expect(readFileSync(a, 'utf8')).toBe(reportToJson(report));
        expect(readFileSync(b, 'utf8')).toBe(reportToJson(report));
      }),
      { numRuns: 150 },
    );
  });

  it('waits for drain on a slow stream: no write while the stream asks to wait, its buffer stays bounded', { timeout: 60_000 }, async () => {
    const r = await report();
    const { sink, got, stats } = slowSink({ highWaterMark: 2048, delayMs: 1 });
    await writeReportJson(r, sink, { chunkBytes: 1024 });
    expect(Buffer.concat(got).toString('utf8')).toBe(reportToJson(r));
    expect(got.length).toBeGreaterThan(10);
    expect(stats().writesWhileWaiting).toBe(0);
    expect(stats().maxBuffered).toBeLessThanOrEqual(2048 + 1024);
    expect(sink.writableEnded).toBe(false);
  });

  it('lets the event loop run between chunks a stream takes at once: each write can finish while the next chunk is made', { timeout: 60_000 }, async () => {
    const r = await report();
    // A stream with room for everything: no write ever asks to wait, so only the writer's own turns let I/O in.
    const { sink, got } = slowSink({ highWaterMark: 1 << 30, delayMs: 0 });
    let turns = 0;
    let writing = true;
    const tick = () => {
      turns++;
      if (writing) setImmediate(tick);
    };
    setImmediate(tick);
    // The turns the loop had made when the writer handed over each chunk.
    const handedAt: number[] = [];
    const write = sink.write.bind(sink);
    sink.write = ((...args: Parameters<typeof write>) => {
      handedAt.push(turns);
      return write(...args);
    }) as typeof sink.write;
    await writeReportJson(r, sink, { chunkBytes: 1024 });
    writing = false;
    expect(Buffer.concat(got).toString('utf8')).toBe(reportToJson(r));
    expect(handedAt.length).toBeGreaterThan(10);
    // A turn between every two chunks (a writer that never yields hands them all over before the first turn).
    for (let i = 1; i < handedAt.length; i++) expect(handedAt[i]).toBeGreaterThan(handedAt[i - 1]!);
  });

  it('turns a failing stream or an unwritable file into ReportWriteError naming it', { timeout: 60_000 }, async () => {
    const r = await report();
    const { sink } = slowSink({ highWaterMark: 1024, delayMs: 0, failAfter: 3 });
    const failed = await writeReportJson(r, sink, { chunkBytes: 512 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReportWriteError);
    expect(isChaintrailError(failed, 'REPORT_WRITE_FAILED')).toBe(true);
    expect((failed as ReportWriteError).shortMessage).toMatch(/the output stream: disk full \(simulated\)/);
    const missing = join(tmp(), 'no-such-dir', 'report.json');
    const async = await writeReportJson(r, missing).catch((e: unknown) => e);
    expect(async).toBeInstanceOf(ReportWriteError);
    expect((async as ReportWriteError).shortMessage).toContain(missing);
    expect((async as ReportWriteError).details).toMatchObject({ target: missing, code: 'ENOENT' });
    expect(() => writeReportJsonSync(r, missing)).toThrow(ReportWriteError);
    expect(() => writeReportJsonSync(r, missing)).toThrow(missing);
  });
});

describe('chaintrail --format json --out FILE', () => {
  it('writes stdout in chunks cut between characters: a reader decoding each chunk gets the report whole', async () => {
    const base = (await traceDemo()).report;
    // Multi-byte characters (2, 3 and 4 bytes in UTF-8) across many 64 KiB chunk boundaries.
    const report = { ...base, notes: [...base.notes, 'é€😀'.repeat(60_000)] } as TraceReport;
    const stdout = new PassThrough();
    let out = '';
    let chunks = 0;
    stdout.on('data', (c: Buffer) => {
      out += c;
      chunks++;
    });
    const result = {
      report,
      graph: undefined as unknown as TraceGraph,
      writeReportSync: (file: string) => writeReportJsonSync(report, file),
      reportChunks: () => reportJsonChunks(report),
      summaryPieces: () => summaryPieces(report),
      csvFiles: () => [],
      eachRequestPacket: function* () {},
    };
    writeOutput(result, { format: 'json' }, { stdout, stderr: new PassThrough() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toBeGreaterThan(5);
    expect(out).toBe(reportToJson(report));
  });

  it('says on a terminal what it wrote (records, megabytes), and draws no bar when the report goes to that terminal', { timeout: 60_000 }, async () => {
    const result = await traceDemo();
    const terminal = () => {
      const s = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
      let text = '';
      s.on('data', (c: Buffer) => (text += c));
      return { s, text: () => text };
    };
    const file = join(tmp(), 'report.json');
    const err = terminal();
    writeOutput(result, { format: 'json', out: file }, { stdout: new PassThrough(), stderr: err.s });
    const size = readFileSync(file).length;
    expect(err.text().endsWith(`wrote ${file}: ${result.report.endpoints.length} endpoint records, ${(size / 1e6).toFixed(1)} MB\n`)).toBe(true);
    const quiet = terminal();
    writeOutput(result, { format: 'json', out: file, quiet: true }, { stdout: new PassThrough(), stderr: quiet.s });
    const both = terminal();
    const out = terminal();
    writeOutput(result, { format: 'json' }, { stdout: out.s, stderr: both.s });
    await new Promise((resolve) => setImmediate(resolve));
    expect(quiet.text()).toBe('');
    expect(both.text()).toBe('');
    expect(out.text()).toBe(reportToJson(result.report));
  });

  it('streams the same bytes stdout gets; an unwritable file is a one-line error naming it', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const file = join(dir, 'report.json');
    const { code } = await cli(['demo', '--format', 'json', '--out', file, '--quiet']);
    expect(code).toBe(EXIT.ok);
    const stdout = (await cli(['demo', '--format', 'json', '--quiet'])).stdout;
    expect(readFileSync(file, 'utf8')).toBe(stdout);
    expect(stdout).toBe(reportToJson((await traceDemo()).report));
    const bad = await cli(['demo', '--format', 'json', '--out', join(dir, 'missing', 'r.json'), '--quiet']);
    expect(bad.code).toBe(EXIT.failure);
    expect(bad.stderr).toContain(join(dir, 'missing', 'r.json'));
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('TraceResult.writeReport: the report streamed from the trace, its endpoint records made as they are written', () => {
  it('writes the bytes of reportToJson(result.report) before the report is read, and after, on traced worlds', { timeout: 120_000 }, async () => {
    const results = await writerWorlds(1800, 500, 40);
    const dir = tmp();
    let endpoints = 0;
    for (const [i, result] of results.entries()) {
      // Before `report` is read: streamed from the outcome, in every form.
      const streamed = Buffer.concat([...result.reportChunks({ chunkBytes: 3001 })]).toString('utf8');
      await result.writeReport(join(dir, `${i}-a.json`));
      result.writeReportSync(join(dir, `${i}-b.json`), { chunkBytes: 500 });
      const sink = new PassThrough();
      const got: Buffer[] = [];
      sink.on('data', (c: Buffer) => got.push(c));
      await result.writeReport(sink);
      const expected = reportToJson(result.report);
      endpoints += result.report.endpoints.length;
      expect(streamed).toBe(expected);
      expect(readFileSync(join(dir, `${i}-a.json`), 'utf8')).toBe(expected);
      expect(readFileSync(join(dir, `${i}-b.json`), 'utf8')).toBe(expected);
      expect(Buffer.concat(got).toString('utf8')).toBe(expected);
      // After: the report object is written.
      expect(Buffer.concat([...result.reportChunks()]).toString('utf8')).toBe(expected);
    }
    expect(endpoints).toBeGreaterThan(300);
  });

  it("tells how far the writing is: endpoint records written of the report's, bytes made, exact at the last chunk", { timeout: 60_000 }, async () => {
    const result = await traceBenchWorld(generateWorld(3000, 71), 'haircut', 'full', 80);
    const file = join(tmp(), 'report.json');
    // Streamed (the report not read yet), then from the report object: the same figures.
    const runs: { seen: ReportWriteProgress[]; sizes: number[] }[] = [];
    for (let run = 0; run < 2; run++) {
      const seen: ReportWriteProgress[] = [];
      const sizes = [...result.reportChunks({ chunkBytes: 2048, onProgress: (p) => seen.push(p) })].map((c) => c.length);
      runs.push({ seen, sizes });
      if (run === 0) void result.report;
    }
    const of = result.report.endpoints.length;
    const total = Buffer.byteLength(reportToJson(result.report));
    expect(of).toBeGreaterThan(50);
    for (const { seen, sizes } of runs) {
      // One call per chunk, with the bytes made so far.
      expect(seen.map((p) => p.bytes)).toEqual(sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0)));
      expect(seen.at(-1)).toEqual({ endpoints: of, of, bytes: total });
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.endpoints).toBeGreaterThanOrEqual(seen[i - 1]!.endpoints);
      // Before the list is reached its size is not known yet (0); from then on it is the report's.
      const reached = seen.findIndex((p) => p.of > 0);
      expect(seen.slice(reached).every((p) => p.of === of && p.endpoints <= of)).toBe(true);
      expect(seen.some((p) => p.endpoints > 0 && p.endpoints < of)).toBe(true);
    }
    expect(runs[1]!.seen).toEqual(runs[0]!.seen);
    const toFile: ReportWriteProgress[] = [];
    await result.writeReport(file, { onProgress: (p) => toFile.push(p) });
    expect(toFile.at(-1)).toEqual({ endpoints: of, of, bytes: readFileSync(file).length });
    const bad = (() => {
      try {
        result.writeReportSync(file, { onProgress: 'yes' as unknown as () => void });
      } catch (error) {
        return error;
      }
    })();
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect(String((bad as Error).message)).toMatch(/onProgress: give a function/);
  });

  it('makes a list item only when the writer reaches it, and writes it as JSON.stringify writes the array', () => {
    fc.assert(
      fc.property(reportLike, fc.integer({ min: 1, max: 300 }), (v, chunkBytes) => {
        const made: number[] = [];
        const lazy = {
          ...v,
          endpoints: new MadeList(v.endpoints.length, (i) => {
            made.push(i);
            return v.endpoints[i];
          }),
        };
        expect(joined(lazy, chunkBytes)).toBe(`${JSON.stringify(v, null, 2)}\n`);
        expect(made).toEqual(v.endpoints.map((_, i) => i));
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(v));
      }),
      { numRuns: 200 },
    );
    let made = 0;
    const big = {
      endpoints: new MadeList(50_000, (i) => {
        made++;
        return { i, path: ['0x'.padEnd(66, 'a')] };
      }),
    };
    const chunks = reportJsonChunks(big as unknown as TraceReport, { chunkBytes: 4096 });
    chunks.next();
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(100);
  });
});
