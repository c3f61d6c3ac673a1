/** Growable typed arrays: the columns of the fixture store and of the engine's flow. */

import { webAssembly } from './webassembly.js';

type Typed = Int32Array | Uint8Array | Float64Array | BigUint64Array;

/**
 * A column of a page (64 KiB) or more lives in a memory of its own (a WebAssembly.Memory): pages never written are
 * not resident, and a dropped column's pages go back to the system once it is collected. A malloc'ed buffer's do
 * not: glibc raises its mmap threshold to the largest buffer freed (up to 32 MiB), so a big trace's columns came from
 * the brk heap, and those freed when the trace ends stayed resident (about 100 MB at 1 M transfers, /proc/self/smaps).
 * A column grows into a new memory (copied), never in place: growing a memory detaches its old buffer, and one
 * detached buffer makes V8 check every typed array read for detachment from then on (the trace ran 5 % slower).
 */
const OWN_MEMORY_BYTES = 2 ** 16;
/** A WebAssembly page; a wasm32 memory holds at most 65,536 of them, so a larger column stays in an ordinary buffer. */
const PAGE = 2 ** 16;
const MAX_PAGES = 2 ** 16;

/** Absent where WebAssembly is off (`node --jitless`): then every column is an ordinary buffer. */
const Memory = webAssembly?.Memory;
/** The buffers of columns' own memories. */
const ownBuffers = new WeakSet<ArrayBufferLike>();

type TypedConstructor<T> = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;

/**
 * `a` with room for at least `need` cells (capacity doubles, at least 1024), its cells kept; new cells hold `fill`
 * when given (else zero). `make` makes an array of the same kind.
 */
export function grow<T extends Typed>(a: T, need: number, make: (n: number) => T, fill?: number): T {
  if (need <= a.length) return a;
  const cells = Math.max(need, a.length * 2, 1024);
  const next = inOwnMemory(make, cells) ?? make(cells);
  next.set(a as never);
  if (fill !== undefined) (next as Int32Array).fill(fill, a.length);
  return next;
}

/** An array of `make`'s kind with `cells` cells in a memory of its own, or undefined when it is to be an ordinary one. */
function inOwnMemory<T extends Typed>(make: (n: number) => T, cells: number): T | undefined {
  const kind = make(0);
  const bytes = cells * kind.BYTES_PER_ELEMENT;
  const pages = Math.ceil(bytes / PAGE);
  if (!Memory || bytes < OWN_MEMORY_BYTES || pages > MAX_PAGES) return undefined;
  let buffer: ArrayBuffer;
  try {
    buffer = new Memory({ initial: pages }).buffer;
  } catch {
    return undefined; // no memory of that size to be had: an ordinary buffer, as below the threshold
  }
  ownBuffers.add(buffer);
  return new (kind.constructor as TypedConstructor<T>)(buffer, 0, cells);
}

/**
 * `a` cut to its first `n` cells: in a buffer of that size (what the doubling left over is given back), or, in a
 * memory of its own, a view of them (no copy: the pages past them that were never written are not resident).
 */
export function trim<T extends Typed>(a: T, n: number): T {
  if (a.length === n) return a;
  return (ownBuffers.has(a.buffer) ? a.subarray(0, n) : a.slice(0, n)) as T;
}

const TOP = 2n ** 64n - 1n;
/** A cell's high word below this: the cell is below 2^53 (a safe integer). */
const SAFE_HIGH = 2 ** 21;

/**
 * Amounts in base units, one per row: BigUint64 cells, the rare one from 2^64 - 1 up (or below zero) in a side map
 * (8 bytes a row, where an array of bigints costs a pointer and a heap number each).
 */
export class AmountColumn {
  private cells: BigUint64Array = new BigUint64Array(0);
  /** The cells as 32-bit halves: whether a cell is zero is read without making a bigint of it. */
  private words: Uint32Array = new Uint32Array(0);
  private readonly side = new Map<number, bigint>();

  set(row: number, value: bigint): void {
    if (row >= this.cells.length) this.use(grow(this.cells, row + 1, (n) => new BigUint64Array(n)));
    if (value >= 0n && value < TOP) {
      this.cells[row] = value;
      if (this.side.size > 0) this.side.delete(row);
    } else {
      this.cells[row] = TOP;
      this.side.set(row, value);
    }
  }

  /** Cell `row` set to `value`, an integer from 0 below 2^53 (no bigint made). */
  setNumber(row: number, value: number): void {
    const high = Math.floor(value / 2 ** 32);
    this.setWords(row, value - high * 2 ** 32, high);
  }

  /** Cell `row` set to cell `at` of `from`, copied as it lies (no bigint made but for a cell in the side map). */
  copy(row: number, from: AmountColumn, at: number): void {
    const low = from.words[2 * at]!;
    const high = from.words[2 * at + 1]!;
    if (low === 0xffffffff && high === 0xffffffff) {
      this.set(row, from.get(at));
      return;
    }
    this.setWords(row, low, high);
  }

  /** Cell `row` set to a value below 2^64 - 1 given as its two 32-bit halves. */
  private setWords(row: number, low: number, high: number): void {
    if (row >= this.cells.length) this.use(grow(this.cells, row + 1, (n) => new BigUint64Array(n)));
    this.words[2 * row] = low;
    this.words[2 * row + 1] = high;
    if (this.side.size > 0) this.side.delete(row);
  }

  /** Room for `rows` cells (see grow). */
  reserve(rows: number): void {
    if (rows > this.cells.length) this.use(grow(this.cells, rows, (n) => new BigUint64Array(n)));
  }

  get(row: number): bigint {
    const cell = this.cells[row]!;
    return cell === TOP ? this.side.get(row)! : cell;
  }

  /** `get(row)`, and zero for a row past the cells written so far (a column by node id grows as nodes are written). */
  at(row: number): bigint {
    return row < this.cells.length ? this.get(row) : 0n;
  }

  /** `get(row) > 0n`, with no bigint made for a cell (the hot loops ask this of most rows). */
  positive(row: number): boolean {
    const w = this.words;
    const low = w[2 * row]!;
    const high = w[2 * row + 1]!;
    if ((low | high) === 0) return false;
    return low !== 0xffffffff || high !== 0xffffffff || this.side.get(row)! > 0n;
  }

  /** Whether the cell is below 2^53, so `number(row)` gives it exactly (no bigint made). */
  safe(row: number): boolean {
    return this.words[2 * row + 1]! < SAFE_HIGH;
  }

  /** The cell as a number: exact when `safe(row)`. */
  number(row: number): number {
    return this.words[2 * row + 1]! * 2 ** 32 + this.words[2 * row]!;
  }

  /** `at(row) === 0n`, with no bigint made. */
  zeroAt(row: number): boolean {
    return row >= this.cells.length || this.zero(row);
  }

  /** `get(row) === 0n`, with no bigint made. */
  zero(row: number): boolean {
    const w = this.words;
    if ((w[2 * row]! | w[2 * row + 1]!) === 0) return true;
    return w[2 * row] === 0xffffffff && w[2 * row + 1] === 0xffffffff && this.side.get(row) === 0n;
  }

  trim(n: number): void {
    this.use(trim(this.cells, n));
  }

  private use(cells: BigUint64Array): void {
    this.cells = cells;
    this.words = new Uint32Array(cells.buffer, cells.byteOffset, 2 * cells.length);
  }
}
