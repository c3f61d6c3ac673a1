/** Growable typed arrays: the columns of the fixture store and of the engine's flow. */

type Typed = Int32Array | Uint8Array | Float64Array | BigUint64Array;

/**
 * `a` with room for at least `need` cells (capacity doubles, at least 1024), its cells kept; new cells hold `fill`
 * when given (else zero). `make` makes an array of the same kind.
 */
export function grow<T extends Typed>(a: T, need: number, make: (n: number) => T, fill?: number): T {
  if (need <= a.length) return a;
  const next = make(Math.max(need, a.length * 2, 1024));
  next.set(a as never);
  if (fill !== undefined) (next as Int32Array).fill(fill, a.length);
  return next;
}

/** `a` cut to its first `n` cells, in a buffer of that size (what the doubling left over is given back). */
export function trim<T extends Typed>(a: T, n: number): T {
  return a.length === n ? a : (a.slice(0, n) as T);
}

const TOP = 2n ** 64n - 1n;

/**
 * Amounts in base units, one per row: BigUint64 cells, the rare one from 2^64 - 1 up (or below zero) in a side map
 * (8 bytes a row, where an array of bigints costs a pointer and a heap number each).
 */
export class AmountColumn {
  private cells = new BigUint64Array(0);
  private readonly side = new Map<number, bigint>();

  set(row: number, value: bigint): void {
    this.cells = grow(this.cells, row + 1, (n) => new BigUint64Array(n));
    if (value >= 0n && value < TOP) {
      this.cells[row] = value;
      if (this.side.size > 0) this.side.delete(row);
    } else {
      this.cells[row] = TOP;
      this.side.set(row, value);
    }
  }

  get(row: number): bigint {
    const cell = this.cells[row]!;
    return cell === TOP ? this.side.get(row)! : cell;
  }

  trim(n: number): void {
    this.cells = trim(this.cells, n);
  }
}
