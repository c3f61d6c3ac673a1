import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaseStore } from '../../src/cases/store.js';
import { SCHEMA_VERSION } from '../../src/cases/migrations.js';
import { caseStoreSuite } from './suite.js';

const dir = mkdtempSync(join(tmpdir(), 'chaintrail-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

caseStoreSuite('SQLite', async () => `sqlite:${join(dir, `cases-${++n}.db`)}`);

describe('SQLite case store file', () => {
  it('is created on first open, migrated to the current schema, and opens again unchanged', async () => {
    const file = join(dir, 'fresh.db');
    const first = await openCaseStore(`sqlite:${file}`);
    expect(existsSync(file)).toBe(true);
    expect((await first.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await first.close();
    const again = await openCaseStore(`sqlite:${file}`);
    expect((await again.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await again.close();
  });
});
