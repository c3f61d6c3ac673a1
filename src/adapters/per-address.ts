import { sortChronologically, transferId, type AccountTransfer } from '../core/movement.js';
import type { TransferQuery, TransferResult } from './adapter.js';

/** Whether a list read so far is enough to stop reading (the list is then cut, and says so). */
export type EnoughRead = (sofar: readonly AccountTransfer[]) => boolean;

/**
 * When to stop reading `address`'s list: past the query's `maxPerAddress` movements, or once it has paid more than
 * `maxPayees` different addresses (the engine tells a hub from what it paid; the rest of its list decides nothing).
 * Undefined: read it whole.
 */
export function enoughRead(address: string, q: Pick<TransferQuery, 'maxPerAddress' | 'maxPayees'>): EnoughRead | undefined {
  const { maxPerAddress: most, maxPayees } = q;
  if (most === undefined && maxPayees === undefined) return undefined;
  // One per address, shared by the lists it is read through (normal, internal, token …): a hub that pays some
  // addresses in one asset and others in another is told by all it paid, not by the longest list alone.
  const payees = new Set<string>();
  return (sofar) => (most !== undefined && sofar.length > most) || (maxPayees !== undefined && paidMoreThan(sofar, address, maxPayees, payees));
}

/** Whether `address` paid more than `n` different addresses (itself not counted), in `list` and those seen before. */
function paidMoreThan(list: readonly AccountTransfer[], address: string, n: number, payees: Set<string>): boolean {
  for (const t of list) {
    if (t.from !== address || t.to === address) continue;
    payees.add(t.to);
    if (payees.size > n) return true;
  }
  return payees.size > n;
}

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
