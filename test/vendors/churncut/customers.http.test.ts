import { utc } from '@date-fns/utc';
import { addMonths } from 'date-fns';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { riskOf } from '../../../generators/churncut.ts';
import type { Mock } from '../../../mock/create.ts';
import { seededFlowJson, toCustomerDetail } from '../../../mock/vendors/churncut/materialize.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
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
    expect(d.total).toBe(mock.data.world.customers.length);
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
    const total = mock.data.world.customers.length;
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
      const store = mock.vendors.churncut.store;
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
      const store = mock.vendors.churncut.store;
      let expected = 0;
      for (let i = 0; i < mock.data.world.customers.length; i++)
        if (store.status(i) === status) expected++;
      expect(d.total).toBe(expected);
    },
  );

  it('filters combine; the docs example risk_level=high&limit=10', async () => {
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
  it("has the docs' detail shape; factor weights add up to churn_probability", async () => {
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

type History = { date: string; outcome: string; flow_id: string; offer: unknown }[];
interface Detail {
  id: string;
  status: string;
  churn_probability: number;
  created_at: string;
  subscription: { status: string; ended_at: string | null; current_period_end: string };
  history: History;
}

/** Until when an offer accepted at `completedAt` keeps the customer retained (decision 008). */
function retainedUntil(offer: unknown, completedAt: string | null): number {
  const o = offer as { type: string; duration_months?: number };
  if (o.type === 'downgrade') return Number.POSITIVE_INFINITY;
  return addMonths(completedAt ?? Number.NaN, o.duration_months ?? 0, { in: utc }).getTime();
}

/**
 * Every way a customer's detail breaks the status rule (docs/decisions/003 and 008, the
 * contract's CustomerStatus): the latest completed flow decides — cancelled ⇒ churned, retained
 * ⇒ retained while the accepted offer is in effect at `now` and active after, none ⇒ active; an
 * expired flow changes nothing; nobody has a flow after they churned; a churned customer's
 * subscription ended when that cancellation completed.
 */
function statusProblems(
  d: Detail,
  completedAt: (flowId: string) => string | null,
  now: number,
): string[] {
  const out: string[] = [];
  const bad = (what: string) => out.push(`${d.id} (${d.status}): ${what}`);
  const h = d.history;
  const completed = h.filter((e) => e.outcome !== 'expired');
  const last = completed.at(-1);
  const inEffect = () =>
    now < retainedUntil(last?.offer, completedAt(last?.flow_id ?? '')) ? 'retained' : 'active';
  const expected =
    last?.outcome === 'cancelled'
      ? 'churned'
      : last?.outcome === 'retained'
        ? inEffect()
        : 'active';
  if (d.status !== expected) bad(`latest completed outcome ${last?.outcome ?? 'none'}`);
  const dates = h.map((e) => e.date);
  if (dates.join() !== [...dates].sort().join()) bad('history not oldest first');
  if (new Set(h.map((e) => e.flow_id)).size !== h.length) bad('a flow twice in history');
  if (dates.some((t) => t < d.created_at || t > '2025-12-31T00:00:00.000Z'))
    bad('a flow before the customer existed or after as-of');
  for (const e of h)
    if ((e.outcome === 'retained') !== (e.offer !== null)) bad(`${e.flow_id} offer vs outcome`);
  const cancelled = h.findIndex((e) => e.outcome === 'cancelled');
  if (cancelled >= 0 && cancelled !== h.length - 1) bad('a flow after the cancellation');
  const sub = d.subscription;
  if (d.status === 'churned') {
    const ended = completedAt(h[cancelled]?.flow_id ?? '');
    if (sub.status !== 'canceled' || sub.ended_at === null || sub.ended_at !== ended)
      bad(`subscription ${sub.status} ended ${sub.ended_at}, cancellation completed ${ended}`);
    if (sub.current_period_end !== sub.ended_at) bad('current_period_end is not ended_at');
  } else if (sub.status !== 'active' || sub.ended_at !== null) {
    bad(`subscription ${sub.status} though not churned`);
  }
  return out;
}

describe('every seeded customer: status agrees with history', () => {
  it('the status rule holds for all customers (store), with each status present', () => {
    const store = mock.vendors.churncut.store;
    const now = mock.clock.now();
    const completedAt = (id: string) =>
      seededFlowJson(store, store.seededFlowIndex(id)).completed_at;
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    const n = mock.data.world.customers.length;
    for (let i = 0; i < n; i++) {
      const d = toCustomerDetail(store, i, now) as unknown as Detail;
      counts[d.status] = (counts[d.status] ?? 0) + 1;
      problems.push(...statusProblems(d, completedAt, now));
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual(['active', 'churned', 'retained']);
    // Riskier customers are likelier to have tried to cancel (docs/decisions/003).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const p = (i: number) => store.data.probability[i] as number;
    const f = store.data.flows;
    const all = Array.from({ length: n }, (_, i) => i);
    const tried = all.filter((i) => (f.start[i + 1] as number) > (f.start[i] as number));
    const never = all.filter((i) => (f.start[i + 1] as number) === (f.start[i] as number));
    expect(mean(tried.map(p))).toBeGreaterThan(mean(never.map(p)));
  });

  it('over HTTP: every list page agrees with the store; the first page in detail keeps the rule', async () => {
    const store = mock.vendors.churncut.store;
    const wrong: string[] = [];
    let offset = 0;
    let page: Awaited<ReturnType<typeof list>>;
    do {
      page = await list({ limit: 100, offset });
      for (const c of page.customers)
        if (c.status !== store.status(store.index.get(c.id))) wrong.push(c.id);
      offset += page.customers.length;
    } while (page.has_more);
    expect(offset).toBe(mock.data.world.customers.length);
    expect(wrong).toEqual([]);

    const first = await list({ limit: 100 });
    const flowCompletedAt = new Map<string, string | null>();
    const completedAt = (id: string) => flowCompletedAt.get(id) ?? null;
    const problems: string[] = [];
    for (const c of first.customers) {
      const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${c.id}`);
      const d = res.body.data as Detail;
      expect(d.status).toBe(c.status);
      const last = d.history.filter((e) => e.outcome !== 'expired').at(-1);
      if (last) {
        const f = await ccGet(
          mock,
          'getCancellationFlow',
          `/v1/cancellation-flows/${last.flow_id}`,
        );
        expect(f.body.data).toMatchObject({ customer_id: d.id, outcome: last.outcome });
        flowCompletedAt.set(last.flow_id, f.body.data.completed_at);
      }
      problems.push(...statusProblems(d, completedAt, mock.clock.now()));
    }
    expect(problems).toEqual([]);
  });
});
