import { describe, expect, it } from 'vitest';
import { Rng } from '../../../generators/random.ts';
import {
  aggregate,
  aggregateRange,
  byLength,
  compareRows,
  GroupedLengths,
  median,
  paginate,
  type ReportRow,
} from '../../../mock/vendors/rebilly-reports/report.ts';

const DAY = 86_400;
const LABELS = [null, 'customer', 'merchant', 'rebilly'];
const [NONE, CUSTOMER, MERCHANT, REBILLY] = [0, 1, 2, 3];

describe('median', () => {
  it.each([
    ['one value', [7], 7],
    ['odd count: the middle', [1, 2, 9], 2],
    ['even count: mean of the two middles', [1, 2, 4, 9], 3],
    ['two values', [10, 11], 10.5],
    ['equal middles', [5, 5, 5, 5], 5],
    ['empty', [], Number.NaN],
  ])('%s', (_name, sorted, expected) => {
    expect(median(sorted)).toEqual(expected);
  });
});

describe('aggregate: count, average and median length per group', () => {
  it('computes each group from its own lengths', () => {
    const codes = [CUSTOMER, MERCHANT, CUSTOMER, CUSTOMER, MERCHANT, CUSTOMER];
    const lengths = [40 * DAY, 5, 10 * DAY, 20 * DAY, 7, 30 * DAY];
    expect(aggregate(codes, lengths, LABELS)).toEqual([
      // Even count of 4: median = (20 + 30) / 2 days.
      { aggregationValue: 'customer', count: 4, averageLength: 25 * DAY, medianLength: 25 * DAY },
      { aggregationValue: 'merchant', count: 2, averageLength: 6, medianLength: 6 },
    ]);
  });

  it('puts subscriptions without a value in one null group', () => {
    const rows = aggregate([NONE, REBILLY, NONE], [3, 100, 1], LABELS);
    expect(rows).toEqual([
      { aggregationValue: null, count: 2, averageLength: 2, medianLength: 2 },
      { aggregationValue: 'rebilly', count: 1, averageLength: 100, medianLength: 100 },
    ]);
  });

  it('returns only groups that occur, and nothing for no subscriptions', () => {
    expect(aggregate([], [], LABELS)).toEqual([]);
    expect(aggregate([MERCHANT], [9], LABELS).map((r) => r.aggregationValue)).toEqual(['merchant']);
  });

  it('keeps exact means (no rounding)', () => {
    const [row] = aggregate([CUSTOMER, CUSTOMER, CUSTOMER], [1, 1, 2], LABELS);
    expect(row?.averageLength).toBe(4 / 3);
    expect(row?.medianLength).toBe(1);
  });
});

describe('row order', () => {
  const row = (aggregationValue: string | null, count: number): ReportRow => ({
    aggregationValue,
    count,
    averageLength: 0,
    medianLength: 0,
  });
  it('is count descending, then value ascending, the null group last among equals', () => {
    const rows = [row('b', 2), row(null, 2), row('a', 2), row(null, 9), row('Z', 2), row('c', 5)];
    expect(rows.sort(compareRows).map((r) => [r.aggregationValue, r.count])).toEqual([
      [null, 9],
      ['c', 5],
      ['Z', 2],
      ['a', 2],
      ['b', 2],
      [null, 2],
    ]);
  });
  it('aggregate returns rows in that order', () => {
    const rows = aggregate([REBILLY, MERCHANT, NONE, MERCHANT], [1, 1, 1, 1], LABELS);
    expect(rows.map((r) => r.aggregationValue)).toEqual(['merchant', 'rebilly', null]);
  });
});

describe('paginate', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    [2, 0, ['a', 'b']],
    [2, 2, ['c', 'd']],
    [2, 4, ['e']],
    [2, 5, []],
    [2, 99, []],
    [0, 0, []],
    [1000, 0, rows],
  ])('limit=%i offset=%i', (limit, offset, expected) => {
    expect(paginate(rows, limit, offset)).toEqual(expected);
  });
});

describe('aggregateRange: aggregate over a range and a filter, without sorting', () => {
  it('gives aggregate’s rows, to the bit, over random ranges, filters and ties', () => {
    const r = new Rng(404);
    for (let round = 0; round < 80; round++) {
      // Up to several prefix blocks (64 subscriptions each), ranges within one block too.
      const n = round === 0 ? 5000 : r.int(0, 700);
      const codes = Array.from({ length: n }, () => r.int(0, LABELS.length - 1));
      // Whole seconds, with many ties (as lengths in days often are).
      const lengths = Float64Array.from({ length: n }, () => r.int(1, 40) * (r.bool() ? DAY : 1));
      const grouped = new GroupedLengths(codes, lengths, byLength({}, lengths), LABELS.length);
      const lo = r.int(0, n);
      const hi = r.bool() ? n : r.int(lo, n);
      const drop = r.int(1, 5);
      const keep = (i: number) => i % drop !== 0;
      const rows = (test: (i: number) => boolean) => {
        const inRange = Array.from({ length: hi - lo }, (_, k) => lo + k).filter(test);
        return aggregate(
          inRange.map((i) => codes[i] as number),
          inRange.map((i) => lengths[i] as number),
          LABELS,
        );
      };
      expect(aggregateRange(grouped, codes, lengths, lo, hi, keep, LABELS)).toEqual(rows(keep));
      // No filter: counts and sums from the prefix tables.
      expect(aggregateRange(grouped, codes, lengths, lo, hi, null, LABELS)).toEqual(
        rows(() => true),
      );
    }
  });
});
