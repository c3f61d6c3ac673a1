import { defineConfig } from 'vitest/config';

// `npm test` runs `tsc --noEmit && vitest run` with this file. The global setup starts the service hub: ganache worlds
// and PostgreSQL, each started once per run on first use and shared by the files that need them (README, Tests).
export default defineConfig({
  test: {
    globalSetup: ['test/support/setup.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
