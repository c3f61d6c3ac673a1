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
