/**
 * Engine benchmark at 10 M transfers: engine.ts's layering world written to an NDJSON file as it is generated (never
 * all rows in memory), streamed into the fixture source's columnar store and traced, in a child process with a
 * 6 GB heap limit (no graph; BENCH_10M_HEAP_MB sets it); the report is written to a JSON file as it is made
 * (TraceResult.writeReport), as a service or the CLI (`--format json --out FILE`) writes a report of this size, then
 * its request packets (the CLI's `--packets DIR`). Prints the child's figures and progress per round, and its peak RSS
 * (VmHWM, read from /proc while it runs) against the goal of <= 8 GB. It takes about 15 minutes here (longer under
 * load), so it runs only when asked: BENCH_10M=1 or BENCH_ONLY=engine-10m; BENCH_10M_TRANSFERS scales it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, peakRssOf } from './engine.js';

const GOAL_RSS = 8 * 1024 ** 3;
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

export async function run(): Promise<void> {
  const asked = process.env.BENCH_10M === '1' || (process.env.BENCH_ONLY ?? '').split(',').some((m) => m.trim() === 'engine-10m');
  if (!asked) {
    console.log('skipped: it takes about 15 minutes; run it with BENCH_10M=1 or BENCH_ONLY=engine-10m');
    return;
  }
  const total = Number(process.env.BENCH_10M_TRANSFERS ?? 10_000_000);
  const script = fileURLToPath(new URL('./engine.ts', import.meta.url));
  const env = { ...process.env, BENCH_TRANSFERS: String(total), BENCH_GRAPH: '0', BENCH_REPORT: 'file', BENCH_PROGRESS: '1', BENCH_GOAL_RSS: String(GOAL_RSS) };
  const started = performance.now();
  // The heap limit is part of the memory budget: V8 lets the heap grow toward it before it collects in earnest, and the
  // store's 1.4 GB of columns lives outside it. 6 GB of heap leaves room for them under 8 GB (BENCH_10M_HEAP_MB sets it).
  const heapMb = Number(process.env.BENCH_10M_HEAP_MB ?? 6144);
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRssOf(child.pid!))), 250);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearInterval(poll);
  // A child that ran out of memory left its world and report files behind (engine.ts names them by pid and size).
  rmSync(join(tmpdir(), `chaintrail-world-${child.pid}-${total}.ndjson`), { force: true });
  rmSync(join(tmpdir(), `chaintrail-report-${child.pid}-${total}.json`), { force: true });
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(
    `10 M run       ${total.toLocaleString('en-US')} transfers, heap limit ${heapMb} MB: ${code === 0 ? 'completed' : `FAILED (exit ${code ?? signal})`} in ${minutes} min, child peak RSS >= ${mb(peak)}  [goal <= ${mb(GOAL_RSS)}: ${peak <= GOAL_RSS ? 'met' : 'NOT met'}]; ${load()}`,
  );
  if (code !== 0) throw new Error(`10 M engine run failed (exit ${code ?? signal})`);
}

// Runs on its own too: `npx tsx test/bench/engine-10m.ts`.
if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
