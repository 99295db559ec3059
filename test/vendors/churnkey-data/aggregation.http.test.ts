import { UTCDate } from '@date-fns/utc';
import { base, en, Faker } from '@faker-js/faker';
import { getISOWeek, getISOWeekYear } from 'date-fns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { AGGREGATION, ckGet, defaultMock, SESSIONS } from '../../helpers/mock.ts';

type Row = { count: number } & Record<string, string | number | boolean | null>;

let mock: Mock;
beforeAll(async () => {
  mock = await defaultMock();
});

const aggregate = async (query: Record<string, string | number | boolean>) => {
  const res = await ckGet(mock, 'aggregateSessions', AGGREGATION, query);
  expect(res.status).toBe(200);
  return res.body as Row[];
};

type Listed = Record<string, unknown> & {
  customer: Record<string, unknown>;
  acceptedOffer: Record<string, unknown> | null;
};

/** Every session /sessions lists under a filter, paging through them. */
async function listAll(query: Record<string, string | number | boolean>): Promise<Listed[]> {
  const all: Listed[] = [];
  for (let skip = 0; ; skip += 10_000) {
    const res = await ckGet(mock, 'listSessions', SESSIONS, { ...query, limit: 10_000, skip });
    expect(res.status).toBe(200);
    all.push(...res.body);
    if (res.body.length < 10_000) return all;
  }
}

/** Counts /sessions results under a filter by paging through them. */
const countListed = async (query: Record<string, string | number | boolean>): Promise<number> =>
  (await listAll(query)).length;

/**
 * Each breakdown dimension read from a listed session's JSON, independently of the mock's
 * accessors (the ISO week from date-fns).
 */
const FROM_JSON: Record<string, (s: Listed) => Row[string]> = {
  month: (s) => String(s.createdAt).slice(0, 7),
  day: (s) => String(s.createdAt).slice(0, 10),
  week: (s) => {
    const d = new UTCDate(String(s.createdAt));
    return `${getISOWeekYear(d)}-W${String(getISOWeek(d)).padStart(2, '0')}`;
  },
  trial: (s) => s.trial as boolean,
  billingInterval: (s) => s.customer.billingInterval as string,
  planId: (s) => s.customer.planId as string,
  aborted: (s) => s.aborted as boolean,
  canceled: (s) => s.canceled as boolean,
  offerType: (s) => (s.acceptedOffer?.offerType as string | undefined) ?? null,
  saveType: (s) =>
    s.aborted ? 'ABANDON' : ((s.acceptedOffer?.offerType as string | undefined) ?? null),
  couponId: (s) => (s.acceptedOffer?.couponId as string | undefined) ?? null,
  pauseDuration: (s) => (s.acceptedOffer?.pauseDuration as number | undefined) ?? null,
  blueprintId: (s) => s.blueprintId as string,
  abtest: (s) => s.abtest as string | null,
  surveyResponse: (s) => s.surveyChoiceValue as string | null,
  response: (s) => s.surveyChoiceValue as string | null,
  segmentId: (s) => s.segmentId as string | null,
  currency: (s) => s.customer.currency as string,
  bounced: (s) => s.bounced as boolean,
};

/** The contract's row order: ascending by the dimensions in order, `false` first, `null` last. */
function byDimensions(dims: readonly string[]) {
  return (x: Row, y: Row): number => {
    for (const d of dims) {
      const a = x[d] ?? null;
      const b = y[d] ?? null;
      if (a === b) continue;
      if (a === null) return 1;
      if (b === null) return -1;
      return a < b ? -1 : 1;
    }
    return 0;
  };
}

/** The aggregation computed by brute force: listed sessions grouped by their JSON values. */
function groupListed(sessions: readonly Listed[], dims: readonly string[]): Row[] {
  const groups = new Map<string, Row>();
  for (const s of sessions) {
    const row: Row = { count: 0 };
    for (const d of dims) row[d] = (FROM_JSON[d] as (s: Listed) => Row[string])(s);
    const key = JSON.stringify(dims.map((d) => row[d]));
    const group = groups.get(key) ?? row;
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].sort(byDimensions(dims));
}

describe("GET /v1/data/session-aggregation — the docs' examples", () => {
  it('startDate=2023-01-01&breakdown=month-offerType: month-by-month offers accepted since 2023', async () => {
    const rows = await aggregate({ startDate: '2023-01-01', breakdown: 'month-offerType' });
    expect(rows.length).toBeGreaterThan(36);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['count', 'month', 'offerType']);
      expect(r.month).toMatch(/^20(2[3-5])-\d{2}$/);
      expect(r.count).toBeGreaterThan(0);
    }
    expect(new Set(rows.map((r) => r.offerType))).toContain('DISCOUNT');
    const months = rows.map((r) => r.month as string);
    expect([...months].sort()).toEqual(months);
  });

  it('startDate=2023-01-01&breakdown=month-surveyResponse-billingInterval has the docs row shape', async () => {
    const rows = await aggregate({
      startDate: '2023-01-01',
      breakdown: 'month-surveyResponse-billingInterval',
    });
    expect(rows.length).toBeGreaterThan(100);
    const budget = rows.find(
      (r) => r.surveyResponse === "Doesn't Fit My Budget" && r.billingInterval === 'MONTH',
    );
    expect(budget).toMatchObject({
      month: expect.stringMatching(/^\d{4}-\d{2}$/),
      count: expect.any(Number),
    });
  });

  it('breakdown=month-saveType (the breakdown in the table header) and response alias', async () => {
    const rows = await aggregate({ breakdown: 'month-saveType' });
    expect(new Set(rows.map((r) => r.saveType))).toContain('ABANDON');
    const alias = await aggregate({ breakdown: 'response' });
    const canonical = await aggregate({ breakdown: 'surveyResponse' });
    expect(alias.map((r) => [r.count, r.response])).toEqual(
      canonical.map((r) => [r.count, r.surveyResponse]),
    );
  });

  it('without a breakdown returns one grand-total row equal to the listing count', async () => {
    const rows = await aggregate({ canceled: true });
    expect(rows).toEqual([{ count: await countListed({ canceled: true }) }]);
    expect(await aggregate({ customerId: 'cus_does_not_exist' })).toEqual([{ count: 0 }]);
  });

  it('rejects an unknown or repeated dimension with a 400 naming it', async () => {
    for (const breakdown of ['month-colour', 'month-month', 'month--planId']) {
      const res = await ckGet(mock, 'aggregateSessions', AGGREGATION, { breakdown });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].name).toBe('breakdown');
    }
  });
});

