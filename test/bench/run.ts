/**
 * `npm run bench`: runs every benchmark module present, in order, each under its own header. A module that is
 * missing is skipped; one that fails is reported and the others still run; the exit code is 1 if any failed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// labels.ts (the label-store benchmark) is not in the original list; it runs last when present.
const MODULES = ['engine.ts', 'evm-rpc.ts', 'bitcoin.ts', 'explorers.ts', 'labels.ts'];

interface BenchModule {
  run?: () => Promise<void> | void;
}

export async function main(): Promise<number> {
  let failed = 0;
  let ran = 0;
  for (const name of MODULES) {
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
      console.log(`-- ${name.replace(/\.ts$/, '')} FAILED after ${((performance.now() - started) / 1000).toFixed(1)} s: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
