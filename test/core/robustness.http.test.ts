import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../mock/core/contract.ts';
import { MAX_HEADER_BYTES } from '../../mock/core/http-server.ts';
import { contractFile } from '../../mock/core/paths.ts';
import type { Mock } from '../../mock/create.ts';
import { startMock } from '../../mock/index.ts';
import { expectContract } from '../helpers/contract.ts';
import {
  AGGREGATION,
  CK_HEADERS,
  customMock,
  DSR_ACCESS,
  DSR_DELETE,
  postRaw,
  SESSIONS,
} from '../helpers/mock.ts';

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

const HOSTILE_QUERIES = [
  'limit=1&limit=2',
  'limit=1e3',
  'limit=99999999999999999999',
  'limit=-0',
  'limit=',
  'skip=1.5',
  'startDate=',
  'startDate=2023-13-45',
  'endDate[]=x',
  'canceled=TRUE',
  'canceled=1',
  'pauseDuration=abc',
  'breakdown=',
  'breakdown=-',
  'breakdown=month-',
  `customerId=${'x'.repeat(5000)}`,
  'customerId=%00%ff',
  'offerType=pause',
  '-offerType=',
  'bounced=maybe',
  '%E0%A4%A=1',
];

const HOSTILE_BODIES: [string, string][] = [
  ['application/json', 'null'],
  ['application/json', '[]'],
  ['application/json', '"jane@example.com"'],
  ['application/json', '{"email": ["a@b.co"]}'],
  ['application/json', '{"email": {"$ne": null}}'],
  ['application/json', '{"email": ""}'],
  ['application/json', `{"email": "${'a'.repeat(10_000)}@example.com"}`],
  ['application/json', '{"email": "a@b.co"'],
  ['text/plain', 'email=a@b.co'],
  ['application/x-www-form-urlencoded', 'email=a%40b.co'],
  ['application/json', `{"email":"a@b.co","pad":"${'x'.repeat(1_100_000)}"}`],
  ['application/json; charset=latin-9', '{"email": "a@b.co"}'],
];

describe('bad input never yields a 5xx or loses data', () => {
  it.each(HOSTILE_QUERIES)('GET sessions and aggregation with %s', async (query) => {
    for (const [path, op] of [
      [SESSIONS, 'listSessions'],
      [AGGREGATION, 'aggregateSessions'],
    ] as const) {
      const res = await request(mock.app).get(`${path}?${query}`).set(CK_HEADERS);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      await expectContract(op, res);
    }
  });

  it.each(HOSTILE_BODIES.map(([t, b]) => [t, b.slice(0, 60), b]))(
    'POST DSR with %s %s',
    async (type, _shown, body) => {
      const before = [...mock.vendors['churnkey-data'].store.sessions(mock.clock.now())].length;
      for (const [path, op] of [
        [DSR_ACCESS, 'dsrAccess'],
        [DSR_DELETE, 'dsrDelete'],
      ] as const) {
        const res = await postRaw(mock, path, CK_HEADERS, type, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.message).toBe('string');
        await expectContract(op, res);
      }
      expect([...mock.vendors['churnkey-data'].store.sessions(mock.clock.now())].length).toBe(
        before,
      );
    },
  );

  it('a key sent twice (joined by a comma) is a clean 401, never a crash', async () => {
    const key = CK_HEADERS['x-ck-api-key'];
    const res = await request(mock.app)
      .get(SESSIONS)
      .set('x-ck-api-key', `${key}, ${key}`)
      .set('x-ck-app', CK_HEADERS['x-ck-app']);
    expect(res.status).toBe(401);
  });
});

// What the Churnkey contract's standard patterns refuse (JsDate holds the calendar, breakdown
// refuses repeats), the mock refuses too: a 400 in Churnkey's shape naming the parameter.
const ckContract = await loadContract(contractFile('churnkey-data'));
const patternOf = (name: string) => {
  const op = ckContract.operations.find((o) => o.id === 'aggregateSessions');
  const schema = op?.params.find((p) => p.name === name)?.schema as { pattern: string };
  return new RegExp(schema.pattern, 'u');
};
const GET_OPS = [
  [SESSIONS, 'listSessions'],
  [AGGREGATION, 'aggregateSessions'],
] as const;

