import { NodeFlag } from './node-marks.js';
import { formatUnits } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import type { AccountTransfer } from '../core/movement.js';
import type { AssetRef } from '../core/schema.js';
import type { BoxData } from './conversions.js';
import type { Box, FlowNode, FlowTransfer } from './flow-table.js';
import { assetKeyOf, assetKind, guard, terminalOf, traceAsset, type RunState } from './run-state.js';
import { adapterFor } from './sources.js';

/**
 * Transaction-level flow (issue #20): a contract is never expanded as an account. When taint enters a contract, the
 * transactions it entered by are read whole (every value movement, one batched call per round and chain), each
 * becomes a box in the flow (src/engine/flow.ts) and the box rule (src/taint/transaction.ts) decides what its
 * outputs carry. Which addresses are contracts comes from the source (`getContracts`), never from degree.
 */

/** Whether the chain's source reads whole transactions and knows contracts; without both, contracts stay accounts. */
function readsTransactions(state: RunState, chain: string): boolean {
  const a = adapterFor(state.adapters, chain);
  return a.getContracts !== undefined && a.getTransactionMovements !== undefined;
}

/** Asks the sources which of `nodes` (not asked before, not expanded) hold code, in one batched call per chain. */
export async function checkContracts(state: RunState, nodes: Iterable<FlowNode>): Promise<void> {
  const { flow, marks } = state;
  // Each node once, by its mark (set as it is taken: no set of them); an expanded node's source told already.
  const unknown: FlowNode[] = [];
  for (const n of nodes) {
    if (n.expanded || marks.has(n, NodeFlag.ContractAsked)) continue;
    marks.add(n, NodeFlag.ContractAsked);
    unknown.push(n);
  }
  for (const [chain, list] of groupBy(unknown, (n) => n.chain)) {
    if (!readsTransactions(state, chain)) {
      const kind = adapterFor(state.adapters, chain).kind;
      state.boxNotes.add(
        `the ${kind} source of ${chain} cannot read whole transactions or tell contracts: contracts there are followed as accounts (swaps are not seen through)`,
      );
      continue;
    }
    const addresses = list.map((n) => n.address);
    const adapter = adapterFor(state.adapters, chain);
    const found = await guard(state, () => adapter.getContracts!(chain, addresses, { signal: state.run.signal }));
    for (const n of list) if (found.has(n.address)) flow.markContract(n);
  }
}

/**
 * Reads the transactions taint entered `contracts` by and that are not boxes yet, and adds them to the flow as
 * boxes. False when there was none to read.
 */
export async function readBoxes(state: RunState, contracts: readonly FlowNode[]): Promise<boolean> {
  const { flow, boxedTxs } = state;
  const pending = new Map<string, string[]>();
  for (const node of contracts) {
    for (const e of flow.taintedInflows(node)) {
      const key = `${e.t.chain}|${e.t.tx}`;
      if (boxedTxs.has(key)) continue;
      boxedTxs.add(key);
      const list = pending.get(e.t.chain);
      if (list) list.push(e.t.tx);
      else pending.set(e.t.chain, [e.t.tx]);
    }
  }
  for (const [chain, hashes] of [...pending].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const adapter = adapterFor(state.adapters, chain);
    const answer = await guard(state, () => adapter.getTransactionMovements!(chain, hashes, { signal: state.run.signal }));
    for (const note of answer.notes) state.boxNotes.add(note);
    if (!answer.internalVisible) for (const tx of hashes) state.blindTxs.add(`${chain}|${tx}`);
    const ends = answer.movements.flatMap((t) => [flow.node(chain, t.from), flow.node(chain, t.to)]);
    await checkContracts(state, ends);
    const byTx = groupBy(answer.movements, (t) => t.tx);
    for (const tx of hashes) addBox(state, chain, tx, byTx.get(tx) ?? []);
  }
  return pending.size > 0;
}

/** One transaction as a box: its movements in the flow (zero-value and look-alike ones left out) and its contracts. */
function addBox(state: RunState, chain: string, tx: string, movements: readonly AccountTransfer[]): void {
  const { flow } = state;
  const members: FlowTransfer[] = [];
  for (const t of movements) {
    const kind = assetKind(state, t.asset);
    if (t.amount === 0n || kind.lookalike) continue;
    if (!state.assetRefs.has(kind.key)) state.assetRefs.set(kind.key, t.asset);
    members.push(flow.add(t, kind.key) ?? flow.find(t)!);
  }
  // Labeled services that stop a branch (a bridge, a mixer, an exchange) receive from the box: they are not in it.
  const contracts = new Set<string>();
  for (const m of members) {
    for (const node of [m.fromNode, m.toNode]) if (node.contract && !terminalOf(state, node)) contracts.add(node.address);
  }
  flow.addBox(chain, tx, members, contracts);
}

