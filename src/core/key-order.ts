/**
 * Sorting many string keys (node keys `chain|address`) fast. A comparator sort calls back into JavaScript for each
 * of its n log n comparisons, each a string comparison past the prefix the keys share: at 1 M transfers the engine
 * sorts about 500 k keys that way (the candidates of each round, the endpoints' addresses). Here each key becomes one
 * 64-bit number that orders as the key does in its first characters after the shared prefix, with the key's index in
 * its lowest bits; the numbers are sorted natively, and only keys whose numbers tie in those characters are compared
 * whole.
 */

/** Below this many keys a comparator sort is as fast: no numbers are made. */
const SMALL = 4096;
/**
 * Bits a character takes in the number: its code unit + 1, 0 past the key's end; code units from 126 up share the
 * top value, and the characters after such a one count as 0 (keys that tie there are compared whole).
 */
const CHAR_BITS = 7;

/**
 * The indexes of `keys` in the order of `group` (small non-negative integers, such as hop counts; all 0 when absent),
 * then key in code-unit order (what `<` gives strings), then index. The same order as
 * `indexes.sort((a, b) => group[a] - group[b] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b))`.
 */
export function orderByKey(keys: readonly string[], group?: ArrayLike<number>): Int32Array {
  const n = keys.length;
  const groupOf = (i: number) => (group ? group[i]! : 0);
  const byComparison = (a: number, b: number) => groupOf(a) - groupOf(b) || compareKeys(keys[a]!, keys[b]!) || a - b;
  let top = 0;
  let whole = true;
  for (let i = 0; group && i < n; i++) {
    const g = group[i]!;
    if (!(Number.isInteger(g) && g >= 0)) whole = false;
    else if (g > top) top = g;
  }
  const indexBits = Math.max(1, Math.ceil(Math.log2(n)));
  const groupBits = top > 0 ? Math.ceil(Math.log2(top + 1)) : 0;
  // What is left of 64 bits for characters, and at most 53 (the number is built as a double).
  const charBits = Math.min(64 - indexBits - groupBits, 53 - groupBits);
  const chars = Math.floor(charBits / CHAR_BITS);
  if (n < SMALL || !whole || chars < 2) return Int32Array.from({ length: n }, (_, i) => i).sort(byComparison);

  const words = keyNumbers(keys, group, chars, indexBits);
  new BigUint64Array(words.buffer).sort();

  const mask = 2 ** indexBits - 1;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = words[2 * i]! & mask;
  // Runs whose numbers tie above the index: the same group and first characters. Their keys are compared whole.
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && words[2 * end + 1] === words[2 * start + 1] && words[2 * end]! >>> indexBits === words[2 * start]! >>> indexBits) end++;
    if (end - start > 1) order.subarray(start, end).sort(byComparison);
    start = end;
  }
  return order;
}

/**
 * Each key's number, in two 32-bit words (low, high) per key: its group, then its first `chars` characters after the
 * prefix every key shares, then its index in the lowest `indexBits` bits.
 */
function keyNumbers(keys: readonly string[], group: ArrayLike<number> | undefined, chars: number, indexBits: number): Uint32Array {
  const n = keys.length;
  const words = new Uint32Array(2 * n);
  // (Powers of two computed once: `2 ** x` of a variable is a call to pow, per character it was most of the time.)
  const lowSpan = 2 ** (32 - indexBits);
  const indexSpan = 2 ** indexBits;
  const charSpan = 2 ** CHAR_BITS;
  // The characters after the prefix every key shares make the numbers. That prefix is found in the same pass (a
  // key's characters are read once): a key that shares less of it starts the pass over, which is rare.
  const first = keys[0]!;
  let skip = first.length;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    let c = 0;
    while (c < skip && c < key.length && key.charCodeAt(c) === first.charCodeAt(c)) c++;
    if (c < skip) {
      skip = c;
      i = -1;
      continue;
    }
    let v = group ? group[i]! : 0;
    // Past a character that shares the top value, the characters would decide what that one left undecided: zeros.
    let open = true;
    for (let at = skip; at < skip + chars; at++) {
      const code = open && at < key.length ? key.charCodeAt(at) : -1;
      if (code >= 126) open = false;
      v = v * charSpan + Math.min(code, 126) + 1;
    }
    // v < 2^(64 - indexBits): its high part fills the upper word, its low part sits above the index in the lower one.
    const high = Math.floor(v / lowSpan);
    words[2 * i] = (v - high * lowSpan) * indexSpan + i;
    words[2 * i + 1] = high;
  }
  return words;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
