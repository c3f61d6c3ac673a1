/**
 * Label store at scale: 1,000,000 labels.
 * 1. store: build a LabelStore from 1 M label objects (three EVM chains, a tenth of the addresses with a second
 *    label), then 1 M lookups; time, and heap held by labels + store.
 * 2. file: the same million rows as the project's label CSV on disk, loaded end to end with loadLabelSources
 *    (CSV parse, zod validation, address normalization, duplicate/conflict checks, store); time and heap.
 * 3. pack: the built-in label pack (data/label-pack.json.gz) in a fresh process: the root import, then its first use
 *    (read, gunzip, JSON, validation, store) timed and its RSS and heap deltas, then lookups of its own addresses.
 * Run with `npm run bench` (test/bench/run.ts) or `npx tsx -e "import('./test/bench/labels.ts').then(m => m.run())"`.
 * LABELS_BENCH_N changes the count (for a quick look).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Label } from '../../src/core/schema.js';
import { createLabelStore } from '../../src/labels/store.js';
import { loadLabelSources } from '../../src/labels/load.js';
import { labelPackPath } from '../../src/labels/builtin.js';

const CHAINS = ['ethereum', 'evm:56', 'evm:137'] as const;
const CATEGORIES = ['exchange', 'service', 'defi', 'other', 'scam'] as const;

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => {
    gc?.();
    gc?.();
  };
}

/** CPU milliseconds (user + system) since `from`: on a busy machine a fairer figure than wall time. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return ((u.user + u.system) / 1000).toFixed(0);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const hex40 = (i: number) => i.toString(16).padStart(40, '0');

export async function run(): Promise<void> {
  const n = Number(process.env.LABELS_BENCH_N ?? 1_000_000);
  const gc = collectGarbage();
  const jurisdictions = [['SC'], ['MT', 'GB'], [], ['US']];
  const line = (s: string) => process.stdout.write(`labels: ${s}\n`);
  line(`${n.toLocaleString('en')} labels`);

  // 1. In-memory store.
  gc();
  const base = process.memoryUsage().heapUsed;
  let t = performance.now();
  const labels: Label[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const addressIndex = i % 10 === 9 ? i - 9 : i; // every tenth label is a second label on an earlier address
    labels[i] = {
      chain: CHAINS[addressIndex % 3]!,
      address: `0x${hex40(addressIndex)}`,
      entity: `Entity ${i % 5000}`,
      category: CATEGORIES[i % 5]!,
      jurisdictions: jurisdictions[i % 4]!,
      confidence: (i % 10) / 10,
      source: `bench row ${i}`,
    };
  }
  const built = performance.now() - t;
  t = performance.now();
  let cpu = process.cpuUsage();
  const store = createLabelStore();
  store.addAll(labels);
  const added = performance.now() - t;
  const addedCpu = cpuMs(cpu);
  gc();
  const heapStore = process.memoryUsage().heapUsed - base;
  // Lookups with fresh strings (as an adapter would hand them over), built before timing.
  const queries: [string, string][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = (i * 7919) % n;
    const addressIndex = a % 10 === 9 ? a - 9 : a;
    queries[i] = [CHAINS[addressIndex % 3]!, `0x${hex40(addressIndex)}`];
  }
  t = performance.now();
  cpu = process.cpuUsage();
  let hits = 0;
  for (const [chain, address] of queries) if (store.get(chain, address)) hits++;
  const looked = performance.now() - t;
  const lookedCpu = cpuMs(cpu);
  queries.length = 0;
  line(
    `store: ${store.size.toLocaleString('en')} labels added in ${added.toFixed(0)} ms (cpu ${addedCpu} ms; objects built in ${built.toFixed(0)} ms); heap ${mb(heapStore)} for labels + store`,
  );
  line(`store: ${n.toLocaleString('en')} lookups in ${looked.toFixed(0)} ms (cpu ${lookedCpu} ms; ${((looked * 1e6) / n).toFixed(0)} ns each, ${hits} hits)`);
  if (hits !== n) throw new Error(`bench: expected ${n} hits, got ${hits}`);
  labels.length = 0;

  // 2. From a file, end to end.
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-labels-bench-'));
  try {
    const file = join(dir, 'labels.csv');
    const rows = ['chain,address,entity,category,jurisdiction,confidence,source'];
    for (let i = 0; i < n; i++) {
      rows.push(`${CHAINS[i % 3]},0x${hex40(i)},Entity ${i % 5000},${CATEGORIES[i % 5]},${jurisdictions[i % 4]!.join(';')},0.${i % 10},bench`);
    }
    writeFileSync(file, `${rows.join('\n')}\n`);
    rows.length = 0;
    gc();
    const before = process.memoryUsage();
    t = performance.now();
    cpu = process.cpuUsage();
    const loaded = loadLabelSources([{ file }]);
    const loadMs = performance.now() - t;
    const loadCpu = cpuMs(cpu);
    gc();
    const after = process.memoryUsage();
    line(
      `file: ${loaded.store.size.toLocaleString('en')} labels loaded from CSV in ${loadMs.toFixed(0)} ms (cpu ${loadCpu} ms) ` +
        `(${((loadMs * 1000) / n).toFixed(1)} µs/row); heap ${mb(after.heapUsed - before.heapUsed)} held, rss ${mb(after.rss)}`,
    );
    if (loaded.store.size !== n) throw new Error(`bench: expected ${n} labels, got ${loaded.store.size}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await runPack();
}

// Runs in a child process, so the pack is loaded cold, as in a user's first trace.
const PACK_PROBE = `
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc');
const root = await import('./src/index.ts');
gc(); gc();
const m0 = process.memoryUsage();
const t0 = performance.now();
const store = root.createBuiltinLabelStore();
const loadMs = performance.now() - t0;
gc(); gc();
const m1 = process.memoryUsage();
const t1 = performance.now();
const again = root.createBuiltinLabelStore();
const againMs = performance.now() - t1;
const keys = [...store.entries()].map((l) => [l.chain, l.address]);
const rounds = Math.ceil(1_000_000 / keys.length);
let hits = 0;
const t2 = performance.now();
for (let r = 0; r < rounds; r++) for (const [c, a] of keys) if (store.get(c, a)) hits++;
const lookMs = performance.now() - t2;
process.stdout.write(JSON.stringify({ labels: store.size, again: again.size, loadMs, againMs, rss: m1.rss - m0.rss, heap: m1.heapUsed - m0.heapUsed, lookups: rounds * keys.length, hits, lookMs }));
`;

/** The built-in label pack: size on disk, cold load time and memory, lookups per second (printed by `npm run bench`). */
export async function runPack(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const f = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PACK_PROBE], { cwd: root, encoding: 'utf8' })) as {
    labels: number;
    again: number;
    loadMs: number;
    againMs: number;
    rss: number;
    heap: number;
    lookups: number;
    hits: number;
    lookMs: number;
  };
  if (f.hits !== f.lookups) throw new Error(`bench: expected ${f.lookups} pack hits, got ${f.hits}`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  process.stdout.write(
    `labels: pack: ${f.labels.toLocaleString('en')} labels, ${kb(statSync(labelPackPath()).size)} on disk; first use ${f.loadMs.toFixed(0)} ms ` +
      `(read, gunzip, validate, store; a second store ${f.againMs.toFixed(1)} ms), rss +${mb(f.rss)}, heap +${(f.heap / 1024 / 1024).toFixed(1)} MB\n` +
      `labels: pack: ${f.lookups.toLocaleString('en')} lookups in ${f.lookMs.toFixed(0)} ms (${((f.lookMs * 1e6) / f.lookups).toFixed(0)} ns each)\n`,
  );
}
