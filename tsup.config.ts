import { defineConfig } from 'tsup';

/**
 * One ESM build (Node >= 20.19 also loads it with require()): one copy of every class and registry per process.
 * Every entry shares code through chunks (the CLI imports the library, it does not copy it). No source maps ship.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    bitcoin: 'src/bitcoin.ts',
    warehouse: 'src/warehouse.ts',
    cases: 'src/cases.ts',
    html: 'src/html.ts',
    cli: 'src/cli.ts',
    bin: 'src/cli/bin.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: false,
  dts: {
    entry: { index: 'src/index.ts', bitcoin: 'src/bitcoin.ts', warehouse: 'src/warehouse.ts', cases: 'src/cases.ts', html: 'src/html.ts', cli: 'src/cli.ts' },
  },
  clean: true,
});
