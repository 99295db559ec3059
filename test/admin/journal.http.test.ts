import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_BODY_BYTES } from '../../mock/core/control/journal.ts';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock, SESSIONS } from '../helpers/mock.ts';
import { activeCustomer, CC_AUTH, CUSTOMERS, FLOWS } from '../vendors/churncut/helpers.ts';
import { adminCall, flowBody } from './helpers.ts';

let mock: Mock;

/** POSTs a JSON body in 64 KB chunks without a Content-Length (Transfer-Encoding: chunked). */
async function chunkedPost(m: Mock, path: string, text: string) {
  const server = createServer(m.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path,
          headers: { ...CC_AUTH, 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString()),
            }),
          );
        },
      );
      req.on('error', reject);
      for (let i = 0; i < text.length; i += 65_536) req.write(text.slice(i, i + 65_536));
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

const admin = (
  operationId: string,
  method: 'get' | 'post' | 'delete' | 'put',
  path: string,
  body?: object,
) => adminCall(mock, operationId, method, path, body);

const find = (pattern: object) => admin('findRequests', 'post', '/__admin/requests/find', pattern);
const count = async (pattern: object) =>
  (await admin('countRequests', 'post', '/__admin/requests/count', pattern)).body.count as number;

describe('the request journal (WireMock: GET /__admin/requests)', () => {
  it('records every vendor request, newest first, with who took it and how it was answered', async () => {
    const customer = activeCustomer(mock);
    await request(mock.app).get(`${CUSTOMERS}/${customer.id}`).set(CC_AUTH).expect(200);
    await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .set('X-Trace', 'one')
      .send(flowBody(customer))
      .expect(201);
    await request(mock.app).get('/v1/analytics/nope').set(CC_AUTH).expect(404);
    // Admin calls are not journaled: they steer it.
    await request(mock.app).get('/__admin/health').expect(200);

    const res = await admin('listRequests', 'get', '/__admin/requests');
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ total: 3 });
    expect(res.body.requestJournalDisabled).toBe(false);
    const [missing, flow, detail] = res.body.requests;
    expect(missing.request).toMatchObject({ method: 'GET', url: '/v1/analytics/nope' });
    expect(missing.wasMatched).toBe(false);
    expect(missing.response.status).toBe(404);
    expect(missing.request.churnmock).toMatchObject({
      vendor: 'ChurnCut API',
      operation: null,
      matched: false,
    });

    expect(flow.request.method).toBe('POST');
    expect(flow.request.url).toBe(FLOWS);
    expect(flow.request.headers['X-Trace']).toBe('one');
    expect(JSON.parse(flow.request.body)).toEqual(flowBody(customer));
    expect(Buffer.from(flow.request.bodyAsBase64, 'base64').toString()).toBe(flow.request.body);
    expect(flow.request.churnmock).toMatchObject({
      vendor: 'ChurnCut API',
      operation: 'createCancellationFlow',
      matched: true,
      stub: null,
      mockTime: '2025-12-31T00:00:00.000Z',
      bodyTruncated: false,
    });
    expect(flow.response.status).toBe(201);
    expect(
      flow.response.headers['x-ratelimit-limit'] ?? flow.response.headers['X-RateLimit-Limit'],
    ).toBe('1000');
    expect(flow.responseDefinition).toEqual({ status: 201, fromConfiguredStub: false });

    expect(detail.request.churnmock.operation).toBe('getCustomer');
    expect(detail.request.absoluteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/customers\//);
    expect(detail.timing.totalTime).toBeGreaterThanOrEqual(0);
    expect(new Date(detail.request.loggedDateString).getTime()).toBe(detail.request.loggedDate);
  });

  it('records answers from the response cache (a repeated GET) every time, and the mock clock of each', async () => {
    for (let i = 0; i < 3; i++)
      await request(mock.app).get(SESSIONS).query({ limit: 1 }).set(CK_HEADERS).expect(200);
    mock.clock.advance('P1D');
    await request(mock.app).get(SESSIONS).query({ limit: 1 }).set(CK_HEADERS).expect(200);
    const res = await admin('listRequests', 'get', '/__admin/requests');
    expect(res.body.requests).toHaveLength(4);
    expect(
      res.body.requests.map(
        (r: { request: { churnmock: { mockTime: string } } }) => r.request.churnmock.mockTime,
      ),
    ).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2025-12-31T00:00:00.000Z',
      '2025-12-31T00:00:00.000Z',
      '2025-12-31T00:00:00.000Z',
    ]);
    for (const e of res.body.requests) {
      expect(e.request.churnmock.operation).toBe('listSessions');
      expect(e.response.status).toBe(200);
      // Written at once, the entry is complete without waiting for the response to close.
      expect(e.response.headers.etag ?? e.response.headers.ETag).toMatch(/^"/);
      expect(e.timing.totalTime).toBeGreaterThanOrEqual(0);
    }
  });

  it('limit keeps the newest; since keeps those logged after a time', async () => {
    for (const limit of [1, 2, 3])
      await request(mock.app).get(SESSIONS).query({ limit }).set(CK_HEADERS);
    const two = await admin('listRequests', 'get', '/__admin/requests?limit=2');
    expect(two.body.requests.map((r: { request: { url: string } }) => r.request.url)).toEqual([
      `${SESSIONS}?limit=3`,
      `${SESSIONS}?limit=2`,
    ]);
    expect(two.body.meta.total).toBe(3);
    const all = (await admin('listRequests', 'get', '/__admin/requests')).body.requests;
    const oldest = all[2].request.loggedDate as number;
    const since = await admin(
      'listRequests',
      'get',
      `/__admin/requests?since=${encodeURIComponent(new Date(oldest).toISOString())}`,
    );
    for (const e of since.body.requests) expect(e.request.loggedDate).toBeGreaterThan(oldest);
    expect(since.body.requests.length).toBeLessThan(3);
    const bad = await admin('listRequests', 'get', '/__admin/requests?limit=0');
    expect(bad.status).toBe(400);
  });

  it('GET and DELETE /__admin/requests/{id}; DELETE /__admin/requests and reset empty it', async () => {
    await request(mock.app).get(SESSIONS).set(CK_HEADERS);
    await request(mock.app).get(SESSIONS).query({ limit: 2 }).set(CK_HEADERS);
    const list = (await admin('listRequests', 'get', '/__admin/requests')).body.requests;
    const one = await admin('getRequest', 'get', `/__admin/requests/${list[1].id}`);
    expect(one.status).toBe(200);
    expect(one.body.request.url).toBe(SESSIONS);
    expect((await admin('deleteRequest', 'delete', `/__admin/requests/${list[1].id}`)).status).toBe(
      200,
    );
    expect((await admin('getRequest', 'get', `/__admin/requests/${list[1].id}`)).status).toBe(404);
    expect((await admin('deleteRequest', 'delete', `/__admin/requests/${list[1].id}`)).status).toBe(
      404,
    );
    expect((await admin('listRequests', 'get', '/__admin/requests')).body.meta.total).toBe(1);

    // Ids are distinct version-4 UUIDs; one this process never gave (another prefix, a
    // sequence not reached yet, a digit too many) finds nothing.
    await request(mock.app).get(SESSIONS).query({ limit: 3 }).set(CK_HEADERS);
    const ids: string[] = (
      await admin('listRequests', 'get', '/__admin/requests')
    ).body.requests.map((r: { id: string }) => r.id);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const kept = ids[0] as string;
    const notYet = `${kept.slice(0, -12)}ffffffffffff`;
    for (const other of [notYet, '5e9d3f0e-8c0c-4f53-9a7c-2f8a1a9b7c11', `${kept}0`])
      expect((await admin('getRequest', 'get', `/__admin/requests/${other}`)).status).toBe(404);
    expect((await admin('getRequest', 'get', `/__admin/requests/${kept}`)).status).toBe(200);

    expect((await admin('clearRequests', 'delete', '/__admin/requests')).status).toBe(200);
    expect((await admin('listRequests', 'get', '/__admin/requests')).body.requests).toEqual([]);
    await request(mock.app).get(SESSIONS).set(CK_HEADERS);
    await admin('reset', 'post', '/__admin/reset');
    expect((await admin('listRequests', 'get', '/__admin/requests')).body.meta.total).toBe(0);
  });
});

