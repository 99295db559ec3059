import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../../generators/world.ts';
import { hmacHex } from '../../../mock/core/crypto.ts';
import type { Mock } from '../../../mock/create.ts';
import { MAX_RECORDED_SESSIONS } from '../../../mock/vendors/churnkey-data/store.ts';
import { DEFAULT_HOSTED_FLOW_OPTIONS } from '../../../mock/vendors/churnkey-hosted-flow/options.ts';
import { expectContract } from '../../helpers/contract.ts';
import { AGGREGATION, ckGet, customMock, SESSIONS } from '../../helpers/mock.ts';
import { honest, reply, silent, startEndpoint, stopEndpoints } from './endpoint.ts';
import { act, configure, FLOW_ADMIN, hostedSessions, openFlow, proCustomer } from './helpers.ts';

const API_KEY = DEFAULT_HOSTED_FLOW_OPTIONS.apiKey;
const sign = (id: string, key = API_KEY) => hmacHex(key, id);

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});
beforeEach(() => mock.reset());
afterAll(stopEndpoints);

describe('hosted page authentication (authHash = HMAC-SHA256 of the customer id)', () => {
  it('missing ⇒ 401, wrong ⇒ 403, unknown customer ⇒ 404, right ⇒ 200', async () => {
    const c = proCustomer(mock);
    const page = (q: Record<string, string>) => request(mock.app).get('/churnkey/flow').query(q);
    expect((await page({ customerId: c.id })).status).toBe(401);
    expect((await page({ customerId: c.id, authHash: sign(c.id, 'other') })).status).toBe(403);
    expect((await page({ customerId: c.id, authHash: 'zz' })).status).toBe(403);
    expect((await page({ authHash: sign(c.id) })).status).toBe(400);
    expect((await page({ customerId: 'cus_nobody', authHash: sign('cus_nobody') })).status).toBe(
      404,
    );
    const ok = await page({ customerId: c.id, authHash: sign(c.id) });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/html/);
    expect(ok.headers['x-churnmock-customer-data']).toBe('not-configured');
  });
});

describe('the Customer Data Endpoint call', () => {
  it('POSTs {customerId, signature} once per session; attributes target the offers', async () => {
    const c = proCustomer(mock);
    const ep = await startEndpoint(API_KEY, honest({ plan: 'pro', tenureMonths: 18 }));
    await configure(mock, { customerDataUrl: ep.url });
    const flow = await openFlow(mock, c.id);
    expect(flow.status).toBe(200);
    expect(ep.calls).toHaveLength(1);
    const call = ep.calls[0];
    expect(call?.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(call?.body ?? {}).sort()).toEqual(['customerId', 'signature']);
    expect(call?.body).toEqual({ customerId: c.id, signature: sign(c.id) });
    expect(flow.header).toBe('used');
    // Pro with 18 months ⇒ the 50% discount; no pausesThisYear ⇒ pause not skipped; no
    // support tickets ⇒ no support screen; monthly pro ⇒ the downgrade (built-ins).
    expect(flow.steps).toEqual(['pro-half-off', 'pause', 'downgrade']);
    // Cached for the session: finishing it calls nothing more.
    await act(mock, flow.sessionId, 'abort');
    expect(ep.calls).toHaveLength(1);
  });

  it("the docs' examples: tenure ≤ 6 months, paused twice, open support tickets", async () => {
    const c = proCustomer(mock);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ plan: 'pro', tenureMonths: 6 }, ['pause', 'downgrade']],
      [{ plan: 'starter', tenureMonths: 30 }, ['pause', 'downgrade']],
      [{ plan: 'pro', tenureMonths: 9, pausesThisYear: 2 }, ['pro-half-off', 'downgrade']],
      [{ plan: 'pro', tenureMonths: 9, pausesThisYear: 1 }, ['pro-half-off', 'pause', 'downgrade']],
      [{ plan: 'pro', tenureMonths: 9, activeSupportTickets: 1 }, ['talk-to-support']],
      [
        { plan: 'pro', tenureMonths: 9, activeSupportTickets: 0 },
        ['pro-half-off', 'pause', 'downgrade'],
      ],
    ];
    for (const [attributes, steps] of cases) {
      const ep = await startEndpoint(API_KEY, honest(attributes));
      await configure(mock, { customerDataUrl: ep.url });
      expect((await openFlow(mock, c.id)).steps, JSON.stringify(attributes)).toEqual(steps);
    }
  });

  it('a returned customerId and subscriptionId override the session’s', async () => {
    const c = proCustomer(mock);
    const ep = await startEndpoint(
      API_KEY,
      honest({ plan: 'pro' }, { customerId: 'acct_internal_42', subscriptionId: 'sub_narrowed' }),
    );
    await configure(mock, { customerDataUrl: ep.url });
    const flow = await openFlow(mock, c.id);
    await act(mock, flow.sessionId, 'cancel');
    const res = await ckGet(mock, 'listSessions', SESSIONS, { customerId: 'acct_internal_42' });
    expect(res.body).toHaveLength(1);
    expect(res.body[0].customer).toMatchObject({
      id: 'acct_internal_42',
      subscriptionId: 'sub_narrowed',
      planId: c.subscription.plan.id,
    });
  });

  const FAILURES: [string, Parameters<typeof startEndpoint>[1], string][] = [
    ['an error status', (_c, res) => reply(res, 500, { error: 'boom' }), 'status'],
    [
      'a forged-signature 401 (the endpoint holds another key)',
      honest({ plan: 'pro' }),
      'unauthorized',
    ],
    ['invalid JSON', (_c, res) => reply(res, 200, '{"customerAttributes": '), 'invalid-json'],
    [
      'nested attributes',
      (_c, res) => reply(res, 200, { customerAttributes: { plan: { name: 'pro' } } }),
      'not-flat',
    ],
    ['no answer within the timeout', silent, 'timeout'],
  ];
  it.each(FAILURES)(
    '%s ⇒ the flow goes on without attributes and records why',
    async (_n, b, code) => {
      const c = proCustomer(mock);
      const key = code === 'unauthorized' ? 'a_different_key' : API_KEY;
      const ep = await startEndpoint(key, b);
      await configure(mock, { customerDataUrl: ep.url, timeoutMs: 300 });
      const flow = await openFlow(mock, c.id);
      expect(flow.status).toBe(200);
      expect(flow.header).toBe(`failed; ${code}`);
      // Rules on endpoint attributes do not match; built-in ones still do.
      expect(flow.steps).toEqual(['pause', 'downgrade']);
      expect(await act(mock, flow.sessionId, 'cancel')).toBe('cancel');
      const [logged] = await hostedSessions(mock);
      expect(logged?.customerData).toMatchObject({ status: 'failed', code });
      expect(logged?.customerData.reason).toBeTruthy();
      expect(logged?.customerAttributes).toEqual({});
    },
  );
});

