import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CHURNCUT_STATES as STATES } from '../../../mock/vendors/churncut/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import { ChurnCutClient } from './clients/churncut.ts';
import {
  consumerPact,
  expectRefusal,
  fromState,
  interaction,
  type PactRequest,
  type PactResponse,
  pathFromState,
  type Refusal,
} from './consumer.ts';

const { like, eachLike, integer, number, boolean, regex, arrayContaining } = MatchersV3;

const pact = consumerPact(pactProvider('churncut-api'));
const API_KEY = 'cc_test_churnmock';
const AUTH = { Authorization: `Bearer ${API_KEY}` };
const JSON_BODY = { 'Content-Type': 'application/json' };

/** RFC 3339 in UTC, with or without fractions (the vendor's examples have none). */
const timestamp = (example: string) =>
  regex('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', example);
const day = (example: string) => regex('^\\d{4}-\\d{2}-\\d{2}$', example);
const JANUARY_2024 = { start_date: '2024-01-01', end_date: '2024-01-31' };
const JANUARY_2024_PERIOD = { start: day('2024-01-01'), end: day('2024-01-31') };
const RATE_LIMIT = {
  'X-RateLimit-Limit': regex('^\\d+$', '1000'),
  'X-RateLimit-Remaining': regex('^\\d+$', '999'),
};
const customerId = fromState('customerId', 'cus_abc123');
const subscriptionId = fromState('subscriptionId', 'sub_xyz789');
const flowId = fromState('flowId', 'flow_123456');
const FLOW_PATH = pathFromState('/v1/cancellation-flows/', 'flowId', 'flow_123456');

const offerRow = (type: string, attempts: number, retained: number, rate: number) => ({
  type,
  attempts: integer(attempts),
  retained: integer(retained),
  rate: number(rate),
});
const failure = (code: string, message: string) => ({
  success: false,
  error: { code, message: like(message) },
});
const start = {
  customer_id: 'cus_abc123',
  subscription_id: 'sub_xyz789',
  reason: 'too_expensive',
  redirect_url: 'https://your-app.com/subscription/cancelled',
};
const startBody = { ...start, customer_id: customerId, subscription_id: subscriptionId };

/** A request with the API key; a body makes it a JSON POST. */
const get = (path: PactRequest['path'], query?: PactRequest['query']): PactRequest => ({
  method: 'GET',
  path,
  ...(query && { query }),
  headers: AUTH,
});
const post = (path: string, body: unknown): PactRequest => ({
  method: 'POST',
  path,
  headers: { ...AUTH, ...JSON_BODY },
  body,
});
/** ChurnCut's `{success: true, data}` envelope, with the rate-limit headers where they are checked. */
const ok = (data: unknown, status = 200, headers?: PactResponse['headers']): PactResponse => ({
  status,
  ...(headers && { headers }),
  body: { success: true, data },
});

const client = (url: string, key: string | null = API_KEY) => new ChurnCutClient(url, key);

