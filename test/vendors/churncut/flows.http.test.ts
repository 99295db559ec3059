import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { MAX_LIVE_FLOWS } from '../../../mock/vendors/churncut/store.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock, postRaw } from '../../helpers/mock.ts';
import {
  activeCustomer,
  CC_AUTH,
  CHURN,
  CUSTOMERS,
  ccGet,
  ccPost,
  FLOWS,
  fillLiveFlows,
} from './helpers.ts';

let mock: Mock;
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

const REDIRECT = 'https://your-app.com/subscription/cancelled';
const start = async (skip = 0, reason = 'too_expensive') => {
  const c = activeCustomer(mock, skip);
  const body = { customer_id: c.id, subscription_id: c.sub, reason, redirect_url: REDIRECT };
  const res = await ccPost(mock, 'createCancellationFlow', FLOWS, body);
  return { c, res, body };
};
const flow = async (id: string) =>
  (await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${id}`)).body.data;
const customer = async (id: string) =>
  (await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${id}`)).body.data;

describe('POST /v1/cancellation-flows', () => {
  it('creates a pending flow: 201, flow_url on the mock, expires 24 h later on the mock clock', async () => {
    const { res } = await start();
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d.flow_id).toMatch(/^flow_/);
    expect(d.flow_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/flow/${d.flow_id}$`));
    expect(d.expires_at).toBe('2026-01-01T00:00:00.000Z');
    const f = await flow(d.flow_id);
    expect(f).toMatchObject({
      status: 'pending',
      outcome: null,
      offer_accepted: null,
      completed_at: null,
    });
  });

  it('a second open flow for the subscription returns the open one (200, same id)', async () => {
    const first = await start();
    const again = await start();
    expect(again.res.status).toBe(200);
    expect(again.res.body.data).toEqual(first.res.body.data);
  });

  it.each([
    ['unknown customer', { customer_id: 'cus_nope' }, 400, 'customer_not_found'],
    ['someone else’s subscription', { subscription_id: 'sub_other' }, 400, 'subscription_mismatch'],
    ['reason not in the list', { reason: 'bored' }, 400, 'invalid_request'],
    ['redirect_url not a URL', { redirect_url: 'not a url' }, 400, 'invalid_request'],
    ['wrong type', { customer_id: 42 }, 400, 'invalid_request'],
    ['unknown property', { extra: true }, 400, 'invalid_request'],
  ])('%s ⇒ %i %s', async (_n, patch, status, code) => {
    const c = activeCustomer(mock);
    const body = {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'other',
      redirect_url: REDIRECT,
      ...patch,
    };
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"customer_id": '],
    ['not JSON', 'text/plain', 'hello'],
    ['a huge body', 'application/json', `{"x":"${'a'.repeat(1_100_000)}"}`],
  ])('%s is a 4xx envelope', async (_n, type, body) => {
    const res = await postRaw(mock, FLOWS, CC_AUTH, type, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.success).toBe(false);
    expect(typeof res.body.error.code).toBe('string');
    await expectContract('createCancellationFlow', res);
  });

  it('a churned customer cannot start a flow (409)', async () => {
    const { customers } = (
      await ccGet(mock, 'listCustomers', CUSTOMERS, { status: 'churned', limit: 1 })
    ).body.data;
    const d = await customer(customers[0].id);
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: d.id,
      subscription_id: d.subscription.id,
      reason: 'other',
      redirect_url: REDIRECT,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('subscription_inactive');
  });
});

describe('the live-flow cap', () => {
  it(`past ${MAX_LIVE_FLOWS} flows started through the API: 507 storage_full, nothing started`, async () => {
    const store = mock.vendors.churncut.store;
    const now = mock.data.world.asOf;
    fillLiveFlows(store, now);
    const version = store.version;
    const { res } = await start(3);
    await expectContract('createCancellationFlow', res);
    expect(res.status).toBe(507);
    expect(res.body.error.code).toBe('storage_full');
    expect(store.version).toBe(version);
    mock.reset();
    expect((await start(3)).res.status).toBe(201);
  });
});

describe('flow lifecycle and its effects', () => {
  it('accepting an offer: completed/retained, customer retained, history grows', async () => {
    const { c, res } = await start(0, 'too_expensive');
    const before = await customer(c.id);
    mock.clock.advance('PT15M');
    const r = mock.vendors.churncut.flows.accept(res.body.data.flow_id, 'discount');
    expect(r.ok).toBe(true);
    const f = await flow(res.body.data.flow_id);
    expect(f).toMatchObject({
      status: 'completed',
      outcome: 'retained',
      offer_accepted: { type: 'discount', value: 50, duration_months: 3 },
      completed_at: '2025-12-31T00:15:00.000Z',
    });
    const after = await customer(c.id);
    expect(after.status).toBe('retained');
    expect(after.history.length).toBe(before.history.length + 1);
    expect(after.history.at(-1)).toMatchObject({ outcome: 'retained', flow_id: f.id });
  });

  it('a retained customer is active again once the accepted offer has run out (decision 008)', async () => {
    const listed = async (status: string, id: string) => {
      const q = { status, limit: 100 };
      const res = await ccGet(mock, 'listCustomers', CUSTOMERS, q);
      return (res.body.data.customers as { id: string }[]).some((x) => x.id === id);
    };
    const cases = [
      ['too_expensive', 'discount', '2026-03-31T00:00:00.000Z'],
      ['not_using', 'pause', '2026-02-28T00:00:00.000Z'],
      ['missing_features', 'downgrade', null],
    ] as const;
    const accepted: { id: string; until: string | null }[] = [];
    // Distinct active customers above the cheapest tier (a downgrade needs a lower plan).
    const store = mock.vendors.churncut.store;
    const skips = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter(
      (k) => store.customer(activeCustomer(mock, k).index).subscription.plan.tier !== 'starter',
    );
    for (const [j, [reason, offer, until]] of cases.entries()) {
      const { c, res } = await start((skips[j] as number) - j, reason);
      expect(mock.vendors.churncut.flows.accept(res.body.data.flow_id, offer).ok).toBe(true);
      expect((await customer(c.id)).status).toBe('retained');
      accepted.push({ id: c.id, until });
    }
    for (const { id, until } of accepted) {
      if (until === null) continue;
      mock.clock.set(Date.parse(until) - 1);
      expect((await customer(id)).status).toBe('retained');
      mock.clock.set(Date.parse(until));
      expect((await customer(id)).status).toBe('active');
    }
    // A downgrade has no term; the list filters by the status at the clock's now.
    mock.clock.set(Date.parse('2030-01-01T00:00:00Z'));
    const [discount, , downgrade] = accepted as [
      (typeof accepted)[0],
      unknown,
      (typeof accepted)[0],
    ];
    expect((await customer(downgrade.id)).status).toBe('retained');
    expect(await listed('active', discount.id)).toBe(true);
    expect(await listed('retained', discount.id)).toBe(false);
    mock.clock.set(Date.parse('2026-01-15T00:00:00Z'));
    expect(await listed('retained', discount.id)).toBe(true);
    expect(await listed('active', discount.id)).toBe(false);
  });

  it('cancelling: churned, subscription ends, churn analytics and mrr_lost grow', async () => {
    const { c, res } = await start(1);
    const q = { start_date: '2025-12-31', end_date: '2025-12-31', granularity: 'day' };
    const before = (await ccGet(mock, 'getChurnAnalytics', CHURN, q)).body.data.summary;
    expect(mock.vendors.churncut.flows.cancel(res.body.data.flow_id).ok).toBe(true);
    const d = await customer(c.id);
    expect(d.status).toBe('churned');
    expect(d.subscription).toMatchObject({
      status: 'canceled',
      ended_at: '2025-12-31T00:00:00.000Z',
    });
    const after = (await ccGet(mock, 'getChurnAnalytics', CHURN, q)).body.data.summary;
    expect(after.churned).toBe(before.churned + 1);
    const { monthlyUsdCents } = await import('../../../generators/churncut-offers.ts');
    expect(after.mrr_lost).toBe(
      before.mrr_lost + monthlyUsdCents(mock.vendors.churncut.store.customer(c.index)),
    );
    expect((await flow(res.body.data.flow_id)).outcome).toBe('cancelled');
  });

  it('expires once the mock clock passes expires_at; an expired flow cannot change', async () => {
    const { c, res } = await start(2);
    mock.clock.advance('PT23H59M');
    expect((await flow(res.body.data.flow_id)).status).toBe('pending');
    mock.clock.advance('PT1M');
    const f = await flow(res.body.data.flow_id);
    expect(f).toMatchObject({ status: 'expired', outcome: null, completed_at: null });
    expect(mock.vendors.churncut.flows.accept(f.id, 'discount').ok).toBe(false);
    expect((await customer(c.id)).status).toBe('active');
    // With the old one expired, a new flow is created.
    expect((await start(2)).res.status).toBe(201);
  });

  it('seeded flows from customer history can be read; unknown ids are 404', async () => {
    const { customers } = (
      await ccGet(mock, 'listCustomers', CUSTOMERS, { status: 'retained', limit: 1 })
    ).body.data;
    const d = await customer(customers[0].id);
    const last = d.history.at(-1);
    const f = await flow(last.flow_id);
    expect(f).toMatchObject({ id: last.flow_id, customer_id: d.id, status: 'completed' });
    const res = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/flow_nope`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('flow_not_found');
  });

  it('reset restores the seed', async () => {
    const { c, res } = await start(3);
    mock.vendors.churncut.flows.cancel(res.body.data.flow_id);
    mock.reset();
    expect((await customer(c.id)).status).toBe('active');
    expect(
      (await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${res.body.data.flow_id}`)).status,
    ).toBe(404);
  });
});

/** Plan tiers, cheapest first (docs/decisions/003: a downgrade goes one tier lower). */
const TIERS = ['starter', 'creator', 'pro', 'business'];

/** An active customer (running subscription) on the given plan tier. */
function customerOnTier(tier: string, skip = 0) {
  const store = mock.vendors.churncut.store;
  let seen = 0;
  for (const i of store.data.order) {
    const c = store.customer(i);
    if (store.status(i) !== 'active' || store.endedAt(i) !== null) continue;
    if (c.subscription.plan.tier !== tier || seen++ < skip) continue;
    return { id: c.id, sub: c.subscription.id, index: i };
  }
  throw new Error(`no active ${tier} customer`);
}

/** Starts a flow for `c` through the API; returns its id and path on the mock. */
async function startFor(c: { id: string; sub: string }, reason: string) {
  const body = { customer_id: c.id, subscription_id: c.sub, reason, redirect_url: REDIRECT };
  const res = await ccPost(mock, 'createCancellationFlow', FLOWS, body);
  expect(res.status).toBe(201);
  const id = res.body.data.flow_id as string;
  return { id, page: new URL(res.body.data.flow_url).pathname };
}

/** The offer buttons of a flow's hosted page, in order (the page is HTML, outside the contracts). */
async function offersOnPage(page: string): Promise<string[]> {
  const res = await request(mock.app).get(page);
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/data-offer="(\w+)"/g)].map((m) => m[1] as string);
}

/** Accepts an offer the way the hosted page's form does; answers 303 to redirect_url. */
const acceptOnPage = (page: string, offer: string) =>
  request(mock.app).post(`${page}/accept`).type('form').send({ offer });

describe('offers accepted on the hosted page', () => {
  it('pause: offer_accepted {type, duration_months}, customer retained, history records it', async () => {
    const c = activeCustomer(mock, 4);
    const { id, page } = await startFor(c, 'not_using');
    expect((await offersOnPage(page))[0]).toBe('pause');
    mock.clock.advance('PT5M');
    const res = await acceptOnPage(page, 'pause');
    expect(res.status).toBe(303);
    const to = new URL(res.headers.location as string);
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(to.searchParams)).toEqual({ flow_id: id, outcome: 'retained' });
    const f = await flow(id);
    expect(f).toMatchObject({
      status: 'completed',
      outcome: 'retained',
      completed_at: '2025-12-31T00:05:00.000Z',
    });
    expect(f.offer_accepted).toEqual({ type: 'pause', duration_months: 2 });
    const d = await customer(c.id);
    expect(d.status).toBe('retained');
    expect(d.subscription.status).toBe('active');
    expect(d.history.at(-1)).toEqual({
      event: 'cancellation_attempted',
      date: '2025-12-31T00:00:00.000Z',
      outcome: 'retained',
      flow_id: id,
      offer: { type: 'pause', duration_months: 2 },
    });
    // The flow is closed: a second answer on the page is refused and changes nothing.
    expect((await acceptOnPage(page, 'discount')).status).toBe(409);
    expect((await flow(id)).offer_accepted).toEqual({ type: 'pause', duration_months: 2 });
  });

  it.each(['creator', 'pro', 'business'])(
    'downgrade from %s: offer_accepted {type, plan} one tier lower, customer retained',
    async (tier) => {
      const c = customerOnTier(tier);
      expect((await customer(c.id)).subscription.plan).toBe(tier);
      const { id, page } = await startFor(c, 'missing_features');
      expect(await offersOnPage(page)).toEqual(['downgrade', 'discount', 'pause']);
      const res = await acceptOnPage(page, 'downgrade');
      expect(res.status).toBe(303);
      expect(new URL(res.headers.location as string).searchParams.get('outcome')).toBe('retained');
      const lower = TIERS[TIERS.indexOf(tier) - 1];
      const f = await flow(id);
      expect(f).toMatchObject({ status: 'completed', outcome: 'retained' });
      expect(f.offer_accepted).toEqual({ type: 'downgrade', plan: lower });
      const d = await customer(c.id);
      expect(d.status).toBe('retained');
      expect(d.history.at(-1)).toMatchObject({
        flow_id: id,
        outcome: 'retained',
        offer: { type: 'downgrade', plan: lower },
      });
    },
  );

  it.each(['missing_features', 'too_expensive', 'not_using'])(
    'a starter customer is offered no downgrade (reason %s), and cannot accept one',
    async (reason) => {
      const c = customerOnTier('starter');
      const { id, page } = await startFor(c, reason);
      const offers = await offersOnPage(page);
      expect(offers).not.toContain('downgrade');
      expect([...offers].sort()).toEqual(['discount', 'pause']);
      const res = await acceptOnPage(page, 'downgrade');
      expect(res.status).toBe(400);
      const f = await flow(id);
      expect(f).toMatchObject({ status: 'pending', outcome: null, offer_accepted: null });
      expect((await customer(c.id)).status).toBe('active');
    },
  );
});

describe('redirect_url must be one the hosted page can follow', () => {
  it.each([
    ['https://', /has no host/],
    ['http:///path', /has no host/],
    ['https://:443', /has no host/],
    ['https://user@/', /has no host/],
    ['http://x:99999', /has port "99999"; a port is a number from 1 to 65535/],
    ['http://x:0/done', /has port "0"/],
    ['http://999.1.1.1/done', /not a URL a browser can follow/],
  ])('%s is a 400 invalid_request naming redirect_url, and creates nothing', async (url, why) => {
    const c = activeCustomer(mock);
    const body = { customer_id: c.id, subscription_id: c.sub, reason: 'other', redirect_url: url };
    const flowsBefore = mock.vendors.churncut.store.flowsOf(c.index).length;
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, body);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/^Invalid request: body redirect_url /);
    expect(res.body.error.details).toEqual([
      { in: 'body', name: 'redirect_url', message: expect.stringMatching(why) },
    ]);
    expect(mock.vendors.churncut.store.flowsOf(c.index).length).toBe(flowsBefore);
    expect(mock.webhooks.events().length).toBe(0);
    // Nothing is open for the subscription: a good URL starts a new flow (201, not the open one).
    const good = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      ...body,
      redirect_url: REDIRECT,
    });
    expect(good.status).toBe(201);
    expect(mock.webhooks.events().map((e) => e.event)).toEqual(['cancellation.started']);
  });

  it('a good URL with a port, path and query: cancelling on the page redirects there, query kept', async () => {
    const c = activeCustomer(mock, 2);
    const url = 'http://127.0.0.1:8080/account/done?from=churncut';
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'other',
      redirect_url: url,
    });
    expect(res.status).toBe(201);
    const { flow_id: id, flow_url: flowUrl } = res.body.data;
    const page = new URL(flowUrl).pathname;
    const cancelled = await request(mock.app).post(`${page}/cancel`).type('form').send('');
    expect(cancelled.status).toBe(303);
    const to = new URL(cancelled.headers.location as string);
    expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:8080/account/done');
    expect(Object.fromEntries(to.searchParams)).toEqual({
      from: 'churncut',
      flow_id: id,
      outcome: 'cancelled',
    });
    expect(await flow(id)).toMatchObject({ status: 'completed', outcome: 'cancelled' });
  });

  it('a flow whose redirect_url cannot be followed (not created through the API) still answers: the outcome page, 200', async () => {
    const c = activeCustomer(mock, 3);
    const started = mock.vendors.churncut.flows.start(
      {
        customer_id: c.id,
        subscription_id: c.sub,
        reason: 'too_expensive',
        redirect_url: 'https://',
      },
      'http://127.0.0.1',
    );
    if (!started.ok) throw new Error('flow not started');
    const page = `/flow/${started.flow.id}`;
    const res = await acceptOnPage(page, 'discount');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('data-status="completed"');
    expect(res.text).toContain('Outcome: retained');
    expect(await flow(started.flow.id)).toMatchObject({ status: 'completed', outcome: 'retained' });
    expect((await customer(c.id)).status).toBe('retained');
    // Recorded once: answering again is the closed flow's 409, as for any completed flow.
    expect((await acceptOnPage(page, 'discount')).status).toBe(409);
  });
});
