import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CHURNKEY_DATA_STATES as STATES } from '../../../mock/vendors/churnkey-data/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import { ChurnkeyDataClient } from './clients/churnkey-data.ts';
import { ApiError } from './clients/http.ts';
import { consumerPact, fromState, ISO_MILLIS } from './consumer.ts';

const { like, eachLike, integer, boolean, regex, datetime } = MatchersV3;

const pact = consumerPact(pactProvider('churnkey-data-api'));
const CREDENTIALS = { apiKey: 'data_test_churnmock', appId: 'app_churnmock' };
const AUTH = { 'x-ck-api-key': CREDENTIALS.apiKey, 'x-ck-app': CREDENTIALS.appId };
const JSON_BODY = { 'Content-Type': 'application/json' };

/** The fields of a session this app reads, by type. */
const session = (createdAt = '2023-05-31T18:34:02.826Z') => ({
  _id: like('6477931a7f6370ac05c9c861'),
  customer: {
    id: like('cus_s4jsFy5guWsl01'),
    email: like('jaylin_kreiger@gmail.com'),
    planId: like('creator_monthly'),
    currency: regex('^[a-z]{3}$', 'eur'),
    billingInterval: regex('^(WEEK|MONTH|YEAR)$', 'MONTH'),
  },
  aborted: boolean(false),
  canceled: boolean(true),
  bounced: boolean(false),
  createdAt: datetime(ISO_MILLIS, createdAt),
});

const counts = { events: integer(552), sessions: integer(5) };
const problem = { message: like('Invalid request: query limit must be <= 10000') };

