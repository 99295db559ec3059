import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS } from '../helpers/mock.ts';
import {
  call,
  type Dashboard,
  openPage,
  type PageDocument,
  shootAndCheck,
  startDashboard,
} from './helpers.ts';

// Callbacks run in the page (the tests compile without the DOM lib).
declare const document: PageDocument;

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard();
});
afterAll(async () => {
  await d?.close();
});

interface Series {
  x: string[];
  series: { label: string; values: number[] }[];
}

const CREDENTIALS: Record<string, Record<string, string>> = {
  ck: CK_HEADERS,
  cc: { authorization: 'Bearer cc_test_churnmock' },
  rb: { 'reb-apikey': 'sk_test_churnmock' },
};

const OPERATION: Record<string, string> = {
  '/v1/data/session-aggregation': 'aggregateSessions',
  '/v1/analytics/churn': 'getChurnAnalytics',
  '/v1/analytics/retention': 'getRetentionAnalytics',
  '/reports/subscription-cancellation': 'GetStableSubscriptionCancellationReport',
};

type Row = Record<string, unknown> & { count: number };

/** What each chart must show, from its endpoint's answer, worked out here on its own. */
const EXPECTED: Record<string, (body: never) => Series> = {
  'ck-save-types': (rows: Row[]) => {
    const months = [...new Set(rows.map((r) => r.month as string))].sort();
    const types = [...new Set(rows.map((r) => (r.saveType as string | null) ?? 'none (canceled)'))];
    const at = (m: string, t: string) =>
      rows.find((r) => r.month === m && ((r.saveType as string | null) ?? 'none (canceled)') === t)
        ?.count ?? 0;
    return {
      x: months,
      series: types.map((t) => ({ label: t, values: months.map((m) => at(m, t)) })),
    };
  },
  'ck-survey': (rows: Row[]) => ({
    x: rows.map((r) => (r.surveyResponse as string | null) ?? 'no response'),
    series: [{ label: 'Sessions', values: rows.map((r) => r.count) }],
  }),
  'ck-save-rate': (rows: Row[]) => {
    const months = [...new Set(rows.map((r) => r.month as string))].sort();
    const of = (m: string, keep: (r: Row) => boolean) =>
      rows.filter((r) => r.month === m && keep(r)).reduce((a, r) => a + r.count, 0);
    return {
      x: months,
      series: [
        {
          label: 'Save rate (%)',
          values: months.map(
            (m) => Math.round((1000 * of(m, (r) => r.canceled === false)) / of(m, () => true)) / 10,
          ),
        },
      ],
    };
  },
  'cc-churn': (body: { data: { by_period: { date: string; churned: number }[] } }) => ({
    x: body.data.by_period.map((p) => p.date.slice(0, 7)),
    series: [{ label: 'Churned subscriptions', values: body.data.by_period.map((p) => p.churned) }],
  }),
  'cc-retention': (body: {
    data: { by_offer_type: { type: string; attempts: number; retained: number }[] };
  }) => ({
    x: body.data.by_offer_type.map((o) => o.type),
    series: [
      { label: 'Attempts', values: body.data.by_offer_type.map((o) => o.attempts) },
      { label: 'Retained', values: body.data.by_offer_type.map((o) => o.retained) },
    ],
  }),
  'rb-cancellations': (body: { data: { aggregationValue: string | null; count: number }[] }) => ({
    x: body.data.map((g) => g.aggregationValue ?? 'none'),
    series: [{ label: 'Cancellations', values: body.data.map((g) => g.count) }],
  }),
  'rb-lengths': (body: {
    data: { aggregationValue: string | null; averageLength: number; medianLength: number }[];
  }) => ({
    x: body.data.map((g) => g.aggregationValue ?? 'none'),
    series: [
      {
        label: 'Average length (days)',
        values: body.data.map((g) => Number((g.averageLength / 86_400).toFixed(1))),
      },
      {
        label: 'Median length (days)',
        values: body.data.map((g) => Number((g.medianLength / 86_400).toFixed(1))),
      },
    ],
  }),
};

const VENDOR_OF: Record<string, string> = {
  'ck-save-types': 'ck',
  'ck-survey': 'ck',
  'ck-save-rate': 'ck',
  'cc-churn': 'cc',
  'cc-retention': 'cc',
  'rb-cancellations': 'rb',
  'rb-lengths': 'rb',
};

