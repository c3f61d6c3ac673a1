import { getChain } from '../core/chain.js';
import { InvalidInputError } from '../core/errors.js';
import type { ChainAdapter } from '../adapters/adapter.js';

/** The adapter that answers for a chain: the first given that supports it. */
export function adapterFor(adapters: readonly ChainAdapter[], chain: string): ChainAdapter {
  const id = getChain(chain).id;
  const found = adapters.find((a) => a.supports(id));
  if (!found) {
    throw new InvalidInputError(`No data source configured for chain ${id}`, {
      details: { chain: id, sources: adapters.map((a) => a.kind) },
    });
  }
  return found;
}
