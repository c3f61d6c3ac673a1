/** Growable typed arrays: the columns of the fixture store and of the engine's flow. */

type Typed = Int32Array | Uint8Array | Float64Array | BigUint64Array;

/**
 * A column of a page (64 KiB) or more lives in a memory of its own (a WebAssembly.Memory): it grows in place (no
 * copy, no second buffer), only the pages written are resident, and once dropped its pages go back to the system.
 * A large malloc'ed buffer does not: glibc raises its mmap threshold to the largest buffer freed (up to 32 MiB), so
 * the columns of a big trace come from the brk heap, and those freed when the trace ends stay resident (about 100 MB
 * at 1 M transfers, measured with /proc/self/smaps).
 */
export const OWN_MEMORY_BYTES = 2 ** 16;
/** A WebAssembly page; a wasm32 memory holds at most 65,536 of them, so a larger column stays in an ordinary buffer. */
const PAGE = 2 ** 16;
const MAX_PAGES = 2 ** 16;

/** The part of the WebAssembly global this uses (the compiler's Node library types declare none of it). */
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => Memory } }).WebAssembly;
/** Each column's memory, by its current buffer (a grown memory has a new one; the old one is detached). */
const memories = new WeakMap<ArrayBufferLike, Memory>();

type TypedConstructor<T> = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;

/**
 * `a` with room for at least `need` cells (capacity doubles, at least 1024), its cells kept; new cells hold `fill`
 * when given (else zero). `make` makes an array of the same kind. A column in its own memory grows in place: the
 * array passed in is detached, only the one returned is valid.
 */
export function grow<T extends Typed>(a: T, need: number, make: (n: number) => T, fill?: number): T {
  if (need <= a.length) return a;
  const had = a.length;
  const cells = Math.max(need, had * 2, 1024);
  const next = inOwnMemory(a, cells) ?? make(cells);
  if (a.length > 0) next.set(a as never); // (grown in place, `a` is detached now: length 0)
  if (fill !== undefined) (next as Int32Array).fill(fill, had);
  return next;
}

/** `a` with `cells` cells in a memory of its own (grown in place when `a` has one), or undefined for an ordinary buffer. */
function inOwnMemory<T extends Typed>(a: T, cells: number): T | undefined {
  const bytes = cells * a.BYTES_PER_ELEMENT;
  const pages = Math.ceil(bytes / PAGE);
  if (bytes < OWN_MEMORY_BYTES || pages > MAX_PAGES || a.byteOffset !== 0) return undefined;
  const had = a.length;
  let memory = memories.get(a.buffer);
  // Cells of the memory past `a` (a cut column's) may have been written: zeroed below, as new cells are.
  const spare = memory ? memory.buffer.byteLength / a.BYTES_PER_ELEMENT : had;
  try {
    if (memory) memory.grow(Math.max(0, pages - memory.buffer.byteLength / PAGE));
    else memory = new Memory({ initial: pages });
  } catch {
    return undefined; // no memory of that size to be had: an ordinary buffer (copied), as below the threshold
  }
  memories.set(memory.buffer, memory);
  const next = new (a.constructor as TypedConstructor<T>)(memory.buffer, 0, cells);
  if (had < spare) (next as Int32Array).fill((next instanceof BigUint64Array ? 0n : 0) as number, had, Math.min(spare, cells));
  return next;
}

/**
 * `a` cut to its first `n` cells: in a buffer of that size (what the doubling left over is given back), or, in a
 * memory of its own, a view of them (the pages past them were never written, so they are not resident).
 */
export function trim<T extends Typed>(a: T, n: number): T {
  if (a.length === n) return a;
  return (memories.has(a.buffer) ? a.subarray(0, n) : a.slice(0, n)) as T;
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