async function chart(page: Page, id: string) {
  const el = page.locator(`[data-chart="${id}"]`);
  return {
    source: (await el.getAttribute('data-source')) as string,
    shown: JSON.parse((await el.getAttribute('data-series')) as string) as Series,
    canvases: await el.locator('canvas').count(),
  };
}

const queryOf = (source: string) =>
  Object.fromEntries(new URL(source, 'http://x').searchParams.entries());

/** Every chart's data equals its endpoint's answer, fetched here as a client would. */
async function expectChartsMatchTheApi(page: Page) {
  for (const [id, expected] of Object.entries(EXPECTED)) {
    const { source, shown, canvases } = await chart(page, id);
    const res = await call(d.base, source, { headers: CREDENTIALS[VENDOR_OF[id] as string] });
    await expectContract(OPERATION[new URL(source, 'http://x').pathname] as string, res);
    expect(res.status, source).toBe(200);
    expect(shown, id).toEqual(expected(res.body as never));
    expect(shown.x.length, id).toBeGreaterThan(0);
    expect(canvases, `${id} is drawn`).toBeGreaterThan(0);
  }
}

describe('the dashboard’s Data page', () => {
  it('charts the seeded numbers: each chart’s data is its endpoint’s answer', async () => {
    const opened = await openPage(d, '/__admin/ui/data');
    const { page } = opened;
    await page.waitForSelector('[data-chart="rb-lengths"] canvas');
    // The last twelve months up to the mock clock's day (2025-12-31), on every endpoint.
    expect(queryOf((await chart(page, 'ck-save-types')).source)).toEqual({
      breakdown: 'month-saveType',
      startDate: '2025-01-01',
      endDate: '2026-01-01',
    });
    expect(queryOf((await chart(page, 'cc-churn')).source)).toEqual({
      start_date: '2025-01-01',
      end_date: '2025-12-31',
      granularity: 'month',
    });
    expect(queryOf((await chart(page, 'rb-cancellations')).source)).toMatchObject({
      periodStart: '2025-01-01T00:00:00Z',
      periodEnd: '2025-12-31T23:59:59Z',
      aggregationField: 'cancelCategory',
    });
    await expectChartsMatchTheApi(page);
    // Twelve months of sessions, stacked by save type; the seeded world has all eight.
    const saveTypes = (await chart(page, 'ck-save-types')).shown;
    expect(saveTypes.x).toHaveLength(12);
    expect(saveTypes.series.map((s) => s.label)).toContain('PAUSE');
    await shootAndCheck(opened, 'data');
    await page.close();
  });

  it('the filters (dates, billing interval, plan) go to the endpoints and change the charts', async () => {
    const opened = await openPage(d, '/__admin/ui/data');
    const { page } = opened;
    await page.waitForSelector('[data-chart="rb-lengths"] canvas');
    const before = (await chart(page, 'ck-save-types')).shown;
    await page.fill('#f-from', '2025-03-01');
    await page.fill('#f-to', '2025-08-31');
    await page.selectOption('#f-interval', 'MONTH');
    await page.selectOption('#f-plan', 'pro_monthly');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() =>
      document
        .querySelector('[data-chart="rb-lengths"]')
        ?.getAttribute('data-source')
        ?.includes('planId%3Apro_monthly'),
    );
    await page.waitForSelector('[data-chart="rb-lengths"] canvas');
    expect(queryOf((await chart(page, 'ck-survey')).source)).toEqual({
      breakdown: 'surveyResponse',
      startDate: '2025-03-01',
      endDate: '2025-09-01',
      billingInterval: 'MONTH',
      planId: 'pro_monthly',
    });
    expect(queryOf((await chart(page, 'cc-retention')).source)).toEqual({
      start_date: '2025-03-01',
      end_date: '2025-08-31',
    });
    expect(queryOf((await chart(page, 'rb-cancellations')).source).filter).toBe(
      'planId:pro_monthly',
    );
    await expectChartsMatchTheApi(page);
    const after = (await chart(page, 'ck-save-types')).shown;
    expect(after.x).toEqual(['2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08']);
    const total = (s: Series) => s.series.flatMap((x) => x.values).reduce((a, b) => a + b, 0);
    expect(total(after)).toBeLessThan(total(before));
    expect(opened.errors).toEqual([]);
    await page.close();
  });
});
