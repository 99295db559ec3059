import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { expectContract } from '../../helpers/contract.ts';
import { CK_HEADERS, ckGet, defaultMock, SESSIONS } from '../../helpers/mock.ts';

type Session = {
  _id: string;
  createdAt: string;
  customer: { id: string; email: string; billingInterval: string; currency: string };
  acceptedOffer: { offerType: string } | null;
  bounced: boolean;
  canceled: boolean;
  aborted: boolean;
  surveyChoiceValue: string | null;
};

let mock: Mock;
beforeAll(async () => {
  mock = await defaultMock();
});

const list = async (query: Record<string, string | number | boolean> = {}) => {
  const res = await ckGet(mock, 'listSessions', SESSIONS, query);
  expect(res.status).toBe(200);
  return res.body as Session[];
};

describe('GET /v1/data/sessions — auth', () => {
  it.each([
    ['no headers', {}, 'Missing x-ck-api-key header'],
    ['only the key', { 'x-ck-api-key': CK_HEADERS['x-ck-api-key'] }, 'Missing x-ck-app header'],
    ['only the app', { 'x-ck-app': CK_HEADERS['x-ck-app'] }, 'Missing x-ck-api-key header'],
    ['a wrong key', { ...CK_HEADERS, 'x-ck-api-key': 'data_wrong' }, 'Invalid API key or app id'],
    ['a wrong app', { ...CK_HEADERS, 'x-ck-app': 'other_app' }, 'Invalid API key or app id'],
  ])('401 with a message for %s', async (_name, headers, message) => {
    const res = await request(mock.app).get(SESSIONS).set(headers);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.message).toBe(message);
    await expectContract('listSessions', res);
  });
});

describe("GET /v1/data/sessions — the docs' examples", () => {
  it('returns the 100 newest sessions by default, newest first, ties by _id', async () => {
    const body = await list();
    expect(body.length).toBe(100);
    for (let i = 1; i < body.length; i++) {
      const a = body[i - 1] as Session;
      const b = body[i] as Session;
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a._id > b._id)).toBe(
        true,
      );
    }
  });

  it('May 2023: startDate=2023-05-01&endDate=2023-06-01 returns only May sessions, non-empty', async () => {
    const body = await list({ startDate: '2023-05-01', endDate: '2023-06-01', limit: 10_000 });
    expect(body.length).toBeGreaterThan(50);
    for (const s of body) expect(s.createdAt.startsWith('2023-05')).toBe(true);
  });

  it('offerType=DISCOUNT&billingInterval=MONTH: monthly customers who accepted a discount', async () => {
    const body = await list({ offerType: 'DISCOUNT', billingInterval: 'MONTH' });
    expect(body.length).toBeGreaterThan(10);
    for (const s of body) {
      expect(s.acceptedOffer?.offerType).toBe('DISCOUNT');
      expect(s.customer.billingInterval).toBe('MONTH');
    }
  });

  it('pages with limit and skip: pages 1-3 of 10 are consecutive slices of one listing', async () => {
    const all = await list({ limit: 30 });
    const pages = [
      await list({ limit: 10 }),
      await list({ limit: 10, skip: 10 }),
      await list({ limit: 10, skip: 20 }),
    ];
    expect(pages.flat().map((s) => s._id)).toEqual(all.map((s) => s._id));
    expect(new Set(pages.flat().map((s) => s._id)).size).toBe(30);
  });

  it('allows limit=10000 (the maximum) and caps there', async () => {
    const all = await list({ limit: 10_000, bounced: true });
    expect(all.length).toBe(10_000);
    expect((await list({ limit: 10_000, skip: 10_000, bounced: true })).length).toBeGreaterThan(0);
  });
});

