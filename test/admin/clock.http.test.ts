import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { defaultMock } from '../helpers/mock.ts';
import {
  activeCustomer,
  CHURN,
  CUSTOMERS,
  ccGet,
  RETENTION,
  startFlowFor,
} from '../vendors/churncut/helpers.ts';

// POST /__admin/clock: the whole string is an ISO 8601 duration or it is a 400, a move outside
// the years 0000 to 9999 (which includes every move outside JavaScript's Date range) is a 400,
// and a refused change leaves the clock (and every API that reads it) as it was.

const START = '2025-12-31T00:00:00.000Z';

let mock: Mock;
beforeEach(async () => {
  mock = await defaultMock();
  mock.reset();
});

const setClock = async (body: object) => {
  const res = await request(mock.app).post('/__admin/clock').send(body);
  await expectContract('setClock', res);
  return res;
};

const clockNow = async (): Promise<string> => {
  const res = await request(mock.app).get('/__admin/clock');
  await expectContract('getClock', res);
  expect(res.status).toBe(200);
  return res.body.now as string;
};

/** The APIs that read the clock still answer: a flow starts, a customer and analytics read. */
async function expectApisAnswer(): Promise<void> {
  const c = activeCustomer(mock);
  await startFlowFor(mock, c);
  const customer = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${c.id}`);
  expect(customer.status).toBe(200);
  const query = { start_date: '2024-01-01', end_date: '2024-01-31' };
  expect((await ccGet(mock, 'getChurnAnalytics', CHURN, query)).status).toBe(200);
  expect((await ccGet(mock, 'getRetentionAnalytics', RETENTION, query)).status).toBe(200);
}

const RANGE =
  '0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the years an RFC 3339 date-time can write';

describe('POST /__admin/clock: moves outside the years 0000 to 9999', () => {
  it.each([
    'P300000Y',
    '-P300000Y',
    'PT99999999999999999999H',
    'P99999999999999999999D',
    '-PT9000000000000S',
    'P7974Y',
    '-P2027Y',
  ])('advance %s is a 400 that changes nothing; the APIs still answer', async (advance) => {
    expect((await setClock({ advance: 'P1D' })).status).toBe(200);
    const res = await setClock({ advance });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      `"advance": Moving the clock by "${advance}" from 2026-01-01T00:00:00.000Z leaves the times it can hold (${RANGE}); the clock did not move`,
    );
    expect(await clockNow()).toBe('2026-01-01T00:00:00.000Z');
    await expectApisAnswer();
  });

  it('the first and last millisecond of the range can be reached, one beyond cannot', async () => {
    expect((await setClock({ now: '9999-12-31T00:00:00Z' })).status).toBe(200);
    expect((await setClock({ advance: 'PT86400S' })).status).toBe(400);
    expect(await clockNow()).toBe('9999-12-31T00:00:00.000Z');
    const last = await setClock({ advance: 'PT86399.999S' });
    expect(last.body).toEqual({ now: '9999-12-31T23:59:59.999Z' });
    expect((await setClock({ now: '0000-01-01T00:00:00Z' })).status).toBe(200);
    expect((await setClock({ advance: '-PT0.001S' })).status).toBe(400);
    expect(await clockNow()).toBe('0000-01-01T00:00:00.000Z');
  });

  it('now before 0000-01-01T00:00:00Z (by its offset) is a 400 that changes nothing', async () => {
    const res = await setClock({ now: '0000-01-01T00:00:00+01:00' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      `"now": -000001-12-31T23:00:00.000Z is outside the times the clock can hold (${RANGE}); the clock did not move`,
    );
    expect(await clockNow()).toBe(START);
  });

  it('now at a leap second (a date-time JavaScript cannot hold) is a 400 that changes nothing', async () => {
    const res = await setClock({ now: '2016-12-31T23:59:60Z' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      '"now" must be a time JavaScript can hold (a leap second, 23:59:60, is not one), got "2016-12-31T23:59:60Z"',
    );
    expect(await clockNow()).toBe(START);
    await expectApisAnswer();
  });
});

describe('POST /__admin/clock: the duration is the whole string', () => {
  it.each([
    ['XP1D', /"XP1D" is not an ISO 8601 duration/],
    ['P1DX', /"P1DX" is not an ISO 8601 duration/],
    ['P1D1D', /"P1D1D" is not an ISO 8601 duration/],
    ['tomorrow P1D', /"tomorrow P1D" is not an ISO 8601 duration/],
    [' P1D', /is not an ISO 8601 duration/],
    ['P1D ', /is not an ISO 8601 duration/],
    ['p1d', /is not an ISO 8601 duration/],
    ['P1H', /is not an ISO 8601 duration/],
    ['PT1D', /is not an ISO 8601 duration/],
    ['P1M1Y', /is not an ISO 8601 duration/],
    ['P', /"P" is not an ISO 8601 duration/],
    ['PT', /"PT" is not an ISO 8601 duration/],
    ['P1DT', /"P1DT" is not an ISO 8601 duration/],
    ['P1.5Y', /"P1.5Y" has a fraction of years: only hours, minutes or seconds may have one/],
    ['P0.5M', /fraction of months/],
    ['P1.5W', /fraction of weeks/],
    ['P1.5D', /fraction of days/],
    ['PT1.5H30M', /fraction of hours, which is not its smallest unit/],
    ['PT0.0001S', /"PT0.0001S" is not a whole number of milliseconds/],
  ])('advance %j is a 400 that says why, and the clock stays', async (advance, message) => {
    const res = await setClock({ advance });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^"advance": /);
    expect(res.body.message).toMatch(message);
    expect(await clockNow()).toBe(START);
  });

  it.each([
    ['PT1.5S', '2025-12-31T00:00:01.500Z'],
    ['PT0,25H', '2025-12-31T00:15:00.000Z'],
    ['PT1.5M', '2025-12-31T00:01:30.000Z'],
    ['PT0.001S', '2025-12-31T00:00:00.001Z'],
    ['-PT1.5S', '2025-12-30T23:59:58.500Z'],
    ['P1Y2M3W4DT5H6M7.25S', '2027-03-25T05:06:07.250Z'],
    ['P-1M', '2025-11-30T00:00:00.000Z'],
  ])('advance %s is honoured exactly: %s', async (advance, now) => {
    const res = await setClock({ advance });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ now });
    expect(await clockNow()).toBe(now);
  });
});

describe('POST /__admin/clock: exactly one of advance or now', () => {
  it.each([
    [{ advnce: 'P1D' }, 'advnce'],
    [{ Advance: 'P1D' }, 'Advance'],
    [{ advance: 'P1D', extra: true }, 'extra'],
  ])('%j is a 400 naming the properties the body takes', async (body, unexpected) => {
    const res = await setClock(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(
      `has an unexpected property "${unexpected}" (it takes "advance", "now")`,
    );
    expect(await clockNow()).toBe(START);
  });

  it('both advance and now is a 400, and neither moves the clock', async () => {
    const res = await setClock({ advance: 'P1D', now: '2024-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/more than 1 properties/);
    expect(await clockNow()).toBe(START);
  });
});
