import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { callCustomerDataEndpoint } from '../../../mock/vendors/churnkey-customer-data/client.ts';
import { DEMO_CHURNKEY_API_KEY } from '../../../mock/vendors/churnkey-customer-data/index.ts';
import { signCustomerId } from '../../../mock/vendors/churnkey-customer-data/signature.ts';
import { pactProvider } from '../../../verify/pact-providers.ts';
import { consumerPact, type Interaction, interaction, type PactRequest } from './consumer.ts';

const { like, boolean, integer, string } = MatchersV3;

/**
 * Churnkey's hosted cancel flow is the consumer here, and the team's backend the provider.
 * The client is churnmock's own (the one its simulator and `verify customer-data` use), which
 * makes the call exactly as Churnkey's Customer Data Endpoint docs describe. Requests are
 * signed with the demo key; `churnmock verify pact --api-key` re-signs them with a team's key.
 */
const pact = consumerPact(pactProvider('customer-data-endpoint'));
const PATH = '/churnkey/customer-data';
const KNOWN = 'cus_abc123';
const UNKNOWN = 'cus_churnmock_unknown_0a1b2c3d4e5f';

/** Provider states: what the team's endpoint must know (or not) for each interaction. */
const CUSTOMER_DATA_STATES = {
  known: `customer ${KNOWN} has customer data`,
  unknown: `customer ${UNKNOWN} does not exist`,
} as const;

const signed = (customerId: string) => ({
  customerId,
  signature: signCustomerId(customerId, DEMO_CHURNKEY_API_KEY),
});
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const call = (base: string, customerId: string, signature?: string) =>
  callCustomerDataEndpoint({
    url: `${base}${PATH}`,
    apiKey: DEMO_CHURNKEY_API_KEY,
    customerId,
    ...(signature === undefined ? {} : { signature }),
    // Generous: the first call of a cold run meets a Pact mock server still warming up on a
    // loaded machine, and an aborted call is reported by Pact only as "expected but not received".
    timeoutMs: 25_000,
  });

/** Churnkey's call: a JSON POST of `body` (the customer id and its signature). */
const request = (body: object): PactRequest => ({
  method: 'POST',
  path: PATH,
  headers: JSON_HEADERS,
  body,
});

describe('Customer Data Endpoint (consumer: Churnkey hosted flow)', () => {
  it('a correctly signed call gets the flat attributes of the docs example', async () => {
    await interaction(pact, {
      state: CUSTOMER_DATA_STATES.known,
      uponReceiving: 'a correctly signed request for a known customer',
      request: request(signed(KNOWN)),
      response: {
        status: 200,
        headers: JSON_HEADERS,
        body: {
          customerId: string(KNOWN),
          subscriptionId: string('sub_xyz789'),
          customerAttributes: {
            plan: string('pro'),
            monthlyActiveUsers: integer(47),
            tenureMonths: integer(18),
            isOnPaymentRetry: boolean(false),
            supportTicketsLastMonth: integer(2),
          },
        },
      },
    }).executeTest(async (server) => {
      const result = await call(server.url, KNOWN);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.subscriptionId).toBe('sub_xyz789');
      expect(result.attributes).toMatchObject({ plan: 'pro', tenureMonths: 18 });
    });
  });

  const forged = signCustomerId(KNOWN, 'not_the_api_key');
  const refusals: (Interaction & {
    name: string;
    customerId: string;
    signature?: string;
    code: string;
  })[] = [
    {
      name: 'a forged signature is refused with 401',
      state: CUSTOMER_DATA_STATES.known,
      uponReceiving: 'a request for a known customer with a forged signature',
      request: request({ customerId: KNOWN, signature: forged }),
      response: { status: 401 },
      customerId: KNOWN,
      signature: forged,
      code: 'unauthorized',
    },
    {
      name: 'a correctly signed call for a customer the endpoint does not know gets 404',
      state: CUSTOMER_DATA_STATES.unknown,
      uponReceiving: 'a correctly signed request for an unknown customer',
      request: request(signed(UNKNOWN)),
      response: {
        status: 404,
        headers: JSON_HEADERS,
        body: { message: like(`No customer ${UNKNOWN}.`) },
      },
      customerId: UNKNOWN,
      code: 'status',
    },
  ];
  it.each(refusals)('$name', async (refusal) => {
    await interaction(pact, refusal).executeTest(async (server) => {
      const result = await call(server.url, refusal.customerId, refusal.signature);
      expect(result).toMatchObject({
        ok: false,
        status: refusal.response.status,
        code: refusal.code,
      });
    });
  });
});
