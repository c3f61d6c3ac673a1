import { sortChronologically, transferId, type AccountTransfer } from '../../core/movement.js';
import type { TransferResult } from '../adapter.js';

/** One movement as the cut counts it: the requested address on the side scanned, and (scanning outflows) whom it paid. */
export type CutSide = readonly [address: string, paid?: string];

/**
 * The cut of one query: movements are counted per requested side while the lists are scanned, and the addresses each
 * paid, so an address past `maxPerAddress` movements, or that paid more than `maxPayees` different addresses, stops
 * costing requests; `finish` applies the cut to the result.
 */
export function createCut(requested: ReadonlySet<string>, limits: { maxPerAddress?: number | undefined; maxPayees?: number | undefined }) {
  const limit = limits.maxPerAddress ?? Number.POSITIVE_INFINITY;
  const payeeLimit = limits.maxPayees ?? Number.POSITIVE_INFINITY;
  const counts = new Map<string, number>();
  const payees = new Map<string, Set<string>>();
  const cut = new Set<string>();
  // Cut for what they paid: their partial lists are returned, so the engine sees the payees that make them hubs.
  const hubs = new Set<string>();
  /**
   * Counts one movement per side given; returns every address cut so far, by any scan of the query: a hub cut on its
   * out side is no longer asked for on its in side either (its partial lists already show what it is).
   */
  const tally = (sides: Iterable<CutSide>): ReadonlySet<string> => {
    for (const [a, paid] of sides) {
      if (!requested.has(a)) continue;
      const n = (counts.get(a) ?? 0) + 1;
      counts.set(a, n);
      let hub = false;
      if (paid !== undefined && paid !== a && payeeLimit !== Number.POSITIVE_INFINITY) {
        let set = payees.get(a);
        if (!set) payees.set(a, (set = new Set()));
        set.add(paid);
        hub = set.size > payeeLimit;
      }
      if ((n > limit || hub) && !cut.has(a)) {
        cut.add(a);
        if (hub) hubs.add(a);
      }
    }
    return cut;
  };
  return {
    tally,
    finish: (found: AccountTransfer[], directions: readonly ('in' | 'out')[]) => finish(found, requested, directions, limit, cut, hubs),
  };
}

/** Dedupes (a movement between two requested addresses is found from both sides), orders, and applies the cut. */
function finish(
  found: AccountTransfer[],
  requested: ReadonlySet<string>,
  directions: readonly ('in' | 'out')[],
  limit: number,
  cut: Set<string>,
  hubs: ReadonlySet<string>,
): TransferResult {
  const unique = new Map<string, AccountTransfer>();
  for (const t of found) unique.set(transferId(t), t);
  const sorted = sortChronologically([...unique.values()], (t) => t);
  const out = directions.includes('out');
  const inn = directions.includes('in');
  const counts = new Map<string, number>();
  for (const t of sorted) {
    if (out && requested.has(t.from)) counts.set(t.from, (counts.get(t.from) ?? 0) + 1);
    if (inn && requested.has(t.to) && !(out && t.from === t.to)) counts.set(t.to, (counts.get(t.to) ?? 0) + 1);
  }
  for (const [a, n] of counts) if (n > limit) cut.add(a);
  // A list cut for its length is dropped: only movements of complete addresses are returned, and of hubs (cut for
  // what they paid), whose partial lists show it.
  const kept = (a: string) => !cut.has(a) || hubs.has(a);
  const transfers = sorted.filter((t) => (out && requested.has(t.from) && kept(t.from)) || (inn && requested.has(t.to) && kept(t.to)));
  return { transfers, truncated: [...cut].sort() };
}
