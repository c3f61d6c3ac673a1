import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // p-limit is ESM-only: bundling it keeps the CommonJS build loadable with require().
  noExternal: ['p-limit', 'yocto-queue'],
});
