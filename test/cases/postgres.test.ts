import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore } from '../../src/cases/store.js';
import { SCHEMA_VERSION } from '../../src/cases/migrations.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { caseStoreSuite } from './suite.js';

// A real PostgreSQL server (Debian's package), started here on 127.0.0.1 in a temp directory and stopped at the end.
let server: TestPostgres | undefined;
let n = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);

caseStoreSuite('PostgreSQL', async () => server!.createDatabase(`cases_${++n}`));

describe('PostgreSQL case store', () => {
  it('is migrated to the current schema on a fresh database and reopens unchanged', async () => {
    const target = await server!.createDatabase('cases_fresh');
    const first = await openCaseStore(target);
    expect((await first.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await first.close();
    const again = await openCaseStore(target);
    expect((await again.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await again.close();
  });
});
