import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { riskOf } from '../../generators/churncut.ts';
import type { Mock } from '../../mock/app.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';
import { CC_AUTH, CUSTOMERS, ccGet } from './helpers.ts';

type Summary = {
  id: string;
  risk_level: string;
  churn_probability: number;
  status: string;
  created_at: string;
};

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

const list = async (query: Record<string, string | number> = {}) => {
  const res = await ccGet(mock, 'listCustomers', CUSTOMERS, query);
  expect(res.status).toBe(200);
  expect(res.body.success).toBe(true);
  return res.body.data as { customers: Summary[]; total: number; has_more: boolean };
};

describe('auth and envelope', () => {
  it.each([
    ['no header', {}, 'unauthorized'],
    ['not Bearer', { authorization: 'Basic abc' }, 'unauthorized'],
    ['a wrong key', { authorization: 'Bearer cc_wrong' }, 'invalid_api_key'],
  ])('401 in the error envelope for %s', async (_n, headers, code) => {
    const res = await request(mock.app).get(CUSTOMERS).set(headers);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: { code } });
    await expectContract('listCustomers', res);
  });
});

describe('GET /v1/customers', () => {
  it('defaults to 20, newest first, exact total over all customers', async () => {
    const d = await list();
    expect(d.customers.length).toBe(20);
    expect(d.total).toBe(mock.world.customers.length);
    expect(d.has_more).toBe(true);
    const created = d.customers.map((c) => c.created_at);
    expect(created).toEqual([...created].sort().reverse());
  });

  it.each([101, 0, -1, 'x'])('limit=%s is a 400 envelope', async (limit) => {
    const res = await ccGet(mock, 'listCustomers', CUSTOMERS, { limit });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details[0].name).toBe('limit');
  });

  it('limit=100 is allowed; offset pages are consecutive slices of one listing', async () => {
    const all = await list({ limit: 100 });
    expect(all.customers.length).toBe(100);
    const pages = [await list({ limit: 40 }), await list({ limit: 40, offset: 40 })];
    expect(pages.flatMap((p) => p.customers.map((c) => c.id))).toEqual(
      all.customers.slice(0, 80).map((c) => c.id),
    );
  });

  it('the last page has has_more false; past the end is empty', async () => {
    const total = mock.world.customers.length;
    const last = await list({ limit: 10, offset: total - 5 });
    expect(last.customers.length).toBe(5);
    expect(last.has_more).toBe(false);
    expect((await list({ offset: total + 10 })).customers).toEqual([]);
  });

  it.each(['low', 'medium', 'high'])(
    'risk_level=%s filters, consistent with probability, exact total',
    async (risk) => {
      const d = await list({ risk_level: risk, limit: 100 });
      for (const c of d.customers) {
        expect(c.risk_level).toBe(risk);
        expect(riskOf(Math.round(c.churn_probability * 100))).toBe(risk);
      }
      const store = mock.churncut.store;
      let expected = 0;
      for (let i = 0; i < store.data.probability.length; i++)
        if (riskOf(store.data.probability[i] as number) === risk) expected++;
      expect(d.total).toBe(expected);
      expect(d.total).toBeGreaterThan(0);
    },
  );

  it.each(['active', 'churned', 'retained'])(
    'status=%s filters with an exact total',
    async (status) => {
      const d = await list({ status, limit: 100 });
      expect(d.total).toBeGreaterThan(0);
      for (const c of d.customers) expect(c.status).toBe(status);
      const store = mock.churncut.store;
      let expected = 0;
      for (let i = 0; i < mock.world.customers.length; i++)
        if (store.status(i) === status) expected++;
      expect(d.total).toBe(expected);
    },
  );

  it('filters combine; the seed example risk_level=high&limit=10', async () => {
    const d = await list({ risk_level: 'high', status: 'churned', limit: 10 });
    for (const c of d.customers) expect([c.risk_level, c.status]).toEqual(['high', 'churned']);
    expect((await list({ risk_level: 'high', limit: 10 })).customers.length).toBe(10);
  });

  it('an unknown risk_level is a 400', async () => {
    const res = await ccGet(mock, 'listCustomers', CUSTOMERS, { risk_level: 'extreme' });
    expect(res.status).toBe(400);
  });
});

describe('GET /v1/customers/{id}', () => {
  it("has the seed's detail shape; factor weights add up to churn_probability", async () => {
    const { customers } = await list({ status: 'retained', limit: 1 });
    const id = customers[0]?.id as string;
    const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${id}`);
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.id).toBe(id);
    const sum = d.factors.reduce((s: number, f: { weight: number }) => s + f.weight, 0);
    expect(sum).toBeCloseTo(d.churn_probability, 5);
    expect(d.subscription.status).toBe('active');
    const completed = d.history.filter((h: { outcome: string }) => h.outcome !== 'expired');
    expect(completed.at(-1).outcome).toBe('retained');
  });

  it('a churned customer has an ended subscription and a cancelled last attempt', async () => {
    const { customers } = await list({ status: 'churned', limit: 1 });
    const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${customers[0]?.id}`);
    const d = res.body.data;
    expect(d.subscription.status).toBe('canceled');
    expect(d.subscription.ended_at).toBe(d.subscription.current_period_end);
    expect(d.history.at(-1).outcome).toBe('cancelled');
  });

  it('an unknown id is a 404 envelope', async () => {
    const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/cus_nope`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'customer_not_found', message: 'No customer with id cus_nope' },
    });
  });

  it('an unknown path and a wrong method answer in the envelope', async () => {
    const res = await request(mock.app).get('/v1/customers/x/y').set(CC_AUTH);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const del = await request(mock.app).delete(CUSTOMERS).set(CC_AUTH);
    expect(del.status).toBe(405);
    await expectContract('listCustomers', del);
  });
});
