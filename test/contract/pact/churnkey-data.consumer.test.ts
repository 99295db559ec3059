import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { CHURNKEY_DATA_STATES as STATES } from '../../../mock/vendors/churnkey-data/states.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import { ChurnkeyDataClient } from './clients/churnkey-data.ts';
import {
  consumerPact,
  expectRefusal,
  fromState,
  ISO_MILLIS,
  interaction,
  type PactRequest,
  type PactResponse,
  type Refusal,
} from './consumer.ts';

const { like, eachLike, integer, boolean, regex, datetime } = MatchersV3;

const pact = consumerPact(pactProvider('churnkey-data-api'));
const CREDENTIALS = { apiKey: 'data_test_churnmock', appId: 'app_churnmock' };
const AUTH = { 'x-ck-api-key': CREDENTIALS.apiKey, 'x-ck-app': CREDENTIALS.appId };
const JSON_BODY = { 'Content-Type': 'application/json' };
const SESSIONS = '/v1/data/sessions';
const AGGREGATION = '/v1/data/session-aggregation';
const DSR_ACCESS = '/v1/data/dsr/access';
const DSR_DELETE = '/v1/data/dsr/delete';

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
/** The e-mail of the person the provider state seeds. */
const email = fromState('email', 'jane@example.com');
/** A 400 naming the one invalid parameter. */
const invalid = (message: string, where: string, name: string, detail: string) => ({
  message: like(message),
  errors: eachLike({ in: where, name, message: like(detail) }),
});

const get = (path: string, query: PactRequest['query']): PactRequest => ({
  method: 'GET',
  path,
  query,
  headers: AUTH,
});
const post = (path: string, body: unknown, auth: object = AUTH): PactRequest => ({
  method: 'POST',
  path,
  headers: { ...auth, ...JSON_BODY },
  body,
});
/** A 200 with a JSON body. */
const ok = (body: unknown): PactResponse => ({ status: 200, body });
const client = (url: string, credentials: typeof CREDENTIALS | null = CREDENTIALS) =>
  new ChurnkeyDataClient(url, credentials);

