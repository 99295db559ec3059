import { groupByKey } from '../../../generators/typed-arrays.ts';
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

/** Prefix tables hold at most about this many entries per field (blocks × groups). */
const PREFIX_ENTRIES = 1 << 18;

/**
 * One coded field's subscriptions arranged for range reports, built once per data set and
 * field. `members` lists every subscription grouped by code, each group ascending by length
 * (ties by index), so a group's median over a range is a walk over its own members only. The
 * prefix tables hold each group's count and length sum over the first `b × block`
 * subscriptions (cancel-time order), so an unfiltered range's counts and sums cost two table
 * rows and the subscriptions of its two partial blocks.
 */
export class GroupedLengths {
  readonly groups: number;
  readonly members: Uint32Array;
  /** Group c's members are `members[starts[c]]` up to `members[starts[c + 1]]`. */
  readonly starts: Uint32Array;
  readonly block: number;
  readonly counts: Uint32Array;
  readonly sums: Float64Array;

  constructor(
    codes: ArrayLike<number>,
    lengths: ArrayLike<number>,
    order: Uint32Array,
    groups: number,
  ) {
    const n = codes.length;
    this.groups = groups;
    // Grouping the length order by code keeps it within each group.
    const { order: byCode, start } = groupByKey(
      Uint32Array.from(order, (i) => codes[i] as number),
      groups,
    );
    this.members = Uint32Array.from(byCode, (k) => order[k] as number);
    this.starts = start;
    const block = Math.max(64, Math.ceil((n * groups) / PREFIX_ENTRIES));
    const blocks = Math.floor(n / block);
    const counts = new Uint32Array((blocks + 1) * groups);
    const sums = new Float64Array((blocks + 1) * groups);
    for (let b = 1; b <= blocks; b++) {
      const row = b * groups;
      counts.copyWithin(row, row - groups, row);
      sums.copyWithin(row, row - groups, row);
      for (let i = (b - 1) * block; i < b * block; i++) {
        const at = row + (codes[i] as number);
        counts[at] = (counts[at] as number) + 1;
        sums[at] = (sums[at] as number) + (lengths[i] as number);
      }
    }
    this.block = block;
    this.counts = counts;
    this.sums = sums;
  }
}

/** Each coded column's GroupedLengths (a field's codes are its own array), once reported on. */
const GROUPED = new WeakMap<object, GroupedLengths>();

/** The GroupedLengths of one coded field of `data` (its codes, the lengths, their order). */
export function groupedLengths(
  data: object,
  codes: ArrayLike<number>,
  lengths: ArrayLike<number>,
  groups: number,
): GroupedLengths {
  let g = GROUPED.get(codes);
  if (!g) {
    g = new GroupedLengths(codes, lengths, byLength(data, lengths), groups);
    GROUPED.set(codes, g);
  }
  return g;
}

/** Adds each subscription `from ≤ i < to` to its group's count and length sum. */
function tally(
  codes: ArrayLike<number>,
  lengths: ArrayLike<number>,
  from: number,
  to: number,
  counts: Uint32Array,
  sums: Float64Array,
): void {
  for (let i = from; i < to; i++) {
    const c = codes[i] as number;
    counts[c] = (counts[c] as number) + 1;
    sums[c] = (sums[c] as number) + (lengths[i] as number);
  }
}

/**
 * `aggregate` over the subscriptions `lo ≤ i < hi` that `keep` accepts (null: all), without
 * sorting any: counts and sums from the prefix tables (or, filtered, one pass over the range),
 * then each group's middle values from a walk over its members in length order. Lengths are
 * whole seconds, so the sums are exact in any order and the rows are `aggregate`'s, to the bit.
 */
export function aggregateRange(
  g: GroupedLengths,
  codes: ArrayLike<number>,
  lengths: ArrayLike<number>,
  lo: number,
  hi: number,
  keep: ((i: number) => boolean) | null,
  labels: readonly (string | null)[],
): ReportRow[] {
  const groups = g.groups;
  const counts = new Uint32Array(groups);
  const sums = new Float64Array(groups);
  let kept: Uint8Array | null = null;
  if (keep) {
    kept = new Uint8Array(Math.max(0, hi - lo));
    for (let i = lo; i < hi; i++) {
      if (!keep(i)) continue;
      kept[i - lo] = 1;
      const c = codes[i] as number;
      counts[c] = (counts[c] as number) + 1;
      sums[c] = (sums[c] as number) + (lengths[i] as number);
    }
  } else {
    const first = Math.ceil(lo / g.block);
    const last = Math.floor(hi / g.block);
    if (first >= last) tally(codes, lengths, lo, hi, counts, sums);
    else {
      const a = first * groups;
      const b = last * groups;
      for (let c = 0; c < groups; c++) {
        counts[c] = (g.counts[b + c] as number) - (g.counts[a + c] as number);
        sums[c] = (g.sums[b + c] as number) - (g.sums[a + c] as number);
      }
      tally(codes, lengths, lo, first * g.block, counts, sums);
      tally(codes, lengths, last * g.block, hi, counts, sums);
    }
  }
  const rows: ReportRow[] = [];
  const { members, starts } = g;
  for (let c = 0; c < groups; c++) {
    const count = counts[c] as number;
    if (count === 0) continue;
    // The ((n - 1) >> 1)-th and (n >> 1)-th lengths of the group (one and the same when n is odd).
    const low = (count - 1) >> 1;
    const high = count >> 1;
    let lower = 0;
    let upper = 0;
    let at = 0;
    for (let k = starts[c] as number, end = starts[c + 1] as number; k < end; k++) {
      const i = members[k] as number;
      if (i < lo || i >= hi || (kept !== null && kept[i - lo] === 0)) continue;
      if (at === low) lower = lengths[i] as number;
      if (at === high) {
        upper = lengths[i] as number;
        break;
      }
      at++;
    }
    rows.push({
      aggregationValue: labels[c] ?? null,
      count,
      averageLength: (sums[c] as number) / count,
      medianLength: count % 2 === 1 ? upper : (lower + upper) / 2,
    });
  }
  return rows.sort(compareRows);
}

/** The page of `rows` that `limit` and `offset` select (empty when offset is past the end). */
export function paginate<T>(rows: readonly T[], limit: number, offset: number): T[] {
  return limit <= 0 ? [] : rows.slice(offset, offset + limit);
}
