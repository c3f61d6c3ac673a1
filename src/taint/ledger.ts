/**
 * Account-ledger taint models. An address's ledger sees its inflows (each with the taint it carries) and outflows
 * in time order; each outflow takes its share of taint. Every model conserves taint exactly: what an outflow takes
 * leaves the ledger, nothing is created, bigint all the way.
 *
 * If an outflow exceeds the balance the ledger knows (funds from before the traced window), the excess counts as
 * clean money of unknown origin: it never creates taint.
 */

/** The name of an account-ledger taint model (see LEDGER_MODELS). */
export type LedgerModelName = 'poison' | 'haircut' | 'fifo';

/** An address's running balance and taint: deposits in, withdrawals carrying the taint the model assigns. */
export interface Ledger {
  deposit(amount: bigint, taint: bigint): void;
  /** Removes `amount` and returns the taint it carries (0 <= taint <= amount). */
  withdraw(amount: bigint): bigint;
  readonly balance: bigint;
  readonly taint: bigint;
  /** Empties the ledger, so a replay can reuse it instead of allocating another. */
  reset(): void;
}

/** The account taint models (poison, haircut, fifo), each with a one-line description. */
export const LEDGER_MODELS: Record<LedgerModelName, string> = {
  poison:
    'taint-first: every outflow from a contaminated address is tainted in full until its tainted balance is used up (the most aggressive reading that still adds up)',
  haircut: 'proportional: each outflow carries the share of taint the balance had at that moment (rounded to the nearest base unit)',
  fifo: 'first in, first out: outflows spend the oldest inflows first',
};

/** A ledger for one address under the given taint model. */
export function createLedger(model: LedgerModelName): Ledger {
  switch (model) {
    case 'poison':
      return new TaintFirstLedger();
    case 'haircut':
      return new HaircutLedger();
    case 'fifo':
      return new FifoLedger();
  }
}

abstract class BalanceLedger implements Ledger {
  balance = 0n;
  taint = 0n;
  deposit(amount: bigint, taint: bigint): void {
    this.balance += amount;
    if (taint !== 0n) this.taint += taint;
  }
  reset(): void {
    this.balance = 0n;
    this.taint = 0n;
  }
  withdraw(amount: bigint): bigint {
    const taken = this.share(amount);
    this.taint -= taken;
    this.balance = amount >= this.balance ? 0n : this.balance - amount;
    return taken;
  }
  protected abstract share(amount: bigint): bigint;
}

class TaintFirstLedger extends BalanceLedger {
  protected share(amount: bigint): bigint {
    return amount < this.taint ? amount : this.taint;
  }
}

class HaircutLedger extends BalanceLedger {
  protected share(amount: bigint): bigint {
    if (this.taint === 0n) return 0n;
    if (amount >= this.balance) return this.taint;
    const rounded = (amount * this.taint * 2n + this.balance) / (this.balance * 2n);
    return rounded > this.taint ? this.taint : rounded;
  }
}

/**
 * FIFO lots as parallel arrays with a moving head: O(1) amortized per operation, no shifting. Lots live in
 * [head, end): reset() keeps the arrays (and their room) for the next replay instead of letting them go and growing
 * them again.
 */
abstract class FifoLots<T extends bigint[] | Float64Array> {
  protected abstract amounts: T;
  protected abstract taints: T;
  protected head = 0;
  protected end = 0;

  reset(): void {
    this.head = 0;
    this.end = 0;
  }

  /** Spent lots are dropped once they are most of the arrays: the live ones move to the front. */
  protected dropSpent(): void {
    if (this.head > 1024 && this.head * 2 > this.end) {
      this.amounts.copyWithin(0, this.head, this.end);
      this.taints.copyWithin(0, this.head, this.end);
      this.end -= this.head;
      this.head = 0;
    }
  }
}

class FifoLedger extends FifoLots<bigint[]> implements Ledger {
  // The balance and taint are summed from the lots when read (the engine reads the taint once per replay), not kept
  // up to date on every deposit and withdrawal: each update of a bigint makes a new one.
  protected amounts: bigint[] = [];
  protected taints: bigint[] = [];