describe('GET /v1/data/sessions — filters', () => {
  it.each([
    ['canceled', { canceled: true }, (s: Session) => s.canceled],
    ['not canceled', { canceled: false }, (s: Session) => !s.canceled],
    ['aborted', { aborted: true }, (s: Session) => s.aborted],
    ['saveType=ABANDON', { saveType: 'ABANDON' }, (s: Session) => s.aborted],
    [
      'offerType=PAUSE',
      { offerType: 'PAUSE' },
      (s: Session) => s.acceptedOffer?.offerType === 'PAUSE',
    ],
    [
      '-offerType=PAUSE (negation)',
      { '-offerType': 'PAUSE' },
      (s: Session) => s.acceptedOffer?.offerType !== 'PAUSE',
    ],
    [
      'billingInterval=YEAR',
      { billingInterval: 'YEAR' },
      (s: Session) => s.customer.billingInterval === 'YEAR',
    ],
    [
      '-billingInterval=MONTH',
      { '-billingInterval': 'MONTH' },
      (s: Session) => s.customer.billingInterval !== 'MONTH',
    ],
    [
      'response',
      { response: 'Missing Features' },
      (s: Session) => s.surveyChoiceValue === 'Missing Features',
    ],
    [
      'sessionCurrency (any case)',
      { sessionCurrency: 'EUR' },
      (s: Session) => s.customer.currency === 'eur',
    ],
  ])('%s keeps exactly the matching sessions', async (_name, query, predicate) => {
    const body = await list({ ...query, limit: 500 });
    expect(body.length).toBeGreaterThan(0);
    expect(body.every(predicate)).toBe(true);
  });

  it('customerId, customerEmail and sessionId find one customer or session', async () => {
    const [first] = await list({ limit: 1 });
    if (!first) throw new Error('no sessions');
    const byId = await list({ customerId: first.customer.id });
    expect(byId.length).toBeGreaterThan(0);
    expect(byId.every((s) => s.customer.id === first.customer.id)).toBe(true);
    const byEmail = await list({ customerEmail: first.customer.email.toUpperCase() });
    expect(byEmail.map((s) => s._id)).toEqual(byId.map((s) => s._id));
    expect((await list({ sessionId: first._id })).map((s) => s._id)).toEqual([first._id]);
  });

  it('excludes bounced sessions unless bounced=true', async () => {
    const normal = await list({ limit: 10_000, startDate: '2023-01-01', endDate: '2024-01-01' });
    const all = await list({
      limit: 10_000,
      startDate: '2023-01-01',
      endDate: '2024-01-01',
      bounced: true,
    });
    expect(normal.some((s) => s.bounced)).toBe(false);
    const bounced = all.filter((s) => s.bounced);
    expect(bounced.length).toBeGreaterThan(0);
    expect(all.length).toBe(normal.length + bounced.length);
  });

  it('ignores unknown parameters but names them in X-Churnmock-Ignored-Params', async () => {
    const res = await ckGet(mock, 'listSessions', SESSIONS, { limit: 5, offertype: 'PAUSE' });
    expect(res.status).toBe(200);
    expect(res.headers['x-churnmock-ignored-params']).toBe('offertype');
    expect(res.body.length).toBe(5);
  });
});

