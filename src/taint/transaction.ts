import { InvalidInputError } from '../core/errors.js';
import { groupBy } from '../core/group.js';

/**
 * Where taint goes inside ONE transaction, whatever the protocol (issue #20: swaps, wrapping, routers, splitters).
 *
 * THE RULE
 * - Every contract the transaction touches is part of one box. A movement from a non-contract into a contract is an
 *   input of the box, one from a contract to a non-contract an output; contract -> contract movements are internal
 *   and ignored. A movement between two non-contracts keeps its own tainted part (it passes by the box).
 * - share = tainted input / total input of the tainted asset (input movements of that asset only). Clean inputs in
 *   other assets do not dilute it: no price in the transaction relates two assets.
 * - Taint entering in more than one asset has no single share. The smallest of the tainted assets' shares applies
 *   (ties: lower asset key): the box cannot tell which input paid for which output, so every output is treated as
 *   paid from a mix no more tainted than the least-tainted tainted input, which never claims more than any of them
 *   supports. A note says so.
 * - Per output asset: tainted out = floor(total out × share); spread over that asset's outputs in proportion to their
 *   amounts, floor, the units left one each to the largest remainders (ties: lower recipient, then smaller amount,
 *   then lower log index, then id), so the order of the logs does not matter. The fraction floor dropped (below one
 *   base unit per asset) is `roundedAway` (numerator over share.total) and stays with the contracts as kept. An asset's
 *   tainted total is exact (floor); one output is within two base units of amount × share (below one from the
 *   asset's floor, below one from the spread), within one when it is its asset's only output. The spread is of the
 *   floored total, as test/support/swap-oracle.ts does, so the two agree unit for unit.
 * - Per asset, tainted in − tainted out is what the contracts keep (a pool's new reserves, never followed again) when
 *   positive, and what the conversion produced in that asset when negative: tainted in = tainted out + kept − produced.
 * - Wrapped native = native 1:1 is the caller's asset key (the wrapper's token and the native asset share one key):
 *   then wrapping is one input asset whose share applies to the same asset out.
 *
 * Pure: bigint base units, no I/O, deterministic; the input is checked and a bad one is an InvalidInputError.
 */

/** One value movement of the transaction (an AccountTransfer reduced to what the rule reads). */
export interface TxMovement {
  /** Unique within the transaction (e.g. transferId). */
  id: string;
  from: string;
  to: string;
  /** The taint stream (assetKey; the wrapped native token shares the native asset's key). */
  assetKey: string;
  amount: bigint;
  logIndex: number;
}

export interface TransactionFlowInput {
  movements: readonly TxMovement[];
  /** Addresses that hold code, as the source said (never guessed). */
  contracts: ReadonlySet<string>;
  /** Tainted part of movements sent by non-contracts, by movement id (absent: clean). */
  taintedIn: ReadonlyMap<string, bigint>;
}

/** A fraction tainted / total; total > 0. */
export interface Share {
  tainted: bigint;
  total: bigint;
}

/** A tainted asset going into the box and another coming out of it. */
export interface TxConversion {
  contracts: string[];
  /** The tainted input asset whose share applied. */
  assetIn: string;
  taintedIn: bigint;
  totalIn: bigint;
  assetOut: string;
  amountOut: bigint;
  taintedOut: bigint;
  share: Share;
}

export interface TransactionFlow {
  /** Tainted part of every movement that ends at a non-contract (box outputs and direct movements), by id. */
  tainted: Map<string, bigint>;
  /** Per asset: tainted input the contracts keep (never followed). */
  kept: Map<string, bigint>;
  /** Per asset: tainted output beyond the tainted input of that asset (what conversions produced). */
  produced: Map<string, bigint>;
  /** Per output asset: floor's dropped fraction, numerator over share.total (< one base unit). */
  roundedAway: Map<string, bigint>;
  /** The share that applied to the box's outputs; null when no taint entered the box. */
  share: Share | null;
  /** Every contract the transaction touched, sorted. */
  contracts: string[];
  conversions: TxConversion[];
  notes: string[];
}

type Role = 'input' | 'output' | 'internal' | 'direct';

interface Placed extends TxMovement {
  role: Role;
  taint: bigint;
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new InvalidInputError(`Transaction flow: ${message}`, { details });
}

/** Checks the input and gives each movement its role and the taint it brings. */
function place(input: TransactionFlowInput): Placed[] {
  const ids = new Set<string>();
  const isContract = (a: string) => input.contracts.has(a);
  const placed = input.movements.map((m): Placed => {
    if (ids.has(m.id)) fail(`movement id "${m.id}" appears twice; give each movement its own id`, { id: m.id });
    ids.add(m.id);
    if (m.amount < 0n) fail(`movement "${m.id}" has a negative amount ${m.amount}; amounts are base units ≥ 0`, { id: m.id });
    const taint = input.taintedIn.get(m.id) ?? 0n;
    if (taint < 0n || taint > m.amount) {
      fail(`movement "${m.id}" is given ${taint} tainted of ${m.amount}; the tainted part must lie between 0 and the amount`, { id: m.id });
    }
    const [fromC, toC] = [isContract(m.from), isContract(m.to)];
    if (fromC && taint > 0n) fail(`movement "${m.id}" is sent by contract ${m.from}; what a contract pays out is decided by the rule, not given`, { id: m.id });
    const role: Role = fromC ? (toC ? 'internal' : 'output') : toC ? 'input' : 'direct';
    return { ...m, role, taint };
  });
  for (const id of input.taintedIn.keys()) if (!ids.has(id)) fail(`tainted input "${id}" names no movement of the transaction`, { id });
  return placed;
}

