import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock, DSR_ACCESS } from '../helpers/mock.ts';

// The vendors' paths are exact (the contracts list them; anything else is a 404): neither the
// case of a path nor a trailing slash is forgiven, on vendor routes or on /__admin.

let mock: Mock;
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

const JANE = { email: 'jane@example.com' };

describe('exact routing', () => {
  it.each([
    ['POST', '/__ADMIN/RESET'],
    ['POST', '/__admin/reset/'],
    ['POST', '/__Admin/Reset'],
  ])('%s %s is a 404 and resets nothing', async (method, path) => {
    const moved = await request(mock.app).post('/__admin/clock').send({ advance: 'P1D' });
    await expectContract('setClock', moved);
    const res = await request(mock.app)[method === 'POST' ? 'post' : 'get'](path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: `No route for ${method} ${path}` });
    const clock = await request(mock.app).get('/__admin/clock');
    await expectContract('getClock', clock);
    expect(clock.body.now).toBe(moved.body.now);
  });

  it.each(['/V1/DATA/DSR/DELETE', '/v1/data/dsr/delete/', '/v1/Data/dsr/delete'])(
    'POST %s is a 404 and deletes nothing',
    async (path) => {
      const res = await request(mock.app).post(path).set(CK_HEADERS).send(JANE);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: `No route for POST ${path}` });
      const access = await request(mock.app).post(DSR_ACCESS).set(CK_HEADERS).send(JANE);
      await expectContract('dsrAccess', access);
      expect(access.status).toBe(200);
      expect(JSON.stringify(access.body)).toContain('jane@example.com');
    },
  );

  it.each([
    ['/v1/data/sessions/', CK_HEADERS],
    ['/V1/DATA/SESSIONS', CK_HEADERS],
    ['/v1/customers/', { authorization: 'Bearer cc_test_churnmock' }],
    ['/V1/customers', { authorization: 'Bearer cc_test_churnmock' }],
  ])('GET %s is a 404', async (path, headers) => {
    const res = await request(mock.app).get(path).set(headers);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain(`No route for GET ${path}`);
  });

  it('the exact paths still answer', async () => {
    const sessions = await request(mock.app).get('/v1/data/sessions?limit=1').set(CK_HEADERS);
    await expectContract('listSessions', sessions);
    expect(sessions.status).toBe(200);
    const customers = await request(mock.app)
      .get('/v1/customers?limit=1')
      .set({ authorization: 'Bearer cc_test_churnmock' });
    await expectContract('listCustomers', customers);
    expect(customers.status).toBe(200);
  });
});