describe('GET /v1/data/sessions — bad input', () => {
  it.each([
    ['limit over the maximum', { limit: 10_001 }, ['limit']],
    ['limit 0', { limit: 0 }, ['limit']],
    ['a non-numeric limit', { limit: 'ten' }, ['limit']],
    ['a negative skip', { skip: -1 }, ['skip']],
    ['an unknown enum value', { offerType: 'FREEBIE' }, ['offerType']],
    ['a non-boolean', { canceled: 'yes' }, ['canceled']],
    ['an unparseable date', { startDate: 'last tuesday-ish' }, ['startDate']],
    [
      'several problems at once',
      { limit: 20_000, billingInterval: 'DAY', endDate: 'nope' },
      ['limit', 'billingInterval', 'endDate'],
    ],
  ])('400 listing every problem for %s', async (_name, query, names) => {
    const res = await ckGet(mock, 'listSessions', SESSIONS, query);
    expect(res.status).toBe(400);
    expect(typeof res.body.message).toBe('string');
    expect(res.body.errors.map((e: { name: string }) => e.name).sort()).toEqual([...names].sort());
    for (const n of names) expect(res.body.message).toContain(n);
  });

  it('answers an unknown path with a JSON 404 and a wrong method with 405', async () => {
    const missing = await request(mock.app).get('/v1/data/nothing-here').set(CK_HEADERS);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('/v1/data/nothing-here');
    const outside = await request(mock.app).get('/somewhere/else');
    expect(outside.status).toBe(404);
    expect(outside.headers['content-type']).toMatch(/application\/json/);
    const wrong = await request(mock.app).delete(SESSIONS).set(CK_HEADERS);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    await expectContract('listSessions', wrong);
  });

  it('serves repeated GETs from cache with an ETag and honours If-None-Match', async () => {
    const first = await ckGet(mock, 'listSessions', SESSIONS, { limit: 3 });
    const second = await ckGet(mock, 'listSessions', SESSIONS, { limit: 3 });
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    for (const h of [
      'content-type',
      'access-control-allow-origin',
      'access-control-expose-headers',
    ]) {
      expect(second.headers[h], h).toBe(first.headers[h]);
    }
    expect(second.headers['access-control-allow-origin']).toBe('*');
    const notModified = await request(mock.app)
      .get(SESSIONS)
      .query({ limit: 3 })
      .set(CK_HEADERS)
      .set('if-none-match', String(first.headers.etag));
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe(first.headers.etag);
    await expectContract('listSessions', notModified);
  });
});

describe('GET /v1/data/sessions and /session-aggregation — dates, read by one strict parser', () => {
  const REAL_DATE = /must be a real date or date-time, e\.g\. 2023-01-01/;
  it.each([
    ['a leap second', { startDate: '2016-12-31T23:59:60Z' }, 'startDate'],
    ['a day February does not have', { endDate: '2025-02-30' }, 'endDate'],
    ['a day-and-time February does not have', { startDate: '2025-02-30T00:00:00Z' }, 'startDate'],
    ['month 13', { startDate: '2025-13-01' }, 'startDate'],
    ['hour 24', { endDate: '2025-01-01T24:00:00Z' }, 'endDate'],
    ['a six-digit year', { startDate: '300000-01-01' }, 'startDate'],
    ['an expanded year', { startDate: '+300000-01-01' }, 'startDate'],
    ['a spelling other than ISO 8601', { startDate: 'May 1, 2023' }, 'startDate'],
  ])('%s is a 400 in Churnkey’s shape naming the parameter', async (_name, query, name) => {
    for (const [path, op] of [
      [SESSIONS, 'listSessions'],
      ['/v1/data/session-aggregation', 'aggregateSessions'],
    ] as const) {
      const res = await ckGet(mock, op, path, query);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { in: 'query', name, message: expect.stringMatching(REAL_DATE) },
      ]);
      expect(res.body.message).toMatch(new RegExp(`^Invalid request: query ${name} must be`));
    }
  });

  it('a bad date is listed with the other problems of the request', async () => {
    const res = await ckGet(mock, 'listSessions', SESSIONS, {
      limit: 0,
      startDate: '2016-12-31T23:59:60Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { name: string }) => e.name).sort()).toEqual([
      'limit',
      'startDate',
    ]);
  });

  it('the ISO 8601 forms new Date reads alike everywhere name the same moments', async () => {
    const may = await list({ startDate: '2023-05-01', endDate: '2023-06-01', limit: 10_000 });
    expect(may.length).toBeGreaterThan(0);
    const forms: [string, string][] = [
      ['2023-05', '2023-06'],
      ['2023-05-01T00:00', '2023-06-01T00:00:00.000Z'],
      ['2023-05-01T02:00:00+02:00', '2023-05-31T19:00:00-05:00'],
      ['2023-05-01 00:00:00z', '2023-06-01t00:00:00Z'],
    ];
    for (const [startDate, endDate] of forms) {
      const same = await list({ startDate, endDate, limit: 10_000 });
      expect(same.map((s) => s._id)).toEqual(may.map((s) => s._id));
    }
    const leapDay = await ckGet(mock, 'listSessions', SESSIONS, { startDate: '2024-02-29' });
    expect(leapDay.status).toBe(200);
  });
});
