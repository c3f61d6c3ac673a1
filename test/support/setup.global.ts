import type { TestProject } from 'vitest/node';
import { startServiceHub } from './services.js';

/**
 * vitest's global setup (vitest.config.ts): runs once per `vitest run`, in the main process, before any test file.
 * It starts the service hub (test/support/services.ts) and hands its 127.0.0.1 URL to the test files
 * (`inject('services')`, read by test/support/shared.ts); the ganache worlds and PostgreSQL behind it start on first
 * use and stop at the end of the run.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    services: string;
  }
}

// One hub per run: each test project runs this setup, in the same main process.
const HUB = Symbol.for('chaintrail.test.services');
type Slot = { hub: ReturnType<typeof startServiceHub>; users: number };
const slots = globalThis as unknown as Record<typeof HUB, Slot | undefined>;

export default async function setup(project: TestProject) {
  const slot = (slots[HUB] ??= { hub: startServiceHub(), users: 0 });
  slot.users++;
  project.provide('services', (await slot.hub).url);
  return async () => {
    if (--slot.users > 0) return;
    slots[HUB] = undefined;
    await (await slot.hub).close();
  };
}