const FILTERS: Record<string, readonly (string | number | boolean)[]> = {
  trial: [true, false],
  billingInterval: ['WEEK', 'MONTH', 'YEAR'],
  planId: ['pro_monthly', 'creator_yearly', 'starter_weekly'],
  aborted: [true, false],
  canceled: [true, false],
  offerType: ['PAUSE', 'DISCOUNT', 'CONTACT', 'PLAN_CHANGE', 'REDIRECT', 'TRIAL_EXTENSION'],
  saveType: ['PAUSE', 'DISCOUNT', 'ABANDON'],
  pauseDuration: [1, 2, 3],
  sessionCurrency: ['usd', 'eur'],
  '-billingInterval': ['MONTH'],
  '-offerType': ['PAUSE'],
  bounced: [true, false],
  startDate: ['2022-06-01', '2023-01-01', '2024-03-15T12:00:00Z'],
  endDate: ['2023-06-01', '2025-01-01'],
};
const DIMENSIONS = [
  'month',
  'week',
  'trial',
  'billingInterval',
  'planId',
  'aborted',
  'canceled',
  'offerType',
  'saveType',
  'couponId',
  'pauseDuration',
  'blueprintId',
  'abtest',
  'surveyResponse',
  'segmentId',
  'currency',
  'bounced',
];

describe('aggregation agrees with /sessions (property test over random filter combinations)', () => {
  const f = new Faker({ locale: [en, base], seed: 2024 });
  const cases = Array.from({ length: 25 }, () => {
    const query: Record<string, string | number | boolean> = {};
    for (const key of f.helpers.arrayElements(Object.keys(FILTERS), { min: 0, max: 3 })) {
      query[key] = f.helpers.arrayElement(FILTERS[key] ?? []);
    }
    const breakdown = f.helpers.arrayElements(DIMENSIONS, { min: 1, max: 2 }).join('-');
    return { query, breakdown };
  });

  it.each(cases)('filters %j', async ({ query, breakdown }) => {
    const rows = await aggregate({ ...query, breakdown });
    const total = rows.reduce((n, r) => n + r.count, 0);
    expect(total).toBe(await countListed(query));
    // Spot-check the largest group: filtering /sessions by its values gives its count.
    const largest = [...rows].sort((a, b) => b.count - a.count)[0];
    const dim = breakdown.split('-')[0] as string;
    const filterName = { surveyResponse: 'response', currency: 'sessionCurrency' }[dim] ?? dim;
    if (largest && largest[dim] !== null && !['month', 'week', 'bounced'].includes(dim)) {
      const grouped = rows.filter((r) => r[dim] === largest[dim]).reduce((n, r) => n + r.count, 0);
      expect(await countListed({ ...query, [filterName]: largest[dim] as string })).toBe(grouped);
    }
  });
});

// Every dimension at once passes 2^53 as a mixed-radix product of the dictionaries (day 1456 ×
// week 210 × month 48 × …): the widest breakdowns the contract allows must still be exact.
const WIDEST = [...DIMENSIONS, 'day'];

describe('the widest breakdowns (every dimension) equal a brute-force grouping of /sessions', () => {
  const f = new Faker({ locale: [en, base], seed: 53 });
  const drawn = Array.from({ length: 6 }, () => {
    const query: Record<string, string | number | boolean> = {};
    for (const key of f.helpers.arrayElements(Object.keys(FILTERS), { min: 1, max: 3 })) {
      query[key] = f.helpers.arrayElement(FILTERS[key] ?? []);
    }
    const dims = f.helpers
      .shuffle(WIDEST)
      .map((d) => (d === 'surveyResponse' && f.datatype.boolean() ? 'response' : d));
    return { query, breakdown: dims.join('-') };
  });
  const cases = [
    { query: { bounced: true }, breakdown: WIDEST.join('-') },
    { query: {}, breakdown: WIDEST.join('-') },
    { query: { bounced: true }, breakdown: WIDEST.filter((d) => d !== 'bounced').join('-') },
    ...drawn,
  ];

  it.each(cases)('%j', async ({ query, breakdown }) => {
    const dims = breakdown.split('-');
    const rows = await aggregate({ ...query, breakdown });
    const expected = groupListed(await listAll(query), dims);
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
  });
});