describe('ChurnCut API (consumer: retention-app)', () => {
  it('lists customers at high risk', async () => {
    await interaction(pact, {
      state: STATES.highRiskCustomers,
      uponReceiving: 'a request for the first page of high-risk customers',
      request: get('/v1/customers', { risk_level: 'high', limit: '10' }),
      response: ok(
        {
          customers: eachLike({
            id: regex('^cus_\\w+$', 'cus_abc123'),
            email: like('customer@example.com'),
            risk_level: 'high',
            churn_probability: number(0.85),
            status: regex('^(active|churned|retained)$', 'active'),
            subscription_id: like('sub_xyz789'),
            created_at: timestamp('2024-01-15T10:30:00.000Z'),
          }),
          total: integer(150),
          has_more: boolean(true),
        },
        200,
        RATE_LIMIT,
      ),
    }).executeTest(async (server) => {
      const page = await client(server.url).listCustomers({ risk_level: 'high', limit: 10 });
      expect(page.customers[0]?.risk_level).toBe('high');
      expect(page.total).toBeGreaterThan(0);
    });
  });

  it('reads a customer with an active subscription', async () => {
    await interaction(pact, {
      state: STATES.activeSubscription,
      uponReceiving: 'a request for a customer with an active subscription',
      request: get(pathFromState('/v1/customers/', 'customerId', 'cus_abc123')),
      response: ok(
        {
          id: customerId,
          email: like('customer@example.com'),
          risk_level: regex('^(low|medium|high)$', 'high'),
          churn_probability: number(0.85),
          status: 'active',
          subscription: {
            id: subscriptionId,
            plan: regex('^(starter|creator|pro|business)$', 'pro'),
            amount: integer(4900),
            currency: regex('^[a-z]{3}$', 'usd'),
            status: 'active',
          },
          factors: eachLike({ type: like('low_engagement'), weight: number(0.4) }),
        },
        200,
        RATE_LIMIT,
      ),
    }).executeTest(async (server) => {
      const c = await client(server.url).getCustomer('cus_abc123');
      expect(c.subscription.status).toBe('active');
    });
  });

  it('starts a cancellation flow', async () => {
    await interaction(pact, {
      state: STATES.activeSubscription,
      uponReceiving: 'a request to start a cancellation flow',
      request: post('/v1/cancellation-flows', startBody),
      response: ok(
        {
          flow_id: regex('^flow_\\w+$', 'flow_123456'),
          flow_url: regex('^https?://\\S+$', 'https://app.churncut.com/flow/flow_123456'),
          expires_at: timestamp('2024-01-21T15:30:00.000Z'),
        },
        201,
        RATE_LIMIT,
      ),
    }).executeTest(async (server) => {
      const flow = await client(server.url).startCancellationFlow(start);
      expect(flow.created).toBe(true);
      expect(flow.flow_id).toMatch(/^flow_/);
    });
  });

  /** GET flow_123456 where the provider state has it as `data`; what the client read. */
  const readFlow = (state: string, uponReceiving: string, data: object) =>
    interaction(pact, {
      state,
      uponReceiving,
      request: get(FLOW_PATH),
      response: ok(data),
    }).executeTest((server) => client(server.url).getCancellationFlow('flow_123456'));

  it('reads a pending flow', async () => {
    const flow = await readFlow(STATES.pendingFlow, 'a request for a pending cancellation flow', {
      id: flowId,
      status: 'pending',
      outcome: null,
      offer_accepted: null,
      completed_at: null,
      customer_id: customerId,
      expires_at: timestamp('2024-01-21T15:30:00.000Z'),
    });
    expect(flow?.status).toBe('pending');
  });

  it('reads a flow that retained the customer', async () => {
    const flow = await readFlow(
      STATES.retainedFlow,
      'a request for a cancellation flow that retained the customer',
      {
        id: flowId,
        status: 'completed',
        outcome: 'retained',
        offer_accepted: { type: regex('^(discount|pause|downgrade)$', 'discount') },
        completed_at: timestamp('2024-01-20T15:45:00.000Z'),
        customer_id: customerId,
      },
    );
    expect(flow?.outcome).toBe('retained');
    expect(flow?.offer_accepted?.type).toBe('discount');
  });

  it('reads weekly churn for January 2024', async () => {
    const weekly = { ...JANUARY_2024, granularity: 'week' } as const;
    await interaction(pact, {
      state: STATES.churnInJanuary2024,
      uponReceiving: 'a request for weekly churn analytics of January 2024',
      request: get('/v1/analytics/churn', weekly),
      response: ok({
        period: JANUARY_2024_PERIOD,
        summary: {
          total_customers: integer(1000),
          churned: integer(50),
          churn_rate: number(5.0),
          mrr_lost: integer(24500),
        },
        by_period: eachLike({
          date: day('2024-01-01'),
          churned: integer(12),
          churn_rate: number(1.2),
        }),
      }),
    }).executeTest(async (server) => {
      const churn = await client(server.url).churnAnalytics(weekly);
      expect(churn.by_period.length).toBeGreaterThan(0);
    });
  });

  it('reads retention by offer type for January 2024', async () => {
    await interaction(pact, {
      state: STATES.attemptsInJanuary2024,
      uponReceiving: 'a request for retention analytics of January 2024',
      request: get('/v1/analytics/retention', JANUARY_2024),
      response: ok({
        period: JANUARY_2024_PERIOD,
        summary: {
          cancellation_attempts: integer(120),
          retained: integer(78),
          retention_rate: number(65.0),
        },
        by_offer_type: arrayContaining(
          offerRow('discount', 80, 52, 65.0),
          offerRow('pause', 25, 18, 72.0),
          offerRow('downgrade', 15, 8, 53.3),
        ),
      }),
    }).executeTest(async (server) => {
      const retention = await client(server.url).retentionAnalytics(JANUARY_2024);
      expect(retention.summary.cancellation_attempts).toBeGreaterThan(0);
      expect(retention.by_offer_type.map((r) => r.type).sort()).toEqual([
        'discount',
        'downgrade',
        'pause',
      ]);
    });
  });

  const backwards = { start_date: '2024-02-01', end_date: '2024-01-01' };
  const refusals: Refusal[] = [
    {
      name: 'gets a 400 for a page size over 100',
      uponReceiving: 'a request for customers with a limit over 100',
      request: get('/v1/customers', { limit: '500' }),
      response: {
        status: 400,
        body: failure('invalid_request', 'Invalid request: query limit must be <= 100'),
      },
      call: (url) => client(url).listCustomers({ limit: 500 }),
      message: /invalid_request/,
    },
    {
      name: 'gets a 401 without an API key',
      uponReceiving: 'a request for customers without an API key',
      request: { method: 'GET', path: '/v1/customers' },
      response: {
        status: 401,
        body: {
          success: false,
          error: {
            code: regex('^(unauthorized|invalid_api_key)$', 'unauthorized'),
            message: like('Missing Authorization header'),
          },
        },
      },
      call: (url) => client(url, null).listCustomers(),
    },
    {
      name: 'gets a 404 for an unknown customer',
      state: STATES.noCustomer,
      uponReceiving: 'a request for a customer that does not exist',
      request: get('/v1/customers/cus_nope'),
      response: {
        status: 404,
        body: failure('customer_not_found', 'No customer with id cus_nope'),
      },
      call: (url) => client(url).getCustomer('cus_nope'),
    },
    {
      name: 'gets a 400 for a reason ChurnCut does not know',
      state: STATES.activeSubscription,
      uponReceiving: 'a request to start a cancellation flow with an unknown reason',
      request: post('/v1/cancellation-flows', { ...startBody, reason: 'bored' }),
      response: {
        status: 400,
        body: failure('invalid_request', 'Invalid request: body reason must be one of'),
      },
      call: (url) => client(url).startCancellationFlow({ ...start, reason: 'bored' }),
    },
    {
      name: 'gets a 409 for a customer who has already churned',
      state: STATES.churnedCustomer,
      uponReceiving: 'a request to start a cancellation flow for a churned customer',
      request: post('/v1/cancellation-flows', startBody),
      response: {
        status: 409,
        body: failure('subscription_inactive', 'Subscription sub_xyz789 has ended'),
      },
      call: (url) => client(url).startCancellationFlow(start),
    },
    {
      name: 'gets a 404 for an unknown flow',
      state: STATES.noFlow,
      uponReceiving: 'a request for a cancellation flow that does not exist',
      request: get('/v1/cancellation-flows/flow_nope'),
      response: {
        status: 404,
        body: failure('flow_not_found', 'No cancellation flow with id flow_nope'),
      },
      call: (url) => client(url).getCancellationFlow('flow_nope'),
    },
    {
      name: 'gets a 400 for a granularity ChurnCut does not offer',
      uponReceiving: 'a request for hourly churn analytics',
      request: get('/v1/analytics/churn', { granularity: 'hour' }),
      response: {
        status: 400,
        body: failure('invalid_request', 'Invalid request: query granularity must be one of'),
      },
      call: (url) => client(url).churnAnalytics({ granularity: 'hour' as 'day' }),
    },
    {
      name: 'gets a 400 when the period ends before it starts',
      uponReceiving: 'a request for retention analytics of a period ending before it starts',
      request: get('/v1/analytics/retention', backwards),
      response: {
        status: 400,
        body: failure('invalid_request', 'start_date must not be after end_date'),
      },
      call: (url) => client(url).retentionAnalytics(backwards),
    },
  ];
  it.each(refusals)('$name', (refusal) => expectRefusal(pact, refusal));
});
