/**
 * Bulk screening (`chaintrail labels lookup`, screenAddresses):
 * 1. lookups per second on the built-in label store, warm: store.getAll of addresses it holds and of addresses it
 *    does not, then labelsOnChain across every EVM chain, then screenAddresses end to end (forms told, addresses
 *    normalized, repeats found) over 10,000 mixed inputs;
 * 2. screening 1,000 addresses from a file as a CLI process, the first run and then the median of three more, wall
 *    time: the command as it runs in a clone (bin/chaintrail.js: src through tsx) and, when `npm run build` has
 *    been run, as installed (dist/bin.js); `--help` of the same command first, as the cost of starting it.
 * The list mixes built-in labeled addresses with generated EVM (lower, upper, EIP-55), TRON (base58, hex) and
 * Bitcoin (bech32, base58) addresses, 5 % of them invalid. Figures print with the machine's load average.
 * `npm run bench` (BENCH_ONLY=screening) or `npx tsx -e "import('./test/bench/screening.ts').then(m => m.run())"`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBuiltinLabelStore } from '../../src/labels/builtin.js';
import { chainsOfStore } from '../../src/labels/store.js';
import { labelsOnChain, screenAddresses, screenCounts } from '../../src/labels/screen.js';
import { screenWorld } from '../support/screen-world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const line = (s: string) => process.stdout.write(`screening: ${s}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** `count` inputs: the built-in labeled addresses in turn, then generated ones (5 % invalid). */
function screeningList(count: number, labeled: readonly string[]): string[] {
  const world = screenWorld({ seed: 20261202, addresses: Math.ceil(count / 3), labeledShare: 0, inputs: count, invalidShare: 0.05, rowChainShare: 0 });
  return world.inputs.map((input, i) => (i % 4 === 0 ? labeled[(i / 4) % labeled.length]! : input.text.trim()));
}

function warmLookups(): void {
  let t = performance.now();
  const store = createBuiltinLabelStore();
  line(`built-in store: ${store.size.toLocaleString('en')} labels, created in ${(performance.now() - t).toFixed(0)} ms`);
  const labels = [...store.entries()];
  const held = labels.map((l) => [l.chain, l.address] as const);
  // Addresses no dataset labels: a hash of the index, as random as a fresh deposit address.
  const missing = held.map((_, i) => ['ethereum', `0x${createHash('sha256').update(String(i)).digest('hex').slice(0, 40)}`] as const);
  const n = 1_000_000;
  for (const [what, queries] of [
    ['held', held],
    ['not held', missing],
  ] as const) {
    for (let i = 0; i < 10_000; i++) store.getAll(queries[i % queries.length]![0], queries[i % queries.length]![1]);
    t = performance.now();
    let found = 0;
    for (let i = 0; i < n; i++) found += store.getAll(queries[i % queries.length]![0], queries[i % queries.length]![1]).length;
    const ms = performance.now() - t;
    line(`store.getAll (${what}): ${Math.round(n / (ms / 1000)).toLocaleString('en')} lookups/s (${((ms * 1e6) / n).toFixed(0)} ns each, ${found} labels)`);
  }
  const evm = held.filter(([chain]) => chain !== 'tron' && chain !== 'bitcoin').map(([, address]) => address);
  t = performance.now();
  for (let i = 0; i < 200_000; i++) labelsOnChain(store, 'evm', evm[i % evm.length]!);
  const evmMsAsked = performance.now() - t;
  const chains = chainsOfStore(store).filter((c) => c.startsWith('evm:'));
  t = performance.now();
  for (let i = 0; i < 200_000; i++) labelsOnChain(store, 'evm', evm[i % evm.length]!, chains);
  const evmMs = performance.now() - t;
  line(
    `labelsOnChain (every EVM chain: ${chains.length + 2} chain ids): ${Math.round(200_000 / (evmMs / 1000)).toLocaleString('en')} lookups/s ` +
      `(${Math.round(200_000 / (evmMsAsked / 1000)).toLocaleString('en')}/s asking the store for its chains each time)`,
  );
  const inputs = screeningList(
    10_000,
    labels.map((l) => l.address),
  );
  screenAddresses(inputs.slice(0, 1000), { store });
  t = performance.now();
  const rows = screenAddresses(inputs, { store });
  const ms = performance.now() - t;
  const c = screenCounts(rows);
  line(
    `screenAddresses: ${inputs.length.toLocaleString('en')} inputs in ${ms.toFixed(0)} ms (${Math.round(inputs.length / (ms / 1000)).toLocaleString('en')}/s; ` +
      `${c.labeled} labeled, ${c.unlabeled} unlabeled, ${c.invalid} invalid, ${c.duplicates} repeats)`,
  );
}

function timeProcess(args: string[]): { ms: number; status: number | null; stderr: string } {
  const t = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - t, status: run.status, stderr: run.stderr };
}

function processRuns(label: string, bin: string, file: string): void {
  const help = timeProcess([bin, '--help']);
  const args = [bin, 'labels', 'lookup', '--file', file, '--format', 'csv'];
  const first = timeProcess(args);
  if (first.status !== 0) throw new Error(`${label} exited ${first.status}: ${first.stderr}`);
  const more = [timeProcess(args), timeProcess(args), timeProcess(args)].map((r) => r.ms).sort((a, b) => a - b);
  const summary = first.stderr.trim().split('\n').pop();
  line(
    `${label}: 1,000 addresses from a file in ${first.ms.toFixed(0)} ms (first run), median of 3 more ${more[1]!.toFixed(0)} ms; ` +
      `--help alone ${help.ms.toFixed(0)} ms (load ${load()}); ${summary}`,
  );
}

export async function run(): Promise<void> {
  line(`${availableParallelism()} cores, load average ${load()}`);
  warmLookups();
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-screening-bench-'));
  try {
    const file = join(dir, 'addresses.txt');
    const labeled = [...createBuiltinLabelStore().entries()].map((l) => l.address);
    writeFileSync(file, `# 1,000 addresses to screen\n${screeningList(1000, labeled).join('\n')}\n`);
    processRuns('CLI in a clone (bin/chaintrail.js, src through tsx)', join(ROOT, 'bin/chaintrail.js'), file);
    const dist = join(ROOT, 'dist/bin.js');
    if (existsSync(dist)) processRuns('CLI as installed (dist/bin.js)', dist, file);
    else line('CLI as installed: dist/bin.js not built (npm run build), not measured');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
