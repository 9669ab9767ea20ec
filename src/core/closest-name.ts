/**
 * The name among `names` closest to `name` (a typo's likely intent): at most two edits away
 * (insertions, deletions, substitutions, case aside) and closer than any other; else the one that
 * `name` begins (a shortened name, `initial_delay` for `initial_delay_ms`); else `undefined`.
 */
function closestName(name: string, names: Iterable<string>): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  let longer: string | undefined;
  for (const candidate of names) {
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
    if (longer === undefined && typed.length >= 4 && candidate.startsWith(typed)) longer = candidate;
  }
  return best ?? longer;
}

/** ` (did you mean "x"?)` for the name closest to `name` (see {@link closestName}), or `""`. */
export function didYouMean(name: string, names: Iterable<string>): string {
  const near = closestName(name, names);
  return near === undefined ? "" : ` (did you mean "${near}"?)`;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]!;
}
