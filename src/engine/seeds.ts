import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';
import { InvalidInputError } from '../core/errors.js';
import { transferId, type AccountTransfer } from '../core/movement.js';
import type { Seed } from '../core/schema.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { spamReason } from '../heuristics/spam.js';
import { adapterFor } from './sources.js';

export interface ResolvedSeed {
  seed: Seed;
  kind: 'tx' | 'address';
  transfers: AccountTransfer[];
}

/**
 * A tx seed taints exactly the value that payment moved, at its recipient; an address seed taints everything the
 * address received in its window. Spam (zero-value, look-alike tokens) is never a seed.
 */
export async function resolveSeed(seed: Seed, adapters: readonly ChainAdapter[], window: { from?: number; to?: number }, signal?: AbortSignal): Promise<ResolvedSeed> {
  const chain = getChain(seed.chain);
  const adapter = adapterFor(adapters, chain.id);
  if (chain.family === 'utxo') {
    throw new InvalidInputError(`Seeds on ${chain.id} need UTXO tracing, which this build does not include yet`, { details: { chain: chain.id } });
  }
  if ('tx' in seed) {
    const result = await adapter.getTransaction(chain.id, seed.tx, { signal });
    const candidates = result.transfers.filter((t) => (seed.logIndex === undefined || t.logIndex === seed.logIndex) && !spamReason(t));
    if (candidates.length === 0) {
      throw new InvalidInputError(`Seed transaction ${seed.tx} on ${chain.id} moves no traceable value`, {
        details: { chain: chain.id, tx: seed.tx, logIndex: seed.logIndex },
      });
    }
    return { seed, kind: 'tx', transfers: candidates };
  }
  const address = normalizeAddress(chain.id, seed.address);
  const from = seed.from ?? window.from;
  const to = seed.to ?? window.to;
  const result = await adapter.getTransfers({
    chain: chain.id,
    addresses: [address],
    direction: 'in',
    ...(from !== undefined ? { fromTime: from } : {}),
    ...(to !== undefined ? { toTime: to } : {}),
    ...(signal ? { signal } : {}),
  });
  if (result.truncated.length > 0) {
    throw new InvalidInputError(`Seed address ${seed.address} received more than the source returns in one answer; narrow its window`, {
      details: { chain: chain.id, address },
    });
  }
  const transfers = result.transfers.filter((t) => t.to === address && !spamReason(t));
  if (transfers.length === 0) {
    throw new InvalidInputError(`Seed address ${seed.address} on ${chain.id} received nothing traceable in its window`, {
      details: { chain: chain.id, address, from, to },
    });
  }
  // Deduplicate: a source may return a movement once per matching direction.
  const unique = new Map(transfers.map((t) => [transferId(t), t]));
  return { seed, kind: 'address', transfers: [...unique.values()] };
}
