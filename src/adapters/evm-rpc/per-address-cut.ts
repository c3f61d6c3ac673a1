import { sortChronologically, transferId, type AccountTransfer } from '../../core/movement.js';
import type { TransferResult } from '../adapter.js';

/**
 * The `maxPerAddress` cut of one query: movements are counted per requested side while the lists are scanned, so
 * an address past the limit stops costing requests; `finish` applies the cut to the result.
 */
export function createCut(requested: ReadonlySet<string>, maxPerAddress: number | undefined) {
  const limit = maxPerAddress ?? Number.POSITIVE_INFINITY;
  const counts = new Map<string, number>();
  const cut = new Set<string>();
  /** Counts one movement per side given; returns the addresses that just went past the limit. */
  const tally = (sides: Iterable<string>): string[] => {
    const newly: string[] = [];
    for (const a of sides) {
      if (!requested.has(a)) continue;
      const n = (counts.get(a) ?? 0) + 1;
      counts.set(a, n);
      if (n > limit && !cut.has(a)) {
        cut.add(a);
        newly.push(a);
      }
    }
    return newly;
  };
  return { tally, finish: (found: AccountTransfer[], directions: readonly ('in' | 'out')[]) => finish(found, requested, directions, limit, cut) };
}

/** Dedupes (a movement between two requested addresses is found from both sides), orders, and applies the cut. */
function finish(
  found: AccountTransfer[],
  requested: ReadonlySet<string>,
  directions: readonly ('in' | 'out')[],
  limit: number,
  cut: Set<string>,
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
  // A cut address's partial list is dropped: only movements of complete addresses are returned.
  const transfers = sorted.filter((t) => (out && requested.has(t.from) && !cut.has(t.from)) || (inn && requested.has(t.to) && !cut.has(t.to)));
  return { transfers, truncated: [...cut].sort() };
}