describe('Churnkey Data API (consumer: retention-app)', () => {
  it('lists the sessions of May 2023', async () => {
    const may = { startDate: '2023-05-01', endDate: '2023-06-01' };
    await interaction(pact, {
      state: STATES.sessionsInMay2023,
      uponReceiving: 'a request for the sessions of May 2023',
      request: get(SESSIONS, { ...may, limit: '10' }),
      response: ok(eachLike(session())),
    }).executeTest(async (server) => {
      const sessions = await client(server.url).listSessions({ ...may, limit: 10 });
      expect(sessions[0]?.createdAt.startsWith('2023-05')).toBe(true);
    });
  });

  it("lists one customer's sessions", async () => {
    const customerId = fromState('customerId', 'cus_abc123');
    await interaction(pact, {
      state: STATES.customerWithSessions,
      uponReceiving: "a request for a customer's sessions",
      request: get(SESSIONS, { customerId }),
      response: ok(
        eachLike({
          ...session('2025-12-30T21:04:11.340Z'),
          customer: { ...session().customer, id: customerId },
        }),
      ),
    }).executeTest(async (server) => {
      const sessions = await client(server.url).listSessions({ customerId: 'cus_abc123' });
      expect(sessions.every((s) => s.customer.id === 'cus_abc123')).toBe(true);
    });
  });

  it('lists monthly customers who accepted a discount (the vendor example)', async () => {
    await interaction(pact, {
      state: STATES.monthlyDiscounts,
      uponReceiving: 'a request for sessions with an accepted discount on a monthly plan',
      request: get(SESSIONS, { offerType: 'DISCOUNT', billingInterval: 'MONTH', limit: '5' }),
      response: ok(
        eachLike({
          ...session('2025-12-29T08:12:40.001Z'),
          customer: { ...session().customer, billingInterval: 'MONTH' },
          acceptedOffer: { offerType: 'DISCOUNT', couponId: like('coupon_50off3') },
        }),
      ),
    }).executeTest(async (server) => {
      const sessions = await client(server.url).listSessions({
        offerType: 'DISCOUNT',
        billingInterval: 'MONTH',
        limit: 5,
      });
      expect(sessions[0]?.acceptedOffer?.offerType).toBe('DISCOUNT');
    });
  });

  it('counts the sessions of 2023 by month and billing interval', async () => {
    const year = {
      startDate: '2023-01-01',
      endDate: '2024-01-01',
      breakdown: 'month-billingInterval',
    };
    await interaction(pact, {
      state: STATES.sessionsIn2023,
      uponReceiving: 'a request for session counts of 2023 by month and billing interval',
      request: get(AGGREGATION, year),
      response: ok(
        eachLike({
          count: integer(148),
          month: regex('^2023-(0[1-9]|1[0-2])$', '2023-01'),
          billingInterval: regex('^(WEEK|MONTH|YEAR)$', 'MONTH'),
        }),
      ),
    }).executeTest(async (server) => {
      const rows = await client(server.url).aggregateSessions(year);
      expect(rows[0]?.count).toBeGreaterThan(0);
    });
  });

  it("reads a person's data (GDPR access)", async () => {
    await interaction(pact, {
      state: STATES.personWithRecords,
      uponReceiving: "a request for a person's data",
      request: post(DSR_ACCESS, { email }),
      response: ok({
        customer: { email },
        counts,
        profile: { sessions: eachLike(session('2024-03-20T14:02:25.400Z')) },
      }),
    }).executeTest(async (server) => {
      const data = await client(server.url).accessPersonalData('jane@example.com');
      expect(data.profile.sessions.length).toBeGreaterThan(0);
    });
  });

  /** A GDPR delete of the person the provider state seeds; what the client was told. */
  const erase = (state: string, uponReceiving: string, outcome: object) =>
    interaction(pact, {
      state,
      uponReceiving,
      request: post(DSR_DELETE, { email }),
      response: ok({ customer: { email }, ...outcome }),
    }).executeTest((server) => client(server.url).deletePersonalData('jane@example.com'));

  it("erases a person's data (GDPR delete)", async () => {
    const result = await erase(STATES.personWithRecords, "a request to delete a person's data", {
      deleted: true,
      deletedCounts: counts,
      counts: { events: 0, sessions: 0 },
    });
    expect(result?.deleted).toBe(true);
  });

  it('is told when Churnkey refuses to erase a large profile', async () => {
    const result = await erase(
      STATES.personOverDeletionLimit,
      'a request to delete a person with more than 10,000 events',
      {
        deleted: false,
        reasonForRejection: like(
          'Profile exceeds limit for API deletion. Please contact support@churnkey.co.',
        ),
        counts: { events: integer(50000), sessions: integer(3) },
      },
    );
    expect(result?.deleted).toBe(false);
  });

  const invalidEmail = invalid(
    'Invalid request: body email must match format "email"',
    'body',
    'email',
    'must match format',
  );
  const refusals: Refusal[] = [
    {
      name: 'gets a 400 naming every invalid parameter',
      uponReceiving: 'a request for sessions with a limit over 10,000',
      request: get(SESSIONS, { limit: '20000' }),
      response: {
        status: 400,
        body: invalid(
          'Invalid request: query limit must be <= 10000',
          'query',
          'limit',
          'must be <= 10000',
        ),
      },
      call: (url) => client(url).listSessions({ limit: 20_000 }),
    },
    {
      name: 'gets a 401 without credentials',
      uponReceiving: 'a request for sessions without credentials',
      request: { method: 'GET', path: SESSIONS },
      response: { status: 401, body: { message: like('Missing x-ck-api-key header') } },
      call: (url) => client(url, null).listSessions(),
      message: /Missing x-ck-api-key/,
    },
    {
      name: 'gets a 400 for an unknown breakdown dimension',
      uponReceiving: 'a request for session counts by an unknown dimension',
      request: get(AGGREGATION, { breakdown: 'quarter' }),
      response: {
        status: 400,
        body: invalid(
          'Invalid request: query breakdown must match pattern',
          'query',
          'breakdown',
          'must match pattern',
        ),
      },
      call: (url) => client(url).aggregateSessions({ breakdown: 'quarter' }),
    },
    {
      name: 'gets a 400 for an e-mail that is not one',
      uponReceiving: 'a request for the data of an invalid e-mail address',
      request: post(DSR_ACCESS, { email: 'not-an-email' }),
      response: { status: 400, body: invalidEmail },
      call: (url) => client(url).accessPersonalData('not-an-email'),
    },
    {
      name: 'gets a 401 for GDPR access with a wrong key',
      uponReceiving: "a request for a person's data with a wrong API key",
      request: post(
        DSR_ACCESS,
        { email: 'jane@example.com' },
        { ...AUTH, 'x-ck-api-key': 'data_test_wrong' },
      ),
      response: { status: 401, body: { message: like('Invalid API key or app id') } },
      call: (url) =>
        client(url, { ...CREDENTIALS, apiKey: 'data_test_wrong' }).accessPersonalData(
          'jane@example.com',
        ),
    },
    {
      name: 'gets a 400 for a delete without an e-mail',
      uponReceiving: 'a request to delete the data of an invalid e-mail address',
      request: post(DSR_DELETE, { email: 'jane' }),
      response: { status: 400, body: invalidEmail },
      call: (url) => client(url).deletePersonalData('jane'),
    },
  ];
  it.each(refusals)('$name', (refusal) => expectRefusal(pact, refusal));
});