describe('Churnkey: what the contract’s patterns refuse is a 400 naming the parameter', () => {
  it.each([
    ['startDate', '2025-02-30'],
    ['endDate', '2100-02-29'],
    ['startDate', '2016-12-31T23:59:60Z'],
    ['endDate', '2023-01-01T24:00'],
    ['startDate', '2023-01-01T10:00+2'],
    ['startDate', '+002023-01-01'],
    ['endDate', '2023-1-1'],
    ['startDate', ' 2023-01-01'],
    ['startDate', '2023-01-01T10:00:00.Z'],
  ])('%s=%s', async (name, value) => {
    expect(patternOf(name).test(value)).toBe(false);
    for (const [path, op] of GET_OPS) {
      const res = await request(mock.app)
        .get(path)
        .query({ [name]: value })
        .set(CK_HEADERS);
      expect(res.status).toBe(400);
      await expectContract(op, res);
      expect(res.body.errors).toEqual([
        { in: 'query', name, message: expect.stringMatching(/^must be a real date or date-time/) },
      ]);
    }
  });

  it.each([
    'month-month',
    'response-surveyResponse',
    'planId-month-planId',
    'surveyResponse-response',
  ])('breakdown=%s (a repeated dimension)', async (breakdown) => {
    expect(patternOf('breakdown').test(breakdown)).toBe(false);
    const res = await request(mock.app).get(AGGREGATION).query({ breakdown }).set(CK_HEADERS);
    expect(res.status).toBe(400);
    await expectContract('aggregateSessions', res);
    expect(res.body.errors).toEqual([
      { in: 'query', name: 'breakdown', message: expect.stringContaining('each at most once') },
    ]);
  });
});

describe('Churnkey: If-None-Match on a cached GET', () => {
  it.each(GET_OPS)(
    '%s: the same ETag is a bodiless 304; another, or changed data, a 200',
    async (path, op) => {
      const jane = { customerEmail: 'jane@example.com', bounced: 'true' };
      const first = await request(mock.app).get(path).query(jane).set(CK_HEADERS);
      expect(first.status).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^".+"$/);
      const again = () => request(mock.app).get(path).query(jane).set(CK_HEADERS);
      const notModified = await again().set('if-none-match', etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.etag).toBe(etag);
      await expectContract(op, notModified);
      const other = await again().set('if-none-match', '"not-this-one"');
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      await expectContract(op, other);
      // Erasing Jane changes the answer: the old tag no longer matches.
      await request(mock.app).post(DSR_DELETE).set(CK_HEADERS).send({ email: 'jane@example.com' });
      const changed = await again().set('if-none-match', etag);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(changed.body).not.toEqual(first.body);
      await expectContract(op, changed);
      mock.reset();
    },
  );

  it.each(GET_OPS)(
    '%s: every answer to a URL with an undocumented parameter names it, 304s included',
    async (path, op) => {
      const query = { unknownThing: '1' };
      const get = (tag?: string) => {
        const r = request(mock.app).get(path).query(query).set(CK_HEADERS);
        return tag ? r.set('if-none-match', tag) : r;
      };
      const first = await get();
      expect(first.status).toBe(200);
      expect(first.headers['x-churnmock-ignored-params']).toBe('unknownThing');
      const etag = String(first.headers.etag);
      // The second answer is computed (and kept), the third comes from the cache.
      for (const round of ['computed', 'cached']) {
        const notModified = await get(etag);
        expect(notModified.status, round).toBe(304);
        expect(notModified.headers.etag, round).toBe(etag);
        expect(notModified.headers['x-churnmock-ignored-params'], round).toBe('unknownThing');
        await expectContract(op, notModified);
      }
      const cached = await get();
      expect(cached.status).toBe(200);
      expect(cached.headers['x-churnmock-ignored-params']).toBe('unknownThing');
      expect(cached.body).toEqual(first.body);
      await expectContract(op, cached);
    },
  );
});

describe('Churnkey: URL and headers over the limit are a 431 in the owner’s shape', () => {
  // Only a listening server has the header limit (mock.app alone does not).
  let running: Awaited<ReturnType<typeof startMock>>;
  beforeAll(async () => {
    running = await startMock({ port: 0 });
  });
  afterAll(() => running.close());

  it.each([
    ['/v1/data/sessions', 'listSessions'],
    ['/v1/data/session-aggregation', 'aggregateSessions'],
    ['/__admin/churnkey/flow', 'getHostedFlowConfig'],
  ])('GET %s', async (path, op) => {
    const res = await fetch(`${running.url}${path}`, {
      headers: { ...CK_HEADERS, 'x-pad': 'x'.repeat(MAX_HEADER_BYTES + 1024) },
    });
    const text = await res.text();
    expect(res.status, text).toBe(431);
    await expectContract(op, { status: res.status, body: JSON.parse(text) });
    expect(JSON.parse(text)).toEqual({ message: expect.stringMatching(/exceed/) });
  });
});
