import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { caseStoreSuite } from './suite.js';

const dir = mkdtempSync(join(tmpdir(), 'chaintrail-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

caseStoreSuite('SQLite', async () => `sqlite:${join(dir, `cases-${++n}.db`)}`);