describe('Churnkey Data API (consumer: retention-app)', () => {
  it('lists the sessions of May 2023', async () => {
    await pact
      .addInteraction()
      .given(STATES.sessionsInMay2023)
      .uponReceiving('a request for the sessions of May 2023')
      .withRequest('GET', '/v1/data/sessions', (b) =>
        b.query({ startDate: '2023-05-01', endDate: '2023-06-01', limit: '10' }).headers(AUTH),
      )
      .willRespondWith(200, (b) => b.jsonBody(eachLike(session())))
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const sessions = await client.listSessions({
          startDate: '2023-05-01',
          endDate: '2023-06-01',
          limit: 10,
        });
        expect(sessions[0]?.createdAt.startsWith('2023-05')).toBe(true);
      });
  });

  it("lists one customer's sessions", async () => {
    await pact
      .addInteraction()
      .given(STATES.customerWithSessions)
      .uponReceiving("a request for a customer's sessions")
      .withRequest('GET', '/v1/data/sessions', (b) =>
        b.query({ customerId: fromState('customerId', 'cus_abc123') }).headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          eachLike({
            ...session('2025-12-30T21:04:11.340Z'),
            customer: {
              ...session().customer,
              id: fromState('customerId', 'cus_abc123'),
            },
          }),
        ),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const sessions = await client.listSessions({ customerId: 'cus_abc123' });
        expect(sessions.every((s) => s.customer.id === 'cus_abc123')).toBe(true);
      });
  });

  it('lists monthly customers who accepted a discount (the vendor example)', async () => {
    await pact
      .addInteraction()
      .given(STATES.monthlyDiscounts)
      .uponReceiving('a request for sessions with an accepted discount on a monthly plan')
      .withRequest('GET', '/v1/data/sessions', (b) =>
        b.query({ offerType: 'DISCOUNT', billingInterval: 'MONTH', limit: '5' }).headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          eachLike({
            ...session('2025-12-29T08:12:40.001Z'),
            customer: { ...session().customer, billingInterval: 'MONTH' },
            acceptedOffer: { offerType: 'DISCOUNT', couponId: like('coupon_50off3') },
          }),
        ),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const sessions = await client.listSessions({
          offerType: 'DISCOUNT',
          billingInterval: 'MONTH',
          limit: 5,
        });
        expect(sessions[0]?.acceptedOffer?.offerType).toBe('DISCOUNT');
      });
  });

  it('gets a 400 naming every invalid parameter', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for sessions with a limit over 10,000')
      .withRequest('GET', '/v1/data/sessions', (b) => b.query({ limit: '20000' }).headers(AUTH))
      .willRespondWith(400, (b) =>
        b.jsonBody({
          ...problem,
          errors: eachLike({ in: 'query', name: 'limit', message: like('must be <= 10000') }),
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const err = await client.listSessions({ limit: 20_000 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).status).toBe(400);
      });
  });

  it('gets a 401 without credentials', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for sessions without credentials')
      .withRequest('GET', '/v1/data/sessions')
      .willRespondWith(401, (b) => b.jsonBody({ message: like('Missing x-ck-api-key header') }))
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, null);
        const err = await client.listSessions().catch((e: unknown) => e);
        expect((err as ApiError).status).toBe(401);
        expect((err as ApiError).message).toMatch(/Missing x-ck-api-key/);
      });
  });

  it('counts the sessions of 2023 by month and billing interval', async () => {
    await pact
      .addInteraction()
      .given(STATES.sessionsIn2023)
      .uponReceiving('a request for session counts of 2023 by month and billing interval')
      .withRequest('GET', '/v1/data/session-aggregation', (b) =>
        b
          .query({
            startDate: '2023-01-01',
            endDate: '2024-01-01',
            breakdown: 'month-billingInterval',
          })
          .headers(AUTH),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          eachLike({
            count: integer(148),
            month: regex('^2023-(0[1-9]|1[0-2])$', '2023-01'),
            billingInterval: regex('^(WEEK|MONTH|YEAR)$', 'MONTH'),
          }),
        ),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const rows = await client.aggregateSessions({
          startDate: '2023-01-01',
          endDate: '2024-01-01',
          breakdown: 'month-billingInterval',
        });
        expect(rows[0]?.count).toBeGreaterThan(0);
      });
  });

  it('gets a 400 for an unknown breakdown dimension', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for session counts by an unknown dimension')
      .withRequest('GET', '/v1/data/session-aggregation', (b) =>
        b.query({ breakdown: 'quarter' }).headers(AUTH),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody({
          message: like('Invalid request: query breakdown must match pattern'),
          errors: eachLike({ in: 'query', name: 'breakdown', message: like('must match pattern') }),
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const err = await client.aggregateSessions({ breakdown: 'quarter' }).catch((e) => e);
        expect((err as ApiError).status).toBe(400);
      });
  });

  it("reads a person's data (GDPR access)", async () => {
    await pact
      .addInteraction()
      .given(STATES.personWithRecords)
      .uponReceiving("a request for a person's data")
      .withRequest('POST', '/v1/data/dsr/access', (b) =>
        b
          .headers({ ...AUTH, ...JSON_BODY })
          .jsonBody({ email: fromState('email', 'jane@example.com') }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          customer: { email: fromState('email', 'jane@example.com') },
          counts,
          profile: { sessions: eachLike(session('2024-03-20T14:02:25.400Z')) },
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const data = await client.accessPersonalData('jane@example.com');
        expect(data.profile.sessions.length).toBeGreaterThan(0);
      });
  });

  it('gets a 400 for an e-mail that is not one', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request for the data of an invalid e-mail address')
      .withRequest('POST', '/v1/data/dsr/access', (b) =>
        b.headers({ ...AUTH, ...JSON_BODY }).jsonBody({ email: 'not-an-email' }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody({
          message: like('Invalid request: body email must match format "email"'),
          errors: eachLike({ in: 'body', name: 'email', message: like('must match format') }),
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const err = await client.accessPersonalData('not-an-email').catch((e) => e);
        expect((err as ApiError).status).toBe(400);
      });
  });

  it('gets a 401 for GDPR access with a wrong key', async () => {
    await pact
      .addInteraction()
      .uponReceiving("a request for a person's data with a wrong API key")
      .withRequest('POST', '/v1/data/dsr/access', (b) =>
        b
          .headers({
            'x-ck-api-key': 'data_test_wrong',
            'x-ck-app': CREDENTIALS.appId,
            ...JSON_BODY,
          })
          .jsonBody({ email: 'jane@example.com' }),
      )
      .willRespondWith(401, (b) => b.jsonBody({ message: like('Invalid API key or app id') }))
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, {
          ...CREDENTIALS,
          apiKey: 'data_test_wrong',
        });
        const err = await client.accessPersonalData('jane@example.com').catch((e) => e);
        expect((err as ApiError).status).toBe(401);
      });
  });

  it("erases a person's data (GDPR delete)", async () => {
    await pact
      .addInteraction()
      .given(STATES.personWithRecords)
      .uponReceiving("a request to delete a person's data")
      .withRequest('POST', '/v1/data/dsr/delete', (b) =>
        b
          .headers({ ...AUTH, ...JSON_BODY })
          .jsonBody({ email: fromState('email', 'jane@example.com') }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          customer: { email: fromState('email', 'jane@example.com') },
          deleted: true,
          deletedCounts: counts,
          counts: { events: 0, sessions: 0 },
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const result = await client.deletePersonalData('jane@example.com');
        expect(result.deleted).toBe(true);
      });
  });

  it('is told when Churnkey refuses to erase a large profile', async () => {
    await pact
      .addInteraction()
      .given(STATES.personOverDeletionLimit)
      .uponReceiving('a request to delete a person with more than 10,000 events')
      .withRequest('POST', '/v1/data/dsr/delete', (b) =>
        b
          .headers({ ...AUTH, ...JSON_BODY })
          .jsonBody({ email: fromState('email', 'jane@example.com') }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          customer: { email: fromState('email', 'jane@example.com') },
          deleted: false,
          reasonForRejection: like(
            'Profile exceeds limit for API deletion. Please contact support@churnkey.co.',
          ),
          counts: { events: integer(50000), sessions: integer(3) },
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const result = await client.deletePersonalData('jane@example.com');
        expect(result.deleted).toBe(false);
      });
  });

  it('gets a 400 for a delete without an e-mail', async () => {
    await pact
      .addInteraction()
      .uponReceiving('a request to delete the data of an invalid e-mail address')
      .withRequest('POST', '/v1/data/dsr/delete', (b) =>
        b.headers({ ...AUTH, ...JSON_BODY }).jsonBody({ email: 'jane' }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody({
          message: like('Invalid request: body email must match format "email"'),
          errors: eachLike({ in: 'body', name: 'email', message: like('must match format') }),
        }),
      )
      .executeTest(async (server) => {
        const client = new ChurnkeyDataClient(server.url, CREDENTIALS);
        const err = await client.deletePersonalData('jane').catch((e) => e);
        expect((err as ApiError).status).toBe(400);
      });
  });
});
