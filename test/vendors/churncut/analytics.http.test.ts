import { beforeAll, describe, expect, it } from 'vitest';
import { monthlyUsdCents, offerTypesFor, REASONS } from '../../../generators/churncut-offers.ts';
import type { Mock } from '../../../mock/create.ts';
import type { StartFlow } from '../../../mock/vendors/churncut/lifecycle.ts';
import { customMock } from '../../helpers/mock.ts';
import { CHURN, ccGet, RETENTION } from './helpers.ts';

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

/** A live flow started (not yet answered) for the first active customer. */
function liveFlow(reason: StartFlow['reason']) {
  const store = mock.vendors.churncut.store;
  const i = store.data.order.find((j) => store.status(j) === 'active') as number;
  const c = store.customer(i);
  const started = mock.vendors.churncut.flows.start(
    {
      customer_id: c.id,
      subscription_id: c.subscription.id,
      reason,
      redirect_url: 'https://x.example/',
    },
    'http://127.0.0.1:4010',
  );
  if (!started.ok) throw new Error(started.message);
  return { c, flowId: started.flow.id };
}

const DAY = 86_400_000;
/** A percentage with one decimal, as the ChurnCut API docs write rates (53.3, not 53.33). */
const oneDecimal = (part: number, whole: number) => Math.round((part / whole) * 1000) / 10;

/** Recomputes churn from the raw seeded arrays, without the mock's indices or helpers. */
function expectedChurn(from: number, toExclusive: number) {
  const f = mock.vendors.churncut.store.data.flows;
  const customers = mock.data.world.customers;
  let running = 0;
  const ended = new Map<number, number>();
  for (let k = 0; k < f.count; k++)
    if (f.outcome[k] === 1) ended.set(f.customer[k] as number, f.finished[k] as number);
  customers.forEach((c, i) => {
    const end = ended.get(i);
    if (c.subscription.start < from && (end === undefined || end >= from)) running++;
  });
  let churned = 0;
  let mrr = 0;
  for (const [i, t] of ended) {
    if (t >= from && t < toExclusive) {
      churned++;
      mrr += monthlyUsdCents(customers[i] as (typeof customers)[number]);
    }
  }
  return { running, churned, mrr };
}

