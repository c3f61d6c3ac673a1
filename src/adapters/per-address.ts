import { sortChronologically, transferId, type AccountTransfer } from '../core/movement.js';
import type { TransferResult } from './adapter.js';

/** One address's answer: its movements and whether the source had more than it returned. */
export interface AddressList {
  address: string;
  list: AccountTransfer[];
  truncated: boolean;
}

/**
 * Explorer sources read an address through several lists (normal, internal, token …): merged in time order and cut
 * at `limit`, a list that stopped early or a cut makes the address truncated (reported, never dropped silently).
 */
export function mergeStreams(address: string, streams: readonly { transfers: AccountTransfer[]; complete: boolean }[], limit: number | undefined): AddressList {
  let list = sortChronologically(
    streams.flatMap((r) => r.transfers),
    (t) => t,
  );
  let truncated = streams.some((r) => !r.complete);
  if (limit !== undefined && list.length > limit) {
    list = list.slice(0, limit);
    truncated = true;
  }
  return { address, list, truncated };
}

/** Per-address answers as one result: a movement between two asked addresses appears once. */
export function combineAddressLists(perAddress: readonly AddressList[]): TransferResult {
  const unique = new Map<string, AccountTransfer>();
  for (const { list } of perAddress) for (const t of list) unique.set(transferId(t), t);
  return { transfers: sortChronologically([...unique.values()], (t) => t), truncated: perAddress.filter((p) => p.truncated).map((p) => p.address) };
}

/**
 * Runs a fan-out's requests together: the first to fail aborts the others (instead of letting them run to no
 * purpose) and its error is thrown. `outer` aborts them all.
 */
export async function linkedAll<T>(tasks: Array<(signal: AbortSignal) => Promise<T>>, outer?: AbortSignal): Promise<T[]> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  try {
    return await Promise.all(tasks.map((t) => t(signal)));
  } catch (error) {
    controller.abort(new Error('a sibling request failed'));
    throw error;
  }
}
