import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockFrom } from '../../mock/app.ts';
import { createHttpServer } from '../../mock/core/http-server.ts';
import { FakeScheduler } from '../../mock/core/time/scheduler.ts';
import type { Mock } from '../../mock/create.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../mock/vendors/rebilly-reports/options.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock, SESSIONS } from '../helpers/mock.ts';
import { until } from '../helpers/wait.ts';
import { activeCustomer, CC_AUTH, CUSTOMERS, FLOWS } from '../vendors/churncut/helpers.ts';
import { adminCall, flowBody } from './helpers.ts';

let mock: Mock;
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
const stub = async (mapping: object) => {
  const res = await admin('createMapping', 'post', '/__admin/mappings', mapping);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
};
const REB = { 'reb-apikey': DEFAULT_REBILLY_CREDENTIALS.apiKey };
const REPORT =
  '/experimental/reports/subscription-cancellation?periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z&aggregationField=planId';

describe('stub mappings (WireMock: /__admin/mappings)', () => {
  it('create, list, get, replace, delete and reset, in WireMock’s shapes', async () => {
    const a = await stub({ name: 'a', request: { urlPath: '/x' }, response: { status: 204 } });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    const b = await stub({ request: { urlPath: '/y' }, response: { status: 200 }, priority: 1 });
    const list = await admin('listMappings', 'get', '/__admin/mappings');
    expect(list.body.meta).toEqual({ total: 2 });
    expect(list.body.mappings.map((m: { id: string }) => m.id)).toEqual([b.id, a.id]);
    expect(
      (await admin('listMappings', 'get', '/__admin/mappings?limit=1&offset=1')).body.mappings,
    ).toHaveLength(1);
    const got = await admin('getMapping', 'get', `/__admin/mappings/${a.id}`);
    expect(got.body).toMatchObject({ id: a.id, uuid: a.id, name: 'a', response: { status: 204 } });
    const put = await admin('updateMapping', 'put', `/__admin/mappings/${a.id}`, {
      request: { urlPath: '/x' },
      response: { status: 202 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: a.id, response: { status: 202 } });
    expect((await admin('deleteMapping', 'delete', `/__admin/mappings/${a.id}`)).status).toBe(200);
    expect((await admin('getMapping', 'get', `/__admin/mappings/${a.id}`)).status).toBe(404);
    expect((await admin('deleteMapping', 'delete', `/__admin/mappings/${a.id}`)).status).toBe(404);
    expect(
      (await admin('updateMapping', 'put', `/__admin/mappings/${a.id}`, { response: {} })).status,
    ).toBe(404);
    expect((await admin('resetMappings', 'post', '/__admin/mappings/reset')).status).toBe(200);
    expect((await admin('listMappings', 'get', '/__admin/mappings')).body.mappings).toEqual([]);
    await stub({ request: { urlPath: '/z' } });
    expect((await admin('deleteMappings', 'delete', '/__admin/mappings')).status).toBe(200);
    expect((await admin('listMappings', 'get', '/__admin/mappings')).body.meta.total).toBe(0);
  });

  it.each([
    [{ request: { urlPattern: '(' } }, /request: .*regular expression|regex/i],
    [{ response: { status: 999 } }, /status/],
    [{ response: { unknown: 1 } }, /response\.unknown is not a response field/],
    [{ response: { fault: 'EMPTY' } }, /fault/],
    [{ response: { fixedDelayMilliseconds: -1 } }, /fixedDelayMilliseconds/],
    [{ response: { body: 'a', jsonBody: {} } }, /one of body, jsonBody or base64Body/],
    [{ response: { bodyFileName: 'x.json' } }, /bodyFileName is not supported/],
    [{ response: { fromMock: true, status: 500 } }, /fromMock keeps the mock's own answer/],
    [{ id: 'not-a-uuid' }, /id must be a UUID/],
    [{ priority: 0 }, /priority/],
    [{ requiredScenarioState: 'x' }, /need a scenarioName/],
    [{ response: { headers: { 'Bad Name': 'x' } } }, /not a header name/],
  ])('refuses %j with a 400 saying why, and keeps the others', async (mapping, message) => {
    const kept = await stub({ request: { urlPath: '/kept' } });
    const res = await admin('createMapping', 'post', '/__admin/mappings', mapping);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    const list = await admin('listMappings', 'get', '/__admin/mappings');
    expect(list.body.mappings.map((m: { id: string }) => m.id)).toEqual([kept.id]);
  });

  it('a matching stub answers instead of the mock, with its status, headers and body', async () => {
    const { id } = await stub({
      request: { method: 'GET', urlPath: SESSIONS, queryParameters: { limit: { equalTo: '7' } } },
      response: {
        status: 200,
        jsonBody: { data: [], stubbed: true },
        headers: { 'X-Stub': 'yes' },
      },
    });
    const res = await request(mock.app).get(SESSIONS).query({ limit: 7 }).set(CK_HEADERS);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], stubbed: true });
    expect(res.headers['x-stub']).toBe('yes');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // Another query is not matched: the stateful mock answers.
    const real = await request(mock.app).get(SESSIONS).query({ limit: 2 }).set(CK_HEADERS);
    await expectContract('listSessions', real);
    expect(real.body).toHaveLength(2);
    const [entry] = (
      await admin('findRequests', 'post', '/__admin/requests/find', {
        queryParameters: { limit: { equalTo: '7' } },
      })
    ).body.requests;
    expect(entry.churnmock.stub).toBe(id);
    const events = (await admin('listRequests', 'get', '/__admin/requests')).body.requests;
    expect(events[1].responseDefinition.fromConfiguredStub).toBe(true);
    expect(events[1].stubMapping.id).toBe(id);
  });

  it('the highest priority answers; among equals the newest', async () => {
    await stub({ request: { urlPath: '/p' }, response: { body: 'old' } });
    await stub({ request: { urlPath: '/p' }, response: { body: 'new' } });
    expect((await request(mock.app).get('/p')).text).toBe('new');
    await stub({ request: { urlPath: '/p' }, response: { body: 'first' }, priority: 1 });
    await stub({ request: { urlPath: '/p' }, response: { body: 'low' }, priority: 9 });
    expect((await request(mock.app).get('/p')).text).toBe('first');
  });

  it('an error status without a body answers in the vendor’s own shape', async () => {
    await stub({ request: { method: 'POST', urlPath: FLOWS }, response: { status: 429 } });
    const limited = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .send({ customer_id: activeCustomer(mock).id });
    expect(limited.status).toBe(429);
    await expectContract('createCancellationFlow', limited);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-limit']).toBe('1000');

    await stub({ request: { urlPathPattern: '/experimental/.*' }, response: { status: 500 } });
    const rebilly = await request(mock.app).get(REPORT).set(REB);
    expect(rebilly.status).toBe(500);
    await expectContract('GetSubscriptionCancellationReport', rebilly);
    expect(rebilly.body).toMatchObject({ status: 500, title: 'Internal Server Error' });

    await stub({ request: { urlPath: SESSIONS }, response: { status: 500 } });
    const churnkey = await request(mock.app).get(SESSIONS).set(CK_HEADERS);
    expect(churnkey.status).toBe(500);
    await expectContract('listSessions', churnkey);
    expect(churnkey.body.message).toMatch(/Internal Server Error/);
  });

  it('a scenario fails twice, then the stateful mock answers', async () => {
    const fail = (from: string, to: string) =>
      stub({
        scenarioName: 'flaky',
        requiredScenarioState: from,
        newScenarioState: to,
        request: { method: 'GET', urlPath: SESSIONS },
        response: { status: 500 },
      });
    await fail('Started', 'failed once');
    await fail('failed once', 'failed twice');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await request(mock.app).get(SESSIONS).set(CK_HEADERS)).status);
    expect(statuses).toEqual([500, 500, 200]);
    const scenarios = await admin('listScenarios', 'get', '/__admin/scenarios');
    expect(scenarios.body.scenarios).toEqual([
      {
        id: 'flaky',
        name: 'flaky',
        state: 'failed twice',
        possibleStates: ['Started', 'failed once', 'failed twice'],
      },
    ]);
    await admin('resetScenarios', 'post', '/__admin/scenarios/reset');
    expect((await request(mock.app).get(SESSIONS).set(CK_HEADERS)).status).toBe(500);
    const moved = await admin('setScenarioState', 'put', '/__admin/scenarios/flaky/state', {
      state: 'failed twice',
    });
    expect(moved.status).toBe(200);
    expect((await request(mock.app).get(SESSIONS).set(CK_HEADERS)).status).toBe(200);
    const none = await admin('setScenarioState', 'put', '/__admin/scenarios/nope/state', {
      state: 'x',
    });
    expect(none.status).toBe(404);
  });

  it('an unmatched request changes state as without stubs; a stubbed one changes nothing', async () => {
    const c = activeCustomer(mock);
    await stub({
      request: {
        method: 'POST',
        urlPath: FLOWS,
        bodyPatterns: [{ matchesJsonPath: "$[?(@.customer_id == 'cus_blocked')]" }],
      },
      response: { status: 503 },
    });
    const live = () => [...mock.vendors.churncut.store.liveFlows()].length;
    const before = live();
    const blocked = await request(mock.app)
      .post(FLOWS)
      .set(CC_AUTH)
      .send({ customer_id: 'cus_blocked' });
    expect(blocked.status).toBe(503);
    const started = await request(mock.app).post(FLOWS).set(CC_AUTH).send(flowBody(c));
    expect(started.status).toBe(201);
    await expectContract('createCancellationFlow', started);
    const detail = await request(mock.app)
      .get(`/v1/cancellation-flows/${started.body.data.flow_id}`)
      .set(CC_AUTH);
    expect(detail.status).toBe(200);
    await expectContract('getCancellationFlow', detail);
    // Only the request that reached the mock started a flow.
    expect(live()).toBe(before + 1);
  });

  it('admin calls are never stubbed', async () => {
    await stub({ request: { urlPathPattern: '/__admin/.*' }, response: { status: 500 } });
    expect((await admin('getHealth', 'get', '/__admin/health')).status).toBe(200);
  });

  it('reset removes every mapping', async () => {
    await stub({ request: { urlPath: SESSIONS }, response: { status: 500 } });
    mock.reset();
    expect((await request(mock.app).get(SESSIONS).set(CK_HEADERS)).status).toBe(200);
  });
});

