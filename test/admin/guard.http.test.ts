import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostnameOf, isLoopback } from '../../mock/admin/guard.ts';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock, SESSIONS } from '../helpers/mock.ts';

// The admin API is for the developer's own tools (curl, tests, Pact, the dashboard on the
// mock's own origin), not for whatever web page is open in their browser.

const EVIL = 'https://evil.example';

/** Moves the clock a day (with the given extra headers); returns the answer. */
const advance = (mock: Mock, headers: Record<string, string> = {}) =>
  request(mock.app).post('/__admin/clock').set(headers).send({ advance: 'P1D' });

const now = async (mock: Mock) => {
  const res = await request(mock.app).get('/__admin/clock');
  await expectContract('getClock', res);
  return res.body.now as string;
};

describe('the admin API without a token', () => {
  let mock: Mock;
  beforeEach(async () => {
    mock ??= await customMock({});
    mock.reset();
  });

  it('refuses a call from another origin with a 403, no CORS headers, and changes nothing', async () => {
    const before = await now(mock);
    const res = await advance(mock, { origin: EVIL });
    await expectContract('setClock', res);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      message: `Calls to the admin API from another origin are refused (Origin: ${EVIL})`,
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(await now(mock)).toBe(before);
  });

  it('refuses the "simple" cross-origin POST a page can send without a preflight', async () => {
    const moved = await advance(mock);
    await expectContract('setClock', moved);
    const res = await request(mock.app)
      .post('/__admin/reset')
      .set({ origin: 'null', 'content-type': 'text/plain' })
      .send('x');
    await expectContract('reset', res);
    expect(res.status).toBe(403);
    expect(await now(mock)).toBe(moved.body.now);
  });

  it.each([
    ['getHealth', '/__admin/health'],
    ['getClock', '/__admin/clock'],
    ['listWebhooks', '/__admin/webhooks'],
    ['listWebhookDeliveries', '/__admin/webhooks/deliveries'],
    ['listProviderStates', '/__admin/states'],
  ])('guards %s too (reads say what the mock holds)', async (operationId, path) => {
    const res = await request(mock.app).get(path).set({ origin: EVIL });
    await expectContract(operationId, res);
    expect(res.status).toBe(403);
  });

  it('takes its own origin (the dashboard) and calls with no Origin (curl, tests, Pact)', async () => {
    const own = await request(mock.app)
      .post('/__admin/clock')
      .set({ host: '127.0.0.1:4010', origin: 'http://127.0.0.1:4010' })
      .send({ advance: 'P1D' });
    await expectContract('setClock', own);
    expect(own.status).toBe(200);
    const plain = await advance(mock);
    expect(plain.status).toBe(200);
  });

  it('refuses a Host that is a name other than localhost (DNS rebinding), takes IPs and localhost', async () => {
    const before = await now(mock);
    const rebound = await advance(mock, { host: 'attacker.example:4010' });
    await expectContract('setClock', rebound);
    expect(rebound.status).toBe(403);
    expect(rebound.body.message).toMatch(/^Host "attacker\.example:4010" is not allowed/);
    expect(await now(mock)).toBe(before);
    for (const host of ['localhost:4010', 'app.localhost', '192.168.1.20:4010', '[::1]:4010']) {
      const res = await request(mock.app).get('/__admin/health').set({ host });
      await expectContract('getHealth', res);
      expect(res.status, host).toBe(200);
    }
  });

  it('leaves the vendor APIs open to every origin, as the vendors are', async () => {
    const res = await request(mock.app)
      .get(`${SESSIONS}?limit=1`)
      .set({ ...CK_HEADERS, origin: EVIL, host: 'attacker.example' });
    await expectContract('listSessions', res);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a cross-origin preflight to the admin API without allowing it', async () => {
    const res = await request(mock.app).options('/__admin/reset').set({
      origin: EVIL,
      'access-control-request-method': 'POST',
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.status).toBe(403);
  });
});

describe('the admin API with a token', () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await customMock({ adminToken: 'tok_s3cret' });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { 'x-churnmock-admin-token': 'tok_wrong' }],
    ['a wrong bearer', { authorization: 'Bearer tok_wrong' }],
  ])('answers %s with a 401 and changes nothing', async (_name, headers) => {
    const before = (
      await request(mock.app).get('/__admin/clock').set({
        'x-churnmock-admin-token': 'tok_s3cret',
      })
    ).body.now;
    const res = await advance(mock, headers);
    await expectContract('setClock', res);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/needs the admin token/);
    const after = await request(mock.app)
      .get('/__admin/clock')
      .set({ authorization: 'Bearer tok_s3cret' });
    await expectContract('getClock', after);
    expect(after.body.now).toBe(before);
  });

  it('takes it as X-Churnmock-Admin-Token or as a bearer token, from any Host', async () => {
    const a = await advance(mock, {
      'x-churnmock-admin-token': 'tok_s3cret',
      host: 'devbox.lan:4010',
    });
    await expectContract('setClock', a);
    expect(a.status).toBe(200);
    const b = await advance(mock, { authorization: 'Bearer tok_s3cret' });
    expect(b.status).toBe(200);
  });

  it('still refuses another origin, token or not', async () => {
    const res = await advance(mock, { 'x-churnmock-admin-token': 'tok_s3cret', origin: EVIL });
    expect(res.status).toBe(403);
  });
});

describe('host names', () => {
  it.each([
    ['127.0.0.1:4010', '127.0.0.1', true],
    ['127.8.9.1', '127.8.9.1', true],
    ['[::1]:4010', '::1', true],
    ['::1', '::1', true],
    ['::', '::', false],
    ['LocalHost:4010', 'localhost', true],
    ['a.localhost', 'a.localhost', true],
    ['0.0.0.0', '0.0.0.0', false],
    ['192.168.1.20:4010', '192.168.1.20', false],
    ['localhost.evil.example', 'localhost.evil.example', false],
    ['[::]:4010', '::', false],
  ])('%s is %s, loopback %s', (host, name, loopback) => {
    expect(hostnameOf(host)).toBe(name);
    expect(isLoopback(host)).toBe(loopback);
  });
});
