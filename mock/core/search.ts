// The mock's binary searches. The four over sorted numbers (typed-array columns, bucket
// starts) are one allocation-free loop; `partitionPoint` serves what is not such a column
// (records, a column read through an index).

/** An array of numbers in order (ascending or descending, as the search says). */
type Sorted = ArrayLike<number>;

/**
 * The first index in [lo, hi) at which `sorted` reaches `value`: the array runs ascending
 * when `dir` is 1 and descending when -1 (comparing `dir × x` turns one into the other,
 * exactly), and with `past` the index is the first beyond the run equal to `value`.
 */
function bound(sorted: Sorted, value: number, lo: number, hi: number, dir: 1 | -1, past: boolean) {
  const v = dir * value;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = dir * (sorted[mid] as number);
    if (x < v || (past && x === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) of an ascending array with `sorted[i] >= value` (`hi` if none). */
export function lowerBound(sorted: Sorted, value: number, lo = 0, hi = sorted.length): number {
  return bound(sorted, value, lo, hi, 1, false);
}

/** First index in [lo, hi) of an ascending array with `sorted[i] > value` (`hi` if none). */
export function upperBound(sorted: Sorted, value: number, lo = 0, hi = sorted.length): number {
  return bound(sorted, value, lo, hi, 1, true);
}

/** First index in [lo, hi) of a descending array with `sorted[i] <= value` (`hi` if none). */
export function lowerBoundDescending(s: Sorted, value: number, lo = 0, hi = s.length): number {
  return bound(s, value, lo, hi, -1, false);
}

/** First index in [lo, hi) of a descending array with `sorted[i] < value` (`hi` if none). */
export function upperBoundDescending(s: Sorted, value: number, lo = 0, hi = s.length): number {
  return bound(s, value, lo, hi, -1, true);
}

/**
 * The first index in [lo, hi) for which `before(i)` is false, where `before` holds on a
 * prefix of the range and nowhere after it (`hi` if it holds throughout).
 */
export function partitionPoint(lo: number, hi: number, before: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
