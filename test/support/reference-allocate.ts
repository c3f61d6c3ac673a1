import { transferId } from '../../src/core/movement.js';
import { createLedger, type Ledger, type LedgerModelName } from '../../src/taint/ledger.js';
import type { Allocation, TaintedEdge } from '../../src/engine/allocate.js';
import type { TracedTransfer } from '../../src/engine/state.js';

/*
 * The definition the engine's incremental TaintFlow must equal: one chronological replay of every movement through
 * the ledgers of the expanded addresses. Kept as the test oracle (it was the engine's allocator before the
 * incremental one), deliberately simple.
 */
/**
 * Replays every fetched movement in time order through per-address ledgers. Only expanded addresses have a ledger
 * (their in- and outflows are complete in the window); anything sent to another address stays there as held taint.
 * Pure and deterministic: same inputs, same allocation.
 */
export function referenceAllocate(
  transfers: readonly TracedTransfer[],
  seedTransfers: ReadonlySet<string>,
  expanded: ReadonlySet<string>,
  model: LedgerModelName,
  seedNodes: ReadonlySet<string>,
): Allocation {
  // Ledgers per asset, then per node: lookups reuse the transfers' own key strings (their hashes are cached), so
  // the replay builds no composite key per movement. `created` keeps creation order for a deterministic `held`.
  const ledgers = new Map<string, Map<string, Ledger>>();
  const created: { node: string; asset: string; ledger: Ledger }[] = [];
  const leafHeld = new Map<string, Map<string, bigint>>();
  const fees = new Map<string, bigint>();
  const overlap = new Map<string, bigint>();
  const edges: TaintedEdge[] = [];
  let lastAsset: string | undefined;
  let lastLedgers: Map<string, Ledger> | undefined;
  const ledgerOf = (node: string, asset: string): Ledger => {
    if (asset !== lastAsset || !lastLedgers) {
      lastAsset = asset;
      lastLedgers = ledgers.get(asset);
      if (!lastLedgers) ledgers.set(asset, (lastLedgers = new Map()));
    }
    let ledger = lastLedgers.get(node);
    if (!ledger) {
      lastLedgers.set(node, (ledger = createLedger(model)));
      created.push({ node, asset, ledger });
    }
    return ledger;
  };
  const add = (map: Map<string, bigint>, key: string, value: bigint) => map.set(key, (map.get(key) ?? 0n) + value);

  for (let i = 0; i < transfers.length; i++) {
    const tr = transfers[i]!;
    const t = tr.t;
    const amount = t.amount;
    let taint = 0n;
    if (expanded.has(tr.from)) {
      const ledger = ledgerOf(tr.from, tr.asset);
      taint = ledger.withdraw(amount);
      if (t.fee && t.asset.kind === 'native') {
        const feeTaint = ledger.withdraw(t.fee);
        if (feeTaint > 0n) add(fees, tr.asset, feeTaint);
      }
    }
    if (seedTransfers.has(transferId(tr.t))) {
      if (taint > 0n) add(overlap, tr.asset, taint);
      taint = amount;
    }
    if (expanded.has(tr.to)) ledgerOf(tr.to, tr.asset).deposit(amount, taint);
    else if (taint > 0n) {
      let m = leafHeld.get(tr.to);
      if (!m) leafHeld.set(tr.to, (m = new Map()));
      add(m, tr.asset, taint);
    }
    if (taint > 0n) edges.push({ transfer: tr, taint });
  }

  const held = leafHeld;
  for (const { node, asset, ledger } of created) {
    if (ledger.taint === 0n) continue;
    let m = held.get(node);
    if (!m) held.set(node, (m = new Map()));
    m.set(asset, ledger.taint);
  }

  const { hops, via } = shortestHops(edges, seedNodes);
  return { edges, edgeCount: edges.length, held, fees, overlap, hops, via };
}

/** Breadth-first over tainted edges from the seed recipients; ties go to the earliest edge. */
function shortestHops(edges: readonly TaintedEdge[], seedNodes: ReadonlySet<string>) {
  const out = new Map<string, TaintedEdge[]>();
  for (const e of edges) {
    const list = out.get(e.transfer.from);
    if (list) list.push(e);
    else out.set(e.transfer.from, [e]);
  }
  const hops = new Map<string, number>();
  const via = new Map<string, TaintedEdge>();
  let frontier = [...seedNodes].sort();
  for (const n of frontier) hops.set(n, 0);
  for (let hop = 1; frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const e of out.get(node) ?? []) {
        if (hops.has(e.transfer.to)) continue;
        hops.set(e.transfer.to, hop);
        via.set(e.transfer.to, e);
        next.push(e.transfer.to);
      }
    }
    frontier = next;
  }
  return { hops, via };
}
