import { InvalidInputError } from '../core/errors.js';
import type { UtxoTransaction } from '../core/movement.js';

/**
 * UTXO taint models: how the tainted satoshis entering one transaction leave it. Every model conserves exactly:
 * `sum(outputs) + fee === sum(input taints)`, no output carries more taint than its value, nothing is negative.
 *
 * - `poison` (chaintrail's conserving poison): every output of a transaction with a tainted input is contaminated,
 *   but amounts are not multiplied: the tainted satoshis fill the outputs in output order (n = 0, 1, …), each up
 *   to its value, and whatever is left goes to the fee. Classic poison marks every output 100 % tainted, which
 *   inflates the total; here the engine may still flag all outputs as touched (`taint > 0` on any input) while
 *   the amounts it reports add up.
 * - `haircut`: the fee takes its proportional share first (taint × fee / input value, rounded to the nearest
 *   satoshi, halves up); the rest is shared among outputs in proportion to their values, floors first and the
 *   leftover satoshis to the largest remainders (ties: lower output index).
 * - `fifo`: inputs in vin order are laid end to end (within an input its tainted satoshis first) and cut into
 *   outputs in output order, the fee last, as the satoshis were serialized.
 * - `tiho` (taint in, highest out): all tainted satoshis first, filling the largest outputs first (ties: lower
 *   index), the fee last.
 */
export type UtxoTaintModel = 'poison' | 'haircut' | 'fifo' | 'tiho';

/** The UTXO taint models (poison, haircut, fifo, tiho), each with a one-line description. */
export const UTXO_TAINT_MODELS: Record<UtxoTaintModel, string> = {
  poison: 'taint-first: tainted satoshis fill the outputs in output order, fee last; every output of a tainted transaction is contaminated',
  haircut: 'proportional: the fee takes its share first, outputs share the rest by value (largest remainder rounding)',
  fifo: 'first in, first out: inputs in order fill outputs in order, fee last',
  tiho: 'taint in, highest out: tainted satoshis fill the largest outputs first, fee last',
};

/** One input of a transaction for `allocateUtxoTaint`: its value and the tainted part of it, in satoshis. */
export interface UtxoTaintInput {
  value: bigint;
  taint: bigint;
}

/** What `allocateUtxoTaint` returns: the taint each output receives and the taint burned as fee, in satoshis. */
export interface UtxoTaintResult {
  /** Taint per output, in output order. */
  outputs: bigint[];
  /** Taint burned as fee (it went to a miner). */
  fee: bigint;
}

