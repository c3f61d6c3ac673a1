import { transferId, type AccountTransfer } from '../core/movement.js';
import type { LedgerModelName } from '../taint/ledger.js';
import type { TaintedEdge } from './allocate.js';
import type { BridgeHandover } from './bridge-continuation.js';

/** The victim payment (seed movement) a part of the taint came from; `undefined` = not attributable (see below). */
export type SeedKey = AccountTransfer | undefined;
/** Taint split by the victim payment it came from; the parts add up exactly to the taint they describe. */
export type SeedVector = Map<SeedKey, bigint>;

/** What the engine's flow records of a movement besides its taint (FlowTransfer has these fields). */
interface FlowFields {
  seed?: bigint | undefined;
  overlap?: bigint;
  feeTaint?: bigint;
}

export interface Attribution {
  /** Per tainted movement: which victim payments its taint came from (sums to the movement's taint). */
  ofEdge(edge: TaintedEdge): SeedVector;
  /** Per node and asset: the split of the taint the node's ledger still holds (expanded nodes). */
  held(node: string, asset: string): SeedVector;
}

/**
 * Splits every tainted movement's taint (as the engine computed it) by the victim payment it came from, replaying the
 * tainted movements once in chronological order with the allocation the taint model makes:
 * - fifo: an outflow's taint comes from the oldest tainted inflows still held (the ledger spends lots in order, so its
 *   taint leaves in the order it arrived);
 * - haircut and poison (taint-first): an outflow's taint comes from every payment in proportion to what the ledger
 *   holds of each at that moment.
 * Parts are whole base units, split by largest remainder (ties to the earlier payment), so they add up exactly to the
 * engine's figure. Taint handed over by a bridge is split like the deposit that left the source chain. Taint the
 * replay cannot place (a fee-only movement the allocation does not list) is kept under `undefined`: reported as not
 * attributed, never given to a payment.
 */
export function attributeTaint(edges: readonly TaintedEdge[], model: LedgerModelName, handovers: readonly BridgeHandover[] = []): Attribution {
  const fifo = model === 'fifo';
  // Per node and asset: lots (fifo) or one pool (pro rata), each a vector.
  const holdings = new Map<string, { list: SeedVector[]; head: number }>();
  const byEdge = new Map<TaintedEdge, SeedVector>();
  const deposits = new Map<string, SeedVector>();
  const continuation = new Map<string, { bridgeNode: string; tx: string }>();
  for (const h of handovers) if (h.continuation) continuation.set(transferId(h.continuation.transfer), { bridgeNode: h.bridgeNode, tx: h.tx });

  const lotsOf = (node: string, asset: string) => {
    const k = `${node}\u0000${asset}`;
    let lots = holdings.get(k);
    if (!lots) holdings.set(k, (lots = { list: [], head: 0 }));
    return lots;
  };
  const take = (node: string, asset: string, amount: bigint): SeedVector => {
    const out: SeedVector = new Map();
    if (amount <= 0n) return out;
    const lots = lotsOf(node, asset);
    let left = amount;
    // fifo: lots from the oldest on; pro rata: the one pool.
    while (left > 0n && lots.head < lots.list.length) {
      const lot = lots.list[lots.head]!;
      const size = total(lot);
      const part = left < size ? left : size;
      const parts = splitVector(lot, part);
      addInto(out, parts);
      if (part === size) {
        lot.clear();
        if (fifo) lots.head++;
      } else subtractFrom(lot, parts);
      left -= part;
      if (!fifo) break;
    }
    if (left > 0n) out.set(undefined, (out.get(undefined) ?? 0n) + left);
    return out;
  };
  const put = (node: string, asset: string, v: SeedVector) => {
    const lots = lotsOf(node, asset);
    if (fifo || lots.list.length === 0) lots.list.push(new Map(v));
    else addInto(lots.list[0]!, v);
  };

  for (const e of edges) {
    const tr = e.transfer as TaintedEdge['transfer'] & FlowFields;
    const from = tr.from;
    let v: SeedVector;
    if (tr.seed !== undefined) {
      // The seed's sender gives up what it already held of taint (overlap) and the fee; the payment is the seed's own.
      take(from, tr.asset, (tr.overlap ?? 0n) + (tr.feeTaint ?? 0n));
      const bridged = continuation.get(transferId(tr.t));
      const source = bridged && deposits.get(`${bridged.bridgeNode}\u0000${bridged.tx}`);
      v = source ? splitVector(source, e.taint) : bridged ? new Map([[undefined, e.taint]]) : new Map([[tr.t, e.taint]]);
    } else {
      v = take(from, tr.asset, e.taint);
      take(from, tr.asset, tr.feeTaint ?? 0n);
    }
    byEdge.set(e, v);
    put(tr.to, tr.asset, v);
    const k = `${tr.to}\u0000${tr.t.tx}`;
    deposits.set(k, addInto(deposits.get(k) ?? new Map(), v));
  }
  return {
    ofEdge: (edge) => byEdge.get(edge) ?? new Map([[undefined, edge.taint]]),
    held: (node, asset) => (holdings.get(`${node}\u0000${asset}`)?.list ?? []).reduce((acc, lot) => addInto(acc, lot), new Map() as SeedVector),
  };
}

export function total(v: SeedVector): bigint {
  let s = 0n;
  for (const x of v.values()) s += x;
  return s;
}

/** Adds `b` into `a` (and returns `a`). */
export function addInto(a: SeedVector, b: SeedVector): SeedVector {
  for (const [k, x] of b) if (x !== 0n) a.set(k, (a.get(k) ?? 0n) + x);
  return a;
}

function subtractFrom(a: SeedVector, b: SeedVector): void {
  for (const [k, x] of b) {
    const rest = (a.get(k) ?? 0n) - x;
    if (rest === 0n) a.delete(k);
    else a.set(k, rest);
  }
}

/**
 * `amount` split in proportion to the parts of `v` (largest remainder; ties to the earlier entry): whole base units
 * that add up to `amount` exactly, none above its part when `amount` <= total(v).
 */
export function splitVector(v: SeedVector, amount: bigint): SeedVector {
  return new Map(splitProRata([...v], amount));
}

/** `amount` split in proportion to the weights, largest remainder first, ties to the earlier entry; sums exactly. */
export function splitProRata<K>(weights: readonly (readonly [K, bigint])[], amount: bigint): [K, bigint][] {
  const sum = weights.reduce((s, [, w]) => s + w, 0n);
  if (sum === 0n) return weights.length > 0 && amount > 0n ? [[weights[0]![0], amount]] : [];
  const parts = weights.map(([k, w], i) => ({ k, i, share: (amount * w) / sum, rem: (amount * w) % sum }));
  let left = amount - parts.reduce((s, p) => s + p.share, 0n);
  for (const p of [...parts].sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1))) {
    if (left === 0n) break;
    p.share += 1n;
    left -= 1n;
  }
  return parts.filter((p) => p.share !== 0n).map((p) => [p.k, p.share]);
}
