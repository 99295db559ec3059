import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CHURNCUT_STATES as STATES } from '../../../mock/vendors/churncut/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import { ChurnCutClient } from './clients/churncut.ts';
import type { ApiError } from './clients/http.ts';
import { consumerPact, fromState, pathFromState } from './consumer.ts';

const { like, eachLike, integer, number, boolean, regex, arrayContaining } = MatchersV3;

const pact = consumerPact(pactProvider('churncut-api'));
const API_KEY = 'cc_test_churnmock';
const AUTH = { Authorization: `Bearer ${API_KEY}` };
const JSON_BODY = { 'Content-Type': 'application/json' };

/** RFC 3339 in UTC, with or without fractions (the vendor's examples have none). */
const timestamp = (example: string) =>
  regex('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', example);
const day = (example: string) => regex('^\\d{4}-\\d{2}-\\d{2}$', example);
const RATE_LIMIT = {
  'X-RateLimit-Limit': regex('^\\d+$', '1000'),
  'X-RateLimit-Remaining': regex('^\\d+$', '999'),
};
const customerId = fromState('customerId', 'cus_abc123');
const subscriptionId = fromState('subscriptionId', 'sub_xyz789');
const flowId = fromState('flowId', 'flow_123456');

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

const client = (url: string, key: string | null = API_KEY) => new ChurnCutClient(url, key);
const failed = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ApiError,
  );