describe('finished sessions land in the Data API', () => {
  it('an accepted offer: full session shape, listed and aggregated at once', async () => {
    const c = proCustomer(mock);
    const ep = await startEndpoint(API_KEY, honest({ plan: 'pro', tenureMonths: 18 }));
    await configure(mock, { customerDataUrl: ep.url });
    const before = await ckGet(mock, 'aggregateSessions', AGGREGATION, { breakdown: 'saveType' });
    const discounts = (body: { saveType?: string; count: number }[]) =>
      body.find((r) => r.saveType === 'DISCOUNT')?.count ?? 0;
    const flow = await openFlow(mock, c.id);
    expect(await act(mock, flow.sessionId, 'accept', { offer: flow.guid('pro-half-off') })).toBe(
      'discount',
    );
    const res = await ckGet(mock, 'listSessions', SESSIONS, { customerId: c.id, limit: 1 });
    const s = res.body[0];
    const [logged] = await hostedSessions(mock);
    expect(s._id).toBe(logged?.finished?.sessionId);
    expect(s).toMatchObject({
      canceled: false,
      aborted: false,
      mode: 'LIVE',
      acceptedOffer: {
        offerType: 'DISCOUNT',
        couponType: 'PERCENT',
        couponAmount: 50,
        couponDuration: 3,
      },
      createdAt: new Date(mock.clock.now()).toISOString(),
    });
    expect(s.blueprintId).toMatch(/^[0-9a-f]{24}$/);
    expect(s.segmentId).toMatch(/^[0-9a-f]{24}$/);
    expect(s.presentedOffers.map((o: { offerType: string }) => o.offerType)).toEqual([
      'DISCOUNT',
      'PAUSE',
      'PLAN_CHANGE',
    ]);
    expect(s.presentedOffers[0].accepted).toBe(true);
    const after = await ckGet(mock, 'aggregateSessions', AGGREGATION, { breakdown: 'saveType' });
    expect(discounts(after.body)).toBe(discounts(before.body) + 1);
  });

  it('a cancel keeps the survey answer and feedback; a pause records its length', async () => {
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    const choice = /name="choice" value="([0-9a-f]{24})"> Missing Features/.exec(flow.html)?.[1];
    expect(choice).toBeDefined();
    await act(mock, flow.sessionId, 'cancel', { choice: choice ?? '', feedback: 'No CRM sync.' });
    let res = await ckGet(mock, 'listSessions', SESSIONS, { customerId: c.id, limit: 1 });
    expect(res.body[0]).toMatchObject({
      canceled: true,
      surveyChoiceValue: 'Missing Features',
      surveyChoiceId: choice,
      feedback: 'No CRM sync.',
      acceptedOffer: null,
    });
    const again = await openFlow(mock, c.id);
    await act(mock, again.sessionId, 'accept', { offer: again.guid('pause'), option: '2' });
    res = await ckGet(mock, 'listSessions', SESSIONS, {
      customerId: c.id,
      limit: 2,
      bounced: true,
    });
    expect(res.body[0].acceptedOffer).toMatchObject({ offerType: 'PAUSE', pauseDuration: 2 });
    // The cancel was followed within 24 h by a less relevant session: it is not bounced.
    expect(res.body[1].bounced).toBe(false);
  });

  it('a second session within 24 h bounces the first when it matters as much', async () => {
    const c = proCustomer(mock);
    const all = async () =>
      (
        await ckGet(mock, 'listSessions', SESSIONS, {
          customerId: c.id,
          bounced: true,
          limit: 1000,
        })
      ).body as { _id: string; aborted: boolean; canceled: boolean; bounced: boolean }[];
    const seeded = await all();
    const first = await openFlow(mock, c.id);
    await act(mock, first.sessionId, 'abort');
    const second = await openFlow(mock, c.id);
    await act(mock, second.sessionId, 'cancel');
    const now = await all();
    expect(now).toHaveLength(seeded.length + 2);
    expect(now.slice(0, 2).map((s) => [s.canceled, s.aborted, s.bounced])).toEqual([
      [true, false, false],
      [false, true, true],
    ]);
    const visible = await ckGet(mock, 'listSessions', SESSIONS, { customerId: c.id, limit: 1 });
    expect(visible.body[0].canceled).toBe(true);
    mock.reset();
    expect(await all()).toEqual(seeded);
  });

  it('bad form input is a 400 page and changes nothing; a finished session is 409', async () => {
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    const post = (what: string, form: Record<string, string>) =>
      request(mock.app).post(`/churnkey/flow/${flow.sessionId}/${what}`).type('form').send(form);
    expect((await post('accept', { offer: 'not-shown' })).status).toBe(400);
    expect((await post('accept', { offer: flow.guid('pause'), option: '99' })).status).toBe(400);
    expect((await post('cancel', { choice: 'nope' })).status).toBe(400);
    expect((await post('explode', {})).status).toBe(404);
    expect((await hostedSessions(mock))[0]?.finished).toBeNull();
    await act(mock, flow.sessionId, 'abort');
    expect((await post('cancel', {})).status).toBe(409);
    expect((await request(mock.app).get('/churnkey/flow/chs_unknown')).status).toBe(404);
  });
});

