import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs `tsc --noEmit && vitest run` with this file (README, Tests).
 * - The global setup starts the service hub: ganache worlds and PostgreSQL, each started once per run on first use
 *   and shared by the files that need them (test/support/setup.global.ts).
 * - Most files share their worker process and its loaded modules (`isolate: false`): starting a worker and loading
 *   zod, ethers and src/ again for each of ~100 files cost about a fifth of the run. The files that change the
 *   process's global state (they register a stablecoin on the test chain) keep a fresh process each.
 * - At least two workers: vitest's default (one fewer than the cores) leaves a 2-core machine a single worker, idle
 *   while its test waits on a child process, a timeout or a retry.
 */
const OWN_PROCESS = [
  'test/adapters/evm-rpc/faults.test.ts',
  'test/adapters/evm-rpc/scam-case.test.ts',
  'test/adapters/warehouse/scam-world.test.ts',
  'test/cases/ganache-cases.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/setup.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'shared', isolate: false, exclude: ['**/node_modules/**', ...OWN_PROCESS] } },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS } },
    ],
  },
});
