/**
 * Nearest-rank percentile (`p` from 0 to 100) of an ascending array: the smallest value with
 * at least p % of the values at or below it. Null when there are none.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1] as number;
}