describe('configuration over the admin API', () => {
  it('GET shows it; an invalid flow is refused with every problem and nothing changes', async () => {
    const before = await request(mock.app).get(FLOW_ADMIN);
    await expectContract('getHostedFlowConfig', before);
    expect(before.body).toMatchObject({ customerDataUrl: null, apiKey: API_KEY, timeoutMs: 3000 });
    // Two steps named `p`, the second comparing a STRING with GT; the first step's offer varies.
    const flowOf = (first: { type: string }) => ({
      flow: {
        survey: { choices: ['A'] },
        steps: [
          { id: 'p', offer: first },
          {
            id: 'p',
            offer: { type: 'CONTACT' },
            conditions: [{ attribute: 'x', operand: 'GT', value: ['a'], type: 'STRING' }],
          },
        ],
      },
    });
    const bad = await configure(mock, flowOf({ type: 'PAUSE' }));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/maxPauseLength/);
    const bad2 = await configure(mock, flowOf({ type: 'CONTACT' }));
    expect(bad2.status).toBe(400);
    expect(bad2.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(
      /used twice.*GT compares NUMBER or DATE/,
    );
    expect((await configure(mock, { timeoutMs: 0 })).status).toBe(400);
    expect((await configure(mock, { customerDataUrl: 'ftp://x' })).status).toBe(400);
    const after = await request(mock.app).get(FLOW_ADMIN);
    expect(after.body).toEqual(before.body);
  });

  it('a new flow, a new API key: the page follows both', async () => {
    const c = proCustomer(mock);
    const ok = await configure(mock, {
      apiKey: 'ck_live_other',
      flow: {
        name: 'trial only',
        mode: 'TEST',
        survey: { choices: ['Too expensive'] },
        steps: [{ id: 'extend', offer: { type: 'TRIAL_EXTENSION', trialExtensionDays: 14 } }],
      },
    });
    expect(ok.status).toBe(200);
    const old = await request(mock.app)
      .get('/churnkey/flow')
      .query({ customerId: c.id, authHash: sign(c.id) });
    expect(old.status).toBe(403);
    const flow = await openFlow(mock, c.id);
    expect(flow.steps).toEqual(['extend']);
    await act(mock, flow.sessionId, 'accept', { offer: flow.guid('extend') });
    const res = await ckGet(mock, 'listSessions', SESSIONS, { customerId: c.id, limit: 1 });
    expect(res.body[0]).toMatchObject({
      mode: 'TEST',
      acceptedOffer: { offerType: 'TRIAL_EXTENSION', trialExtensionDays: 14 },
    });
    mock.reset();
    expect((await request(mock.app).get(FLOW_ADMIN)).body.apiKey).toBe(API_KEY);
  });
});

