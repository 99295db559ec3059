import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
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