function sum(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

function check(inputs: readonly UtxoTaintInput[], outputs: readonly { value: bigint }[], fee: bigint): void {
  const bad = (why: string) => new InvalidInputError(`Cannot apportion UTXO taint: ${why}`, { details: { why } });
  if (fee < 0n) throw bad('negative fee');
  inputs.forEach((input, i) => {
    if (input.value < 0n || input.taint < 0n) throw bad(`input ${i} has a negative value or taint`);
    if (input.taint > input.value) throw bad(`input ${i} carries more taint than value`);
  });
  outputs.forEach((output, n) => {
    if (output.value < 0n) throw bad(`output ${n} has a negative value`);
  });
  const inValue = sum(inputs.map((i) => i.value));
  const outValue = sum(outputs.map((o) => o.value)) + fee;
  if (inValue !== outValue) throw bad(`inputs (${inValue}) differ from outputs plus fee (${outValue})`);
}

/** Pours `amount` into the buckets in the given order, each up to its capacity; returns what each got. */
function pour(amount: bigint, capacities: readonly bigint[], order: readonly number[]): bigint[] {
  const got = capacities.map(() => 0n);
  let left = amount;
  for (const i of order) {
    if (left === 0n) break;
    const take = left < capacities[i]! ? left : capacities[i]!;
    got[i] = take;
    left -= take;
  }
  return got;
}

function splitFee(got: bigint[]): UtxoTaintResult {
  return { outputs: got.slice(0, -1), fee: got[got.length - 1]! };
}

/** Intervals of tainted satoshis along the serialized inputs, cut by the output intervals (fee last). */
function fifo(inputs: readonly UtxoTaintInput[], capacities: readonly bigint[]): bigint[] {
  const got = capacities.map(() => 0n);
  let offset = 0n;
  const tainted: [bigint, bigint][] = [];
  for (const input of inputs) {
    if (input.taint > 0n) tainted.push([offset, offset + input.taint]);
    offset += input.value;
  }
  let start = 0n;
  capacities.forEach((capacity, i) => {
    const end = start + capacity;
    for (const [a, b] of tainted) {
      const lo = a > start ? a : start;
      const hi = b < end ? b : end;
      if (hi > lo) got[i]! += hi - lo;
    }
    start = end;
  });
  return got;
}

function haircut(total: bigint, inValue: bigint, outputs: readonly { value: bigint }[], fee: bigint): UtxoTaintResult {
  if (total === 0n || inValue === 0n) return { outputs: outputs.map(() => 0n), fee: 0n };
  // Nearest satoshi, halves up: (2·T·fee + V) / (2·V).
  const feeTaint = (2n * total * fee + inValue) / (2n * inValue);
  const rest = total - feeTaint;
  const outValue = inValue - fee;
  if (outValue === 0n) return { outputs: outputs.map(() => 0n), fee: feeTaint + rest };
  const shares = outputs.map((o) => (rest * o.value) / outValue);
  let leftover = rest - sum(shares);
  const byRemainder = outputs
    .map((o, n) => ({ n, remainder: (rest * o.value) % outValue }))
    .sort((a, b) => (a.remainder === b.remainder ? a.n - b.n : a.remainder > b.remainder ? -1 : 1));
  for (const { n, remainder } of byRemainder) {
    if (leftover === 0n || remainder === 0n) break;
    shares[n]! += 1n;
    leftover -= 1n;
  }
  return { outputs: shares, fee: feeTaint };
}

/**
 * Apportions the taint of one transaction's inputs to its outputs and fee. Throws InvalidInputError when the
 * transaction does not add up (inputs ≠ outputs + fee) or an input carries more taint than value.
 */
export function allocateUtxoTaint(
  model: UtxoTaintModel,
  inputs: readonly UtxoTaintInput[],
  outputs: readonly { value: bigint }[],
  fee: bigint,
): UtxoTaintResult {
  check(inputs, outputs, fee);
  const total = sum(inputs.map((i) => i.taint));
  const capacities = [...outputs.map((o) => o.value), fee];
  const inOrder = capacities.map((_, i) => i);
  switch (model) {
    case 'poison':
      return splitFee(pour(total, capacities, inOrder));
    case 'tiho': {
      const largest = outputs
        .map((o, n) => ({ n, value: o.value }))
        .sort((a, b) => (a.value === b.value ? a.n - b.n : a.value > b.value ? -1 : 1))
        .map((o) => o.n);
      return splitFee(pour(total, capacities, [...largest, outputs.length]));
    }
    case 'fifo':
      return splitFee(fifo(inputs, capacities));
    case 'haircut':
      return haircut(total, sum(inputs.map((i) => i.value)), outputs, fee);
  }
}

/**
 * A sourced transaction plus the taint on each input -> the arguments of allocateUtxoTaint. Inputs whose prevout
 * the source could not resolve (`unresolvedInputs`) are clean by construction (a tainted output is always known);
 * they are given the value that makes the transaction add up with a zero fee, the one reading that invents no
 * taint and no fee. `taintOf(vin)` must not exceed the input's value.
 */
export function utxoTaintArguments(
  tx: UtxoTransaction & { unresolvedInputs?: number[] },
  taintOf: (vin: number) => bigint,
): { inputs: UtxoTaintInput[]; outputs: { value: bigint }[]; fee: bigint } {
  const outputs = tx.outputs.map((o) => ({ value: o.value }));
  // A coinbase mints its outputs: one clean input of that value keeps the books balanced.
  if (tx.coinbase) return { inputs: [{ value: sum(outputs.map((o) => o.value)), taint: 0n }], outputs, fee: 0n };
  const unresolved = new Set(tx.unresolvedInputs ?? []);
  const inputs = tx.inputs.map((input, vin) => ({ value: input.value, taint: unresolved.has(vin) ? 0n : taintOf(vin) }));
  if (unresolved.size === 0) return { inputs, outputs, fee: tx.fee };
  const gap = sum(outputs.map((o) => o.value)) - sum(inputs.map((i) => i.value));
  const first = [...unresolved].sort((a, b) => a - b)[0]!;
  if (gap > 0n) inputs[first] = { value: gap, taint: 0n };
  return { inputs, outputs, fee: gap >= 0n ? 0n : -gap };
}
