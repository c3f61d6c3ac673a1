/**
 * Edit distance between two short strings, counting what typing gets wrong as one edit each: a letter inserted,
 * dropped, replaced, or two neighbours swapped (optimal string alignment distance).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to a mistyped name, when it is near enough to be the same word mistyped: fewer edits than
 * half the candidate's length (so more of it is right than wrong). Ties go to the earlier candidate.
 */
export function nearestName(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.trim().toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(typed, name.toLowerCase());
    if (distance * 2 < name.length && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
