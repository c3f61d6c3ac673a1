import { MissingDependencyError } from './errors.js';

/**
 * Optional peer packages: installed by the user only for the feature that needs them, loaded on first use, never
 * by importing chaintrail. The range is what `npm install` is told to fetch.
 */
export const OPTIONAL_PACKAGES = {
  '@duckdb/node-api': { range: '^1.5.6-r.1', feature: 'the DuckDB warehouse source' },
  '@google-cloud/bigquery': { range: '^8.3.1', feature: 'the BigQuery warehouse source' },
  'better-sqlite3': { range: '^12.11.1', feature: 'the SQLite case database' },
  pg: { range: '^8.23.1', feature: 'the PostgreSQL case database' },
  sigma: { range: '^4.0.4', feature: 'the HTML report' },
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** The one-line error for an optional package that is absent (or present but failing to load). */
export function missingDependency(name: OptionalPackage, cause: unknown): MissingDependencyError {
  const { feature } = OPTIONAL_PACKAGES[name];
  const major = OPTIONAL_PACKAGES[name].range.replace(/^\^/, '').split('.')[0];
  const install = `npm install ${name}@${major}`;
  const code = (cause as { code?: unknown } | null)?.code;
  const absent = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((cause as Error).message).includes(name);
  const message = absent
    ? `${feature} needs the optional package ${name}, which is not installed: run \`${install}\``
    : `${feature} needs the optional package ${name}, which is installed but failed to load (${firstLine(cause)}): reinstall it with \`${install}\``;
  return new MissingDependencyError(message, { cause, details: { package: name, install } });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.slice(0, 200);
}

/**
 * Loads an optional package through `load` (a literal `import('…')`, so types and bundlers see it) and turns a
 * failure into a MissingDependencyError naming the package to install.
 */
export async function importOptional<T>(name: OptionalPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw missingDependency(name, error);
  }
}
