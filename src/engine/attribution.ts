import { transferId, type AccountTransfer } from '../core/movement.js';
import type { LedgerModelName } from '../taint/ledger.js';
import type { TaintedEdge } from './allocate.js';
import type { BridgeHandover } from './bridge-continuation.js';
import { append } from '../core/lists.js';

/** The victim payment (seed movement) a part of the taint came from; `undefined` = not attributable (see below). */
export type SeedKey = AccountTransfer | undefined;
/** Taint split by the victim payment it came from, in whole base units that add up exactly. */
export type SeedVector = Map<SeedKey, bigint>;
/** The same split while the replay runs: base units as doubles (the shares, not the figures, are what is kept). */
export type SeedWeights = Map<SeedKey, number>;

/** What the engine's flow records of a movement besides its taint (FlowTransfer has these fields). */
interface FlowFields {
  seed?: bigint | undefined;
  overlap?: bigint;
  feeTaint?: bigint;
  /** A movement a box paid out: the box's tainted inputs (src/engine/flow.ts). */
  boxInputs?: readonly TaintedEdge[] | undefined;
  /** Set on every movement of a transaction read as a box. */
  box?: unknown;
}

export interface Attribution {
  /** A kept movement's taint by the payment it came from (movements into or out of the `keep` addresses). */
  ofEdge(edge: TaintedEdge): SeedWeights;
  /** What a `keep` address's ledger still holds, by payment. */
  held(node: string, asset: string): SeedWeights;
}

/**
 * Splits the taint of movements (as the engine computed it) by the victim payment it came from, replaying the
 * tainted movements once in chronological order with the allocation the taint model makes:
 * - fifo: an outflow's taint comes from the oldest tainted inflows still held (the ledger spends lots in order, so its
 *   taint leaves in the order it arrived);
 * - haircut and poison (taint-first): an outflow's taint comes from every payment in proportion to what the ledger
 *   holds of each at that moment.
 * The shares are carried as doubles (relative error ~1e-15); a figure is split exactly, in whole base units, only
 * when it is asked for (`exactSplit`). Taint handed over by a bridge is split like the deposit that left the source
 * chain. Taint the replay cannot place (an outflow beyond what it saw arrive, e.g. a fee-only movement the
 * allocation does not list) is kept under `undefined`: reported as not attributed, never given to a payment.
 * Only what `keep` names is remembered (the movements into and out of those addresses, their ledgers at the end);
 * a ledger is dropped after its address's last outflow, so memory follows the addresses in play, not the trace.
 */
export function attributeTaint(
  edges: readonly TaintedEdge[],
  model: LedgerModelName,
  handovers: readonly BridgeHandover[],
  keep: ReadonlySet<string>,
): Attribution {
  const ledgers = new Ledgers(model === 'fifo');
  const kept = new Map<TaintedEdge, SeedWeights>();
  const bridges = new BridgeDeposits(handovers);
  // The last outflow of each address: its ledger is not needed after it (unless kept).
  const lastOut = new Map<string, number>();
  const ordered = boxOutputsLast(edges);
  ordered.forEach((e, i) => lastOut.set(e.transfer.from, i));
  // What each box input carried: a box's outputs are split like the mix of its inputs.
  const boxIn = new Map<TaintedEdge['transfer'], SeedWeights>();

  ordered.forEach((e, i) => {
    const tr = e.transfer as TaintedEdge['transfer'] & FlowFields;
    const from = tr.from;
    const to = tr.to;
    const taint = Number(e.taint);
    let w: SeedWeights;
    const inputs = tr.boxInputs;
    if (inputs) {
      w = scaled(addAll(inputs.map((m) => boxIn.get(m.transfer) ?? new Map([[undefined, Number(m.taint)]]))), taint);
    } else if (tr.seed !== undefined) {
      // The seed's sender gives up what it already held of taint (overlap) and the fee; the payment is the seed's own.
      ledgers.take(from, tr.asset, (tr.overlap ?? 0n) + (tr.feeTaint ?? 0n));
      w = bridges.seedWeights(tr.t, taint);
    } else {
      w = ledgers.take(from, tr.asset, e.taint);
      ledgers.take(from, tr.asset, tr.feeTaint ?? 0n);
    }
    if (lastOut.get(from) === i && !keep.has(from)) ledgers.drop(from, tr.asset);
    if (keep.has(to) || keep.has(from)) kept.set(e, w);
    if (tr.box) boxIn.set(tr, w);
    // An address with no outflow to come needs no ledger, unless it is kept or a bridge whose deposits continue.
    if ((lastOut.get(to) ?? -1) > i || keep.has(to)) ledgers.put(to, tr.asset, w, taint);
    bridges.record(to, tr.tx, w);
  });
  return {
    ofEdge: (edge) => kept.get(edge) ?? new Map([[undefined, Number(edge.taint)]]),
    held: (node, asset) => ledgers.held(node, asset),
  };
}

type Lot = { w: SeedWeights; total: number };

/** Per address and asset, the taint held by payment: lots in arrival order (fifo) or one pool (pro rata). */
class Ledgers {
  private readonly ledgers = new Map<string, { lots: Lot[]; head: number }>();
  constructor(private readonly fifo: boolean) {}

  private ledgerOf(node: string, asset: string) {
    const k = `${node}\u0000${asset}`;
    let l = this.ledgers.get(k);
    if (!l) this.ledgers.set(k, (l = { lots: [], head: 0 }));
    return l;
  }

