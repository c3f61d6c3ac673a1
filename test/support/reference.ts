import { fileURLToPath } from 'node:url';

/** The vendored real public data (fixtures/reference, each dataset with its licence), resolved from this file, not the cwd. */
export function referencePath(...parts: string[]): string {
  return fileURLToPath(new URL(['../../fixtures/reference', ...parts].join('/'), import.meta.url));
}