const sum = (rows: readonly { amount: bigint }[]) => rows.reduce((s, r) => s + r.amount, 0n);
const sumTaint = (rows: readonly { taint: bigint }[]) => rows.reduce((s, r) => s + r.taint, 0n);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Per tainted input asset, its share; the smallest one applies (ties: lower asset key). */
function chooseShare(inputs: readonly Placed[]): { asset: string; share: Share; tainted: string[] } | null {
  const shares = [...groupBy(inputs, (m) => m.assetKey)]
    .map(([asset, rows]) => ({ asset, share: { tainted: sumTaint(rows), total: sum(rows) } }))
    .filter((s) => s.share.tainted > 0n)
    .sort((a, b) => compareBig(a.share.tainted * b.share.total, b.share.tainted * a.share.total) || compareText(a.asset, b.asset));
  const first = shares[0];
  return first ? { ...first, tainted: shares.map((s) => s.asset).sort() } : null;
}

/**
 * One output asset's tainted amount, floor(total × share), spread pro rata over its outputs with the largest
 * remainders; returns the tainted part per output (same order) and the fraction floor dropped.
 */
export function spreadShare(outputs: readonly TxMovement[], share: Share): { tainted: bigint[]; roundedAway: bigint } {
  const totalOut = sum(outputs);
  if (totalOut === 0n) return { tainted: outputs.map(() => 0n), roundedAway: 0n };
  const exact = totalOut * share.tainted;
  const target = exact / share.total;
  const parts = outputs.map((o) => target * o.amount);
  const tainted = parts.map((p) => p / totalOut);
  const order = outputs
    .map((o, i) => ({ o, i, rest: parts[i]! % totalOut }))
    .sort(
      (a, b) =>
        compareBig(b.rest, a.rest) ||
        compareText(a.o.to, b.o.to) ||
        compareBig(a.o.amount, b.o.amount) ||
        a.o.logIndex - b.o.logIndex ||
        compareText(a.o.id, b.o.id),
    );
  let left = target - tainted.reduce((s, t) => s + t, 0n);
  for (const { i } of order) {
    if (left === 0n) break;
    tainted[i]! += 1n;
    left -= 1n;
  }
  return { tainted, roundedAway: exact % share.total };
}

/** Per asset, tainted in against tainted out of the box: what the contracts keep and what the conversion produced. */
function balance(inputs: readonly Placed[], outputs: readonly Placed[], flow: TransactionFlow): void {
  const assets = [...new Set([...inputs, ...outputs].map((m) => m.assetKey))].sort();
  for (const asset of assets) {
    const taintIn = sumTaint(inputs.filter((m) => m.assetKey === asset));
    const taintOut = outputs.filter((m) => m.assetKey === asset).reduce((s, m) => s + flow.tainted.get(m.id)!, 0n);
    if (taintIn > taintOut) flow.kept.set(asset, taintIn - taintOut);
    if (taintOut > taintIn) flow.produced.set(asset, taintOut - taintIn);
  }
}

function describe(share: Share): string {
  return `${share.tainted}/${share.total}`;
}

/** Notes on what the rule could not say simply: several tainted assets, clean inputs in other assets, taint kept. */
function explain(inputs: readonly Placed[], chosen: NonNullable<ReturnType<typeof chooseShare>>, flow: TransactionFlow): void {
  if (chosen.tainted.length > 1) {
    flow.notes.push(
      `taint enters in ${chosen.tainted.length} assets (${chosen.tainted.join(', ')}): no single price exists; the smallest share, ${chosen.asset} ${describe(chosen.share)}, applies to every output`,
    );
  }
  const clean = [...new Set(inputs.map((m) => m.assetKey))].filter((a) => !chosen.tainted.includes(a)).sort();
  if (clean.length > 0) flow.notes.push(`clean input in ${clean.join(', ')} does not dilute the share: no price relates it to ${chosen.asset}`);
  for (const [asset, kept] of flow.kept) flow.notes.push(`contracts keep ${kept} tainted ${asset}; it is not followed`);
}

/** Applies the rule to one transaction's movements (see the top of this file). */
export function flowThroughTransaction(input: TransactionFlowInput): TransactionFlow {
  const placed = place(input);
  const contracts = [...new Set(placed.flatMap((m) => [m.from, m.to]).filter((a) => input.contracts.has(a)))].sort();
  const flow: TransactionFlow = {
    tainted: new Map(),
    kept: new Map(),
    produced: new Map(),
    roundedAway: new Map(),
    share: null,
    contracts,
    conversions: [],
    notes: [],
  };
  for (const m of placed) if (m.role === 'direct') flow.tainted.set(m.id, m.taint);
  const inputs = placed.filter((m) => m.role === 'input');
  const outputs = placed.filter((m) => m.role === 'output');
  const chosen = chooseShare(inputs);
  for (const m of outputs) flow.tainted.set(m.id, 0n);
  if (chosen) {
    flow.share = chosen.share;
    for (const [asset, rows] of [...groupBy(outputs, (m) => m.assetKey)].sort(([a], [b]) => compareText(a, b))) {
      const spread = spreadShare(rows, chosen.share);
      for (const [i, m] of rows.entries()) flow.tainted.set(m.id, spread.tainted[i]!);
      if (sum(rows) > 0n) flow.roundedAway.set(asset, spread.roundedAway);
      const taintedOut = spread.tainted.reduce((s, t) => s + t, 0n);
      if (chosen.tainted.includes(asset)) continue;
      flow.conversions.push({
        contracts,
        assetIn: chosen.asset,
        taintedIn: chosen.share.tainted,
        totalIn: chosen.share.total,
        assetOut: asset,
        amountOut: sum(rows),
        taintedOut,
        share: chosen.share,
      });
    }
  }
  balance(inputs, outputs, flow);
  if (chosen) explain(inputs, chosen, flow);
  return flow;
}
