import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { AGGREGATION_FIELDS } from '../../../mock/vendors/rebilly-reports/fields.ts';
import type { ReportRow } from '../../../mock/vendors/rebilly-reports/report.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { PATHS, RB_KEY, rbGet, YEAR_2025 } from './http.ts';

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});
beforeEach(() => mock.reset());

const rows = (res: { body: { data: ReportRow[] } }) => res.body.data;
/** Cancellations in [from, to] (ISO), straight from the store. */
const canceledIn = (from: string, to: string) => {
  const [lo, hi] = mock.vendors['rebilly-reports'].store.range(Date.parse(from), Date.parse(to));
  return hi - lo;
};

describe('GET the subscription-cancellation report', () => {
  it('answers the same at all three paths, any organization id included', async () => {
    const query = { ...YEAR_2025, limit: 5 };
    const [a, b, c] = await Promise.all([
      rbGet(mock, query, RB_KEY, 'experimental'),
      rbGet(mock, query, RB_KEY, 'organization'),
      rbGet(mock, query, RB_KEY, 'stable'),
    ]);
    for (const res of [a, b, c]) expect(res.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    const other = await request(mock.app)
      .get('/organizations/0b7f6e2e-any-org/experimental/reports/subscription-cancellation')
      .query(query)
      .set(RB_KEY);
    await expectContract('GetOrganizationSubscriptionCancellationReport', other);
    expect(other.body).toEqual(a.body);
  });

  it.each(AGGREGATION_FIELDS)(
    'aggregationField=%s: groups add up to every cancellation',
    async (field) => {
      const res = await rbGet(mock, { ...YEAR_2025, aggregationField: field, limit: 1000 });
      expect(res.status).toBe(200);
      const data = rows(res);
      expect(data.reduce((n, r) => n + r.count, 0)).toBe(
        canceledIn(YEAR_2025.periodStart, YEAR_2025.periodEnd),
      );
      expect(new Set(data.map((r) => r.aggregationValue)).size).toBe(data.length);
      for (const r of data) expect(r.medianLength).toBeGreaterThan(0);
    },
  );

  it('groups missing values under null and orders by count, then value', async () => {
    const data = rows(
      await rbGet(mock, { ...YEAR_2025, aggregationField: 'leadSource.affiliate', limit: 1000 }),
    );
    expect(data.find((r) => r.aggregationValue === null)?.count).toBeGreaterThan(
      data[1]?.count ?? 0,
    );
    for (let i = 1; i < data.length; i++) {
      const [p, r] = [data[i - 1] as ReportRow, data[i] as ReportRow];
      expect(
        p.count > r.count ||
          (p.count === r.count &&
            (r.aggregationValue === null || (p.aggregationValue ?? '') < r.aggregationValue)),
      ).toBe(true);
    }
  });

  it('counts a cancellation exactly at either end of the period (both inclusive)', async () => {
    const i = Math.floor(mock.vendors['rebilly-reports'].store.data.count / 2);
    const at = new Date(
      (mock.vendors['rebilly-reports'].store.data.canceledTime[i] as number) * 1000,
    ).toISOString();
    const before = new Date(Date.parse(at) - 1000).toISOString();
    const count = async (periodStart: string, periodEnd: string) =>
      rows(await rbGet(mock, { periodStart, periodEnd, aggregationField: 'canceledBy' })).reduce(
        (n, r) => n + r.count,
        0,
      );
    expect(await count(at, at)).toBe(canceledIn(at, at));
    expect(await count(at, at)).toBeGreaterThanOrEqual(1);
    expect(await count(before, before)).toBe(canceledIn(before, before));
    expect(await count(before, at)).toBe(canceledIn(before, before) + canceledIn(at, at));
  });

  it('honours time-zone offsets in periodStart and periodEnd', async () => {
    const utc = await rbGet(mock, {
      ...YEAR_2025,
      periodStart: '2025-03-01T00:00:00Z',
      periodEnd: '2025-03-31T22:00:00Z',
    });
    const offset = await rbGet(mock, {
      ...YEAR_2025,
      periodStart: '2025-03-01T02:00:00+02:00',
      periodEnd: '2025-03-31T17:00:00-05:00',
    });
    expect(offset.body).toEqual(utc.body);
  });

  it('does not count cancellations after the mock clock', async () => {
    const full = rows(await rbGet(mock, { ...YEAR_2025, aggregationField: 'canceledBy' }));
    mock.clock.set(Date.parse('2025-06-01T00:00:00Z'));
    const early = rows(await rbGet(mock, { ...YEAR_2025, aggregationField: 'canceledBy' }));
    const total = (d: ReportRow[]) => d.reduce((n, r) => n + r.count, 0);
    expect(total(early)).toBe(canceledIn('2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z'));
    expect(total(early)).toBeLessThan(total(full));
  });
});

describe('paging and headers', () => {
  let all: ReportRow[];
  beforeAll(async () => {
    mock.reset(); // nested beforeAll runs before the outer beforeEach
    all = rows(
      await rbGet(mock, { ...YEAR_2025, aggregationField: 'leadSource.campaign', limit: 1000 }),
    );
  });
  const page = (limit: number | undefined, offset: number | undefined) =>
    rbGet(mock, {
      ...YEAR_2025,
      aggregationField: 'leadSource.campaign',
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
    });

  it.each([
    ['defaults', undefined, undefined, 100, 0],
    ['a page', 5, 10, 5, 10],
    ['the last, short page', 10, 'last-3', 10, 'last-3'],
    ['limit=0: no rows, headers still', 0, 0, 0, 0],
    ['offset past the end', 10, 'end+5', 10, 'end+5'],
    ['the maximum', 1000, 0, 1000, 0],
  ] as const)('%s', async (_name, limit, offsetSpec, expectLimit, expectOffsetSpec) => {
    const resolve = (o: number | string | undefined) =>
      typeof o === 'string' ? (o.startsWith('last') ? all.length - 3 : all.length + 5) : o;
    const offset = resolve(offsetSpec);
    const res = await page(limit, offset);
    expect(res.status).toBe(200);
    const expectOffset = resolve(expectOffsetSpec) as number;
    expect(res.headers['pagination-total']).toBe(String(all.length));
    expect(res.headers['pagination-limit']).toBe(String(expectLimit));
    expect(res.headers['pagination-offset']).toBe(String(expectOffset));
    expect(rows(res)).toEqual(all.slice(expectOffset, expectOffset + expectLimit));
  });

  it('pages never overlap and cover every row', async () => {
    const seen: ReportRow[] = [];
    for (let offset = 0; offset < all.length; offset += 7)
      seen.push(...rows(await page(7, offset)));
    expect(seen).toEqual(all);
  });

  it('lets browsers read the paging headers (CORS)', async () => {
    const res = await request(mock.app)
      .get(PATHS.experimental)
      .query(YEAR_2025)
      .set(RB_KEY)
      .set('Origin', 'https://app.example');
    await expectContract('GetSubscriptionCancellationReport', res);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(res.headers['access-control-expose-headers']).split(',');
    for (const h of [
      'Pagination-Total',
      'Pagination-Limit',
      'Pagination-Offset',
      'X-Churnmock-Ignored-Params',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ])
      expect(exposed).toContain(h);
    const preflight = await request(mock.app)
      .options(PATHS.organization)
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'reb-apikey,authorization');
    // A preflight has no body, so there is nothing to check against the contract.
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe('reb-apikey,authorization');
  });

  it("ignores the request sample's removed tz parameter and names it", async () => {
    const res = await rbGet(mock, { ...YEAR_2025, tz: 0 });
    expect(res.status).toBe(200);
    expect(res.headers['x-churnmock-ignored-params']).toBe('tz');
  });

  it('answers repeated GETs from the cache with the same headers and an ETag', async () => {
    const first = await rbGet(mock, { ...YEAR_2025, limit: 3 });
    const second = await rbGet(mock, { ...YEAR_2025, limit: 3 });
    expect(second.body).toEqual(first.body);
    expect(second.headers['pagination-total']).toBe(first.headers['pagination-total']);
    expect(second.headers.etag).toBe(first.headers.etag);
  });
});
