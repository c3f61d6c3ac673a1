/**
 * Engine benchmark: trace() over a generated fixture world of 1,000,000 account transfers.
 *
 * The world is a layering operation: victims pay a few hundred collector addresses in USDT; every layer splits
 * what it received into the next, wider layer (each address fed by one to three parents, so branches merge
 * as well as split), for eight layers; every layer address also takes clean money from OTC desks and pays
 * merchants and exchange hot wallets (labeled), so the ledgers mix tainted and clean funds over time.
 * The trace is run with limits wide enough that every layer address is expanded and essentially every
 * transfer is read.
 *
 * The world is written to an NDJSON fixture file in tmp as it is generated (the dataset object on the first line, one
 * transfer a line) and the fixture source streams that file into its columnar store: the in-memory dataset is the
 * store, not a list of objects.
 *
 * Reported: transfers read by the engine / trace wall time up to the finished report (writing the file, loading the
 * store and the graphology graph, which trace() builds on first access, are timed and printed separately), rounds,
 * addresses expanded, the store's heap, peak RSS with the machine's load, and the minor page faults of the trace with
 * what a fresh page costs here (on a virtual machine that maps pages through its host, a real share of the wall
 * time). Goal: >= 250 k transfers/s, <= 1 GB.
 * BENCH_TRANSFERS scales the world (default 1,000,000); BENCH_TAINT picks the model (default fifo); BENCH_GRAPH=0
 * skips the graph and its GEXF and GraphML files (written in pieces to tmp, time, size and peak RSS printed); BENCH_PACKETS=0 skips the request packets (written after the report as the CLI's `--packets DIR`
 * writes them: one packet at a time, its addresses made as written; time, files and peak RSS printed);
 * BENCH_REPORT=file writes the report's JSON to a file from the trace (TraceResult.writeReport: the report object never
 * built) instead of building the report object; BENCH_PROGRESS=1 prints each round; BENCH_SNAPSHOT_ROUND=N prints where
 * the heap goes as round N starts (a heap snapshot read back whole: keep the world at or below about 300,000 transfers
 * for it).
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput, FixtureTransferInput } from '../../src/adapters/fixture/schema.js';
import type { TraceProgress } from '../../src/engine/run-state.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { writePackets } from '../../src/cli/output.js';
import { gexfPieces } from '../../src/report/gexf.js';
import { graphmlPieces } from '../../src/report/graphml.js';
import { writePiecesSync } from '../../src/report/json-stream.js';
import type { Label, TraceReport } from '../../src/core/schema.js';
import { mulberry32 } from '../support/random.js';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_760_000_000;
const HOUR = 3600;
const GOAL_RATE = 250_000;
const GOAL_RSS = 1024 ** 3;

// Addresses and hashes look like real ones (random hex): sequential ones share long prefixes, which makes every
// string comparison and hash slower than real data would. A readable suffix keeps them unique.
const hex32 = (n: number, salt: number) => {
  let h = Math.imul(n ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
};
const address = (kind: number, i: number) => {
  const n = kind * 16_777_216 + i;
  return `0x${hex32(n, 1)}${hex32(n, 2)}${hex32(n, 3)}${hex32(n, 4)}${kind.toString(16).padStart(2, '0')}${i.toString(16).padStart(6, '0')}`;
};
const txHash = (n: number) => `0x${[1, 2, 3, 4, 5, 6, 7].map((salt) => hex32(n, salt + 10)).join('')}${n.toString(16).padStart(8, '0')}`;

export interface World {
  dataset: FixtureDatasetInput;
  seeds: { chain: string; tx: string }[];
  labels: Label[];
  levels: number[];
}

type Row = FixtureTransferInput;
/** The world's dataset without its transfers: the header line of its NDJSON file. */
const HEADER = {
  format: 'chaintrail-fixture',
  version: 1,
  description: 'generated layering world for the engine benchmark',
  assets: [{ id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
} as const satisfies FixtureDatasetInput;

/** Builds the layering world with exactly `total` transfers. */
export function generateWorld(total: number, seed = 7): World {
  const transfers: Row[] = [];
  const world = layWorld(total, seed, (row) => transfers.push(row));
  const { format, version, description, assets } = HEADER;
  return { dataset: { format, version, description, assets: [...assets], transfers }, ...world };
}

/**
 * Writes the world to an NDJSON fixture file as it is generated (the header line, then one transfer a line; never
 * all rows in memory): the same world generateWorld holds, for loading into the columnar store.
 */
export function writeWorldFile(path: string, total: number, seed = 7): Omit<World, 'dataset'> & { bytes: number } {
  const fd = openSync(path, 'w');
  let chunk: string[] = [];
  let bytes = 0;
  const flush = () => {
    const text = chunk.join('');
    bytes += writeSync(fd, text);
    chunk = [];
  };
  try {
    chunk.push(`${JSON.stringify(HEADER)}\n`);
    const world = layWorld(total, seed, (row) => {
      chunk.push(`${JSON.stringify(row)}\n`);
      if (chunk.length >= 8192) flush();
    });
    flush();
    return { ...world, bytes };
  } finally {
    closeSync(fd);
  }
}

/** Lays out the layering world, handing each transfer to `emit` in the order generateWorld lists them. */
function layWorld(total: number, seed: number, emit: (row: Row) => void): Omit<World, 'dataset'> {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const scale = total / 1_000_000;
  // Widths of the layers (collectors first); about four transfers per layer address in all.
  const profile = [250, 2_500, 12_000, 30_000, 45_000, 50_000, 50_000, 52_000];
  const levels = profile.map((w) => Math.max(2, Math.round(w * scale)));
  const victims = Math.max(1, Math.round(1_000 * scale));
  const otcDesks = 2_000;
  const merchants = 20_000;
  const hotWallets = 200;

  let tx = 0;
  const push = (from: string, to: string, amount: number, time: number) => {
    emit({
      chain: 'ethereum',
      tx: txHash(++tx),
      logIndex: 0,
      block: 20_000_000 + Math.floor((time - T0) / 12),
      time,
      from,
      to,
      asset: 'usdt',
      amount: String(amount),
    });
  };

  // Addresses per layer, and what each received from its parents (tainted path) so splits forward real amounts.
  const layer: string[][] = levels.map((w, h) => Array.from({ length: w }, (_, i) => address(0x10 + h, i)));
  const received: number[][] = levels.map((w) => new Array<number>(w).fill(0));
  const otc = Array.from({ length: otcDesks }, (_, i) => address(0x02, i));
  const shops = Array.from({ length: merchants }, (_, i) => address(0x03, i));
  const hot = Array.from({ length: hotWallets }, (_, i) => address(0x04, i));

  // Victims pay collectors (layer 0) during the first day.
  const seeds: World['seeds'] = [];
  for (let v = 0; v < victims; v++) {
    const c = v % levels[0]!;
    const amount = int(1_000, 50_000) * 1_000_000;
    push(address(0x01, v), layer[0]![c]!, amount, T0 + int(0, 24 * HOUR));
    received[0]![c]! += amount;
    seeds.push({ chain: 'ethereum', tx: txHash(tx) });
  }

  // Each layer h+1 address has 1-3 parents in layer h; each parent splits 95 % of what it received among its
  // children, sending during day h+1 (after its own inflows arrived on day h).
  for (let h = 0; h + 1 < levels.length; h++) {
    const parents = layer[h]!;
    const kids = layer[h + 1]!;
    const children: number[][] = parents.map(() => []);
    kids.forEach((_, k) => {
      const n = int(1, 3);
      for (let j = 0; j < n; j++) children[(k * 7 + j * 13 + int(0, parents.length - 1)) % parents.length]!.push(k);
    });
    // A parent with no child assigned keeps its funds (unspent).
    parents.forEach((p, i) => {
      const list = children[i]!;
      if (list.length === 0) return;
      const share = Math.floor((received[h]![i]! * 0.95) / list.length);
      for (const k of list) {
        push(p, kids[k]!, share, T0 + (h + 1) * 24 * HOUR + int(0, 20 * HOUR));
        received[h + 1]![k]! += share;
      }
    });
  }

  // Clean traffic on every layer address: an OTC top-up some time in its day, a merchant payment or an exchange
  // deposit later; then extra OTC top-ups at random layer addresses until the world has exactly `total` transfers.
  // Amounts scale with what the address handles (a top-up of 5-30 %, a payment of 2-10 %), at least 1 USDT.
  const noiseDay = (h: number) => T0 + h * 24 * HOUR;
  const part = (h: number, i: number, lo: number, hi: number) => Math.max(1_000_000, Math.floor(received[h]![i]! * (lo + random() * (hi - lo))));
  for (let h = 0; h < levels.length && tx < total; h++) {
    for (let i = 0; i < levels[h]!; i++) {
      if (tx >= total) break;
      const a = layer[h]![i]!;
      push(otc[int(0, otcDesks - 1)]!, a, part(h, i, 0.05, 0.3), noiseDay(h) + int(0, 30 * HOUR));
      if (tx >= total) break;
      const to = random() < 0.3 ? hot[int(0, hotWallets - 1)]! : shops[int(0, merchants - 1)]!;
      push(a, to, part(h, i, 0.02, 0.1), noiseDay(h) + int(12 * HOUR, 40 * HOUR));
    }
  }
  while (tx < total) {
    const h = int(0, levels.length - 1);
    const i = int(0, levels[h]! - 1);
    push(otc[int(0, otcDesks - 1)]!, layer[h]![i]!, part(h, i, 0.01, 0.05), noiseDay(h) + int(0, 30 * HOUR));
  }

  const labels: Label[] = hot.map((a, i) => ({
    chain: 'ethereum',
    address: a,
    entity: `Exchange ${i % 25}`,
    category: 'exchange',
    jurisdictions: [['DE', 'SC', 'AE', 'GB', 'US'][i % 5]!],
    confidence: 0.9,
    source: 'bench',
  }));
  return { seeds, labels, levels };
}

/**
 * The figures the benchmark prints, read back from a report JSON file too big to parse whole: the endpoint records
 * counted (lines `    {` between `"endpoints": [` and `"exchanges"`, the writer's fixed two-space indent) and the
 * small sections from `conservation` on parsed.
 */
function reportFigures(path: string): Pick<TraceReport, 'stats' | 'conservation'> & { endpoints: { length: number } } {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(16 * 1024 * 1024);
    let carry = '';
    let section = '';
    let endpoints = 0;
    let tail: string[] | undefined;
    for (let n = readSync(fd, block); n > 0; n = readSync(fd, block)) {
      const lines = (carry + block.toString('utf8', 0, n)).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('  "')) section = line.slice(3, line.indexOf('"', 3));
        if (section === 'conservation') tail ??= ['{'];
        if (tail) tail.push(line);
        else if (section === 'endpoints' && line === '    {') endpoints++;
      }
    }
    const sections = JSON.parse([...(tail ?? []), carry].join('\n')) as Pick<TraceReport, 'stats' | 'conservation'>;
    return { ...sections, endpoints: { length: endpoints } };
  } finally {
    closeSync(fd);
  }
}

