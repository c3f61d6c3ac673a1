/** Edit distance (Levenshtein: insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
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
