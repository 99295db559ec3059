import { base, en, Faker } from '@faker-js/faker';
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

/** Counts /sessions results under a filter by paging through them. */
async function countListed(query: Record<string, string | number | boolean>): Promise<number> {
  let total = 0;
  for (let skip = 0; ; skip += 10_000) {
    const res = await ckGet(mock, 'listSessions', SESSIONS, { ...query, limit: 10_000, skip });
    expect(res.status).toBe(200);
    total += res.body.length;
    if (res.body.length < 10_000) return total;
  }
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
