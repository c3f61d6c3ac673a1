import { afterAll, beforeAll } from 'vitest';
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
