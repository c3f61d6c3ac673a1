/**
 * `npm run bench`: runs every benchmark module present, in order, each under its own header. A module that is
 * missing is skipped; one that fails is reported and the others still run; the exit code is 1 if any failed.
 * Each module exports `run(): Promise<void>`. BENCH_ONLY=engine,labels runs just those.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** These first, in this order; then any other benchmark module in this folder, alphabetically. */
const FIRST = ['engine.ts', 'evm-rpc.ts', 'bitcoin.ts', 'explorers.ts'];
const here = fileURLToPath(new URL('.', import.meta.url));
const MODULES = [
  ...FIRST,
  ...readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !FIRST.includes(f))
    .sort(),
];

interface BenchModule {
  run?: () => Promise<void> | void;
}

export async function main(): Promise<number> {
  let failed = 0;
  let ran = 0;
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().replace(/\.ts$/, ''));
  for (const name of MODULES.filter((m) => !only || only.includes(m.replace(/\.ts$/, '')))) {
    const url = new URL(`./${name}`, import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      console.log(`\n== ${name.replace(/\.ts$/, '')}: not present, skipped`);
      continue;
    }
    console.log(`\n== ${name.replace(/\.ts$/, '')} ${'='.repeat(Math.max(3, 60 - name.length))}`);
    const started = performance.now();
    try {
      const mod = (await import(url.href)) as BenchModule;
      if (typeof mod.run !== 'function') throw new Error(`${name} does not export run()`);
      await mod.run();
      ran++;
      console.log(`-- ${name.replace(/\.ts$/, '')} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed++;
      console.log(
        `-- ${name.replace(/\.ts$/, '')} FAILED after ${((performance.now() - started) / 1000).toFixed(1)} s: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  console.log(`\nbenchmarks: ${ran} ran, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
