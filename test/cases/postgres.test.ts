import { describe, expect, it } from 'vitest';
import { openCaseStore } from '../../src/cases/store.js';
import { SCHEMA_VERSION } from '../../src/cases/migrations.js';
import { sharedPostgresDatabase } from '../support/shared.js';
import { caseStoreSuite } from './suite.js';

// A real PostgreSQL server (Debian's package) on 127.0.0.1, started once per run by the global setup; a fresh database per store.
let n = 0;
caseStoreSuite('PostgreSQL', async () => sharedPostgresDatabase(`cases_${++n}`));

describe('PostgreSQL case store', () => {
  it('is migrated to the current schema on a fresh database and reopens unchanged', async () => {
    const target = await sharedPostgresDatabase('cases_fresh');
    const first = await openCaseStore(target);
    expect((await first.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await first.close();
    const again = await openCaseStore(target);
    expect((await again.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await again.close();
  });
});
