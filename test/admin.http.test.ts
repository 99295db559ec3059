import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../mock/app.ts';
import { ckGet, customMock, SESSIONS } from './helpers/mock.ts';

let mock: Mock;
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

describe('/__admin', () => {
  it('GET /__admin/health says ok and what is served', async () => {
    const res = await request(mock.app).get('/__admin/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      seed: 42,
      scale: 1,
      apis: ['Churnkey Data API'],
    });
  });

  it('the clock starts at the as-of date and moves by a duration or to a time', async () => {
    expect((await request(mock.app).get('/__admin/clock')).body).toEqual({
      now: '2025-12-31T00:00:00.000Z',
    });
    const advanced = await request(mock.app).post('/__admin/clock').send({ advance: 'PT25H' });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toEqual({ now: '2026-01-01T01:00:00.000Z' });
    const set = await request(mock.app)
      .post('/__admin/clock')
      .send({ now: '2024-02-29T12:00:00Z' });
    expect(set.body).toEqual({ now: '2024-02-29T12:00:00.000Z' });
    await request(mock.app).post('/__admin/reset');
    expect((await request(mock.app).get('/__admin/clock')).body).toEqual({
      now: '2025-12-31T00:00:00.000Z',
    });
  });

  it.each([
    [{ advance: 'tomorrow' }, /ISO 8601 duration/],
    [{ now: 'not a date' }, /ISO 8601 date-time/],
    [{}, /advance/],
  ])('POST /__admin/clock %j is a 400 that says what to send', async (body, message) => {
    const res = await request(mock.app).post('/__admin/clock').send(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('the store uses the clock as "now": sessions after it have not happened yet', async () => {
    await request(mock.app).post('/__admin/clock').send({ now: '2023-06-01T00:00:00Z' });
    const res = await ckGet(mock, 'listSessions', SESSIONS, { limit: 5 });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(5);
    expect(res.body[0].createdAt < '2023-06-01T00:00:00.000Z').toBe(true);
    expect(res.body[0].createdAt > '2023-05-01T00:00:00.000Z').toBe(true);
  });
});
