import { describe, expect, it } from 'vitest';
import {
  type CustomerDataFailureCode,
  callCustomerDataEndpoint,
} from '../../../mock/vendors/churnkey-customer-data/client.ts';
import { signCustomerId } from '../../../mock/vendors/churnkey-customer-data/signature.ts';
import { DOCS_EXAMPLE } from './endpoints.ts';

const URL_ = 'http://endpoint.test/churnkey/customer-data';
const KEY = 'ck_test_churnmock';
interface Sent {
  url: string;
  init: RequestInit;
}

/** A fetch that records what it was sent and answers `status` with `body`. */
function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers });
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const call = (fetchImpl: typeof fetch, signature?: string | null) =>
  callCustomerDataEndpoint({
    url: URL_,
    apiKey: KEY,
    customerId: 'cus_abc123',
    timeoutMs: 1000,
    fetchImpl,
    ...(signature === undefined ? {} : { signature }),
  });

describe('callCustomerDataEndpoint: the request', () => {
  it('POSTs JSON {customerId, signature} with the correct signature by default', async () => {
    const { sent, fetchImpl } = answering(200, DOCS_EXAMPLE);
    await call(fetchImpl);
    expect(sent).toHaveLength(1);
    const [{ url, init }] = sent as [Sent];
    expect(url).toBe(URL_);
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({
      customerId: 'cus_abc123',
      signature: signCustomerId('cus_abc123', KEY),
    });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('sends a given signature as is, and none for null', async () => {
    const forged = answering(401, {});
    await call(forged.fetchImpl, 'f'.repeat(64));
    expect(JSON.parse(String(forged.sent[0]?.init.body)).signature).toBe('f'.repeat(64));
    const missing = answering(401, {});
    await call(missing.fetchImpl, null);
    expect(JSON.parse(String(missing.sent[0]?.init.body))).toEqual({ customerId: 'cus_abc123' });
  });
});

describe('callCustomerDataEndpoint: a 200 with a valid body', () => {
  it('returns the attributes and the overrides', async () => {
    const r = await call(answering(200, DOCS_EXAMPLE).fetchImpl);
    expect(r).toMatchObject({
      ok: true,
      status: 200,
      customerId: 'cus_abc123',
      subscriptionId: 'sub_xyz789',
      attributes: DOCS_EXAMPLE.customerAttributes,
      body: DOCS_EXAMPLE,
    });
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it('leaves out the optional ids when the endpoint does', async () => {
    const r = await call(answering(200, { customerAttributes: {} }).fetchImpl);
    expect(r).toEqual(expect.objectContaining({ ok: true, attributes: {} }));
    expect(r).not.toHaveProperty('customerId');
    expect(r).not.toHaveProperty('subscriptionId');
  });
});

const FAILURES: [string, number, unknown, CustomerDataFailureCode, RegExp][] = [
  ['401', 401, { message: 'Invalid signature.' }, 'unauthorized', /401/],
  ['404', 404, { message: 'No customer.' }, 'status', /answered 404/],
  ['500 with a text body', 500, 'boom', 'status', /answered 500/],
  ['204 (only 200 counts)', 204, '', 'status', /answered 204/],
  ['200 that is not JSON', 200, '<html>ok</html>', 'invalid-json', /not JSON/],
  [
    '200 without customerAttributes',
    200,
    { customerId: 'cus_abc123' },
    'invalid-body',
    /customerAttributes/,
  ],
  [
    '200 with attributes as an array',
    200,
    { customerAttributes: ['pro'] },
    'invalid-body',
    /contract/,
  ],
  [
    '200 with a numeric customerId',
    200,
    { customerId: 7, customerAttributes: {} },
    'invalid-body',
    /customerId/,
  ],
  [
    '200 with nested attributes',
    200,
    { customerAttributes: { plan: { name: 'pro' }, n: 1 } },
    'not-flat',
    /plan is an object/,
  ],
  [
    '200 with an array value',
    200,
    { customerAttributes: { tags: ['a'] } },
    'not-flat',
    /tags is an array/,
  ],
  [
    '200 with a null value',
    200,
    { customerAttributes: { plan: null } },
    'not-flat',
    /plan is null/,
  ],
];

describe('callCustomerDataEndpoint: failures are classified, never thrown', () => {
  it.each(FAILURES)('%s → %s', async (_name, status, body, code, reason) => {
    const r = await call(answering(status, body).fetchImpl);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.status).toBe(status);
    expect(r.reason).toMatch(reason);
  });

  it('keeps the error body, parsed when it is JSON', async () => {
    const r = await call(answering(401, { message: 'Invalid signature.' }).fetchImpl);
    expect(r).toMatchObject({ ok: false, body: { message: 'Invalid signature.' } });
  });

  it('names a redirect target', async () => {
    const r = await call(answering(302, '', { location: 'https://elsewhere.test/' }).fetchImpl);
    expect(r).toMatchObject({ ok: false, code: 'status', status: 302 });
    expect(r.ok ? '' : r.reason).toContain('https://elsewhere.test/');
  });

  it('a network error is "network" with its cause', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as typeof fetch;
    const r = await call(refused);
    expect(r).toMatchObject({ ok: false, code: 'network' });
    expect(r.ok ? '' : r.reason).toContain('ECONNREFUSED');
    expect(r).not.toHaveProperty('status');
  });

  it('no answer within the timeout is "timeout" (the signal aborts the call)', async () => {
    const never = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const r = await callCustomerDataEndpoint({
      url: URL_,
      apiKey: KEY,
      customerId: 'cus_abc123',
      timeoutMs: 50,
      fetchImpl: never,
    });
    expect(r).toMatchObject({ ok: false, code: 'timeout', reason: 'no answer within 50 ms' });
    expect(r.ms).toBeGreaterThanOrEqual(40);
  });
});
