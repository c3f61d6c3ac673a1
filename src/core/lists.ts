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