describe('GET /v1/analytics/churn', () => {
  it.each([
    ['day', '2020-01-01', '2025-12-31'],
    ['week', '2021-03-07', '2025-12-31'],
    ['month', '2020-01-01', '2025-12-31'],
    ['day', '2025-12-31', '2025-12-31'],
  ])(
    'by %s from %s to %s: the bytes JSON.stringify writes of the same report',
    async (granularity, start, end) => {
      const res = await ccGet(mock, 'getChurnAnalytics', CHURN, {
        start_date: start,
        end_date: end,
        granularity,
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe(JSON.stringify(res.body));
      const rows = res.body.data.by_period as { date: string }[];
      expect(rows[0]?.date).toBe(start);
      expect(rows.length).toBeGreaterThan(0);
    },
  );

  it.each(['day', 'week', 'month'])(
    'January 2024 (the docs period) by %s: recomputed independently, by_period sums to summary',
    async (granularity) => {
      const res = await ccGet(mock, 'getChurnAnalytics', CHURN, {
        start_date: '2024-01-01',
        end_date: '2024-01-31',
        granularity,
      });
      expect(res.status).toBe(200);
      const d = res.body.data;
      expect(d.period).toEqual({ start: '2024-01-01', end: '2024-01-31' });
      const e = expectedChurn(Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1));
      expect(d.summary.total_customers).toBe(e.running);
      expect(d.summary.churned).toBe(e.churned);
      expect(d.summary.churned).toBeGreaterThan(0);
      expect(d.summary.mrr_lost).toBe(e.mrr);
      expect(d.summary.churn_rate).toBe(oneDecimal(e.churned, e.running));
      const rows = d.by_period as {
        date: string;
        churned: number;
        churn_rate: number;
        mrr_lost: number;
      }[];
      expect(rows.length).toBe({ day: 31, week: 5, month: 1 }[granularity]);
      expect(rows[0]?.date).toBe('2024-01-01');
      expect(rows.reduce((s, r) => s + r.churned, 0)).toBe(d.summary.churned);
      expect(rows.reduce((s, r) => s + r.mrr_lost, 0)).toBe(d.summary.mrr_lost);
      const rateSum = rows.reduce((s, r) => s + r.churn_rate, 0);
      expect(Math.abs(rateSum - d.summary.churn_rate)).toBeLessThanOrEqual(
        0.05 * rows.length + 1e-9,
      );
      for (const r of rows) expect(r.churn_rate).toBe(oneDecimal(r.churned, e.running));
    },
  );

  it('2022 to as-of is non-empty and counts every seeded cancellation', async () => {
    const res = await ccGet(mock, 'getChurnAnalytics', CHURN, {
      start_date: '2022-01-01',
      end_date: '2025-12-31',
      granularity: 'month',
    });
    const e = expectedChurn(Date.UTC(2022, 0, 1), Date.UTC(2026, 0, 1));
    expect(res.body.data.summary.churned).toBe(e.churned);
    expect(res.body.data.by_period.length).toBe(48);
  });

  it('defaults: the 30 days ending on the mock clock, weekly', async () => {
    const res = await ccGet(mock, 'getChurnAnalytics', CHURN);
    expect(res.body.data.period).toEqual({ start: '2025-12-02', end: '2025-12-31' });
    expect(res.body.data.by_period.length).toBe(5);
  });

  it.each([
    [{ start_date: '2024-02-01', end_date: '2024-01-01' }],
    [{ start_date: 'yesterday' }],
    [{ granularity: 'year' }],
    [{ start_date: '0001-01-01', end_date: '2024-01-01', granularity: 'day' }],
  ])('%j is a 400 envelope', async (q) => {
    const res = await ccGet(mock, 'getChurnAnalytics', CHURN, q);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it('a live cancellation reaches the buckets already shown (kept buckets follow the store)', async () => {
    const daily = { start_date: '2025-12-01', end_date: '2025-12-31', granularity: 'day' };
    const weekly = { start_date: '2025-12-03', end_date: '2025-12-31', granularity: 'week' };
    const get = async (q: Record<string, string>) =>
      (await ccGet(mock, 'getChurnAnalytics', CHURN, q)).body.data as {
        summary: { churned: number; mrr_lost: number };
        by_period: { date: string; churned: number; mrr_lost: number }[];
      };
    const before = await get(daily);
    const beforeWeeks = await get(weekly);
    // The same buckets asked again, from a kept one, are the same.
    expect(await get(daily)).toEqual(before);
    const { c, flowId } = liveFlow('too_expensive');
    const cancelled = mock.vendors.churncut.flows.cancel(flowId);
    if (!cancelled.ok) throw new Error(cancelled.message);
    const after = await get(daily);
    const mrr = monthlyUsdCents(c);
    expect(after.summary.churned).toBe(before.summary.churned + 1);
    expect(after.summary.mrr_lost).toBe(before.summary.mrr_lost + mrr);
    // The clock's day (the as-of date), the last bucket; every other bucket unchanged.
    const last = after.by_period.length - 1;
    expect(after.by_period[last]?.date).toBe('2025-12-31');
    expect(after.by_period[last]?.churned).toBe((before.by_period[last]?.churned ?? 0) + 1);
    expect(after.by_period[last]?.mrr_lost).toBe((before.by_period[last]?.mrr_lost ?? 0) + mrr);
    expect(after.by_period.slice(0, last)).toEqual(before.by_period.slice(0, last));
    const afterWeeks = await get(weekly);
    expect(afterWeeks.summary.churned).toBe(beforeWeeks.summary.churned + 1);
    mock.reset();
    expect(await get(daily)).toEqual(before);
  });
});

describe('GET /v1/analytics/retention', () => {
  it('January 2024: recomputed from the raw flows; by_offer_type sums to summary', async () => {
    const res = await ccGet(mock, 'getRetentionAnalytics', RETENTION, {
      start_date: '2024-01-01',
      end_date: '2024-01-31',
    });
    const d = res.body.data;
    const f = mock.vendors.churncut.store.data.flows;
    const from = Date.UTC(2024, 0, 1);
    const to = from + 31 * DAY;
    let attempts = 0;
    let retained = 0;
    let saved = 0;
    const byType: Record<string, number> = { discount: 0, pause: 0, downgrade: 0 };
    for (let k = 0; k < f.count; k++) {
      const t = f.created[k] as number;
      if (t < from || t >= to) continue;
      attempts++;
      const c = mock.data.world.customers[
        f.customer[k] as number
      ] as (typeof mock.data.world.customers)[number];
      const first = offerTypesFor(
        REASONS[f.reason[k] as number] ?? 'other',
        c.subscription.plan.tier,
      )[0] as string;
      if (f.outcome[k] === 0) {
        retained++;
        saved += monthlyUsdCents(c);
        const type = ['discount', 'pause', 'downgrade'][f.offerType[k] as number] as string;
        byType[type] = (byType[type] ?? 0) + 1;
      } else byType[first] = (byType[first] ?? 0) + 1;
    }
    expect(attempts).toBeGreaterThan(0);
    expect(d.summary).toEqual({
      cancellation_attempts: attempts,
      retained,
      retention_rate: oneDecimal(retained, attempts),
      mrr_saved: saved,
    });
    const rows = d.by_offer_type as {
      type: string;
      attempts: number;
      retained: number;
      rate: number;
    }[];
    expect(rows.map((r) => r.type)).toEqual(['discount', 'pause', 'downgrade']);
    for (const r of rows) {
      expect(r.attempts).toBe(byType[r.type]);
      expect(r.rate).toBe(r.attempts === 0 ? 0 : oneDecimal(r.retained, r.attempts));
    }
    expect(rows.reduce((s, r) => s + r.attempts, 0)).toBe(attempts);
    expect(rows.reduce((s, r) => s + r.retained, 0)).toBe(retained);
  });

  it('a live accepted offer counts as an attempt and a retention', async () => {
    const q = { start_date: '2025-12-31', end_date: '2025-12-31' };
    const before = (await ccGet(mock, 'getRetentionAnalytics', RETENTION, q)).body.data.summary;
    const { c, flowId } = liveFlow('not_using');
    mock.vendors.churncut.flows.accept(flowId, 'pause');
    const after = (await ccGet(mock, 'getRetentionAnalytics', RETENTION, q)).body.data.summary;
    expect(after.cancellation_attempts).toBe(before.cancellation_attempts + 1);
    expect(after.retained).toBe(before.retained + 1);
    expect(after.mrr_saved).toBe(before.mrr_saved + monthlyUsdCents(c));
    mock.reset();
  });
});

describe('analytics dates, read by one strict parser: never a 500', () => {
  /** What DateParam's pattern refusal says (its title): the two forms it takes. */
  const FORMS = /must be a date \(YYYY-MM-DD\) or an RFC 3339 date-time with a time zone/;
  const BAD: [string, Record<string, string>, string, RegExp][] = [
    // The contract's date-time format lets the leap second through; no Date can hold it.
    ['a leap second', { start_date: '2016-12-31T23:59:60Z' }, 'start_date', /calendar does not/],
    ['a leap second as end_date', { end_date: '2016-12-31T23:59:60Z' }, 'end_date', /calendar/],
    ['an offset without minutes', { end_date: '2024-01-31T00:00:00+02' }, 'end_date', /RFC 3339/],
    // DateParam's pattern takes the forms; the parser then refuses days the calendar lacks.
    ['a day February does not have', { start_date: '2025-02-30' }, 'start_date', /calendar/],
    ['a six-digit year', { end_date: '300000-01-01' }, 'end_date', FORMS],
    ['a month alone', { start_date: '2024-01' }, 'start_date', FORMS],
    ['a date-time without a zone', { end_date: '2024-01-31T00:00:00' }, 'end_date', FORMS],
    ['a date-time without seconds', { end_date: '2024-01-31T00:00Z' }, 'end_date', FORMS],
    [
      'a time whose UTC day is in the year 10000',
      { start_date: '2024-01-01', end_date: '9999-12-31T23:00:00-05:00' },
      'end_date',
      /from 0000-01-01 to 9999-12-31/,
    ],
  ];

  it.each(BAD)('%s is a 400 invalid_request naming the parameter', async (_n, q, name, why) => {
    for (const [op, path] of [
      ['getChurnAnalytics', CHURN],
      ['getRetentionAnalytics', RETENTION],
    ] as const) {
      const res = await ccGet(mock, op, path, q);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain(`query ${name}`);
      const details = res.body.error.details as { in: string; name: string; message: string }[];
      expect(details.length).toBeGreaterThan(0);
      for (const d of details) expect(d).toMatchObject({ in: 'query', name });
      expect(details.map((d) => d.message).join(' ')).toMatch(why);
      expect(res.headers['x-ratelimit-limit']).toBeDefined();
    }
  });

  it('the second before a leap second, and the first and last days a date can write, answer 200', async () => {
    const queries: Record<string, string>[] = [
      { start_date: '2016-12-31T23:59:59Z', end_date: '2017-01-01T00:00:00Z' },
      // RFC 3339's lower-case t and z, a space, an offset without a colon: the parser reads them.
      { start_date: '2024-01-01t00:00:00z', end_date: '2024-01-31 23:59:59+0200' },
      { start_date: '0000-01-01', end_date: '0000-01-31', granularity: 'day' },
      { start_date: '9999-12-01', end_date: '9999-12-31T23:59:59.999Z', granularity: 'month' },
    ];
    for (const q of queries) {
      const res = await ccGet(mock, 'getChurnAnalytics', CHURN, q);
      expect(res.status).toBe(200);
      expect(res.body.data.period.start).toBe(q.start_date?.slice(0, 10));
      const retention = await ccGet(mock, 'getRetentionAnalytics', RETENTION, q);
      expect(retention.status).toBe(200);
    }
  });
});
