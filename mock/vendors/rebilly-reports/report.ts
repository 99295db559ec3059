/** A report row (Rebilly API reference, Responses): a group, its size and lengths in seconds. */
export interface ReportRow {
  /** The group's value of the aggregation field; null groups the subscriptions without one. */
  readonly aggregationValue: string | null;
  readonly count: number;
  readonly averageLength: number;
  readonly medianLength: number;
}

/** Median of ascending values; for an even count, the mean of the two middle values. */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >>> 1;
  const upper = sorted[mid] as number;
  return n % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/**
 * Row order: largest group first; equal counts by value in code-unit order; the group without
 * a value (null) after every named group with the same count.
 */
export function compareRows(a: ReportRow, b: ReportRow): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.aggregationValue === b.aggregationValue) return 0;
  if (a.aggregationValue === null) return 1;
  if (b.aggregationValue === null) return -1;
  return a.aggregationValue < b.aggregationValue ? -1 : 1;
}

/**
 * Groups subscriptions by code and computes count, mean and median length per group, sorted
 * with compareRows. `codes[i]` indexes `labels` (code 0 = no value); `lengths[i]` is that
 * subscription's length in seconds. Only groups that occur are returned.
 */
export function aggregate(
  codes: ArrayLike<number>,
  lengths: ArrayLike<number>,
  labels: readonly (string | null)[],
): ReportRow[] {
  // Counting sort by code, then each group's lengths are one contiguous, sortable slice.
  const counts = new Uint32Array(labels.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    counts[c] = (counts[c] as number) + 1;
  }
  const starts = new Uint32Array(labels.length + 1);
  for (let c = 0; c < labels.length; c++)
    starts[c + 1] = (starts[c] as number) + (counts[c] as number);
  const next = starts.slice(0, labels.length);
  const grouped = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    const at = next[c] as number;
    grouped[at] = lengths[i] as number;
    next[c] = at + 1;
  }
  const rows: ReportRow[] = [];
  for (let c = 0; c < labels.length; c++) {
    const count = counts[c] as number;
    if (count === 0) continue;
    const slice = grouped.subarray(starts[c], (starts[c] as number) + count).sort();
    let sum = 0;
    for (let i = 0; i < count; i++) sum += slice[i] as number;
    rows.push({
      aggregationValue: labels[c] ?? null,
      count,
      averageLength: sum / count,
      medianLength: median(slice),
    });
  }
  return rows.sort(compareRows);
}

/** The page of `rows` that `limit` and `offset` select (empty when offset is past the end). */
export function paginate<T>(rows: readonly T[], limit: number, offset: number): T[] {
  return limit <= 0 ? [] : rows.slice(offset, offset + limit);
}
