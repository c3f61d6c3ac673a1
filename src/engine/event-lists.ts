import { grow } from '../core/typed-arrays.js';

/**
 * Each flow node's movements (rows), as cells linked in typed arrays: a cell per node and row, 8 bytes, where a
 * JavaScript array per node would cost a header and room for 17 rows before the first one (most addresses have a
 * handful). A node's cells read in the order they were added, until `sort` puts its rows in another order.
 */
export class EventLists {
  private row = new Int32Array(4096);
  private next = new Int32Array(4096);
  private head = new Int32Array(1024).fill(-1);
  private tail = new Int32Array(1024).fill(-1);
  private counts = new Int32Array(1024);
  private cells = 0;
  private readonly scratch = new Int32Array(SHORT_LIST);

  /** Appends row `m` to node `node`'s list. */
  add(node: number, m: number): void {
    if (node >= this.head.length) {
      this.head = grow(this.head, node + 1, ints, -1);
      this.tail = grow(this.tail, node + 1, ints, -1);
      this.counts = grow(this.counts, node + 1, ints);
    }
    if (this.cells === this.row.length) {
      this.row = grow(this.row, this.cells + 1, ints);
      this.next = grow(this.next, this.cells + 1, ints);
    }
    const c = this.cells++;
    this.row[c] = m;
    this.next[c] = -1;
    const last = this.tail[node]!;
    if (last < 0) this.head[node] = c;
    else this.next[last] = c;
    this.tail[node] = c;
    this.counts[node]!++;
  }

  /** The first cell of the node's list (-1: none); walk on with `after`, read a cell's row with `at`. */
  first(node: number): number {
    return node < this.head.length ? this.head[node]! : -1;
  }

  after(cell: number): number {
    return this.next[cell]!;
  }

  at(cell: number): number {
    return this.row[cell]!;
  }

  count(node: number): number {
    return node < this.counts.length ? this.counts[node]! : 0;
  }

  /** The last row added to the node's list (-1: none). */
  last(node: number): number {
    const c = node < this.tail.length ? this.tail[node]! : -1;
    return c < 0 ? -1 : this.row[c]!;
  }

  /** The node's rows as an array, in list order. */
  rows(node: number): number[] {
    const out: number[] = new Array(this.count(node));
    let i = 0;
    for (let c = node < this.head.length ? this.head[node]! : -1; c >= 0; c = this.next[c]!) out[i++] = this.row[c]!;
    return out;
  }

  /** Puts the node's rows in the order `compare` gives, stably (the cells stay, their rows move). */
  sort(node: number, compare: (a: number, b: number) => number): void {
    // Most lists are short and nearly in order: sorted by insertion in one reused array, where Array.prototype.sort
    // would allocate an array and its work space per call (a trace sorts hundreds of thousands of lists).
    const sorted = this.count(node) <= SHORT_LIST ? this.sortedByInsertion(node, compare) : this.rows(node).sort(compare);
    let i = 0;
    for (let c = this.head[node]!; c >= 0; c = this.next[c]!) this.row[c] = sorted[i++]!;
  }

  /** The node's rows sorted stably into the scratch array (a list of up to SHORT_LIST rows). */
  private sortedByInsertion(node: number, compare: (a: number, b: number) => number): Int32Array {
    const sorted = this.scratch;
    let i = 0;
    for (let c = this.head[node]!; c >= 0; c = this.next[c]!) {
      const m = this.row[c]!;
      let j = i++;
      for (; j > 0 && compare(sorted[j - 1]!, m) > 0; j--) sorted[j] = sorted[j - 1]!;
      sorted[j] = m;
    }
    return sorted;
  }

  /** Lets every list go (the arrays shrink back). */
  clear(): void {
    this.row = new Int32Array(0);
    this.next = new Int32Array(0);
    this.head = new Int32Array(0);
    this.tail = new Int32Array(0);
    this.counts = new Int32Array(0);
    this.cells = 0;
  }
}

const ints = (n: number) => new Int32Array(n);
/** Lists up to this long are sorted by insertion. */
const SHORT_LIST = 32;
