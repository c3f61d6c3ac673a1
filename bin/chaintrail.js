#!/usr/bin/env node
// The `chaintrail` command. In the published package: the built CLI (dist/bin.js). In a clone of the repository,
// right after `npm install` and without a build: the TypeScript sources through tsx (a devDependency), so the
// command always runs the code you are looking at.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/bin.ts', import.meta.url);
const tsx = existsSync(source) ? await import('tsx/esm/api').catch(() => undefined) : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else {
  await import(new URL('../dist/bin.js', import.meta.url).href);
}
