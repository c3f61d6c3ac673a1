import { grow } from '../core/typed-arrays.js';

/**
 * Each flow node's movements (rows), as cells linked in typed arrays: a cell per node and row, 8 bytes, where a
 * JavaScript array per node would cost a header and room for 17 rows before the first one (most addresses have a
 * handful). A node's cells read in the order they were added, until `sort` puts its rows in another order.
 *
 * A cell's row and link sit side by side, and so do a node's first cell, last cell and count: cells and nodes come in
 * no order, and one read of memory then brings what the next step needs (a walk reads row and link of each cell; an
 * append reads the node's last cell and writes its link).
 */
export class EventLists {
  /** Cell c: its row at 2c, the next cell of its list at 2c + 1 (-1: the last). */
  private cell = new Int32Array(0);
  /**
   * Node n: its first cell + 1 at 4n, its last cell + 1 at 4n + 1 (0: none), its count at 4n + 2, its last row at
   * 4n + 3 (what an append compares with: read beside the rest, not from the last cell, which lies elsewhere). Zero is
   * empty, so room for nodes is never filled in (room reserved is not written until used).
   */
  private node = new Int32Array(0);
  private cells = 0;
  private readonly scratch = new Int32Array(SHORT_LIST);

  /** Room for `nodes` nodes and `cells` cells in all (see FlowTable.reserve). */
  reserve(nodes: number, cells: number): void {
    this.node = grow(this.node, 4 * nodes, ints);
    this.cell = grow(this.cell, 2 * cells, ints);
  }

  /** Appends row `m` to node `node`'s list. */
  add(node: number, m: number): void {
    if (4 * node >= this.node.length) this.node = grow(this.node, 4 * node + 4, ints);
    if (2 * this.cells === this.cell.length) this.cell = grow(this.cell, 2 * this.cells + 2, ints);
    const c = this.cells++;
    const cell = this.cell;
    cell[2 * c] = m;
    cell[2 * c + 1] = -1;
    const n = this.node;
    const at = 4 * node;
    const last = n[at + 1]! - 1;
    if (last < 0) n[at] = c + 1;
    else cell[2 * last + 1] = c;
    n[at + 1] = c + 1;
    n[at + 2]!++;
    n[at + 3] = m;
  }

  /** The first cell of the node's list (-1: none); walk on with `after`, read a cell's row with `at`. */
  first(node: number): number {
    return 4 * node < this.node.length ? this.node[4 * node]! - 1 : -1;
  }

  after(cell: number): number {
    return this.cell[2 * cell + 1]!;
  }

  at(cell: number): number {
    return this.cell[2 * cell]!;
  }

  count(node: number): number {
    return 4 * node < this.node.length ? this.node[4 * node + 2]! : 0;
  }

  /** The row in the last cell of the node's list (-1: none). */
  last(node: number): number {
    return 4 * node < this.node.length && this.node[4 * node + 2]! > 0 ? this.node[4 * node + 3]! : -1;
  }

  /** The node's rows as an array, in list order. */
  rows(node: number): number[] {
    const out: number[] = new Array(this.count(node));
    let i = 0;
    for (let c = this.first(node); c >= 0; c = this.cell[2 * c + 1]!) out[i++] = this.cell[2 * c]!;
    return out;
  }

  /** Puts the node's rows in the order `compare` gives, stably (the cells stay, their rows move). */
  sort(node: number, compare: (a: number, b: number) => number): void {
    // Most lists are short and nearly in order: sorted by insertion in one reused array, where Array.prototype.sort
    // would allocate an array and its work space per call (a trace sorts hundreds of thousands of lists).
    const sorted = this.count(node) <= SHORT_LIST ? this.sortedByInsertion(node, compare) : this.rows(node).sort(compare);
    const cell = this.cell;
    let i = 0;
    for (let c = this.first(node); c >= 0; c = cell[2 * c + 1]!) cell[2 * c] = sorted[i++]!;
    if (i > 0) this.node[4 * node + 3] = sorted[i - 1]!;
  }

  /** The node's rows sorted stably into the scratch array (a list of up to SHORT_LIST rows). */
  private sortedByInsertion(node: number, compare: (a: number, b: number) => number): Int32Array {
    const sorted = this.scratch;
    const cell = this.cell;
    let i = 0;
    for (let c = this.first(node); c >= 0; c = cell[2 * c + 1]!) {
      const m = cell[2 * c]!;
      let j = i++;
      for (; j > 0 && compare(sorted[j - 1]!, m) > 0; j--) sorted[j] = sorted[j - 1]!;
      sorted[j] = m;
    }
    return sorted;
  }

  /** Lets every list go (the arrays shrink back). */
  clear(): void {
    this.cell = new Int32Array(0);
    this.node = new Int32Array(0);
    this.cells = 0;
  }
}

const ints = (n: number) => new Int32Array(n);
/** Lists up to this long are sorted by insertion. */
const SHORT_LIST = 32;
