import { CHURNKEY_DATA_STATES as S } from '../../../../mock/vendors/churnkey-data/states.ts';
import { type Corpus, get, post } from './case.ts';

const headers = { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' };
const SESSIONS = '/v1/data/sessions';
const AGGREGATION = '/v1/data/session-aggregation';
const ACCESS = '/v1/data/dsr/access';
const DELETE = '/v1/data/dsr/delete';

export const CHURNKEY_DATA_CORPUS: Corpus = {
  contract: 'churnkey-data.openapi.yaml',
  cases: [
    get('first page', `${SESSIONS}?limit=5`, 200, { headers }),
    get('second page', `${SESSIONS}?limit=5&skip=5`, 200, { headers }),
    get('May 2023', `${SESSIONS}?startDate=2023-05-01&endDate=2023-06-01&limit=20`, 200, {
      headers,
    }),
    get('monthly discounts', `${SESSIONS}?offerType=DISCOUNT&billingInterval=MONTH&limit=10`, 200, {
      headers,
    }),
    get('pauses outside trials', `${SESSIONS}?offerType=PAUSE&trial=false&limit=10`, 200, {
      headers,
    }),
    get('negation', `${SESSIONS}?-offerType=PAUSE&saveType=DISCOUNT&limit=10`, 200, { headers }),
    get('aborted sessions', `${SESSIONS}?aborted=true&limit=10`, 200, { headers }),
    get(
      "a customer's sessions, bounced too",
      `${SESSIONS}?customerId={customerId}&bounced=true`,
      200,
      {
        headers,
        state: S.customerWithSessions,
      },
    ),
    // The contract's JsDate pattern is the mock's parser (new Date's forms, on real days), so
    // Prism refuses what the mock refuses (Data API docs, List Sessions).
    get('a date JavaScript cannot parse', `${SESSIONS}?startDate=someday`, 400, {
      headers,
      violations: ['query.startDate'],
    }),
    get('a day February does not have', `${SESSIONS}?endDate=2025-02-30`, 400, {
      headers,
      violations: ['query.endDate'],
    }),
    get('wrong key', SESSIONS, 401, { headers: { ...headers, 'x-ck-api-key': 'data_test_wrong' } }),
    get('limit over 10,000', `${SESSIONS}?limit=20000`, 400, {
      headers,
      violations: ['query.limit'],
    }),
    get('billing interval outside the enum', `${SESSIONS}?billingInterval=DAY`, 400, {
      headers,
      violations: ['query.billingInterval'],
    }),
    get('no credentials', SESSIONS, 401, { violations: ['security'] }),
    get('grand total', AGGREGATION, 200, { headers }),
    get(
      'by month and offer type',
      `${AGGREGATION}?startDate=2023-01-01&breakdown=month-offerType`,
      200,
      {
        headers,
      },
    ),
    get(
      'by week, survey response and bounce',
      `${AGGREGATION}?startDate=2025-10-01&breakdown=week-surveyResponse-bounced&bounced=true`,
      200,
      { headers },
    ),
    // The breakdown pattern refuses repeats (and the response/surveyResponse alias pair) too.
    get('a repeated dimension', `${AGGREGATION}?breakdown=month-month`, 400, {
      headers,
      violations: ['query.breakdown'],
    }),
    get('an alias pair', `${AGGREGATION}?breakdown=response-surveyResponse`, 400, {
      headers,
      violations: ['query.breakdown'],
    }),
    get('an unknown dimension', `${AGGREGATION}?breakdown=quarter`, 400, {
      headers,
      violations: ['query.breakdown'],
    }),
    get('a boolean that is not one', `${AGGREGATION}?canceled=maybe`, 400, {
      headers,
      violations: ['query.canceled'],
    }),
    post('access, known person', ACCESS, { email: '{email}' }, 200, {
      headers,
      state: S.personWithRecords,
    }),
    post('access, unknown person', ACCESS, { email: 'nobody@example.com' }, 200, { headers }),
    post('access, not an e-mail', ACCESS, { email: 'nope' }, 400, {
      headers,
      violations: ['body'],
    }),
    post('access without credentials', ACCESS, { email: 'nobody@example.com' }, 401, {
      violations: ['security'],
    }),
    post('delete', DELETE, { email: '{email}' }, 200, { headers, state: S.personWithRecords }),
    post('delete refused: over 10,000 events', DELETE, { email: '{email}' }, 200, {
      headers,
      state: S.personOverDeletionLimit,
    }),
    post('delete without an e-mail', DELETE, {}, 400, { headers, violations: ['body'] }),
  ],
};
