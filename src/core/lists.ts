/**
 * List helpers for lists of any size. `list.push(...items)` and `Math.max(...values)` pass every item as an argument,
 * and V8 refuses a call past about 120 k of them (RangeError: Maximum call stack size exceeded): a size a big trace's
 * endpoints, a graph's nodes or a screened address list reach.
 */

/** Appends `items` to `list`, one at a time; returns `list`. */
export function append<T>(list: T[], items: Iterable<T>): T[] {
  for (const item of items) list.push(item);
  return list;
}

/** The largest of `values`, or `atLeast` when it is larger (or there are none). */
export function largest(values: Iterable<number>, atLeast = Number.NEGATIVE_INFINITY): number {
  let max = atLeast;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * Sorts `list` in place in code-unit order (what `list.sort()` gives strings); returns it. A short list is sorted by
 * insertion: Array.prototype.sort sets up work arrays on every call, which for the few transactions of one endpoint
 * cost more than the sort (at 1 M transfers, 95 MB of them).
 */
export function sortStrings(list: string[]): string[] {
  if (list.length > 16) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const v = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]! > v) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = v;
  }
  return list;
}