  /** Takes `amount` out of the ledger: fifo from the oldest lots on, pro rata from the pool; beyond it, `undefined`. */
  take(node: string, asset: string, amount: bigint): SeedWeights {
    const fifo = this.fifo;
    const out: SeedWeights = new Map();
    if (amount <= 0n) return out;
    const l = this.ledgerOf(node, asset);
    const want = Number(amount);
    let left = want;
    // fifo: lots from the oldest on; pro rata: the one pool.
    while (left > 0 && l.head < l.lots.length) {
      const lot = l.lots[l.head]!;
      const f = lot.total <= left * (1 + 1e-12) ? 1 : left / lot.total;
      for (const [k, x] of lot.w) {
        out.set(k, (out.get(k) ?? 0) + x * f);
        if (f < 1) lot.w.set(k, x * (1 - f));
      }
      left -= lot.total * f;
      if (f === 1) {
        lot.w = new Map();
        lot.total = 0;
        if (fifo) l.head++;
        else break;
      } else lot.total *= 1 - f;
      if (!fifo || f < 1) break;
    }
    if (left > Math.max(1, want * 1e-9)) out.set(undefined, (out.get(undefined) ?? 0) + left);
    return out;
  }

  put(node: string, asset: string, w: SeedWeights, amount: number): void {
    const l = this.ledgerOf(node, asset);
    if (this.fifo || l.lots.length === 0) l.lots.push({ w: new Map(w), total: amount });
    else {
      const pool = l.lots[0]!;
      for (const [k, x] of w) pool.w.set(k, (pool.w.get(k) ?? 0) + x);
      pool.total += amount;
    }
  }

  drop(node: string, asset: string): void {
    this.ledgers.delete(`${node}\u0000${asset}`);
  }

  held(node: string, asset: string): SeedWeights {
    const out: SeedWeights = new Map();
    for (const lot of this.ledgers.get(`${node}\u0000${asset}`)?.lots ?? []) for (const [k, x] of lot.w) out.set(k, (out.get(k) ?? 0) + x);
    return out;
  }
}

/** Bridge hand-overs: what each deposit into a bridge carried, so its continuation on the other chain is split alike. */
class BridgeDeposits {
  private readonly continuations = new Map<string, { bridgeNode: string; tx: string }>();
  private readonly bridgeNodes: Set<string>;
  private readonly deposits = new Map<string, SeedWeights>();

  constructor(handovers: readonly BridgeHandover[]) {
    for (const h of handovers) if (h.continuation) this.continuations.set(transferId(h.continuation.transfer), { bridgeNode: h.bridgeNode, tx: h.tx });
    this.bridgeNodes = new Set([...this.continuations.values()].map((b) => b.bridgeNode));
  }

  /** A seed movement's split: a continuation's like its deposit, a victim payment its own (unplaced if its deposit is unseen). */
  seedWeights(t: AccountTransfer, taint: number): SeedWeights {
    const bridged = this.continuations.get(transferId(t));
    const source = bridged && this.deposits.get(`${bridged.bridgeNode}\u0000${bridged.tx}`);
    if (source) {
      const sum = [...source.values()].reduce((s, x) => s + x, 0);
      return new Map([...source].map(([k, x]) => [k, sum > 0 ? (x / sum) * taint : 0]));
    }
    return new Map([[bridged ? undefined : t, taint]]);
  }

  /** Adds a movement into a bridge to its deposit's split. */
  record(to: string, tx: string, w: SeedWeights): void {
    if (!this.bridgeNodes.has(to)) return;
    const k = `${to}\u0000${tx}`;
    const acc = this.deposits.get(k) ?? new Map<SeedKey, number>();
    for (const [s, x] of w) acc.set(s, (acc.get(s) ?? 0) + x);
    this.deposits.set(k, acc);
  }
}

/**
 * The edges in the order the replay takes them: chronological, except that within a transaction what boxes paid out
 * comes after what went in (a Uniswap v3 pool pays before it collects: log order says nothing about cause).
 */
function boxOutputsLast(edges: readonly TaintedEdge[]): readonly TaintedEdge[] {
  if (!edges.some((e) => (e.transfer as FlowFields).boxInputs)) return edges;
  const out: TaintedEdge[] = [];
  for (let i = 0; i < edges.length; ) {
    let j = i;
    while (j < edges.length && edges[j]!.transfer.tx === edges[i]!.transfer.tx) j++;
    const run = edges.slice(i, j);
    append(
      out,
      run.filter((e) => !(e.transfer as FlowFields).boxInputs),
    );
    append(
      out,
      run.filter((e) => (e.transfer as FlowFields).boxInputs),
    );
    i = j;
  }
  return out;
}

function addAll(list: readonly SeedWeights[]): SeedWeights {
  const out: SeedWeights = new Map();
  for (const w of list) addWeights(out, w);
  return out;
}

/** `w` scaled to add up to `total`. */
function scaled(w: SeedWeights, total: number): SeedWeights {
  let sum = 0;
  for (const x of w.values()) sum += x;
  return sum > 0 ? new Map([...w].map(([k, x]) => [k, (x / sum) * total])) : new Map([[undefined, total]]);
}

/** Adds `b` into `a` (and returns `a`). */
export function addWeights(a: SeedWeights, b: SeedWeights): SeedWeights {
  for (const [k, x] of b) if (x !== 0) a.set(k, (a.get(k) ?? 0) + x);
  return a;
}

/** `amount` split exactly (whole base units, largest remainder) in proportion to the weights. */
export function exactSplit(weights: SeedWeights, amount: bigint): SeedVector {
  let max = 0;
  for (const x of weights.values()) if (x > max) max = x;
  if (max <= 0) return new Map(amount > 0n ? [[undefined, amount]] : []);
  const scale = 2 ** 52 / max;
  const entries = [...weights].filter(([, x]) => x > 0).map(([k, x]) => [k, BigInt(Math.round(x * scale))] as const);
  return new Map(splitProRata(entries, amount));
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
