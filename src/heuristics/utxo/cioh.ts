import { groupBy } from '../../core/group.js';
import type { UtxoTransaction } from '../../core/movement.js';
import type { Label } from '../../core/schema.js';
import { detectCoinJoin } from './coinjoin.js';
import type { HeuristicResult } from './result.js';

/** What `commonInputOwnership` returns: `same-owner` with the co-spent addresses, or `not-applicable` (none). */
export interface CoSpendResult extends HeuristicResult<'same-owner' | 'not-applicable'> {
  /** The distinct input addresses, sorted, when they are taken to share one owner. */
  addresses: string[];
}

/**
 * Common-input ownership: the addresses spent together in one transaction are taken to share an owner, because
 * signing all inputs needs all their keys. Never across a CoinJoin, where many owners sign one transaction.
 */
export function commonInputOwnership(tx: UtxoTransaction): CoSpendResult {
  const addresses = [...new Set(tx.inputs.map((i) => i.address).filter((a): a is string => a !== null))].sort();
  if (tx.coinbase || addresses.length < 2) {
    return { decision: 'not-applicable', reason: 'fewer than two input addresses', confidence: 0, addresses: [] };
  }
  const coinjoin = detectCoinJoin(tx);
  if (coinjoin.decision === 'coinjoin') {
    return { decision: 'not-applicable', reason: `co-spending in a CoinJoin proves nothing: ${coinjoin.reason}`, confidence: 0, addresses: [] };
  }
  return { decision: 'same-owner', reason: `${addresses.length} addresses spent together in ${tx.txid}`, confidence: 0.8, addresses };
}

/**
 * A label `carryLabels` gave an unlabeled address: the cluster's label re-addressed, confidence × 0.9, source
 * `cioh:<source>`, with the labeled address it came from and a transaction joining them.
 */
export interface CarriedLabel {
  label: Label;
  /** The labeled address the label came from. */
  from: string;
  /** A transaction that joined the two (the first in the cluster's order). */
  via: string;
}

/**
 * Carries labels to co-spent addresses: clusters addresses by common inputs (union-find over the transactions,
 * CoinJoins skipped) and gives every unlabeled address of a cluster the label of its one labeled entity, with
 * confidence × 0.9 and source `cioh:<source>`. A cluster holding two different entities carries nothing: that
 * is a conflict (or a CoinJoin this code did not recognize), not a reason to guess.
 */
export function carryLabels(
  txs: readonly UtxoTransaction[],
  labelOf: (address: string) => Label | undefined,
): { carried: Map<string, CarriedLabel>; conflicts: { addresses: string[]; entities: string[] }[] } {
  const parent = new Map<string, string>();
  const via = new Map<string, string>();
  const find = (a: string): string => {
    let root = a;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(a, root);
    return root;
  };
  const ordered = [...txs].sort((a, b) => (a.block ?? Infinity) - (b.block ?? Infinity) || (a.txid < b.txid ? -1 : 1));
  for (const tx of ordered) {
    const { decision, addresses } = commonInputOwnership(tx);
    if (decision !== 'same-owner') continue;
    for (const a of addresses) {
      if (!parent.has(a)) parent.set(a, a);
      if (!via.has(a)) via.set(a, tx.txid);
    }
    const root = find(addresses[0]!);
    for (const a of addresses.slice(1)) {
      const other = find(a);
      if (other !== root) parent.set(other, root);
    }
  }
  const clusters = groupBy([...parent.keys()].sort(), find);
  const carried = new Map<string, CarriedLabel>();
  const conflicts: { addresses: string[]; entities: string[] }[] = [];
  for (const members of clusters.values()) {
    const labeled = members.map((a) => ({ a, label: labelOf(a) })).filter((x): x is { a: string; label: Label } => x.label !== undefined);
    const entities = [...new Set(labeled.map((x) => x.label.entity))].sort();
    if (entities.length === 0) continue;
    if (entities.length > 1) {
      conflicts.push({ addresses: members, entities });
      continue;
    }
    const source = labeled[0]!;
    for (const a of members) {
      if (labelOf(a)) continue;
      carried.set(a, {
        label: { ...source.label, address: a, confidence: source.label.confidence * 0.9, source: `cioh:${source.label.source}` },
        from: source.a,
        via: via.get(a) ?? '',
      });
    }
  }
  return { carried, conflicts };
}
