import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { REBILLY_REPORTS_STATES as STATES } from '../../../mock/vendors/rebilly-reports/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import type { ApiError } from './clients/http.ts';
import { RebillyReportsClient, type ReportRequest } from './clients/rebilly-reports.ts';
import { consumerPact } from './consumer.ts';

const { like, eachLike, integer, number, regex } = MatchersV3;

const pact = consumerPact(pactProvider('rebilly-reports-api'));
const API_KEY = 'sk_test_churnmock';
/** The mock's demo token (HS256, valid until 2100); against Rebilly, pass your own. */
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfY2h1cm5tb2NrX2RlbW8iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6NDEwMjQ0NDgwMH0.Hh6q9WRyBtAwRkKfBTeQYxXBm7HPJvGU2CX6bDdDIjM';
const EXPERIMENTAL = '/experimental/reports/subscription-cancellation';
const YEAR_2025 = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-12-31T23:59:59Z' };

const digits = (example: string) => regex('^\\d+$', example);
const PAGINATION = {
  'Pagination-Total': digits('3'),
  'Pagination-Limit': digits('100'),
  'Pagination-Offset': digits('0'),
};
const row = (value: string) => ({
  aggregationValue: like(value),
  count: integer(988),
  averageLength: number(31920691.07),
  medianLength: number(21304255.5),
});
const problem = (status: number, title: string, detail: string) => ({
  type: like('about:blank'),
  title,
  status,
  detail: like(detail),
});

const query = (r: ReportRequest) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));
const failed = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ApiError,
  );

describe('Rebilly subscription-cancellation report (consumer: retention-app)', () => {
  it('reads cancellations of 2025 by who canceled', async () => {
    const request: ReportRequest = { aggregationField: 'canceledBy', ...YEAR_2025 };
    await pact
      .addInteraction()
      .given(STATES.canceledIn2025)
      .uponReceiving('a request for the 2025 cancellation report by canceledBy')
      .withRequest('GET', EXPERIMENTAL, (b) =>
        b.query(query(request)).headers({ 'REB-APIKEY': API_KEY }),
      )
      .willRespondWith(200, (b) =>
        b.headers(PAGINATION).jsonBody({
          data: eachLike({
            ...row('customer'),
            aggregationValue: regex('^(merchant|customer|rebilly)$', 'customer'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const report = await new RebillyReportsClient(server.url, {
          apiKey: API_KEY,
        }).subscriptionCancellationReport(request);
        expect(report.rows[0]?.count).toBeGreaterThan(0);
        expect(report.total).toBe(3);
      });
  });

  it('pages a filtered report under the organization path', async () => {
    const request: ReportRequest = {
      aggregationField: 'planId',
      ...YEAR_2025,
      filter: 'canceledBy:customer',
      limit: 5,
      offset: 5,
    };
    await pact
      .addInteraction()
      .given(STATES.canceledIn2025)
      .uponReceiving('a request for a filtered, paged report under the organization path')
      .withRequest('GET', `/organizations/org_churnmock${EXPERIMENTAL}`, (b) =>
        b.query(query(request)).headers({ 'REB-APIKEY': API_KEY }),
      )
      .willRespondWith(200, (b) =>
        b
          .headers({
            'Pagination-Total': digits('10'),
            'Pagination-Limit': '5',
            'Pagination-Offset': '5',
          })
          .jsonBody({ data: eachLike(row('pro_monthly')) }),
      )
      .executeTest(async (server) => {
        const report = await new RebillyReportsClient(
          server.url,
          { apiKey: API_KEY },
          { organizationId: 'org_churnmock' },
        ).subscriptionCancellationReport(request);
        expect(report).toMatchObject({ limit: 5, offset: 5 });
      });
  });

  it('reads the report at the path without /experimental, with a JWT', async () => {
    const request: ReportRequest = { aggregationField: 'cancelCategory', ...YEAR_2025, limit: 3 };
    await pact
      .addInteraction()
      .given(STATES.canceledIn2025)
      .uponReceiving('a request for the report at the stable path with a bearer JWT')
      .withRequest('GET', '/reports/subscription-cancellation', (b) =>
        b.query(query(request)).headers({ Authorization: `Bearer ${JWT}` }),
      )
      .willRespondWith(200, (b) =>
        b.headers(PAGINATION).jsonBody({ data: eachLike(row('too-expensive')) }),
      )
      .executeTest(async (server) => {
        const report = await new RebillyReportsClient(
          server.url,
          { jwt: JWT },
          'stable',
        ).subscriptionCancellationReport(request);
        expect(report.rows.length).toBeGreaterThan(0);
      });
  });

  it("gets a 400 for the vendor sample's aggregationField=day", async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for the report aggregated by day')
      .withRequest('GET', EXPERIMENTAL, (b) =>
        b.query({ aggregationField: 'day', ...YEAR_2025 }).headers({ 'REB-APIKEY': API_KEY }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody({
          ...problem(400, 'Bad Request', 'Invalid request: aggregationField must be one of'),
          invalidFields: eachLike({ field: 'aggregationField', message: like('must be one of') }),
        }),
      )
      .executeTest(async (server) => {
        const err = await failed(
          new RebillyReportsClient(server.url, { apiKey: API_KEY }).subscriptionCancellationReport({
            aggregationField: 'day' as 'planId',
            ...YEAR_2025,
          }),
        );
        expect(err?.status).toBe(400);
      });
  });

  it('gets a 400 naming a filter on an unknown field', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for the report with a filter on an unknown field')
      .withRequest('GET', EXPERIMENTAL, (b) =>
        b
          .query({ aggregationField: 'planId', ...YEAR_2025, filter: 'colour:blue' })
          .headers({ 'REB-APIKEY': API_KEY }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody({
          ...problem(400, 'Bad Request', 'Invalid request: filter unknown field "colour"'),
          invalidFields: eachLike({ field: 'filter', message: like('unknown field "colour"') }),
        }),
      )
      .executeTest(async (server) => {
        const err = await failed(
          new RebillyReportsClient(server.url, { apiKey: API_KEY }).subscriptionCancellationReport({
            aggregationField: 'planId',
            ...YEAR_2025,
            filter: 'colour:blue',
          }),
        );
        expect(err?.status).toBe(400);
      });
  });

  it('gets a 401 without credentials', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for the report without credentials')
      .withRequest('GET', EXPERIMENTAL, (b) =>
        b.query({ aggregationField: 'planId', ...YEAR_2025 }),
      )
      .willRespondWith(401, (b) =>
        b.jsonBody(problem(401, 'Unauthorized', 'Invalid credentials used.')),
      )
      .executeTest(async (server) => {
        const err = await failed(
          new RebillyReportsClient(server.url, null).subscriptionCancellationReport({
            aggregationField: 'planId',
            ...YEAR_2025,
          }),
        );
        expect(err?.status).toBe(401);
      });
  });

  it('gets a 403 with a key that may not read reports', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for the report with a key without the report permission')
      .withRequest('GET', EXPERIMENTAL, (b) =>
        b
          .query({ aggregationField: 'planId', ...YEAR_2025 })
          .headers({ 'REB-APIKEY': 'sk_test_noreports' }),
      )
      .willRespondWith(403, (b) =>
        b.jsonBody(problem(403, 'Forbidden', 'The credentials are valid but not allowed')),
      )
      .executeTest(async (server) => {
        const err = await failed(
          new RebillyReportsClient(server.url, {
            apiKey: 'sk_test_noreports',
          }).subscriptionCancellationReport({ aggregationField: 'planId', ...YEAR_2025 }),
        );
        expect(err?.status).toBe(403);
      });
  });
});
