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

/** Every subscription's index, ascending by length (then by index); kept per data set. */
const BY_LENGTH = new WeakMap<object, Uint32Array>();

/** Subscription indices ascending by `lengths[i]` (ties by index), built once per `data`. */
export function byLength(data: object, lengths: ArrayLike<number>): Uint32Array {
  let order = BY_LENGTH.get(data);
  if (!order) {
    order = Uint32Array.from({ length: lengths.length }, (_, i) => i);
    order.sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
    BY_LENGTH.set(data, order);
  }
  return order;
}

/**
 * `aggregate` over the subscriptions `lo ≤ i < hi` that `keep` accepts, without sorting any:
 * one pass counts and sums each group, a pass over every subscription in length order (`order`,
 * from byLength) picks each group's middle values as they come. Lengths are whole seconds, so
 * the sums are exact in any order and the rows are `aggregate`'s, to the bit.
 */
export function aggregateRange(
  codes: ArrayLike<number>,
  lengths: ArrayLike<number>,
  order: Uint32Array,
  lo: number,
  hi: number,
  keep: (i: number) => boolean,
  labels: readonly (string | null)[],
): ReportRow[] {
  const counts = new Uint32Array(labels.length);
  const sums = new Float64Array(labels.length);
  const kept = new Uint8Array(Math.max(0, hi - lo));
  let total = 0;
  for (let i = lo; i < hi; i++) {
    if (!keep(i)) continue;
    kept[i - lo] = 1;
    const c = codes[i] as number;
    counts[c] = (counts[c] as number) + 1;
    sums[c] = (sums[c] as number) + (lengths[i] as number);
    total++;
  }
  // The ((n - 1) >> 1)-th and (n >> 1)-th lengths of each group (one and the same when n is odd).
  const seen = new Uint32Array(labels.length);
  const lower = new Float64Array(labels.length);
  const upper = new Float64Array(labels.length);
  let left = total;
  for (let k = 0; k < order.length && left > 0; k++) {
    const i = order[k] as number;
    if (i < lo || i >= hi || kept[i - lo] === 0) continue;
    left--;
    const c = codes[i] as number;
    const n = counts[c] as number;
    const at = seen[c] as number;
    seen[c] = at + 1;
    if (at === (n - 1) >> 1) lower[c] = lengths[i] as number;
    if (at === n >> 1) upper[c] = lengths[i] as number;
  }
  const rows: ReportRow[] = [];
  for (let c = 0; c < labels.length; c++) {
    const count = counts[c] as number;
    if (count === 0) continue;
    rows.push({
      aggregationValue: labels[c] ?? null,
      count,
      averageLength: (sums[c] as number) / count,
      medianLength:
        count % 2 === 1 ? (upper[c] as number) : ((lower[c] as number) + (upper[c] as number)) / 2,
    });
  }
  return rows.sort(compareRows);
}

/** The page of `rows` that `limit` and `offset` select (empty when offset is past the end). */
export function paginate<T>(rows: readonly T[], limit: number, offset: number): T[] {
  return limit <= 0 ? [] : rows.slice(offset, offset + limit);
}
