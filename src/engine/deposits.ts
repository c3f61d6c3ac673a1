import type { Label } from '../core/schema.js';
import type { LabelStore } from '../labels/store.js';
import { classifyByLabel } from '../heuristics/classify.js';
import { inferDepositAddress, withinDustShare, type DepositEvidence, type DepositMovement, type DepositRule } from '../heuristics/deposit.js';
import type { FlowNode, FlowTransfer, TaintFlow } from './flow.js';
import { nodeKey, splitNodeKey } from './state.js';

/** An unlabeled address the trace found to be an exchange's deposit address, and the evidence per asset key. */
export interface DepositInference {
  label: Label;
  /** Node keys of the exchange wallets it swept into. */
  sweptTo: Set<string>;
  evidence: ReadonlyMap<string, DepositEvidence>;
}

/**
 * Expanded, unlabeled addresses whose outflows all (or all but dust) go to one exchange's labeled wallets: the
 * engine read every movement of an expanded address in the window, so its sweeps are known however late they came.
 * An address at the hop limit is not expanded, so its sweeps are not read (it stays a `hop-limit` endpoint).
 */
export function inferDeposits(
  flow: TaintFlow,
  expanded: ReadonlySet<string>,
  labels: LabelStore | undefined,
  rule: DepositRule,
): Map<string, DepositInference> {
  const deposits = new Map<string, DepositInference>();
  if (!labels) return deposits;
  // The exchange label of each recipient, looked up once per address.
  const exchanges = new Map<FlowNode, Label | null>();
  const exchangeOf = (node: FlowNode): Label | undefined => {
    let label = exchanges.get(node);
    if (label === undefined) {
      const { chain, address } = splitNodeKey(node.key);
      const terminal = classifyByLabel(labels, chain, address);
      exchanges.set(node, (label = terminal?.kind === 'exchange' ? terminal.label : null));
    }
    return label ?? undefined;
  };
  // (Keys in any order: the result is looked up, never listed.)
  for (const key of expanded) {
    const node = flow.lookup(key);
    if (!node) continue;
    const events = flow.movementsOf(node);
    if (!mayBeDeposit(node, events, exchangeOf, rule)) continue;
    const { chain, address } = splitNodeKey(key);
    if (labels.get(chain, address)) continue;
    const inflows: DepositMovement[] = [];
    const outflows: DepositMovement[] = [];
    const walletLabels = new Map<string, Label>();
    for (const e of events) {
      if (e.t.amount === 0n || e.fromNode === e.toNode) continue;
      if (e.toNode === node) inflows.push({ t: e.t, asset: e.asset });
      else {
        const label = exchangeOf(e.toNode);
        if (label) walletLabels.set(e.t.to, label);
        outflows.push({ t: e.t, asset: e.asset, exchange: label?.entity });
      }
    }
    const taintedAssets = new Set(flow.receivedBy(node).flatMap(([asset, v]) => (v > 0n ? [asset] : [])));
    const decision = inferDepositAddress({ inflows, outflows, taintedAssets }, rule);
    if (!decision) continue;
    deposits.set(key, {
      label: walletLabels.get(decision.wallets[0]!)!,
      sweptTo: new Set(decision.wallets.map((w) => nodeKey(chain, w))),
      evidence: decision.evidence,
    });
  }
  return deposits;
}

/**
 * A quick look before the evidence is collected: most addresses never pay an exchange, or pay someone else more
 * than dust at their first payment elsewhere, and are passed over after a label lookup or two.
 */
function mayBeDeposit(node: FlowNode, events: readonly FlowTransfer[], exchangeOf: (n: FlowNode) => Label | undefined, rule: DepositRule): boolean {
  let paysExchange = false;
  for (const e of events) {
    if (e.fromNode !== node || e.toNode === node || e.t.amount === 0n) continue;
    if (exchangeOf(e.toNode)) paysExchange = true;
    // (Native value passed on may be gas money: the heuristic weighs it.)
    else if (
      e.t.asset.kind !== 'native' &&
      e.t.amount >= (rule.minValue?.get(e.asset) ?? 0n) &&
      !withinDustShare(e.t.amount, receivedOf(node, events, e.asset), rule)
    )
      return false;
  }
  return paysExchange;
}

function receivedOf(node: FlowNode, events: readonly FlowTransfer[], asset: string): bigint {
  let sum = 0n;
  for (const e of events) if (e.toNode === node && e.fromNode !== node && e.asset === asset) sum += e.t.amount;
  return sum;
}
