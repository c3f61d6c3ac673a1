/** SQL of the store's counts: rows per table, bytes and schema version. */
import type { StoreStats } from '../records.js';
import type { SqlDriver } from '../sql.js';

/** Counts of what the case database holds. */
export async function storeStats(db: SqlDriver): Promise<StoreStats> {
  const count = async (table: string) => Number((await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0);
  const version = await db.all<{ v: number }>('SELECT MAX(version) AS v FROM schema_versions');
  return {
    cases: await count('cases'),
    victims: await count('victims'),
    payments: await count('payments'),
    traces: await count('traces'),
    reachedAddresses: await count('trace_addresses'),
    sizeBytes: await db.sizeBytes(),
    schemaVersion: Number(version[0]?.v ?? 0),
  };
}
