import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { REBILLY_REPORTS_STATES as STATES } from '../../../mock/vendors/rebilly-reports/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import {
  type RebillyAuth,
  RebillyReportsClient,
  type ReportPath,
  type ReportRequest,
} from './clients/rebilly-reports.ts';
import {
  consumerPact,
  expectRefusal,
  interaction,
  type PactRequest,
  type Refusal,
} from './consumer.ts';

const { like, eachLike, integer, number, regex } = MatchersV3;

const pact = consumerPact(pactProvider('rebilly-reports-api'));
const API_KEY = 'sk_test_churnmock';
const KEY = { apiKey: API_KEY };
/** The mock's demo token (HS256, valid until 2100); against Rebilly, pass your own. */
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfY2h1cm5tb2NrX2RlbW8iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6NDEwMjQ0NDgwMH0.Hh6q9WRyBtAwRkKfBTeQYxXBm7HPJvGU2CX6bDdDIjM';
const EXPERIMENTAL = '/experimental/reports/subscription-cancellation';
const YEAR_2025 = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-12-31T23:59:59Z' };
const BY_PLAN_2025: ReportRequest = { aggregationField: 'planId', ...YEAR_2025 };

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
/** A 400 naming the one invalid field. */
const badRequest = (detail: string, field: string, message: string) => ({
  ...problem(400, 'Bad Request', detail),
  invalidFields: eachLike({ field, message: like(message) }),
});

/** The report request as the client sends it: every parameter in the query, as a string. */
const get = (
  r: ReportRequest,
  headers?: PactRequest['headers'],
  path = EXPERIMENTAL,
): PactRequest => ({
  method: 'GET',
  path,
  query: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])),
  ...(headers && { headers }),
});
const withKey = (apiKey: string) => ({ 'REB-APIKEY': apiKey });
/** The client's call for `r`, against the Pact mock server at `url`. */
const report = (url: string, r: ReportRequest, auth: RebillyAuth = KEY, path?: ReportPath) =>
  new RebillyReportsClient(url, auth, path).subscriptionCancellationReport(r);

describe('Rebilly subscription-cancellation report (consumer: retention-app)', () => {
  it('reads cancellations of 2025 by who canceled', async () => {
    const request: ReportRequest = { aggregationField: 'canceledBy', ...YEAR_2025 };
    await interaction(pact, {
      state: STATES.canceledIn2025,
      uponReceiving: 'a request for the 2025 cancellation report by canceledBy',
      request: get(request, withKey(API_KEY)),
      response: {
        status: 200,
        headers: PAGINATION,
        body: {
          data: eachLike({
            ...row('customer'),
            aggregationValue: regex('^(merchant|customer|rebilly)$', 'customer'),
          }),
        },
      },
    }).executeTest(async (server) => {
      const result = await report(server.url, request);
      expect(result.rows[0]?.count).toBeGreaterThan(0);
      expect(result.total).toBe(3);
    });
  });

  it('pages a filtered report under the organization path', async () => {
    const request: ReportRequest = {
      ...BY_PLAN_2025,
      filter: 'canceledBy:customer',
      limit: 5,
      offset: 5,
    };
    await interaction(pact, {
      state: STATES.canceledIn2025,
      uponReceiving: 'a request for a filtered, paged report under the organization path',
      request: get(request, withKey(API_KEY), `/organizations/org_churnmock${EXPERIMENTAL}`),
      response: {
        status: 200,
        headers: {
          'Pagination-Total': digits('10'),
          'Pagination-Limit': '5',
          'Pagination-Offset': '5',
        },
        body: { data: eachLike(row('pro_monthly')) },
      },
    }).executeTest(async (server) => {
      const result = await report(server.url, request, KEY, { organizationId: 'org_churnmock' });
      expect(result).toMatchObject({ limit: 5, offset: 5 });
    });
  });

  it('reads the report at the path without /experimental, with a JWT', async () => {
    const request: ReportRequest = { aggregationField: 'cancelCategory', ...YEAR_2025, limit: 3 };
    await interaction(pact, {
      state: STATES.canceledIn2025,
      uponReceiving: 'a request for the report at the stable path with a bearer JWT',
      request: get(
        request,
        { Authorization: `Bearer ${JWT}` },
        '/reports/subscription-cancellation',
      ),
      response: {
        status: 200,
        headers: PAGINATION,
        body: { data: eachLike(row('too-expensive')) },
      },
    }).executeTest(async (server) => {
      const result = await report(server.url, request, { jwt: JWT }, 'stable');
      expect(result.rows.length).toBeGreaterThan(0);
    });
  });

  const byDay = { ...BY_PLAN_2025, aggregationField: 'day' as 'planId' };
  const unknownFilter = { ...BY_PLAN_2025, filter: 'colour:blue' };
  const refusals: Refusal[] = [
    {
      name: "gets a 400 for the vendor sample's aggregationField=day",
      uponReceiving: 'a request for the report aggregated by day',
      request: get(byDay, withKey(API_KEY)),
      response: {
        status: 400,
        body: badRequest(
          'Invalid request: aggregationField must be one of',
          'aggregationField',
          'must be one of',
        ),
      },
      call: (url) => report(url, byDay),
    },
    {
      name: 'gets a 400 naming a filter on an unknown field',
      uponReceiving: 'a request for the report with a filter on an unknown field',
      request: get(unknownFilter, withKey(API_KEY)),
      response: {
        status: 400,
        body: badRequest(
          'Invalid request: filter unknown field "colour"',
          'filter',
          'unknown field "colour"',
        ),
      },
      call: (url) => report(url, unknownFilter),
    },
    {
      name: 'gets a 401 without credentials',
      uponReceiving: 'a request for the report without credentials',
      request: get(BY_PLAN_2025),
      response: { status: 401, body: problem(401, 'Unauthorized', 'Invalid credentials used.') },
      call: (url) => report(url, BY_PLAN_2025, null),
    },
    {
      name: 'gets a 403 with a key that may not read reports',
      uponReceiving: 'a request for the report with a key without the report permission',
      request: get(BY_PLAN_2025, withKey('sk_test_noreports')),
      response: {
        status: 403,
        body: problem(403, 'Forbidden', 'The credentials are valid but not allowed'),
      },
      call: (url) => report(url, BY_PLAN_2025, { apiKey: 'sk_test_noreports' }),
    },
  ];
  it.each(refusals)('$name', (refusal) => expectRefusal(pact, refusal));
});
