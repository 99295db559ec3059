import request from 'supertest';
import { describe, expect, it } from 'vitest';

import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { CC_AUTH, CUSTOMERS } from './helpers.ts';

const LIMIT = 5;

describe('rate limit (1000/min per key by default)', () => {
  it('every response carries X-RateLimit-*; over the limit is a 429 envelope with Retry-After', async () => {
    const mock = await customMock({ vendors: { churncut: { rateLimit: LIMIT } } });
    for (let n = 1; n <= LIMIT; n++) {
      const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
      expect(res.status).toBe(200);
      await expectContract('listCustomers', res);
      expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - n));
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    }
    const over = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    await expectContract('listCustomers', over);
    // Per key: another key has its own window.
    const other = await request(mock.app).get(CUSTOMERS).set({ authorization: 'Bearer other' });
    expect(other.status).toBe(401);
    await expectContract('listCustomers', other);
    expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('cached answers and 304s (served before Express) count and carry the headers', async () => {
    const mock = await customMock({ vendors: { churncut: { rateLimit: 3 } } });
    const first = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
    await expectContract('listCustomers', first);
    const etag = String(first.headers.etag);
    const cached = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
    expect(cached.text).toBe(first.text);
    expect(cached.headers['x-ratelimit-remaining']).toBe('1');
    expect(cached.headers['access-control-allow-origin']).toBe('*');
    const notModified = await request(mock.app)
      .get(CUSTOMERS)
      .set(CC_AUTH)
      .set('if-none-match', etag);
    expect(notModified.status).toBe(304);
    expect(notModified.headers['x-ratelimit-remaining']).toBe('0');
    const over = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toMatch(/^\d+$/);
    expect(over.headers['access-control-allow-origin']).toBe('*');
    await expectContract('listCustomers', over);
  });

  it('error responses (404, malformed JSON) carry the headers too', async () => {
    const mock = await customMock({});
    const nf = await request(mock.app).get('/v1/customers/a/b').set(CC_AUTH);
    expect(nf.headers['x-ratelimit-limit']).toBe('1000');
    await expectContract('getCustomer', nf);
    const bad = await request(mock.app)
      .post('/v1/cancellation-flows')
      .set(CC_AUTH)
      .set('content-type', 'application/json')
      .send('{');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    await expectContract('createCancellationFlow', bad);
    expect(bad.headers['x-ratelimit-remaining']).toBe('998');
  });

  it('rateLimit: false (--no-rate-limit) keeps the documented headers but never refuses', async () => {
    const mock = await customMock({ vendors: { churncut: { rateLimit: false } } });
    for (let n = 0; n < 4; n++) {
      const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
      expect(res.status).toBe(200);
      await expectContract('listCustomers', res);
      expect(res.headers['x-ratelimit-limit']).toBe('1000');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(999 - n));
    }
  });

  it('a browser may read ETag and Retry-After (CORS), from Express and from the fast path', async () => {
    const mock = await customMock({ vendors: { churncut: { rateLimit: 2 } } });
    const ORIGIN = 'https://app.example';
    const get = async () => {
      const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Origin', ORIGIN);
      await expectContract('listCustomers', res);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      return { res, exposed: String(res.headers['access-control-expose-headers']).split(',') };
    };
    const READABLE = ['ETag', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining'];
    // The first GET goes through Express (and fills the cache); the same GET again is
    // answered from the cache before Express, and a third is the 429 (also before Express).
    const first = await get();
    expect(first.res.status).toBe(200);
    expect(first.res.headers.etag).toMatch(/^"/);
    for (const h of READABLE) expect(first.exposed).toContain(h);
    const cached = await get();
    expect(cached.res.status).toBe(200);
    expect(cached.res.headers.etag).toBe(first.res.headers.etag);
    expect(cached.exposed).toEqual(first.exposed);
    const over = await get();
    expect(over.res.status).toBe(429);
    expect(over.res.headers['retry-after']).toMatch(/^\d+$/);
    expect(over.exposed).toEqual(first.exposed);
    // A refused query, answered by the fast path's own validation: the same CORS headers.
    const mock2 = await customMock({ vendors: { churncut: { rateLimit: false } } });
    const refused = await request(mock2.app)
      .get(`${CUSTOMERS}?limit=0`)
      .set(CC_AUTH)
      .set('Origin', ORIGIN);
    await expectContract('listCustomers', refused);
    expect(refused.status).toBe(400);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    expect(String(refused.headers['access-control-expose-headers']).split(',')).toEqual(
      first.exposed,
    );
    // A 429 of a request the cache does not hold is Express's own.
    const other = await request(mock.app)
      .get(`${CUSTOMERS}/cus_nobody`)
      .set(CC_AUTH)
      .set('Origin', ORIGIN);
    await expectContract('getCustomer', other);
    expect(other.status).toBe(429);
    expect(other.headers['retry-after']).toMatch(/^\d+$/);
    expect(String(other.headers['access-control-expose-headers']).split(',')).toEqual(
      first.exposed,
    );
  });
});
