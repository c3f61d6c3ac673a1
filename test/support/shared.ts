import { inject } from 'vitest';
import { connectChain } from './chain-client.js';
import { worldFromJson, type SharedWorld, type WorldName } from './services.js';

/**
 * The run's shared local services, from a test file: started once per run by the global setup's service hub
 * (test/support/services.ts), on first use. A shared world is read-only: never send transactions to it.
 */
async function ask(method: 'GET' | 'POST', path: string): Promise<string> {
  const base = inject('services');
  if (!base) throw new Error('no service hub: run the tests through vitest.config.ts (its globalSetup starts it)');
  const response = await fetch(`${base}${path}`, { method });
  const text = await response.text();
  if (!response.ok) throw new Error(`the service hub could not ${method} ${path}: ${text}`);
  return text;
}

/** The named ganache world of this run (built by the hub on the first call of any file). */
export async function sharedWorld<N extends WorldName>(name: N): Promise<SharedWorld<N>> {
  return worldFromJson<SharedWorld<N>>(await ask('GET', `/world/${name}`), connectChain);
}

/** The run's PostgreSQL server (started on first use), as the URL of a fresh database named `name`. */
export async function sharedPostgresDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  return (JSON.parse(await ask('POST', `/postgres/${name}`)) as { url: string }).url;
}
