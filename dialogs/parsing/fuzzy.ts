// Typo tolerance: optimal-string-alignment distance (a swapped pair of letters counts once, as
// people mistype). Used to recognise keywords and to find the roles a misspelt name is close to.

/**
 * The distance between `a` and `b`, or `cap + 1` when it is more than `cap`. Only the band of cells
 * within `cap` of the diagonal is computed (a path outside it already costs more than `cap`), so a
 * long token costs O(length x cap), never O(length²).
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const m = b.length;
  // Three rolling rows (the transposition looks two rows back); cells outside the band read as out of reach.
  let older: number[] = new Array<number>(m + 1).fill(Number.POSITIVE_INFINITY);
  let previous: number[] = new Array<number>(m + 1).fill(Number.POSITIVE_INFINITY);
  let current: number[] = new Array<number>(m + 1).fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j <= Math.min(m, cap + 1); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - cap);
    const hi = Math.min(m, i + cap);
    current[lo - 1] = lo - 1 === 0 ? i : Number.POSITIVE_INFINITY;
    if (hi + 1 <= m) current[hi + 1] = Number.POSITIVE_INFINITY;
    let best = lo - 1 === 0 ? i : Number.POSITIVE_INFINITY;
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, older[j - 2]! + 1);
      current[j] = d;
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
    [older, previous, current] = [previous, current, older];
  }
  const distance = previous[m]!;
  return distance > cap ? cap + 1 : distance;
}

/** How many typos a word of this length may carry and still be recognised. */
export function typoAllowance(length: number): number {
  if (length < 5) return 0;
  if (length < 9) return 1;
  return 2;
}

/** True when `word` is `keyword` or a plausible misspelling of it. */
export function isKeyword(word: string, keyword: string): boolean {
  if (word === keyword) return true;
  const allowed = typoAllowance(keyword.length);
  return allowed > 0 && editDistance(word, keyword, allowed) <= allowed;
}
