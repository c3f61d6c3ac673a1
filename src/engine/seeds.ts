import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';
import { InvalidInputError } from '../core/errors.js';
import { transferId, type AccountTransfer } from '../core/movement.js';
import { formatUnits } from '../core/asset.js';
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
export async function resolveSeed(
  seed: Seed,
  adapters: readonly ChainAdapter[],
  window: { from?: number; to?: number },
  signal?: AbortSignal,
): Promise<ResolvedSeed> {
  const chain = getChain(seed.chain);
  const adapter = adapterFor(adapters, chain.id);
  if (chain.family === 'utxo') {
    throw new InvalidInputError(`Seeds on ${chain.id} need UTXO tracing, which this build does not include yet`, { details: { chain: chain.id } });
  }
  if ('tx' in seed) {
    const result = await adapter.getTransaction(chain.id, seed.tx, { signal });
    return { seed, kind: 'tx', transfers: pickSeedMovements(chain.id, seed.tx, seed.index, result.transfers) };
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

/** The number a seed `TX:N` names a movement by: -1 the transaction's own value, else its (event) log index. */
export function seedIndexOf(t: AccountTransfer): number {
  return t.type === 'native' ? -1 : (t.eventIndex ?? t.logIndex);
}

/**
 * The movements of a seed transaction that `index` names (all of them when absent), spam excepted. A number that
 * names nothing, or only spam, is an error that lists what the transaction holds.
 */
export function pickSeedMovements(chain: string, tx: string, index: number | undefined, movements: readonly AccountTransfer[]): AccountTransfer[] {
  const named = movements.filter((t) => index === undefined || seedIndexOf(t) === index || t.logIndex === index);
  const traceable = named.filter((t) => !spamReason(t));
  if (traceable.length > 0) return traceable;
  const where = index === undefined ? `Seed transaction ${tx}` : `Seed ${tx}:${index === -1 ? 'native' : index}`;
  const why =
    named.length > 0
      ? `moves no traceable value (${[...new Set(named.map((t) => spamReason(t)))].join(', ')})`
      : index === undefined
        ? 'moves no traceable value'
        : `names no movement of that transaction`;
  throw new InvalidInputError(`${where} on ${chain} ${why}; ${describeMovements(movements)}`, {
    details: {
      chain,
      tx,
      ...(index !== undefined ? { index } : {}),
      holds: movements.map((t) => ({ index: seedIndexOf(t), type: t.type, amount: t.amount.toString() })),
    },
  });
}

/** What a transaction holds, one short item per movement, as seed numbers: for an error a person can act on. */
function describeMovements(movements: readonly AccountTransfer[]): string {
  if (movements.length === 0) return 'the source lists no value movement in it';
  const shown = movements.slice(0, 8).map((t) => {
    const n = seedIndexOf(t);
    const what = t.type === 'native' ? 'native value' : t.type === 'internal' ? 'internal transfer' : 'token transfer';
    return `${n === -1 ? 'TX:native' : `TX:${n}`} ${what} of ${formatUnits(t.amount, t.asset.decimals)} ${t.asset.symbol || t.asset.contract || ''}`.trimEnd();
  });
  return `it holds ${shown.join(', ')}${movements.length > 8 ? ` and ${movements.length - 8} more` : ''}`;
}