/**
 * Live heap after a full collection, with the memory outside it (`external`: typed arrays' buffers and the columns'
 * own WebAssembly memories, where the columnar store and the flow's columns live; a memory counts at its size, written
 * or not).
 */
function liveHeap(): number {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Peak resident set of a process so far (VmHWM), in bytes; 0 where /proc is not there. */
export function peakRssOf(pid: number | 'self' = 'self'): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Minor page faults of this process so far: each is a fresh 4 KiB page mapped in on first touch. */
export const pageFaults = (): number => process.resourceUsage().minorPageFault;

/**
 * What one fresh page costs on this machine, in microseconds: 32 MiB never touched before, one write per page. On a
 * virtual machine that maps guest pages through its host this runs to tens of microseconds (an ordinary machine: about
 * one), and a trace that grows its memory by hundreds of MB pays that for every page.
 */
export function pageFaultMicros(): number {
  const bytes = 32 * 2 ** 20;
  const fresh = new Uint8Array(bytes);
  const before = pageFaults();
  const t = performance.now();
  for (let i = 0; i < bytes; i += 4096) fresh[i] = 1;
  const ms = performance.now() - t;
  const faults = pageFaults() - before;
  // NaN where the system counts no page faults (Windows): the figures then say so instead of dividing by nothing.
  return faults > 0 ? (ms * 1000) / faults : Number.NaN;
}

/** `faults` page faults as the bench prints them, with what they cost at `micros` each. */
export const faultFigures = (faults: number, micros: number): string =>
  Number.isNaN(micros)
    ? 'not counted on this system (no minor page faults reported)'
    : `${fmt(faults)} minor page faults, about ${((faults * micros) / 1e6).toFixed(2)} s at this machine's ${micros.toFixed(1)} µs per fresh 4 KiB page`;

/** The machine's load averages (1, 5, 15 minutes) as `uptime` prints them. */
export const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} cores`;

/**
 * Where the heap goes: a heap snapshot written now (to tmp, removed after), summed by what each node is (objects by
 * constructor, strings, arrays, typed-array buffers), the largest `top` printed with counts and bytes.
 */
export function heapSummary(top = 14): string[] {
  const file = writeHeapSnapshot(join(tmpdir(), `chaintrail-heap-${process.pid}.heapsnapshot`));
  try {
    const snap = JSON.parse(readFileSync(file, 'utf8')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    const fields = snap.snapshot.meta.node_fields;
    const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
    const types = snap.snapshot.meta.node_types[0];
    const sums = new Map<string, { count: number; bytes: number }>();
    for (let i = 0; i < snap.nodes.length; i += fields.length) {
      const type = types[snap.nodes[i + typeAt]!]!;
      const key = type === 'object' || type === 'native' ? `${type} ${snap.strings[snap.nodes[i + nameAt]!]}` : type;
      const sum = sums.get(key) ?? { count: 0, bytes: 0 };
      sum.count++;
      sum.bytes += snap.nodes[i + sizeAt]!;
      sums.set(key, sum);
    }
    const total = [...sums.values()].reduce((s, v) => s + v.bytes, 0);
    return [
      `heap snapshot  ${mb(total)} in ${fmt(snap.nodes.length / fields.length)} nodes; largest by kind:`,
      ...[...sums]
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .slice(0, top)
        .map(([key, v]) => `  ${mb(v.bytes).padStart(8)}  ${fmt(v.count).padStart(11)} × ${key.slice(0, 60)}`),
    ];
  } finally {
    rmSync(file, { force: true });
  }
}

export async function run(): Promise<void> {
  const total = Number(process.env.BENCH_TRANSFERS ?? 1_000_000);
  const taint = (process.env.BENCH_TAINT ?? 'fifo') as 'fifo' | 'haircut' | 'poison';
  const withGraph = process.env.BENCH_GRAPH !== '0';
  const withPackets = process.env.BENCH_PACKETS !== '0';
  const goalRss = Number(process.env.BENCH_GOAL_RSS ?? GOAL_RSS);
  // Measured first: its buffer is long collected when the trace runs, and it cannot raise the peak read later.
  const faultMicros = pageFaultMicros();
  const toFile = process.env.BENCH_REPORT === 'file';
  const reportFile = join(tmpdir(), `chaintrail-report-${process.pid}-${total}.json`);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  sampler.unref();
  const file = join(tmpdir(), `chaintrail-world-${process.pid}-${total}.ndjson`);
  try {
    console.log(`machine        ${load()}`);
    let t = performance.now();
    const world = writeWorldFile(file, total);
    const writeMs = performance.now() - t;
    const { seeds, levels } = world;
    const layerAddresses = levels.reduce((s, w) => s + w, 0);
    const heapBefore = liveHeap();

    t = performance.now();
    const adapter = createFixtureAdapter({ dataset: file });
    const labels = createLabelStore(world.labels);
    const adapterMs = performance.now() - t;
    const heapAdapter = liveHeap();
    console.log(`world file     ${fmt(total)} transfers, ${mb(world.bytes)} NDJSON written as generated in ${secs(writeMs)}`);
    console.log(
      `adapter build  ${secs(adapterMs)} (stream the file into the columnar store: validate, intern, index; label store), store heap ${mb(heapAdapter - heapBefore)}`,
    );

    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const faultsBefore = pageFaults();
    t = performance.now();
    // When the rounds end (the settle phase starts) and the engine is done: the phases' split of the wall time.
    let settleAt = Number.NaN;
    let doneAt = Number.NaN;
    const result = await trace({
      seeds,
      adapters: [adapter],
      labels,
      taint,
      maxHops: levels.length + 2,
      maxNodes: 1_000_000 * Math.max(1, total / 1_000_000),
      maxDegree: 1_000,
      onProgress: (p: TraceProgress) => {
        if (p.phase === 'settle') settleAt = performance.now();
        if (p.phase === 'done') doneAt = performance.now();
        if (process.env.BENCH_PROGRESS === '1')
          console.log(
            `  ${p.phase.padEnd(6)} round ${p.round}: frontier ${fmt(p.frontier)}, ${fmt(p.transfers)} transfers read, ${secs(p.elapsedMs)}, RSS ${mb(process.memoryUsage().rss)}`,
          );
        // BENCH_SNAPSHOT_ROUND=N: where the memory goes as round N starts (the trace's clock runs on meanwhile).
        if (p.phase === 'expand' && String(p.round) === process.env.BENCH_SNAPSHOT_ROUND) for (const line of heapSummary()) console.log(line);
      },
    });
    // The finished report: the report object (default), or the JSON file written from the trace without it.
    let reportBytes = 0;
    if (toFile) {
      await result.writeReport(reportFile);
      reportBytes = statSync(reportFile).size;
    } else void result.report;
    const end = performance.now();
    const traceMs = end - t;
    const cpu = process.cpuUsage(cpuBefore);
    const faults = pageFaults() - faultsBefore;
    // Read before liveHeap(): its forced full collections can raise the resident set themselves.
    const traceRss = Math.max(peakRss, process.memoryUsage().rss, peakRssOf());
    // The packets before liveHeap(): after its forced collections V8 lets the heap grow further before it collects
    // again (the packets' peak was 1.45–1.58 GB after them, 0.88–0.94 GB without), which no CLI run does.
    const packets = withPackets ? packetFigures(result, toFile) : undefined;
    const packetsRss = Math.max(peakRss, process.memoryUsage().rss, peakRssOf());
    const heapTrace = liveHeap();
    const report = toFile ? reportFigures(reportFile) : result.report;

    const read = report.stats.transfersSeen;
    const rate = read / (traceMs / 1000);
    const balanced = report.conservation.every((c) => c.balanced);
    console.log(
      `world          ${fmt(total)} transfers, ${levels.length} layers (${levels.map(fmt).join(' / ')} addresses), ${fmt(seeds.length)} tx seeds, taint ${taint}`,
    );
    console.log(
      `trace          ${secs(traceMs)} wall to the finished report (${toFile ? `JSON written to a file as it is made, ${mb(reportBytes)}; the report object never built` : 'the report object'}), ${secs((cpu.user + cpu.system) / 1000)} CPU incl. GC threads (${mb(rssBefore)} RSS before)`,
    );
    console.log(
      `phases         rounds ${secs(settleAt - t)}, settle (allocation, deposit addresses, endpoints) ${secs(doneAt - settleAt)}, report ${secs(end - doneAt)}`,
    );
    console.log(`memory touched ${faultFigures(faults, faultMicros)} (part of the trace's wall time)`);
    console.log(`transfers read ${fmt(read)} (${((read / total) * 100).toFixed(1)} % of the world), ${fmt(report.stats.taintedTransfers)} tainted`);
    console.log(`rounds         ${report.stats.rounds}`);
    console.log(
      `expanded       ${fmt(report.stats.addressesExpanded)} addresses (of ${fmt(layerAddresses)} layer addresses), ${fmt(report.endpoints.length)} endpoints`,
    );
    console.log(
      `conservation   ${balanced ? 'balanced' : 'NOT BALANCED'} (${report.conservation.map((c) => `${c.asset.symbol} seeded ${c.seeded}, endpoints ${c.endpoints}`).join('; ')})`,
    );
    console.log(`throughput     ${fmt(rate)} transfers/s  [goal >= ${fmt(GOAL_RATE)}: ${rate >= GOAL_RATE ? 'met' : 'NOT met'}]; ${load()}`);
    console.log(
      `live heap      ${mb(heapAdapter)} after adapter build (columnar store + labels), ${mb(heapTrace)} after trace (+${mb(heapTrace - heapAdapter)}: engine state and report)`,
    );
    console.log(
      `peak RSS       ${mb(traceRss)} through the report, the dataset's store included  [goal <= ${mb(goalRss)}: ${traceRss <= goalRss ? 'met' : 'NOT met'}]`,
    );
    if (packets) console.log(`${packets}, peak RSS ${mb(packetsRss)} through them`);
    if (withGraph) {
      t = performance.now();
      const graph = result.graph; // built on first access
      const graphMs = performance.now() - t;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      console.log(
        `graph          ${fmt(graph.order)} nodes / ${fmt(graph.size)} edges, built on first access in ${secs(graphMs)} (${fmt(read / ((traceMs + graphMs) / 1000))} transfers/s with it); ${mb(liveHeap())} live heap, ${mb(Math.max(peakRss, peakRssOf()))} peak RSS with it`,
      );
      // The graph files as the CLI's --format gexf / graphml writes them (in pieces), from the report object.
      if (!toFile)
        for (const [name, pieces] of [
          ['gexf', () => gexfPieces(graph, result.report)],
          ['graphml', () => graphmlPieces(graph, result.report)],
        ] as const) {
          const out = join(tmpdir(), `chaintrail-bench-${process.pid}.${name}`);
          t = performance.now();
          try {
            writePiecesSync(out, pieces(), `the ${name} file`);
            const ms = performance.now() - t;
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
            console.log(
              `${name.padEnd(15)}${mb(statSync(out).size)} written in pieces in ${secs(ms)}; ${mb(Math.max(peakRss, peakRssOf()))} peak RSS through it`,
            );
          } finally {
            rmSync(out, { force: true });
          }
        }
    }
    if (!balanced) throw new Error('engine benchmark: conservation not balanced');
  } finally {
    clearInterval(sampler);
    rmSync(file, { force: true });
    rmSync(reportFile, { force: true });
  }
}

/**
 * The request packets written into a directory in tmp as the CLI's `--packets DIR` writes them (cli/output.ts
 * `writePackets`: one packet at a time, its addresses made as written): packets, addresses, bytes and time. From the
 * report object when it was built, else from the packets' own endpoint records (`toFile`: no report object).
 */
function packetFigures(result: TraceResult, toFile: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-bench-packets-'));
  try {
    let packets = 0;
    let addresses = 0;
    const t = performance.now();
    const counted = function* () {
      for (const p of result.eachRequestPacket()) {
        packets++;
        addresses += p.addresses.length;
        yield p;
      }
    };
    writePackets(counted(), dir, undefined, process.stderr);
    const ms = performance.now() - t;
    const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    return `packets        ${fmt(packets)} request packets listing ${fmt(addresses)} addresses, ${mb(bytes)} of Markdown and JSON written in ${secs(ms)} after the report (${toFile ? "made from the packets' own endpoint records" : 'made from the report object'})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Runs on its own too: `npx tsx test/bench/engine.ts`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
