import { REBILLY_REPORTS_STATES as S } from '../../../../mock/vendors/rebilly-reports/states.ts';
import { type Corpus, get } from './case.ts';

const headers = { 'REB-APIKEY': 'sk_test_churnmock' };
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfY2h1cm5tb2NrX2RlbW8iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6NDEwMjQ0NDgwMH0.Hh6q9WRyBtAwRkKfBTeQYxXBm7HPJvGU2CX6bDdDIjM';
const REPORT = '/experimental/reports/subscription-cancellation';
const YEAR = 'periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z';
const BY_PLAN = `${REPORT}?aggregationField=planId&${YEAR}`;

export const REBILLY_REPORTS_CORPUS: Corpus = {
  contract: 'rebilly-reports.openapi.yaml',
  cases: [
    get('by cancel category', `${REPORT}?aggregationField=cancelCategory&${YEAR}`, 200, {
      headers,
      state: S.canceledIn2025,
    }),
    get(
      'filtered and paged',
      `${REPORT}?aggregationField=leadSource.source&${YEAR}&filter=canceledBy:customer;quantity:2..&limit=3&offset=1`,
      200,
      { headers },
    ),
    get('headers only', `${BY_PLAN}&limit=0`, 200, { headers }),
    get(
      'organization path',
      `/organizations/org_churnmock${REPORT}?aggregationField=websiteId&${YEAR}`,
      200,
      { headers },
    ),
    get(
      'stable path with a JWT',
      `/reports/subscription-cancellation?aggregationField=canceledBy&${YEAR}`,
      200,
      { headers: { authorization: `Bearer ${JWT}` } },
    ),
    get(
      'the period ends before it starts',
      `${REPORT}?aggregationField=planId&periodStart=2025-02-01T00:00:00Z&periodEnd=2025-01-01T00:00:00Z`,
      400,
      { headers },
    ),
    // The contract's filter pattern names the fields, so Prism sees this one too.
    get('a filter on an unknown field', `${BY_PLAN}&filter=colour:blue`, 400, {
      headers,
      violations: ['query.filter'],
    }),
    // A value outside canceledBy's list fits the pattern: only the mock refuses it.
    get('a filter value canceledBy does not have', `${BY_PLAN}&filter=canceledBy:robot`, 400, {
      headers,
    }),
    get('a key without the permission', BY_PLAN, 403, {
      headers: { 'REB-APIKEY': 'sk_test_noreports' },
    }),
    get('an unknown key', BY_PLAN, 401, { headers: { 'REB-APIKEY': 'sk_test_wrong' } }),
    get("the reference's aggregationField=day", `${REPORT}?aggregationField=day&${YEAR}`, 400, {
      headers,
      violations: ['query.aggregationField'],
    }),
    get('no periodStart', `${REPORT}?aggregationField=planId&periodEnd=2025-12-31T23:59:59Z`, 400, {
      headers,
      violations: ['query'],
    }),
    get('limit over 1,000', `${BY_PLAN}&limit=5000`, 400, {
      headers,
      violations: ['query.limit'],
    }),
    get('no credentials', BY_PLAN, 401, { violations: ['security'] }),
  ],
};
