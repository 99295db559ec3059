import { CHURNCUT_STATES as S } from '../../../../mock/vendors/churncut/states.ts';
import { type Corpus, get, post } from './case.ts';

const headers = { authorization: 'Bearer cc_test_churnmock' };
const FLOWS = '/v1/cancellation-flows';
const FLOW = {
  customer_id: '{customerId}',
  subscription_id: '{subscriptionId}',
  reason: 'too_expensive',
  redirect_url: 'https://your-app.com/subscription/cancelled',
};

export const CHURNCUT_CORPUS: Corpus = {
  contract: 'churncut.openapi.yaml',
  cases: [
    get('first page', '/v1/customers', 200, { headers }),
    get('filtered page', '/v1/customers?risk_level=high&status=active&limit=5&offset=5', 200, {
      headers,
    }),
    get('churned customers', '/v1/customers?status=churned&limit=100', 200, { headers }),
    get('wrong key', '/v1/customers', 401, { headers: { authorization: 'Bearer cc_test_wrong' } }),
    get('limit over 100', '/v1/customers?limit=500', 400, {
      headers,
      violations: ['query.limit'],
    }),
    get('risk level outside the enum', '/v1/customers?risk_level=extreme', 400, {
      headers,
      violations: ['query.risk_level'],
    }),
    get('no credentials', '/v1/customers', 401, { violations: ['security'] }),
    get('an active customer', '/v1/customers/{customerId}', 200, {
      headers,
      state: S.activeSubscription,
    }),
    get('a churned customer', '/v1/customers/{customerId}', 200, {
      headers,
      state: S.churnedCustomer,
    }),
    get('a customer with history', '/v1/customers/cus_RDWqvFpLY56L7p', 200, { headers }),
    get('an unknown customer', '/v1/customers/cus_nope', 404, { headers }),
    post('start a flow', FLOWS, FLOW, 201, { headers, state: S.activeSubscription }),
    post('start again: the open flow', FLOWS, FLOW, 200, { headers, state: S.pendingFlow }),
    post('a churned customer', FLOWS, FLOW, 409, { headers, state: S.churnedCustomer }),
    post('an unknown customer', FLOWS, { ...FLOW, customer_id: 'cus_nope' }, 400, { headers }),
    post('an unknown reason', FLOWS, { ...FLOW, reason: 'bored' }, 400, {
      headers,
      state: S.activeSubscription,
      violations: ['body'],
    }),
    post('missing fields', FLOWS, { reason: 'other' }, 400, { headers, violations: ['body'] }),
    get('a pending flow', `${FLOWS}/{flowId}`, 200, { headers, state: S.pendingFlow }),
    get('a flow that retained', `${FLOWS}/{flowId}`, 200, { headers, state: S.retainedFlow }),
    get('a seeded flow', `${FLOWS}/flow_0x0nqw0`, 200, { headers }),
    get('an unknown flow', `${FLOWS}/flow_nope`, 404, { headers }),
    get('churn, default window', '/v1/analytics/churn', 200, { headers }),
    get(
      'churn by month',
      '/v1/analytics/churn?start_date=2024-01-01&end_date=2024-12-31&granularity=month',
      200,
      { headers },
    ),
    get('churn by the hour', '/v1/analytics/churn?granularity=hour', 400, {
      headers,
      violations: ['query.granularity'],
    }),
    get('retention', '/v1/analytics/retention?start_date=2024-01-01&end_date=2024-01-31', 200, {
      headers,
    }),
    get(
      'retention, the period ends before it starts',
      '/v1/analytics/retention?start_date=2024-02-01&end_date=2024-01-01',
      400,
      { headers },
    ),
    get('retention, not a date', '/v1/analytics/retention?start_date=yesterday', 400, {
      headers,
      violations: ['query.start_date'],
    }),
  ],
};
