/**
 * Values by index in pages made on first write, for values most indexes never get (a flow's movement objects: of a
 * table-backed flow's 1 M rows, almost none): nothing is written per index as indexes are added, where a dense array
 * needs a push per index (and a cell written far past an array's end would turn it into a slow dictionary).
 */
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;

export class PagedArray<T> {
  private readonly pages: ((T | undefined)[] | undefined)[] = [];

  get(i: number): T | undefined {
    const page = this.pages[i >>> PAGE_BITS];
    return page === undefined ? undefined : page[i & (PAGE - 1)];
  }

  set(i: number, value: T | undefined): void {
    const at = i >>> PAGE_BITS;
    let page = this.pages[at];
    if (page === undefined) {
      if (value === undefined) return;
      // The page list dense too: the pages before it stay undefined until written.
      while (this.pages.length <= at) this.pages.push(undefined);
      page = this.pages[at] = new Array<T | undefined>(PAGE).fill(undefined);
    }
    page[i & (PAGE - 1)] = value;
  }

  /** Sets to undefined each value below `end` for which `keep` says false. */
  clearUnless(end: number, keep: (i: number) => boolean): void {
    for (let at = 0; at < this.pages.length; at++) {
      const page = this.pages[at];
      if (page === undefined) continue;
      const base = at << PAGE_BITS;
      for (let j = 0; j < PAGE && base + j < end; j++) if (page[j] !== undefined && !keep(base + j)) page[j] = undefined;
    }
  }
}
