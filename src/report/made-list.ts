/**
 * A list whose items are made when read and not kept: a report's endpoint records for a trace too big to hold them
 * all (report/build.ts `streamedReport`). The JSON writer (json-stream.ts) walks it as an array, one record at a time;
 * JSON.stringify, which knows nothing of it, gets the whole array through toJSON.
 */
export class MadeList<T> {
  constructor(
    readonly length: number,
    private readonly make: (index: number) => T,
  ) {}

  /** Item `index`, made now (a new object each read). */
  at(index: number): T {
    return this.make(index);
  }

  /**
   * Every item, each placed at its index. `order` (a permutation of the indexes) says in which order they are made:
   * the items are the same in any order, but making them in the order their data lies in memory reads it faster.
   */
  all(order?: ArrayLike<number>): T[] {
    const out = new Array<T>(this.length);
    if (!order) for (let i = 0; i < this.length; i++) out[i] = this.make(i);
    else for (let j = 0; j < order.length; j++) out[order[j]!] = this.make(order[j]!);
    return out;
  }

  toJSON(): T[] {
    return this.all();
  }
}