describe('hostile input never yields a 5xx or changes the configuration', () => {
  it('odd page queries, config bodies and form posts', async () => {
    const c = proCustomer(mock);
    for (const q of [
      'customerId[]=a&authHash=b',
      `customerId=${'x'.repeat(20_000)}&authHash=${sign('x')}`,
      '%E0%A4%A=1',
      `customerId=${c.id}&customerId=${c.id}&authHash=${sign(c.id)}`,
      'customerId=&authHash=',
    ]) {
      const res = await request(mock.app).get(`/churnkey/flow?${q}`);
      expect(res.status, q).toBeGreaterThanOrEqual(400);
      expect(res.status, q).toBeLessThan(500);
    }
    const before = (await request(mock.app).get(FLOW_ADMIN)).body;
    for (const body of [
      'null',
      '[]',
      '{}',
      '{"flow": null}',
      '{"timeoutMs": "1"}',
      '{"apiKey": ""}',
      '{"flow": {"survey": {"choices": ["a"]}, "steps": []}}',
      '{"customerDataUrl": "http://x"',
      `{"apiKey": "${'k'.repeat(1_100_000)}"}`,
      '{"flow": {"survey": {"choices": ["a"]}, "steps": [{"id": "s", "offer": {"type": "PAUSE"}}]}}',
    ]) {
      const res = await request(mock.app)
        .put(FLOW_ADMIN)
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
      // 400, 413 and 415 are all declared, in the admin API's {message} shape.
      await expectContract('setHostedFlowConfig', res);
    }
    const latin = await request(mock.app)
      .put(FLOW_ADMIN)
      .set('content-type', 'application/json; charset=latin-9')
      .send('{"timeoutMs": 1000}');
    expect(latin.status).toBe(415);
    await expectContract('setHostedFlowConfig', latin);
    expect((await request(mock.app).get(FLOW_ADMIN)).body).toEqual(before);
    const flow = await openFlow(mock, c.id);
    const huge = await request(mock.app)
      .post(`/churnkey/flow/${flow.sessionId}/cancel`)
      .type('form')
      .send({ feedback: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    const json = await request(mock.app)
      .post(`/churnkey/flow/${flow.sessionId}/cancel`)
      .set('content-type', 'application/json')
      .send('{"choice": 1}');
    expect(json.status).toBe(303);
  });
});

describe('the recorded-session cap', () => {
  it('a full Data API store: the hosted page answers 507 and records nothing; reset frees it', async () => {
    const store = mock.vendors['churnkey-data'].store;
    const template = [...store.sessions(mock.data.world.asOf)][0];
    if (!template) throw new Error('no seeded session');
    const customers = mock.data.world.customers;
    for (let i = 0; store.recorded < MAX_RECORDED_SESSIONS; i++)
      store.add({
        ...template,
        id: `cap_${i}`,
        customer: customers[i % customers.length] as Customer,
        createdAt: template.createdAt + i * 60_000,
        bounced: false,
      });
    const version = store.version;
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    const res = await request(mock.app).post(`/churnkey/flow/${flow.sessionId}/abort`).type('form');
    expect(res.status).toBe(507);
    expect(res.text).toContain(`${MAX_RECORDED_SESSIONS} recorded sessions`);
    expect(store.version).toBe(version);
    expect(store.recorded).toBe(MAX_RECORDED_SESSIONS);
    // Nothing was recorded, so the session is still open: after a reset it can finish.
    expect((await hostedSessions(mock)).find((s) => s.id === flow.sessionId)?.finished).toBeNull();
    mock.reset();
    const again = await openFlow(mock, c.id);
    await act(mock, again.sessionId, 'abort');
    expect(store.recorded).toBe(1);
  });
});
