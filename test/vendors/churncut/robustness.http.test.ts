import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { activeCustomer, CC_AUTH, CHURN, CUSTOMERS, FLOWS, RETENTION } from './helpers.ts';

let mock: Mock;
let target: { id: string; sub: string; index: number };
let valid: Record<string, string>;
beforeAll(async () => {
  mock = await customMock({});
  target = activeCustomer(mock);
  valid = {
    customer_id: target.id,
    subscription_id: target.sub,
    reason: 'too_expensive',
    redirect_url: 'https://your-app.com/cancelled',
  };
});

/** What a refused request must leave alone: the store's write counter, live flows, the customer. */
const snapshot = () => {
  const store = mock.vendors.churncut.store;
  return {
    version: store.version,
    liveFlows: [...store.liveFlows()].length,
    status: store.status(target.index),
    endedAt: store.endedAt(target.index),
  };
};

/** A 4xx in ChurnCut's error envelope, JSON, with the rate-limit headers; never a 5xx. */
async function expectRefused(operationId: string, res: request.Response, status?: number) {
  expect(res.status, res.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  if (status) expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ success: false, error: {} });
  expect(typeof res.body.error.code).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.headers['x-ratelimit-limit']).toBe('1000');
  await expectContract(operationId, res);
}

// Integer parameters are plain decimal digits only: 1e3, 0x10, 1.0 and ' 10' are refused, not
// read by Number() (mock/pipeline/validation.ts).
const BAD_LIST_QUERIES: [string, string][] = [
  ['limit=1&limit=2', 'limit'],
  ['limit=1e3', 'limit'],
  ['limit=0x10', 'limit'],
  ['limit=1.0', 'limit'],
  ['limit=%2010', 'limit'],
  ['limit=%2B5', 'limit'],
  ['limit=', 'limit'],
  ['limit=-1', 'limit'],
  ['limit=99999999999999999999', 'limit'],
  ['limit=%E0%A4%A', 'limit'],
  ['offset=1.5', 'offset'],
  ['offset=0x10', 'offset'],
  ['offset=-1', 'offset'],
  ['offset=1&offset=2', 'offset'],
  ['risk_level=high&risk_level=low', 'risk_level'],
  ['risk_level=', 'risk_level'],
  [`risk_level=${'x'.repeat(5000)}`, 'risk_level'],
  ['status=ACTIVE', 'status'],
  ['status=active&status=churned', 'status'],
  ['status=%00', 'status'],
];

const BAD_DATES = [
  'start_date=2025-13-45',
  'start_date=2025-02-30',
  'start_date=%E0%A4%A',
  'start_date=1e3',
  'start_date=2025-01-01&start_date=2025-02-01',
  'end_date=',
  'end_date=2025-12-31T25:00:00Z',
  'start_date=2025-12-31&end_date=2025-01-01',
  // Outside DateParam's pattern: a month alone, a date-time without a zone or seconds.
  'start_date=2024-01',
  'end_date=2024-01-31T00:00:00',
  'end_date=2024-01-31T00:00Z',
  'start_date=2016-12-31T23:59:60Z',
];
const BAD_CHURN_ONLY = [
  'granularity=day&granularity=week',
  'granularity=',
  'granularity=0x10',
  'start_date=0001-01-01&granularity=day',
];

/** Unknown (or undecodable) parameter names are ignored and named in a header, never a 4xx/5xx. */
const IGNORED_QUERIES: [string, string][] = [
  ['%E0%A4%A=1', '%EF%BF%BD%25A'],
  ['limit[]=5', 'limit%5B%5D'],
  ['risk_level[]=high', 'risk_level%5B%5D'],
  ['status[a]=b', 'status%5Ba%5D'],
  ['-limit=5', '-limit'],
];

/** Path ids that are not valid percent-encoding, on both read-by-id operations. */
const BAD_IDS = ['%E0%A4%A', '%', '%%', '%ZZ', '%C0%AF', '%FF'];