describe('finding and counting by WireMock request patterns', () => {
  beforeEach(async () => {
    const c = activeCustomer(mock);
    await request(mock.app).get(SESSIONS).query({ limit: 5, saveType: 'PAUSE' }).set(CK_HEADERS);
    await request(mock.app).get(`${CUSTOMERS}/${c.id}`).set(CC_AUTH);
    await request(mock.app).post(FLOWS).set(CC_AUTH).send(flowBody(c));
    await request(mock.app).post(FLOWS).set(CC_AUTH).send({ customer_id: 'cus_nobody' });
  });

  it('counts by method, URL kind, query, headers and body', async () => {
    expect(await count({})).toBe(4);
    expect(await count({ method: 'POST' })).toBe(2);
    expect(await count({ method: 'POST', urlPath: FLOWS })).toBe(2);
    expect(await count({ url: `${SESSIONS}?limit=5&saveType=PAUSE` })).toBe(1);
    expect(await count({ urlPathPattern: '/v1/customers/cus_[A-Za-z0-9]+' })).toBe(1);
    expect(
      await count({ urlPath: SESSIONS, queryParameters: { saveType: { equalTo: 'PAUSE' } } }),
    ).toBe(1);
    expect(
      await count({ urlPath: SESSIONS, queryParameters: { saveType: { equalTo: 'DISCOUNT' } } }),
    ).toBe(0);
    expect(await count({ headers: { 'X-CK-APP': { equalTo: CK_HEADERS['x-ck-app'] } } })).toBe(1);
    expect(await count({ headers: { authorization: { contains: 'Bearer' } } })).toBe(3);
    expect(await count({ headers: { authorization: { absent: true } } })).toBe(1);
    expect(
      await count({ method: 'POST', bodyPatterns: [{ matchesJsonPath: '$.redirect_url' }] }),
    ).toBe(1);
    expect(await count({ bodyPatterns: [{ equalToJson: { customer_id: 'cus_nobody' } }] })).toBe(1);
    expect(
      await count({
        bodyPatterns: [{ equalToJson: '{"customer_id":"cus_nobody","x":1}' }],
      }),
    ).toBe(0);
  });

  it('find answers the matching requests, newest first, with who took them', async () => {
    const res = await find({ method: 'POST', urlPath: FLOWS });
    expect(res.status).toBe(200);
    expect(res.body.requests).toHaveLength(2);
    expect(JSON.parse(res.body.requests[0].body)).toEqual({ customer_id: 'cus_nobody' });
    expect(res.body.requests[0].churnmock.operation).toBe('createCancellationFlow');
  });

  it('a pattern it cannot take is a 400 saying why', async () => {
    for (const [pattern, message] of [
      [{ urlPattern: '([' }, /regex|regular expression/i],
      [{ url: '/a', urlPath: '/a' }, /url/],
      [{ headers: { a: { equalsTo: 'x' } } }, /equalsTo/],
    ] as const) {
      const res = await find(pattern);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
      const counted = await admin('countRequests', 'post', '/__admin/requests/count', pattern);
      expect(counted.status).toBe(400);
    }
  });

  it('GET /__admin/requests/unmatched lists what no operation, page or stub took', async () => {
    await request(mock.app).get('/v1/customer').set(CC_AUTH).expect(404);
    await request(mock.app).delete(SESSIONS).set(CK_HEADERS).expect(405);
    await request(mock.app).get('/nowhere').expect(404);
    const res = await admin('listUnmatchedRequests', 'get', '/__admin/requests/unmatched');
    expect(
      res.body.requests.map((r: { method: string; url: string }) => `${r.method} ${r.url}`),
    ).toEqual(['GET /nowhere', `DELETE ${SESSIONS}`, 'GET /v1/customer']);
    expect(res.body.requests[0].churnmock.vendor).toBeNull();
    expect(res.body.requests[1].churnmock.vendor).toBe('Churnkey Data API');
  });
});

