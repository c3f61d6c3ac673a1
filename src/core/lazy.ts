import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use, synchronously (its CommonJS build), so that importing chaintrail does not pay
 * for parts a program may never call: ethers' ABI coder, the YAML parser, graphology and its GEXF writer,
 * bitcoinjs-lib.
 * One copy per process for every caller of the same name.
 */
export function lazyPackage<T>(name: string, init?: (loaded: T) => void): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      const module = require(name) as T;
      init?.(module);
      loaded = module;
    }
    return loaded;
  };
}

/** csv-parse's synchronous parser, loaded with the first CSV file read. */
export const csvParser = lazyPackage<typeof import('csv-parse/sync')>('csv-parse/sync');

/**
 * graphology (its CommonJS build), loaded with the first graph built: the trace graph (itself built on first access),
 * a GEXF export, a case link graph.
 */
export const graphology = lazyPackage<typeof import('graphology')>('graphology');