describe('ChurnCut: hostile input is a 4xx envelope, never a 5xx, and changes nothing', () => {
  it.each(BAD_LIST_QUERIES)('GET /v1/customers?%s ⇒ 400 naming %s', async (query, name) => {
    const before = snapshot();
    const res = await request(mock.app).get(`${CUSTOMERS}?${query}`).set(CC_AUTH);
    await expectRefused('listCustomers', res, 400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { name: string }) => d.name)).toContain(name);
    expect(snapshot()).toEqual(before);
  });

  it.each(BAD_DATES)('GET churn and retention analytics with %s ⇒ 400', async (query) => {
    for (const [path, op] of [
      [CHURN, 'getChurnAnalytics'],
      [RETENTION, 'getRetentionAnalytics'],
    ] as const) {
      const res = await request(mock.app).get(`${path}?${query}`).set(CC_AUTH);
      await expectRefused(op, res, 400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it.each(BAD_CHURN_ONLY)('GET churn analytics with %s ⇒ 400', async (query) => {
    const res = await request(mock.app).get(`${CHURN}?${query}`).set(CC_AUTH);
    await expectRefused('getChurnAnalytics', res, 400);
  });

  it.each(IGNORED_QUERIES)(
    'GET /v1/customers?%s: the odd name is ignored (header %s), the answer is the plain listing',
    async (query, ignored) => {
      const plain = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
      await expectContract('listCustomers', plain);
      const res = await request(mock.app).get(`${CUSTOMERS}?${query}`).set(CC_AUTH);
      expect(res.status).toBe(200);
      await expectContract('listCustomers', res);
      expect(res.headers['x-churnmock-ignored-params']).toBe(ignored);
      expect(res.body).toEqual(plain.body);
    },
  );

  it.each(BAD_IDS)('an undecodable id %s ⇒ 400, on every method', async (id) => {
    const before = snapshot();
    for (const [path, op] of [
      [`${CUSTOMERS}/${id}`, 'getCustomer'],
      [`${FLOWS}/${id}`, 'getCancellationFlow'],
    ] as const) {
      await expectRefused(op, await request(mock.app).get(path).set(CC_AUTH), 400);
      const post = await request(mock.app).post(path).set(CC_AUTH).send(valid);
      await expectRefused(op, post, 400);
      await expectRefused(op, await request(mock.app).delete(path).set(CC_AUTH), 400);
    }
    // Below an undecodable id there is no route at all.
    const deeper = await request(mock.app).get(`${CUSTOMERS}/${id}/x`).set(CC_AUTH);
    await expectRefused('getCustomer', deeper, 404);
    expect(deeper.body.error.code).toBe('not_found');
    expect(snapshot()).toEqual(before);
  });

  it('ids that decode to odd strings are unknown ids (404), not crashes', async () => {
    for (const id of ['%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000), '%F0%9F%92%A9']) {
      const c = await request(mock.app).get(`${CUSTOMERS}/${id}`).set(CC_AUTH);
      await expectRefused('getCustomer', c, 404);
      expect(c.body.error.code).toBe('customer_not_found');
      const f = await request(mock.app).get(`${FLOWS}/${id}`).set(CC_AUTH);
      await expectRefused('getCancellationFlow', f, 404);
      expect(f.body.error.code).toBe('flow_not_found');
    }
  });
});

describe('ChurnCut: hostile bodies for POST /v1/cancellation-flows', () => {
  const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const withField = (field: string, json: string) =>
    `${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(field)}:${json}}`;

  const v = () => JSON.stringify(valid);
  const json = 'application/json';
  /** [name, content-type, body (built when the test runs), extra headers, expected status]. */
  const CASES: [string, string, () => string | Buffer, Record<string, string>, number][] = [
    ['null', json, () => 'null', {}, 400],
    ['[]', json, () => '[]', {}, 400],
    ['"string"', json, () => '"string"', {}, 400],
    ['a number', json, () => '42', {}, 400],
    ['true', json, () => 'true', {}, 400],
    ['the valid body in an array', json, () => `[${v()}]`, {}, 400],
    ['the valid body as a JSON string', json, () => JSON.stringify(v()), {}, 400],
    ['the valid body wrapped', json, () => JSON.stringify({ body: valid }), {}, 400],
    ['the valid body then garbage', json, () => `${v()}x`, {}, 400],
    ['empty', json, () => '', {}, 400],
    ['arrays nested 200,000 deep', json, () => deepArray(200_000), {}, 400],
    ['objects nested 50,000 deep', json, () => deepObject(50_000), {}, 400],
    ['deep arrays in a field', json, () => withField('reason', deepArray(100_000)), {}, 400],
    ['deep objects in a field', json, () => withField('redirect_url', deepObject(30_000)), {}, 400],
    ['an operator object as id', json, () => withField('customer_id', '{"$ne":null}'), {}, 400],
    ['a duplicate key, the last one bad', json, () => withField('reason', '"bored"'), {}, 400],
    ['__proto__', json, () => withField('__proto__', '{"admin":true}'), {}, 400],
    ['charset=latin-9', `${json}; charset=latin-9`, v, {}, 415],
    ['charset=utf-16 (UTF-8 bytes)', `${json}; charset=utf-16`, v, {}, 400],
    ['Content-Encoding br2', json, v, { 'content-encoding': 'br2' }, 415],
    ['br2 and charset=latin-9', `${json}; charset=latin-9`, v, { 'content-encoding': 'br2' }, 415],
    ['Content-Encoding gzip, body not gzipped', json, v, { 'content-encoding': 'gzip' }, 400],
    ['text/plain', 'text/plain', v, {}, 400],
    [
      'a form',
      'application/x-www-form-urlencoded',
      () => new URLSearchParams(valid).toString(),
      {},
      400,
    ],
    ['application/merge-patch+json', 'application/merge-patch+json', v, {}, 400],
    ['over 1 MB', json, () => withField('pad', `"${'x'.repeat(1_100_000)}"`), {}, 413],
  ];

  it.each(CASES)('%s (%s) is refused', async (_name, type, body, headers, status) => {
    const before = snapshot();
    const res = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .set('content-type', type)
      .set(headers)
      .send(body());
    await expectRefused('createCancellationFlow', res, status);
    expect(snapshot()).toEqual(before);
    expect(mock.webhooks.deliveries()).toEqual([]);
  });

  it('a key sent twice (joined by a comma) is a clean 401, nothing stored', async () => {
    const before = snapshot();
    const key = CC_AUTH.authorization;
    const res = await request(mock.app)
      .post(FLOWS)
      .set('authorization', `${key}, ${key}`)
      .send(valid);
    await expectRefused('createCancellationFlow', res, 401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(snapshot()).toEqual(before);
  });

  it('controls: the same body gzip-compressed, or with charset=utf-8, is accepted', async () => {
    const other = activeCustomer(mock, 1);
    const body = { ...valid, customer_id: other.id, subscription_id: other.sub };
    // supertest would serialise a Buffer as JSON; a real socket sends the gzip bytes as they are.
    const server = createServer(mock.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const sent = await fetch(`http://127.0.0.1:${port}${FLOWS}`, {
      method: 'POST',
      headers: { ...CC_AUTH, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(body)),
    });
    const gz = { status: sent.status, body: (await sent.json()) as { data: { flow_id: string } } };
    server.close();
    expect(gz.status).toBe(201);
    await expectContract('createCancellationFlow', gz);
    const again = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .set('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
    expect(again.status).toBe(200);
    await expectContract('createCancellationFlow', again);
    expect(again.body.data.flow_id).toBe(gz.body.data.flow_id);
    mock.reset();
  });
});

describe('ChurnCut: If-None-Match on every cached GET', () => {
  const GETS: [string, string][] = [
    ['listCustomers', `${CUSTOMERS}?limit=2`],
    ['getCustomer', `${CUSTOMERS}/cus_abc123`],
    ['getCancellationFlow', `${FLOWS}/flow_123456`],
    ['getChurnAnalytics', `${CHURN}?start_date=2024-01-01&end_date=2024-01-31`],
    ['getRetentionAnalytics', `${RETENTION}?start_date=2024-01-01&end_date=2024-01-31`],
  ];

  it.each(GETS)(
    '%s: its ETag is a bodiless 304 with the limits; another tag, a 200',
    async (op, path) => {
      const first = await request(mock.app).get(path).set(CC_AUTH);
      expect(first.status).toBe(200);
      await expectContract(op, first);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const notModified = await request(mock.app).get(path).set(CC_AUTH).set('if-none-match', etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.etag).toBe(etag);
      expect(notModified.headers['x-ratelimit-limit']).toBe('1000');
      await expectContract(op, notModified);
      const other = await request(mock.app).get(path).set(CC_AUTH).set('if-none-match', '"x"');
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      // Bad credentials are refused before the cache: a 401, never the 304.
      const stranger = await request(mock.app)
        .get(path)
        .set('authorization', 'Bearer nope')
        .set('if-none-match', etag);
      await expectRefused(op, stranger, 401);
    },
  );
});