describe('delays', () => {
  it('hold the answer back on the mock’s scheduler; fromMock keeps the mock’s own answer', async () => {
    const scheduler = new FakeScheduler(Date.parse('2026-01-01T00:00:00Z'));
    const slow = (await createMockFrom(REGISTRY, {}, { scheduler })) as unknown as Mock;
    slow.control.stubs.add({
      request: { urlPathPattern: '/v1/customers/.*' },
      response: { fromMock: true, fixedDelayMilliseconds: 2000 },
    });
    const c = activeCustomer(slow);
    let answered = false;
    const pending = request(slow.app)
      .get(`${CUSTOMERS}/${c.id}`)
      .set(CC_AUTH)
      .then((r) => {
        answered = true;
        return r;
      });
    await until(() => scheduler.pending().length > 0);
    scheduler.advance(1999);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    scheduler.advance(1);
    const res = await pending;
    expect(res.status).toBe(200);
    await expectContract('getCustomer', res);
    expect(res.body.data.id).toBe(c.id);
    const [entry] = slow.control.journal?.list() ?? [];
    expect(entry?.addedDelayMs).toBe(2000);
    slow.stop();
  });
});

describe('faults, as a raw client sees them', () => {
  const server = createHttpServer(mock?.app ?? ((_req, res) => res.end()));
  let port = 0;
  let live: Mock;
  beforeEach(async () => {
    if (port) return;
    live = await customMock({});
    server.removeAllListeners('request');
    server.on('request', live.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Sends raw bytes; what came back and how the connection ended. */
  const raw = (text: string) =>
    new Promise<{ bytes: Buffer; ending: string }>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let ending = 'close';
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', (e: NodeJS.ErrnoException) => {
        ending = e.code ?? 'error';
      });
      socket.on('end', () => {
        ending = 'end';
      });
      socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), ending }));
    });

  const flowRequest = (customer: { id: string; sub: string }) => {
    const body = JSON.stringify(flowBody(customer));
    return `POST ${FLOWS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${CC_AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };

  it.each([
    [
      'CONNECTION_RESET_BY_PEER',
      (r: { bytes: Buffer; ending: string }) => {
        expect(r.ending).toBe('ECONNRESET');
        expect(r.bytes.length).toBe(0);
      },
    ],
    [
      'EMPTY_RESPONSE',
      (r: { bytes: Buffer; ending: string }) => {
        expect(r.ending).toBe('end');
        expect(r.bytes.length).toBe(0);
      },
    ],
    [
      'MALFORMED_RESPONSE_CHUNK',
      (r: { bytes: Buffer; ending: string }) => {
        expect(r.bytes.toString('latin1')).toMatch(
          /^HTTP\/1\.1 200[\s\S]*transfer-encoding: chunked/i,
        );
      },
    ],
    [
      'RANDOM_DATA_THEN_CLOSE',
      (r: { bytes: Buffer; ending: string }) => {
        expect(r.bytes.length).toBeGreaterThan(0);
        expect(r.bytes.subarray(0, 5).toString('latin1')).not.toBe('HTTP/');
      },
    ],
  ])('%s instead of an answer; nothing written; the journal says so', async (fault, check) => {
    live.reset();
    live.control.stubs.add({ request: { method: 'POST', urlPath: FLOWS }, response: { fault } });
    const c = activeCustomer(live);
    check(await raw(flowRequest(c)));
    expect(live.vendors.churncut.store.flowsOf(c.index)).toHaveLength(0);
    const [entry] = live.control.journal?.list() ?? [];
    expect(entry?.fault).toBe(fault);
    expect(entry?.status).toBeNull();
    // The server goes on serving.
    const ok = await raw(
      `GET ${CUSTOMERS}?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${CC_AUTH.authorization}\r\nConnection: close\r\n\r\n`,
    );
    expect(ok.bytes.toString()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('fromMock with a fault: the flow is started, the client only sees the connection reset', async () => {
    live.reset();
    live.control.stubs.add({
      request: { method: 'POST', urlPath: FLOWS },
      response: { fromMock: true, fault: 'CONNECTION_RESET_BY_PEER' },
    });
    const c = activeCustomer(live);
    const r = await raw(flowRequest(c));
    expect(r.ending).toBe('ECONNRESET');
    expect(r.bytes.length).toBe(0);
    // The write happened: the flow is there, the client never heard of it.
    await until(() => live.vendors.churncut.store.flowsOf(c.index).length === 1);
    const [flow] = live.vendors.churncut.store.flowsOf(c.index);
    const detail = await request(live.app).get(`${FLOWS}/${flow?.id}`).set(CC_AUTH);
    await expectContract('getCancellationFlow', detail);
    expect(detail.status).toBe(200);
  });
});