/** Traces the assets taint reached `node` in that are not traced yet (a conversion's output): their movements are followed. */
export function traceNewAssets(state: RunState, node: FlowNode): void {
  if (state.assetRefs.size === 0) return;
  for (const [key, v] of state.flow.receivedBy(node)) {
    const ref = state.assetRefs.get(key);
    if (v > 0n && ref && !state.assets.has(key)) traceAsset(state, key, ref);
  }
}

/** An expanded address that now holds taint in an asset traced after it was fetched is fetched again for it. */
export function noteRefetch(state: RunState, node: FlowNode): void {
  const { chain } = node;
  const traced = state.assetsByChain.get(chain) ?? [];
  const fetched = state.fetchedAssets.get(node) ?? traced.length;
  if (fetched >= traced.length) return;
  const newer = new Set(traced.slice(fetched).map(assetKeyOf));
  if (state.flow.receivedBy(node).some(([key, v]) => v > 0n && newer.has(key))) state.refetch.add(node);
}

export const BLIND_BOX =
  'native value that contracts moved inside this transaction (internal calls) was not visible from the source: an output paid that way is missing here, and what it carried stays with the contracts';

/**
 * What the rule could not say simply, in the report's words (amounts in units, symbols): several tainted assets,
 * clean inputs in another asset, taint the contracts kept.
 */
function describeBox(box: Box, refOf: (key: string) => AssetRef): string[] {
  const result = box.result!;
  const share = result.share!;
  const units = (v: bigint, key: string) => `${formatUnits(v, refOf(key).decimals)} ${refOf(key).symbol}`;
  const inputs = box.movements.filter((m) => !box.contracts.has(m.t.from) && box.contracts.has(m.t.to));
  const tainted = [...new Set(inputs.filter((m) => m.taint > 0n).map((m) => m.asset))].sort();
  const clean = [...new Set(inputs.map((m) => m.asset))].filter((a) => !tainted.includes(a)).sort();
  const chosen = tainted.find((a) => {
    const rows = inputs.filter((m) => m.asset === a);
    return rows.reduce((s, m) => s + m.taint, 0n) === share.tainted && rows.reduce((s, m) => s + m.t.amount, 0n) === share.total;
  });
  const notes: string[] = [];
  const percent = Number((share.tainted * 10_000n) / share.total) / 100;
  if (tainted.length > 1) {
    notes.push(
      `taint enters in ${tainted.length} assets (${tainted.map((a) => refOf(a).symbol).join(', ')}): no single price relates them; the smallest share, ${percent} % of the ${refOf(chosen ?? tainted[0]!).symbol} input, applies to every output`,
    );
  }
  if (clean.length > 0 && chosen) {
    notes.push(`clean input in ${clean.map((a) => refOf(a).symbol).join(', ')} does not dilute the share: no price relates it to ${refOf(chosen).symbol}`);
  }
  for (const [asset, kept] of result.kept)
    notes.push(`the contracts keep ${units(kept, asset)} of the tainted input; it is not followed (a 'contract' endpoint)`);
  return notes;
}

/** The boxes taint entered, as the outcome reports them, chronologically. */
export function boxData(state: RunState): BoxData[] {
  const refOf = (key: string): AssetRef => state.assets.get(key) ?? state.assetRefs.get(key)!;
  const out: BoxData[] = [];
  for (const box of state.flow.boxes()) {
    const result = box.result;
    if (!result?.share) continue;
    const first = box.movements[0]!.t;
    const inside = (a: string) => box.contracts.has(a);
    out.push({
      chain: box.chain,
      tx: box.tx,
      block: first.block,
      time: first.time,
      contracts: result.contracts,
      inputs: box.movements.filter((m) => m.taint > 0n && !inside(m.t.from) && inside(m.t.to)),
      outputs: box.movements.filter((m) => m.taint > 0n && inside(m.t.from) && !inside(m.t.to)),
      conversions: result.conversions.map((c) => ({
        assetIn: refOf(c.assetIn),
        taintedIn: c.taintedIn,
        totalIn: c.totalIn,
        assetOut: refOf(c.assetOut),
        amountOut: c.amountOut,
        taintedOut: c.taintedOut,
      })),
      kept: result.kept,
      produced: result.produced,
      notes: [...describeBox(box, refOf), ...(state.blindTxs.has(`${box.chain}|${box.tx}`) ? [BLIND_BOX] : [])],
    });
  }
  return out.sort((a, b) => a.time - b.time || a.block - b.block || (a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0));
}