  get balance(): bigint {
    return sumOf(this.amounts, this.head, this.end);
  }

  get taint(): bigint {
    return sumOf(this.taints, this.head, this.end);
  }

  deposit(amount: bigint, taint: bigint): void {
    if (amount === 0n) return;
    const i = this.end++;
    if (i < this.amounts.length) {
      this.amounts[i] = amount;
      this.taints[i] = taint;
    } else {
      this.amounts.push(amount);
      this.taints.push(taint);
    }
  }

  withdraw(amount: bigint): bigint {
    let left = amount;
    let taken = 0n;
    while (left > 0n && this.head < this.end) {
      const lot = this.amounts[this.head]!;
      const lotTaint = this.taints[this.head]!;
      // (A sum with zero is not made: most withdrawals take one lot, or lots all tainted or all clean.)
      if (lot <= left) {
        left = lot === left ? 0n : left - lot;
        taken = taken === 0n ? lotTaint : lotTaint === 0n ? taken : taken + lotTaint;
        this.head++;
      } else {
        // Partial lot: a mixed lot gives taint in proportion, rounded down; the rest stays with the lot.
        const part = lotTaint === 0n ? 0n : lotTaint === lot ? left : (lotTaint * left) / lot;
        this.amounts[this.head] = lot - left;
        if (part !== 0n) this.taints[this.head] = lotTaint - part;
        taken = taken === 0n ? part : part === 0n ? taken : taken + part;
        left = 0n;
      }
    }
    this.dropSpent();
    return taken;
  }
}

function sumOf(values: readonly bigint[], from: number, end: number): bigint {
  let sum = 0n;
  for (let i = from; i < end; i++) sum += values[i]!;
  return sum;
}

/**
 * FIFO over amounts below 2^53, as doubles: the same taint as FifoLedger, exactly, without a bigint made per deposit
 * or withdrawal (at 1 M transfers those were most of what a replay allocated). The engine replays an address with it
 * when every amount there is such a safe integer, which most token amounts are (wei amounts mostly are not).
 */
export class SafeFifoLedger extends FifoLots<Float64Array> {
  protected amounts = new Float64Array(64);
  protected taints = new Float64Array(64);

  /** The taint the lots hold (their sum may pass 2^53: summed as bigints then). */
  get taint(): bigint {
    let sum = 0;
    for (let i = this.head; i < this.end; i++) {
      sum += this.taints[i]!;
      if (sum > Number.MAX_SAFE_INTEGER) {
        let exact = 0n;
        for (let j = this.head; j < this.end; j++) exact += BigInt(this.taints[j]!);
        return exact;
      }
    }
    return BigInt(sum);
  }

  deposit(amount: number, taint: number): void {
    if (amount === 0) return;
    if (this.end === this.amounts.length) {
      const amounts = new Float64Array(2 * this.end);
      const taints = new Float64Array(2 * this.end);
      amounts.set(this.amounts);
      taints.set(this.taints);
      this.amounts = amounts;
      this.taints = taints;
    }
    this.amounts[this.end] = amount;
    this.taints[this.end++] = taint;
  }

  /** As FifoLedger's: every value stays a safe integer (what is taken is at most `amount`). */
  withdraw(amount: number): number {
    let left = amount;
    let taken = 0;
    while (left > 0 && this.head < this.end) {
      const lot = this.amounts[this.head]!;
      const lotTaint = this.taints[this.head]!;
      if (lot <= left) {
        left -= lot;
        taken += lotTaint;
        this.head++;
      } else {
        const part = lotTaint === 0 ? 0 : lotTaint === lot ? left : mulDiv(lotTaint, left, lot);
        this.amounts[this.head] = lot - left;
        this.taints[this.head] = lotTaint - part;
        taken += part;
        left = 0;
      }
    }
    this.dropSpent();
    return taken;
  }
}

/**
 * floor(a * b / c) for non-negative safe integers, exactly. In doubles while the product is at most 2^52: the
 * quotient's rounding error is then under half of 1/c, less than its distance to the next integer. Else as bigints.
 */
export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  return p > 2 ** 52 ? Number((BigInt(a) * BigInt(b)) / BigInt(c)) : Math.floor(p / c);
}
