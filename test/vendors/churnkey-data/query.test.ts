import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { labelsOf } from '../../../mock/vendors/churnkey-data/fields.ts';
import {
  aggregate,
  compileFilter,
  matches,
  page,
  parseBreakdown,
} from '../../../mock/vendors/churnkey-data/query.ts';
import { record } from '../../helpers/records.ts';

const MAY_1 = '2023-05-01T00:00:00.000Z';
const MAY_31_LATE = '2023-05-31T23:59:59.999Z';
const JUNE_1 = '2023-06-01T00:00:00.000Z';
const APRIL_30_LATE = '2023-04-30T23:59:59.999Z';

describe('compileFilter / matches', () => {
  const DATE_CASES: [string, string, boolean][] = [
    ['start is inclusive', MAY_1, true],
    ['end is exclusive', JUNE_1, false],
    ['last ms of May is in', MAY_31_LATE, true],
    ['last ms of April is out', APRIL_30_LATE, false],
  ];
  it.each(DATE_CASES)('startDate=2023-05-01&endDate=2023-06-01: %s', (_n, at, expected) => {
    const f = compileFilter({ startDate: '2023-05-01', endDate: '2023-06-01' });
    expect(matches(f, record('x', at, 'cancel'))).toBe(expected);
  });

  it('compares fields for equality and negates with a leading dash', () => {
    const pause = record('p', MAY_1, 'pause');
    const cancel = record('c', MAY_1, 'cancel');
    expect(matches(compileFilter({ offerType: 'PAUSE' }), pause)).toBe(true);
    expect(matches(compileFilter({ offerType: 'PAUSE' }), cancel)).toBe(false);
    expect(matches(compileFilter({ '-offerType': 'PAUSE' }), pause)).toBe(false);
    expect(matches(compileFilter({ '-offerType': 'PAUSE' }), cancel)).toBe(true);
    expect(matches(compileFilter({ canceled: true, '-canceled': true }), cancel)).toBe(false);
  });

  it('derives saveType: ABANDON for aborted sessions, else the accepted offer type', () => {
    expect(matches(compileFilter({ saveType: 'ABANDON' }), record('a', MAY_1, 'abort'))).toBe(true);
    expect(matches(compileFilter({ saveType: 'PAUSE' }), record('p', MAY_1, 'pause'))).toBe(true);
    expect(matches(compileFilter({ saveType: 'ABANDON' }), record('c', MAY_1, 'cancel'))).toBe(
      false,
    );
  });

  it('matches e-mail and currency case-insensitively', () => {
    const s = record('e', MAY_1, 'cancel');
    expect(matches(compileFilter({ customerEmail: s.customer.email.toUpperCase() }), s)).toBe(true);
    expect(
      matches(
        compileFilter({ sessionCurrency: s.customer.subscription.currency.toUpperCase() }),
        s,
      ),
    ).toBe(true);
  });

  it('excludes bounced sessions unless bounced=true', () => {
    const s = { ...record('b', MAY_1, 'pause'), bounced: true };
    expect(matches(compileFilter({}), s)).toBe(false);
    expect(matches(compileFilter({ bounced: false }), s)).toBe(false);
    expect(matches(compileFilter({ bounced: true }), s)).toBe(true);
  });
});

describe('page', () => {
  const list: SessionRecord[] = Array.from({ length: 25 }, (_, i) =>
    record(`s${i}`, MAY_1, 'cancel'),
  );
  it.each([
    [0, 10, 0, 10],
    [10, 10, 10, 10],
    [20, 10, 20, 5],
    [30, 10, 30, 0],
  ])('skip=%i limit=%i starts at %i with %i items', (skip, limit, first, count) => {
    const got = page(list, compileFilter({}), skip, limit);
    expect(got.length).toBe(count);
    if (count) expect(got[0]?.id).toBe(`s${first}`);
  });
});

describe('parseBreakdown', () => {
  it.each([
    ['month-saveType', ['month', 'saveType'], 0],
    ['month-surveyResponse-billingInterval', ['month', 'surveyResponse', 'billingInterval'], 0],
    ['month-response', ['month', 'response'], 0],
    ['month-nope', ['month', 'nope'], 1],
    ['month-month', ['month', 'month'], 1],
    ['response-surveyResponse', ['response', 'surveyResponse'], 1],
  ])('%s', (breakdown, dims, problemCount) => {
    const got = parseBreakdown(breakdown);
    expect(got.dims).toEqual(dims);
    expect(got.problems.length).toBe(problemCount);
  });
});

describe('aggregate', () => {
  const sessions = [
    record('1', '2023-01-15T00:00:00Z', 'cancel'),
    record('2', '2023-01-20T00:00:00Z', 'pause'),
    record('3', '2023-02-01T00:00:00Z', 'pause'),
    record('4', '2023-02-02T00:00:00Z', 'abort'),
  ];
  it('groups by dimensions, sorted by them, with null for missing values (last)', () => {
    expect(aggregate(sessions, compileFilter({}), ['month', 'offerType'])).toEqual([
      { count: 1, month: '2023-01', offerType: 'PAUSE' },
      { count: 1, month: '2023-01', offerType: null },
      { count: 1, month: '2023-02', offerType: 'PAUSE' },
      { count: 1, month: '2023-02', offerType: null },
    ]);
  });
  it('without a breakdown returns one total row', () => {
    expect(aggregate(sessions, compileFilter({ canceled: false }), [])).toEqual([{ count: 3 }]);
    expect(aggregate([], compileFilter({}), [])).toEqual([{ count: 0 }]);
  });
  it('labels days, ISO weeks and months in UTC', () => {
    expect(labelsOf(Date.parse('2023-01-01T23:00:00Z'))).toEqual({
      day: '2023-01-01',
      week: '2022-W52',
      month: '2023-01',
    });
    expect(labelsOf(Date.parse('2024-12-30T00:00:00Z'))).toEqual({
      day: '2024-12-30',
      week: '2025-W01',
      month: '2024-12',
    });
  });
});
