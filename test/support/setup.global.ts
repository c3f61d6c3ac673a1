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

export default async function setup(project: TestProject) {
  const hub = await startServiceHub();
  project.provide('services', hub.url);
  return () => hub.close();
}
