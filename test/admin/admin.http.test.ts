import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { ckGet, customMock, SESSIONS } from '../helpers/mock.ts';

let mock: Mock;
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

const get = async (path: string, operationId: string) => {
  const res = await request(mock.app).get(path);
  await expectContract(operationId, res);
  return res;
};
const post = async (path: string, operationId: string, body?: object) => {
  const res = await (body === undefined
    ? request(mock.app).post(path)
    : request(mock.app).post(path).send(body));
  await expectContract(operationId, res);
  return res;
};

describe('/__admin', () => {
  it('GET /__admin/health says ok and what is served', async () => {
    const res = await get('/__admin/health', 'getHealth');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      seed: 42,
      scale: 1,
      asOf: '2025-12-31T00:00:00.000Z',
      apis: expect.arrayContaining(['Churnkey Data API', 'ChurnCut API', 'Rebilly Reports API']),
    });
    expect(res.body.memory.heapUsedBytes).toBeGreaterThan(0);
  });

  it('the clock starts at the as-of date and moves by a duration or to a time', async () => {
    expect((await get('/__admin/clock', 'getClock')).body).toEqual({
      now: '2025-12-31T00:00:00.000Z',
    });
    const advanced = await post('/__admin/clock', 'setClock', { advance: 'PT25H' });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toEqual({ now: '2026-01-01T01:00:00.000Z' });
    const back = await post('/__admin/clock', 'setClock', { advance: '-P1M' });
    expect(back.body).toEqual({ now: '2025-12-01T01:00:00.000Z' });
    const set = await post('/__admin/clock', 'setClock', { now: '2024-02-29T12:00:00Z' });
    expect(set.body).toEqual({ now: '2024-02-29T12:00:00.000Z' });
    const reset = await post('/__admin/reset', 'reset');
    expect(reset.body).toEqual({ reset: true, now: '2025-12-31T00:00:00.000Z' });
    expect((await get('/__admin/clock', 'getClock')).body).toEqual({
      now: '2025-12-31T00:00:00.000Z',
    });
  });

  it.each([
    [{ advance: 'tomorrow' }, /ISO 8601 duration/],
    [{ now: 'not a date' }, /now/],
    [{}, /fewer than 1 properties/],
    [{ advance: 'PT1H', now: '2024-01-01T00:00:00Z' }, /more than 1 properties/],
  ])(
    'POST /__admin/clock %j is a 400 that says what is wrong, and the clock stays',
    async (body, message) => {
      const res = await post('/__admin/clock', 'setClock', body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
      expect((await get('/__admin/clock', 'getClock')).body).toEqual({
        now: '2025-12-31T00:00:00.000Z',
      });
    },
  );

  it('the store uses the clock as "now": sessions after it have not happened yet', async () => {
    await post('/__admin/clock', 'setClock', { now: '2023-06-01T00:00:00Z' });
    const res = await ckGet(mock, 'listSessions', SESSIONS, { limit: 5 });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(5);
    expect(res.body[0].createdAt < '2023-06-01T00:00:00.000Z').toBe(true);
    expect(res.body[0].createdAt > '2023-05-01T00:00:00.000Z').toBe(true);
  });

  it('a wrong method on an admin path is a 405 with Allow', async () => {
    const res = await request(mock.app).delete('/__admin/clock');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    await expectContract('getClock', res);
  });
});

describe('/__admin bodies it cannot take: 413 and 415 in its {message} shape', () => {
  // Every operation that takes a body, with a body that is valid for it but undecodable.
  const BODY_OPS: [string, string, string][] = [
    ['post', '/__admin/clock', 'setClock'],
    ['post', '/__admin/webhooks', 'addWebhook'],
    ['post', '/__admin/webhooks/trigger', 'triggerWebhook'],
    ['post', '/__admin/states', 'setProviderState'],
    ['post', '/__admin/requests/count', 'countRequests'],
    ['post', '/__admin/requests/find', 'findRequests'],
    ['post', '/__admin/mappings', 'createMapping'],
    ['put', '/__admin/mappings/5e9d3f0e-8c0c-4f53-9a7c-2f8a1a9b7c11', 'updateMapping'],
    ['put', '/__admin/scenarios/flaky/state', 'setScenarioState'],
  ];
  const send = (method: string, path: string) => request(mock.app)[method as 'post' | 'put'](path);

  it.each(BODY_OPS)('%s %s: charset=latin-9 ⇒ 415, over 1 MB ⇒ 413', async (method, path, op) => {
    const before = (await request(mock.app).get('/__admin/clock')).body;
    const latin = await send(method, path)
      .set('content-type', 'application/json; charset=latin-9')
      .send('{"advance":"PT1H"}');
    expect(latin.status).toBe(415);
    expect(latin.body).toEqual({ message: 'unsupported charset "LATIN-9"' });
    await expectContract(op, latin);
    const huge = await send(method, path)
      .set('content-type', 'application/json')
      .send(`{"pad":"${'x'.repeat(1_100_000)}"}`);
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ message: 'Request body too large (limit 1 MB)' });
    await expectContract(op, huge);
    expect((await request(mock.app).get('/__admin/clock')).body).toEqual(before);
  });
});