describe('ChurnCut API (consumer: retention-app)', () => {
  it('lists customers at high risk', async () => {
    await pact
      .addInteraction()
      .given(STATES.highRiskCustomers)
      .uponReceiving('a request for the first page of high-risk customers')
      .withRequest('GET', '/v1/customers', (b) =>
        b.query({ risk_level: 'high', limit: '10' }).headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.headers(RATE_LIMIT).jsonBody({
          success: true,
          data: {
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
        }),
      )
      .executeTest(async (server) => {
        const page = await client(server.url).listCustomers({ risk_level: 'high', limit: 10 });
        expect(page.customers[0]?.risk_level).toBe('high');
        expect(page.total).toBeGreaterThan(0);
      });
  });

  it('gets a 400 for a page size over 100', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for customers with a limit over 100')
      .withRequest('GET', '/v1/customers', (b) => b.query({ limit: '500' }).headers(AUTH))
      .willRespondWith(400, (b) =>
        b.jsonBody(failure('invalid_request', 'Invalid request: query limit must be <= 100')),
      )
      .executeTest(async (server) => {
        const err = await failed(client(server.url).listCustomers({ limit: 500 }));
        expect(err?.status).toBe(400);
        expect(err?.message).toMatch(/invalid_request/);
      });
  });

  it('gets a 401 without an API key', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for customers without an API key')
      .withRequest('GET', '/v1/customers')
      .willRespondWith(401, (b) =>
        b.jsonBody({
          success: false,
          error: {
            code: regex('^(unauthorized|invalid_api_key)$', 'unauthorized'),
            message: like('Missing Authorization header'),
          },
        }),
      )
      .executeTest(async (server) => {
        const err = await failed(client(server.url, null).listCustomers());
        expect(err?.status).toBe(401);
      });
  });

  it('reads a customer with an active subscription', async () => {
    await pact
      .addInteraction()
      .given(STATES.activeSubscription)
      .uponReceiving('a request for a customer with an active subscription')
      .withRequest('GET', pathFromState('/v1/customers/', 'customerId', 'cus_abc123'), (b) =>
        b.headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.headers(RATE_LIMIT).jsonBody({
          success: true,
          data: {
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
        }),
      )
      .executeTest(async (server) => {
        const c = await client(server.url).getCustomer('cus_abc123');
        expect(c.subscription.status).toBe('active');
      });
  });

  it('gets a 404 for an unknown customer', async () => {
    await pact
      .addInteraction()
      .given(STATES.noCustomer)
      .uponReceiving('a request for a customer that does not exist')
      .withRequest('GET', '/v1/customers/cus_nope', (b) => b.headers(AUTH))
      .willRespondWith(404, (b) =>
        b.jsonBody(failure('customer_not_found', 'No customer with id cus_nope')),
      )
      .executeTest(async (server) => {
        const err = await failed(client(server.url).getCustomer('cus_nope'));
        expect(err?.status).toBe(404);
      });
  });

  it('starts a cancellation flow', async () => {
    await pact
      .addInteraction()
      .given(STATES.activeSubscription)
      .uponReceiving('a request to start a cancellation flow')
      .withRequest('POST', '/v1/cancellation-flows', (b) =>
        b.headers({ ...AUTH, ...JSON_BODY }).jsonBody(startBody),
      )
      .willRespondWith(201, (b) =>
        b.headers(RATE_LIMIT).jsonBody({
          success: true,
          data: {
            flow_id: regex('^flow_\\w+$', 'flow_123456'),
            flow_url: regex('^https?://\\S+$', 'https://app.churncut.com/flow/flow_123456'),
            expires_at: timestamp('2024-01-21T15:30:00.000Z'),
          },
        }),
      )
      .executeTest(async (server) => {
        const flow = await client(server.url).startCancellationFlow(start);
        expect(flow.created).toBe(true);
        expect(flow.flow_id).toMatch(/^flow_/);
      });
  });

  it('gets a 400 for a reason ChurnCut does not know', async () => {
    await pact
      .addInteraction()
      .given(STATES.activeSubscription)
      .uponReceiving('a request to start a cancellation flow with an unknown reason')
      .withRequest('POST', '/v1/cancellation-flows', (b) =>
        b.headers({ ...AUTH, ...JSON_BODY }).jsonBody({ ...startBody, reason: 'bored' }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody(failure('invalid_request', 'Invalid request: body reason must be one of')),
      )
      .executeTest(async (server) => {
        const err = await failed(
          client(server.url).startCancellationFlow({ ...start, reason: 'bored' }),
        );
        expect(err?.status).toBe(400);
      });
  });

  it('gets a 409 for a customer who has already churned', async () => {
    await pact
      .addInteraction()
      .given(STATES.churnedCustomer)
      .uponReceiving('a request to start a cancellation flow for a churned customer')
      .withRequest('POST', '/v1/cancellation-flows', (b) =>
        b.headers({ ...AUTH, ...JSON_BODY }).jsonBody(startBody),
      )
      .willRespondWith(409, (b) =>
        b.jsonBody(failure('subscription_inactive', 'Subscription sub_xyz789 has ended')),
      )
      .executeTest(async (server) => {
        const err = await failed(client(server.url).startCancellationFlow(start));
        expect(err?.status).toBe(409);
      });
  });

  it('reads a pending flow', async () => {
    await pact
      .addInteraction()
      .given(STATES.pendingFlow)
      .uponReceiving('a request for a pending cancellation flow')
      .withRequest('GET', pathFromState('/v1/cancellation-flows/', 'flowId', 'flow_123456'), (b) =>
        b.headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          success: true,
          data: {
            id: flowId,
            status: 'pending',
            outcome: null,
            offer_accepted: null,
            completed_at: null,
            customer_id: customerId,
            expires_at: timestamp('2024-01-21T15:30:00.000Z'),
          },
        }),
      )
      .executeTest(async (server) => {
        const flow = await client(server.url).getCancellationFlow('flow_123456');
        expect(flow.status).toBe('pending');
      });
  });

  it('reads a flow that retained the customer', async () => {
    await pact
      .addInteraction()
      .given(STATES.retainedFlow)
      .uponReceiving('a request for a cancellation flow that retained the customer')
      .withRequest('GET', pathFromState('/v1/cancellation-flows/', 'flowId', 'flow_123456'), (b) =>
        b.headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          success: true,
          data: {
            id: flowId,
            status: 'completed',
            outcome: 'retained',
            offer_accepted: { type: regex('^(discount|pause|downgrade)$', 'discount') },
            completed_at: timestamp('2024-01-20T15:45:00.000Z'),
            customer_id: customerId,
          },
        }),
      )
      .executeTest(async (server) => {
        const flow = await client(server.url).getCancellationFlow('flow_123456');
        expect(flow.outcome).toBe('retained');
        expect(flow.offer_accepted?.type).toBe('discount');
      });
  });

  it('gets a 404 for an unknown flow', async () => {
    await pact
      .addInteraction()
      .given(STATES.noFlow)
      .uponReceiving('a request for a cancellation flow that does not exist')
      .withRequest('GET', '/v1/cancellation-flows/flow_nope', (b) => b.headers(AUTH))
      .willRespondWith(404, (b) =>
        b.jsonBody(failure('flow_not_found', 'No cancellation flow with id flow_nope')),
      )
      .executeTest(async (server) => {
        const err = await failed(client(server.url).getCancellationFlow('flow_nope'));
        expect(err?.status).toBe(404);
      });
  });

  it('reads weekly churn for January 2024', async () => {
    await pact
      .addInteraction()
      .given(STATES.churnInJanuary2024)
      .uponReceiving('a request for weekly churn analytics of January 2024')
      .withRequest('GET', '/v1/analytics/churn', (b) =>
        b
          .query({ start_date: '2024-01-01', end_date: '2024-01-31', granularity: 'week' })
          .headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          success: true,
          data: {
            period: { start: day('2024-01-01'), end: day('2024-01-31') },
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
          },
        }),
      )
      .executeTest(async (server) => {
        const churn = await client(server.url).churnAnalytics({
          start_date: '2024-01-01',
          end_date: '2024-01-31',
          granularity: 'week',
        });
        expect(churn.by_period.length).toBeGreaterThan(0);
      });
  });

  it('gets a 400 for a granularity ChurnCut does not offer', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for hourly churn analytics')
      .withRequest('GET', '/v1/analytics/churn', (b) =>
        b.query({ granularity: 'hour' }).headers(AUTH),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody(failure('invalid_request', 'Invalid request: query granularity must be one of')),
      )
      .executeTest(async (server) => {
        const err = await failed(
          client(server.url).churnAnalytics({ granularity: 'hour' as 'day' }),
        );
        expect(err?.status).toBe(400);
      });
  });

  it('reads retention by offer type for January 2024', async () => {
    await pact
      .addInteraction()
      .given(STATES.attemptsInJanuary2024)
      .uponReceiving('a request for retention analytics of January 2024')
      .withRequest('GET', '/v1/analytics/retention', (b) =>
        b.query({ start_date: '2024-01-01', end_date: '2024-01-31' }).headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          success: true,
          data: {
            period: { start: day('2024-01-01'), end: day('2024-01-31') },
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
          },
        }),
      )
      .executeTest(async (server) => {
        const retention = await client(server.url).retentionAnalytics({
          start_date: '2024-01-01',
          end_date: '2024-01-31',
        });
        expect(retention.summary.cancellation_attempts).toBeGreaterThan(0);
        expect(retention.by_offer_type.map((r) => r.type).sort()).toEqual([
          'discount',
          'downgrade',
          'pause',
        ]);
      });
  });

  it('gets a 400 when the period ends before it starts', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for retention analytics of a period ending before it starts')
      .withRequest('GET', '/v1/analytics/retention', (b) =>
        b.query({ start_date: '2024-02-01', end_date: '2024-01-01' }).headers(AUTH),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody(failure('invalid_request', 'start_date must not be after end_date')),
      )
      .executeTest(async (server) => {
        const err = await failed(
          client(server.url).retentionAnalytics({
            start_date: '2024-02-01',
            end_date: '2024-01-01',
          }),
        );
        expect(err?.status).toBe(400);
      });
  });
});
