import { defineConfig, type Options } from 'tsup';

const common: Options = {
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  // p-limit is ESM-only: bundling it keeps the CommonJS build loadable with require().
  noExternal: ['p-limit', 'yocto-queue'],
  // import.meta.url (used to find the bundled demo case) in the CommonJS build.
  shims: true,
};

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: true },
  // The CLI uses top-level await and is only ever run as a program: ESM is enough.
  { ...common, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], clean: false },
]);
