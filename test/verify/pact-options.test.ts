import { describe, expect, it } from 'vitest';
import { DEMO_CHURNKEY_API_KEY } from '../../mock/vendors/churnkey-customer-data/index.ts';
import { signCustomerId } from '../../mock/vendors/churnkey-customer-data/signature.ts';
import { pactVerification } from '../../verify/pact-command.ts';
import { pactFile, pactProvider } from '../../verify/pact-providers.ts';
import { verifierOptions } from '../../verify/pact-runner.ts';
import { resignWith } from '../../verify/pact-signing.ts';
import { stateUrlHandlers } from '../../verify/pact-states.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

const flags = (more: object = {}) => ({
  provider: 'churncut-api',
  baseUrl: 'https://staging.example.com/api',
  header: [],
  pact: [],
  publish: false,
  ...more,
});

describe('pactVerification (the flags)', () => {
  it('a base URL with a path stays a prefix for an API provider', () => {
    const v = pactVerification(flags());
    expect(v.baseUrl).toBe('https://staging.example.com/api');
    expect(v.endpointPath).toBeUndefined();
    expect(v.broker).toBeUndefined();
  });

  it('broker flags become broker options', () => {
    const v = pactVerification(
      flags({
        brokerUrl: 'https://broker.example.com',
        providerVersion: 'abc123',
        providerBranch: 'main',
        publish: true,
      }),
    );
    expect(v.broker).toEqual({
      url: 'https://broker.example.com',
      providerVersion: 'abc123',
      providerBranch: 'main',
      publish: true,
    });
  });

  it.each([
    [{ publish: true }, /--publish needs --broker-url and --provider-version/],
    [{ publish: true, brokerUrl: 'https://b.example.com' }, /--publish needs/],
    [{ apiKey: 'ck_live_x' }, /--api-key only applies/],
  ])('%j is refused', (more, message) => {
    expect(() => pactVerification(flags(more))).toThrow(message);
  });
});

describe('verifierOptions', () => {
  const provider = pactProvider('churncut-api');
  it('verifies the committed pact by default, with states only when a URL is given', () => {
    const o = verifierOptions({ provider, baseUrl: 'http://127.0.0.1:1' }, [], []);
    expect(o.pactUrls).toEqual([pactFile(provider)]);
    expect(o.pactBrokerUrl).toBeUndefined();
    expect(o.stateHandlers).toBeUndefined();
    expect(o.provider).toBe('churncut-api');
  });

  it('with a broker: its pacts, selectors, and results published as the version', () => {
    const o = verifierOptions(
      {
        provider,
        baseUrl: 'http://127.0.0.1:1',
        stateUrl: 'http://127.0.0.1:1/__admin/states',
        broker: { url: 'https://b.example.com', providerVersion: 'abc', publish: true },
      },
      [],
      [],
    );
    expect(o.pactUrls).toBeUndefined();
    expect(o).toMatchObject({
      pactBrokerUrl: 'https://b.example.com',
      publishVerificationResult: true,
      providerVersion: 'abc',
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
    });
    expect(o.stateHandlers).toBeUndefined();
    expect(o.providerStatesSetupUrl).toBe('http://127.0.0.1:1/__admin/states');
  });
});

describe('resignWith', () => {
  const sign = resignWith('ck_live_team');
  const good = signCustomerId('cus_abc123', DEMO_CHURNKEY_API_KEY);
  it.each([
    [
      'a demo-signed request is signed with the key',
      { customerId: 'cus_abc123', signature: good },
      signCustomerId('cus_abc123', 'ck_live_team'),
    ],
    [
      'a wrong signature stays wrong',
      { customerId: 'cus_abc123', signature: 'f'.repeat(64) },
      null,
    ],
    ['a missing signature stays missing', { customerId: 'cus_abc123' }, null],
    ['no customer id: nothing to sign', { signature: good }, null],
  ])('%s', (_name, body, signature) => {
    const out = sign(body);
    expect(out === null ? null : out.signature).toBe(signature);
  });
});

describe('stateUrlHandlers', () => {
  it('posts {state, params, action}, hands back the answer, and records refusals', async () => {
    const server = await startReceiver({
      path: '/states',
      handler: (request, res) => {
        const known = (JSON.parse(request.body) as { state: string }).state === 'known';
        res.statusCode = known ? 200 : 400;
        res.end(known ? '{"customerId":"cus_1"}' : '{"message":"unknown"}');
      },
    });
    const seen = () => server.requests.map((r) => JSON.parse(r.body));
    const { url } = server;
    const errors: string[] = [];
    const handlers = stateUrlHandlers(url, ['known', 'unknown'], errors);
    try {
      expect(await handlers.known?.({ a: 1 })).toEqual({ customerId: 'cus_1' });
      expect(seen()).toEqual([{ state: 'known', params: { a: 1 }, action: 'setup' }]);
      await expect(handlers.unknown?.()).rejects.toThrow(/400/);
      expect(errors).toEqual([`"unknown": ${url} answered 400 {"message":"unknown"}`]);
      expect(await handlers['']?.()).toBeUndefined();
      expect(seen()).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
