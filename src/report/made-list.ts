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

  toJSON(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.make(i);
    return out;
  }
}