describe('bounds and the pipeline behind the journal', () => {
  it('keeps the newest --journal-size entries', async () => {
    const small = await customMock({ journalSize: 3 });
    for (let limit = 1; limit <= 5; limit++)
      await request(small.app).get(SESSIONS).query({ limit }).set(CK_HEADERS);
    const res = await request(small.app).get('/__admin/requests');
    await expectContract('listRequests', res);
    expect(res.body.meta.total).toBe(3);
    expect(res.body.churnmock).toMatchObject({ capacity: 3, evicted: 2 });
    expect(res.body.requests.map((r: { request: { url: string } }) => r.request.url)).toEqual([
      `${SESSIONS}?limit=5`,
      `${SESSIONS}?limit=4`,
      `${SESSIONS}?limit=3`,
    ]);
  });

  it('keeps the first 64 KB of a body and says it cut the rest; the mock still reads it all', async () => {
    const big = { email: 'jane@example.com', pad: 'x'.repeat(JOURNAL_BODY_BYTES + 1000) };
    const sent = JSON.stringify(big);
    const res = await request(mock.app).post('/v1/data/dsr/access').set(CK_HEADERS).send(big);
    // The vendor saw the whole body (it validated it: an unknown property or a pass).
    expect([200, 400]).toContain(res.status);
    const [entry] = (await find({ method: 'POST' })).body.requests;
    expect(entry.churnmock.bodyTruncated).toBe(true);
    expect(entry.churnmock.bodyBytes).toBe(Buffer.byteLength(sent));
    expect(entry.body).toBe(sent.slice(0, JOURNAL_BODY_BYTES));
  });

  it('bodies read ahead still get the body parser’s answers: malformed JSON, too large, chunked', async () => {
    const malformed = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .set('content-type', 'application/json')
      .send('{"customer_id": ');
    expect(malformed.status).toBe(400);
    await expectContract('createCancellationFlow', malformed);
    expect(malformed.body.error.message).toMatch(/Malformed JSON/);

    // A chunked body (no length announced) past 1 MB: read ahead, counted, refused.
    const huge = await chunkedPost(
      mock,
      FLOWS,
      `{"customer_id":"${'x'.repeat(1024 * 1024 + 10)}"}`,
    );
    expect(huge.status).toBe(413);
    await expectContract('createCancellationFlow', huge);
    const small = await chunkedPost(mock, FLOWS, JSON.stringify({ customer_id: 'cus_nobody' }));
    expect(small.status).toBe(400);
    await expectContract('createCancellationFlow', small);

    const c = activeCustomer(mock);
    const ok = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .set('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(flowBody(c)));
    expect(ok.status).toBe(201);
    await expectContract('createCancellationFlow', ok);
    const [entry] = (await find({ method: 'POST', bodyPatterns: [{ contains: c.id }] })).body
      .requests;
    expect(entry.churnmock.operation).toBe('createCancellationFlow');
  });

  it('journalAdmin also records the admin API’s own calls, which stubs never answer', async () => {
    const all = await customMock({ journalAdmin: true });
    all.control.stubs.add({
      request: { urlPathPattern: '/__admin/.*' },
      response: { status: 500 },
    });
    const moved = await request(all.app).post('/__admin/clock').send({ advance: 'P1D' });
    await expectContract('setClock', moved);
    expect(moved.status).toBe(200);
    const res = await request(all.app)
      .post('/__admin/requests/find')
      .send({ urlPath: '/__admin/clock' });
    await expectContract('findRequests', res);
    expect(res.body.requests).toHaveLength(1);
    expect(JSON.parse(res.body.requests[0].body)).toEqual({ advance: 'P1D' });
    expect(res.body.requests[0].churnmock).toMatchObject({
      vendor: 'churnmock admin',
      operation: 'setClock',
      stub: null,
    });
    // By default they are not journaled.
    await request(mock.app).post('/__admin/clock').send({ advance: 'P1D' });
    expect(await count({ urlPath: '/__admin/clock' })).toBe(0);
  });

  it('--no-journal (journalSize 0) records nothing; find and count answer 409', async () => {
    const off = await customMock({ journalSize: 0 });
    await request(off.app).get(SESSIONS).set(CK_HEADERS).expect(200);
    const list = await request(off.app).get('/__admin/requests');
    await expectContract('listRequests', list);
    expect(list.body).toMatchObject({ requests: [], requestJournalDisabled: true });
    for (const op of ['find', 'count'] as const) {
      const res = await request(off.app).post(`/__admin/requests/${op}`).send({});
      await expectContract(op === 'find' ? 'findRequests' : 'countRequests', res);
      expect(res.status).toBe(409);
    }
  });
});
