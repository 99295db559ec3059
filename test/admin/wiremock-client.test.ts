import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DelayType, EndpointFeature, WireMock, WireMockAPI, WireMockFault } from 'wiremock-captain';
import { type RunningMock, startMock } from '../../mock/index.ts';
import { DEFAULT_CC_OPTIONS } from '../../mock/vendors/churncut/options.ts';
import { expectContract } from '../helpers/contract.ts';

/**
 * The point of following WireMock's admin API: a published WireMock client from npm
 * (wiremock-captain), used unchanged, registers stubs and verifies requests against churnmock.
 */
let mock: RunningMock;
let wiremock: WireMock;
const AUTH = { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` };

beforeAll(async () => {
  mock = await startMock({ port: 0 });
  wiremock = new WireMock(mock.url);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

/** The parts of WireMock's JSON the tests read (the client types them as unknown). */
interface ServeEvent {
  readonly request: {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly churnmock: { readonly operation: string | null };
  };
  readonly timing: { readonly addedDelay: number };
}
interface Mapping {
  readonly id: string;
  readonly request: { readonly bodyPatterns?: readonly unknown[] };
}
const served = async (method: 'GET' | 'POST', url: string) =>
  (await wiremock.getRequestsForAPI(method, url)) as ServeEvent[];
const mappings = async () => (await wiremock.getAllMappings()) as Mapping[];

const call = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${mock.url}${path}`, {
    ...init,
    headers: { ...AUTH, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: text ? JSON.parse(text) : undefined,
    headers: res.headers,
  };
};

describe('wiremock-captain against churnmock', () => {
  it('getRequestsForAPI finds what the app sent, as WireMock journals it', async () => {
    const listed = await call('/v1/customers?limit=2');
    await expectContract('listCustomers', listed);
    await call('/v1/customers?limit=3');
    const requests = await served('GET', '/v1/customers?limit=2');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.request.method).toBe('GET');
    expect(requests[0]?.request.headers.authorization).toBe(AUTH.authorization);
    expect(requests[0]?.request.churnmock.operation).toBe('listCustomers');
    expect(await wiremock.getAllRequests()).toHaveLength(2);
  });

  it('register answers instead of the mock for the matching body only; deleteMapping removes it', async () => {
    const mapping = await wiremock.register(
      { method: 'POST', endpoint: '/v1/cancellation-flows', body: { customer_id: 'cus_down' } },
      { status: 503, body: { error: { code: 'down', message: 'Stubbed outage' } } },
    );
    expect(mapping.id).toMatch(/^[0-9a-f-]{36}$/);
    const down = await call('/v1/cancellation-flows', {
      method: 'POST',
      body: JSON.stringify({ customer_id: 'cus_down' }),
    });
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ error: { code: 'down', message: 'Stubbed outage' } });
    // Another body is the stateful mock's business: an unknown customer is its 400.
    const other = await call('/v1/cancellation-flows', {
      method: 'POST',
      body: JSON.stringify({
        customer_id: 'cus_other',
        subscription_id: 'sub_other',
        reason: 'too_expensive',
        redirect_url: 'https://example.com/x',
      }),
    });
    await expectContract('createCancellationFlow', other);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('customer_not_found');
    expect((await mappings()).map((m) => m.id)).toEqual([mapping.id]);
    expect(((await wiremock.getMapping(mapping.id)) as Mapping).request.bodyPatterns).toHaveLength(
      1,
    );
    await wiremock.deleteMapping(mapping.id);
    expect(await mappings()).toEqual([]);
  });

  it('scenarios, priorities, delays and faults through its features', async () => {
    const api = new WireMockAPI(mock.url, '/v1/customers', 'GET', {
      requestEndpointFeature: EndpointFeature.UrlPath,
    });
    await api.register(
      {},
      { status: 500 },
      {
        scenario: {
          scenarioName: 'flaky',
          requiredScenarioState: 'Started',
          newScenarioState: 'ok',
        },
      },
    );
    await api.register(
      {},
      { status: 200, body: { data: [], stubbed: 'low' } },
      { stubPriority: 9 },
    );
    expect((await call('/v1/customers')).status).toBe(500);
    expect((await call('/v1/customers')).body).toEqual({ data: [], stubbed: 'low' });
    expect(await wiremock.getAllScenarios()).toMatchObject([{ name: 'flaky', state: 'ok' }]);
    await wiremock.resetAllScenarios();
    expect((await call('/v1/customers')).status).toBe(500);

    await wiremock.register(
      { method: 'GET', endpoint: '/v1/analytics/churn' },
      { status: 200 },
      { fault: WireMockFault.CONNECTION_RESET_BY_PEER },
    );
    await expect(call('/v1/analytics/churn')).rejects.toThrow();

    await wiremock.register(
      { method: 'GET', endpoint: '/v1/analytics/retention' },
      { status: 200, body: { slow: true } },
      { responseDelay: { type: DelayType.FIXED, constantDelay: 50 } },
    );
    expect((await call('/v1/analytics/retention')).body).toEqual({ slow: true });
    const [retention] = await served('GET', '/v1/analytics/retention');
    expect(retention?.timing.addedDelay).toBe(50);
  });

  it('getUnmatchedRequests and clearAllExceptDefault', async () => {
    await call('/v1/customerz');
    const unmatched = (await wiremock.getUnmatchedRequests()) as { url: string }[];
    expect(unmatched.map((r) => r.url)).toEqual(['/v1/customerz']);
    await wiremock.register({ method: 'GET', endpoint: '/x' }, { status: 204 });
    await wiremock.clearAllExceptDefault();
    expect(await mappings()).toEqual([]);
    expect(await wiremock.getAllRequests()).toEqual([]);
  });
});

describe('startMock: mock.requests and mock.stubs', () => {
  it('find, count, unmatched and clear by WireMock patterns; add, list, remove, reset', async () => {
    await call('/v1/customers?limit=1');
    await call('/v1/nope');
    expect(mock.requests.count()).toBe(2);
    expect(mock.requests.count({ urlPath: '/v1/customers' })).toBe(1);
    expect(
      mock.requests.find({ method: 'GET', urlPath: '/v1/customers' })[0]?.churnmock.operation,
    ).toBe('listCustomers');
    expect(mock.requests.unmatched().map((r) => r.url)).toEqual(['/v1/nope']);
    expect(() => mock.requests.find({ urlPattern: '(' })).toThrow(/regular expression|regex/i);
    mock.requests.clear();
    expect(mock.requests.count()).toBe(0);

    const added = mock.stubs.add({
      request: { urlPath: '/v1/customers' },
      response: { status: 401 },
    });
    const refused = await call('/v1/customers');
    expect(refused.status).toBe(401);
    await expectContract('listCustomers', refused);
    expect(mock.stubs.list().map((m) => m.id)).toEqual([added.id]);
    expect(mock.stubs.remove(added.id)).toBe(true);
    expect(mock.stubs.remove(added.id)).toBe(false);
    expect((await call('/v1/customers')).status).toBe(200);
    mock.stubs.add({ request: {}, response: { status: 500 } });
    mock.stubs.reset();
    expect((await call('/v1/customers')).status).toBe(200);
    expect(() => mock.stubs.add({ response: { status: 1 } })).toThrow(/status/);
  });
});
