import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JsonSchema, loadContract } from '../../mock/core/contract.ts';
import { contractFile } from '../../mock/core/paths.ts';
import { makeAjv } from '../../mock/core/validation.ts';
import { webhookEventsOf } from '../../mock/core/webhooks/trigger.ts';
import type { Mock } from '../../mock/create.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { WEBHOOK_HEADERS } from '../../mock/vendors/churncut/index.ts';
import { CHURNKEY_WEBHOOK_HEADERS } from '../../mock/vendors/churnkey-hosted-flow/options.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../helpers/mock.ts';
import { until } from '../helpers/wait.ts';
import { closeReceivers, type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';
import { activeCustomer, CC_AUTH, startFlowFor } from '../vendors/churncut/helpers.ts';

// POST /__admin/webhooks/trigger and POST /__admin/webhooks/deliveries/{id}/redeliver: every
// event type a vendor sends, built from the seeded world, signed, delivered and as the vendor's
// contract documents it; and nothing of any vendor's state changed.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

const CHURNCUT_EVENTS = [
  'cancellation.started',
  'cancellation.retained',
  'cancellation.completed',
  'offer.accepted',
] as const;
const EVENTS = [...CHURNCUT_EVENTS, 'session'] as const;
type Event = (typeof EVENTS)[number];

// The ChurnCut docs' verifyWebhook, run unchanged (as test/vendors/churncut/webhooks.http.test.ts).
const verifyChurnCut = new Function(
  'require',
  `${readFileSync(join(import.meta.dirname, '..', 'vendors', 'churncut', 'fixtures', 'verify-webhook.seed.txt'), 'utf8')}\nreturn verifyWebhook;`,
)(createRequire(import.meta.url)) as (
  payload: string,
  signature: string,
  secret: string,
) => boolean;

/**
 * Churnkey's `session` signature as docs/decisions/006 states it (hex HMAC-SHA256 of the raw
 * body with the webhook secret; the vendor prints no verifier), computed here independently.
 */
function verifyChurnkey(raw: Buffer, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest('hex');
  return (
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

const SECRET = 'whsec_churnmock';
const ajv = makeAjv(false);
let churncutDoc: Obj;
let churnkeyDataDoc: Obj;
let adminDoc: Obj;
beforeAll(async () => {
  churncutDoc = (await loadContract(contractFile('churncut'))).document;
  churnkeyDataDoc = (await loadContract(contractFile('churnkey-data'))).document;
  adminDoc = (await loadContract(contractFile('churnmock-admin'))).document;
});

function expectValid(schema: JsonSchema, value: unknown, what: string): void {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  expect(validate.errors ?? [], what).toEqual([]);
  expect(ok).toBe(true);
}

const schemaOf = (doc: Obj, name: string) => obj(obj(obj(doc.components).schemas)[name]);

/** A webhook's body and header parameters as its contract's `webhooks.<event>` declares them. */
function expectWebhookContract(doc: Obj, event: string, body: unknown, headers: Obj): void {
  const op = obj(obj(obj(doc.webhooks)[event]).post);
  const schema = obj(obj(obj(obj(op.requestBody).content)['application/json']).schema);
  expect(Object.keys(schema).length, `webhooks.${event} has a body schema`).toBeGreaterThan(0);
  expectValid(schema, body, `${event} body (contract webhooks.${event})`);
  expect((op.parameters as Obj[]).length).toBeGreaterThan(0);
  for (const p of op.parameters as Obj[]) {
    const value = headers[String(p.name).toLowerCase()];
    expect(value, `${event}: header ${String(p.name)}`).toBeDefined();
    expectValid(obj(p.schema), value, `${event}: header ${String(p.name)}`);
  }
}

/**
 * A delivered body and its headers are what the vendor's contract documents: its
 * `webhooks.<event>` request body and header parameters (ChurnCut's events in its contract,
 * Churnkey's `session` in the Data API's); the `session` webhook's session is moreover the
 * Data API's Session schema plus `result` (docs/decisions/006).
 */
function expectVendorShape(event: Event, raw: Buffer, headers: Obj): void {
  const body = JSON.parse(raw.toString('utf8'));
  expect(body.event).toBe(event);
  if (event === 'session') {
    expectWebhookContract(churnkeyDataDoc, 'session', body, headers);
    expect(Object.keys(body).sort()).toEqual(['data', 'event']);
    expect(Object.keys(body.data).sort()).toEqual(['customer', 'session']);
    const { result, ...session } = body.data.session;
    expect(result).toMatch(
      /^(pause|discount|cancel|abort|contact|plan_change|redirect|trial_extension)$/,
    );
    expectValid(schemaOf(churnkeyDataDoc, 'Session'), session, 'session (Data API Session)');
    expect(body.data.customer).toEqual(session.customer);
    expect(
      verifyChurnkey(
        raw,
        String(headers[CHURNKEY_WEBHOOK_HEADERS.signature.toLowerCase()]),
        SECRET,
      ),
    ).toBe(true);
    expect(
      verifyChurnkey(
        raw,
        String(headers[CHURNKEY_WEBHOOK_HEADERS.signature.toLowerCase()]),
        'whsec_other',
      ),
    ).toBe(false);
    expect(headers[CHURNKEY_WEBHOOK_HEADERS.delivery.toLowerCase()]).toMatch(/^whd_/);
    expect(headers[CHURNKEY_WEBHOOK_HEADERS.timestamp.toLowerCase()]).toMatch(/^\d+$/);
    return;
  }
  expectWebhookContract(churncutDoc, event, body, headers);
  const signature = String(headers[WEBHOOK_HEADERS.signature.toLowerCase()]);
  expect(verifyChurnCut(raw.toString('utf8'), signature, SECRET)).toBe(true);
  expect(verifyChurnCut(raw.toString('utf8'), signature, 'whsec_other')).toBe(false);
}

const deliveryHeader = (event: string) =>
  (event === 'session' ? CHURNKEY_WEBHOOK_HEADERS : WEBHOOK_HEADERS).delivery.toLowerCase();

let mock: Mock;
let hooks: Receiver;
beforeAll(async () => {
  mock = await customMock({ webhooks: { backoffMs: 20, maxAttempts: 3 } });
});
afterAll(() => mock.stop());
beforeEach(async () => {
  mock.reset({ webhookTargets: true });
  hooks = await startReceiver();
  mock.webhooks.addTarget(hooks.url);
});
afterEach(closeReceivers);

async function trigger(body: Obj) {
  const res = await request(mock.app).post('/__admin/webhooks/trigger').send(body);
  await expectContract('triggerWebhook', res);
  return res;
}

async function deliveries(query = '') {
  const res = await request(mock.app).get(`/__admin/webhooks/deliveries${query}`);
  await expectContract('listWebhookDeliveries', res);
  expect(res.status).toBe(200);
  return res.body.deliveries as Obj[];
}

/** A customer of the shared world, known to ChurnCut and the Data API alike. */
const chosen = () => activeCustomer(mock, 7);

describe('POST /__admin/webhooks/trigger', () => {
  it('can trigger exactly the event types the vendors declare, as the contract lists them', () => {
    const declared = webhookEventsOf(REGISTRY.vendors).map((e) => e.event);
    expect([...declared].sort()).toEqual([...EVENTS].sort());
    const trigger = schemaOf(adminDoc, 'WebhookTrigger');
    expect([...(obj(obj(trigger.properties).event).examples as string[])].sort()).toEqual(
      [...EVENTS].sort(),
    );
    // ChurnCut's own webhook enum and webhooks section are the four ChurnCut triggers.
    const enumOf = obj(obj(schemaOf(churncutDoc, 'WebhookEvent').properties).event)
      .enum as string[];
    expect([...enumOf].sort()).toEqual([...CHURNCUT_EVENTS].sort());
    expect(Object.keys(obj(churncutDoc.webhooks)).sort()).toEqual([...CHURNCUT_EVENTS].sort());
  });

  it.each(EVENTS)(
    "%s: built from the seeded world, answered 202, delivered signed and in the vendor contract's shape",
    async (event) => {
      const res = await trigger({ event });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        event,
        vendor: event === 'session' ? 'churnkey-hosted-flow' : 'churncut',
      });
      const [queued] = res.body.deliveries as Obj[];
      expect(res.body.deliveries).toHaveLength(1);
      expect(queued).toMatchObject({ event, url: hooks.url, status: 'pending', attempts: 0 });
      const [got] = await hooks.waitFor(1);
      if (!got) throw new Error('nothing received');
      // What the answer says was sent is what was sent, byte for byte.
      expect(got.body).toBe(JSON.stringify(res.body.payload));
      expect(got.headers[deliveryHeader(event)]).toBe(queued?.id);
      expectVendorShape(event, got.raw, got.headers as Obj);
      await until(() => mock.webhooks.deliveries()[0]?.status === 'delivered');
      const [logged] = await deliveries();
      expect(logged).toMatchObject({ id: queued?.id, event, status: 'delivered', attempts: 1 });
      expect(mock.webhooks.events().map((e) => e.event)).toEqual([event]);
    },
  );

  it("defaults: the docs' example customer and flow for a retained event; a customer whose newest flow was cancelled for a completed one", async () => {
    const retained = await trigger({ event: 'cancellation.retained' });
    expect(retained.body.customerId).toBe('cus_abc123');
    // The contract's own example payload (ChurnCut docs, Webhooks), at the mock clock's now.
    const example = obj(obj(obj(obj(churncutDoc.components).requestBodies).WebhookEvent).content)[
      'application/json'
    ] as Obj;
    expect(retained.body.payload).toEqual({
      ...obj(example.example),
      timestamp: new Date(mock.clock.now()).toISOString(),
    });
    const completed = await trigger({ event: 'cancellation.completed' });
    const { customer_id, flow_id } = completed.body.payload.data;
    expect(completed.body.customerId).toBe(customer_id);
    const customer = await request(mock.app).get(`/v1/customers/${customer_id}`).set(CC_AUTH);
    await expectContract('getCustomer', customer);
    expect(customer.body.data.history.at(-1)).toMatchObject({ outcome: 'cancelled', flow_id });
    // The same defaults every time (deterministic).
    expect((await trigger({ event: 'cancellation.completed' })).body.customerId).toBe(customer_id);
    const session = await trigger({ event: 'session' });
    expect(session.body.payload.data.customer.id).toBe('cus_abc123');
    expect(session.body.payload.data.session.result).toBe('cancel');
  });

  it.each(EVENTS)('%s: customerId picks the seeded customer the event is about', async (event) => {
    const c = chosen();
    const res = await trigger({ event, customerId: c.id });
    expect(res.status).toBe(202);
    expect(res.body.customerId).toBe(c.id);
    const [got] = await hooks.waitFor(1);
    const body = JSON.parse(got?.body ?? '{}');
    if (event === 'session') {
      expect(body.data.customer).toMatchObject({ id: c.id, subscriptionId: c.sub });
      expect(body.data.session.customer.id).toBe(c.id);
    } else expect(body.data).toMatchObject({ customer_id: c.id, subscription_id: c.sub });
    expectVendorShape(event, got?.raw ?? Buffer.alloc(0), (got?.headers ?? {}) as Obj);
  });

  it("a customer's own live flow is the one a triggered event names", async () => {
    const c = chosen();
    const flowId = await startFlowFor(mock, c);
    const started = await trigger({ event: 'cancellation.started', customerId: c.id });
    expect(started.body.payload.data).toMatchObject({ flow_id: flowId, offer: null });
    expect(mock.vendors.churncut.flows.accept(flowId, 'discount').ok).toBe(true);
    const retained = await trigger({ event: 'cancellation.retained', customerId: c.id });
    expect(retained.body.payload.data).toMatchObject({
      flow_id: flowId,
      offer: { type: 'discount', value: 50, duration_months: 3 },
    });
  });

  it("data is deep-merged over a ChurnCut payload's data: objects key by key, the rest kept", async () => {
    const merged = await trigger({
      event: 'cancellation.retained',
      data: { offer: { value: 25 }, flow_id: 'flow_mine' },
    });
    expect(merged.status).toBe(202);
    expect(merged.body.payload).toEqual({
      event: 'cancellation.retained',
      timestamp: new Date(mock.clock.now()).toISOString(),
      data: {
        customer_id: 'cus_abc123',
        subscription_id: 'sub_xyz789',
        flow_id: 'flow_mine',
        offer: { type: 'discount', value: 25, duration_months: 3 },
      },
    });
    // null sets a null; a key the payload lacks is added (and sent as it is).
    const nulled = await trigger({ event: 'offer.accepted', data: { offer: null, note: 'x' } });
    expect(nulled.body.payload.data).toEqual({
      customer_id: 'cus_abc123',
      subscription_id: 'sub_xyz789',
      flow_id: 'flow_123456',
      offer: null,
      note: 'x',
    });
    const got = await hooks.waitFor(2);
    expect(got.map((g) => g.body)).toEqual([
      JSON.stringify(merged.body.payload),
      JSON.stringify(nulled.body.payload),
    ]);
  });

  it("data is deep-merged over the session payload's data ({customer, session})", async () => {
    const plain = (await trigger({ event: 'session' })).body.payload;
    const res = await trigger({
      event: 'session',
      data: {
        session: { result: 'discount', feedback: 'too pricey', customer: { currency: 'eur' } },
        customer: { currency: 'eur' },
      },
    });
    const { session, customer } = res.body.payload.data;
    // Each trigger is a new session: a new _id, and the fields drawn per session id (recording,
    // steps, the customer's pause and discount history) differ. The vendor example's fields
    // (the contract's required ones) are the same but for what `data` merged in.
    const schemas = (churnkeyDataDoc.components as Obj).schemas as Record<
      string,
      { required: string[] }
    >;
    const pick = (o: Obj, keys: readonly string[]) =>
      Object.fromEntries(keys.map((k) => [k, o[k]]));
    const sessionKeys = (schemas.Session?.required ?? []).filter(
      (k) => k !== '_id' && k !== 'customer',
    );
    const customerKeys = schemas.SessionCustomer?.required ?? [];
    expect(sessionKeys.length).toBeGreaterThan(10);
    expect(pick(session, sessionKeys)).toEqual({
      ...pick(plain.data.session, sessionKeys),
      ...('feedback' in pick(session, sessionKeys) ? { feedback: 'too pricey' } : {}),
    });
    expect(session.result).toBe('discount');
    expect(session.feedback).toBe('too pricey');
    expect(pick(customer, customerKeys)).toEqual({
      ...pick(plain.data.customer, customerKeys),
      currency: 'eur',
    });
    expect(Object.keys(customer).sort()).toEqual(Object.keys(plain.data.customer).sort());
    expect(pick(session.customer, customerKeys)).toEqual({
      ...pick(plain.data.session.customer, customerKeys),
      currency: 'eur',
    });
    expect(res.body.payload.event).toBe('session');
    const [, got] = await hooks.waitFor(2);
    expect(got?.body).toBe(JSON.stringify(res.body.payload));
    expectVendorShape('session', got?.raw ?? Buffer.alloc(0), (got?.headers ?? {}) as Obj);
  });

  it('an unknown event is a 400 naming every event that can be triggered; nothing is sent', async () => {
    const res = await trigger({ event: 'cancellation.paused' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^Unknown webhook event "cancellation\.paused"; the events that can be triggered: /,
    );
    for (const event of EVENTS) expect(res.body.message).toContain(event);
    const missing = await trigger({ customerId: 'cus_abc123' });
    expect(missing.status).toBe(400);
    const extra = await trigger({ event: 'session', other: true });
    expect(extra.status).toBe(400);
    const notObject = await trigger({ event: 'session', data: [1] });
    expect(notObject.status).toBe(400);
    expect(mock.webhooks.events()).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });

  it.each(EVENTS)(
    '%s: an unknown customerId is a 404 in the admin shape; nothing is sent',
    async (event) => {
      const res = await trigger({ event, customerId: 'cus_nobody_here' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: expect.stringContaining('cus_nobody_here') });
      expect(mock.webhooks.events()).toEqual([]);
      expect(await deliveries()).toEqual([]);
    },
  );

  it('without targets the event is emitted with no deliveries', async () => {
    mock.reset({ webhookTargets: true });
    const res = await trigger({ event: 'cancellation.started' });
    expect(res.status).toBe(202);
    expect(res.body.deliveries).toEqual([]);
    expect(mock.webhooks.events()).toHaveLength(1);
  });

  it('changes no vendor state: no status, flow, flow id, session or simulator entry', async () => {
    const c = chosen();
    const snapshot = async () => {
      const customer = await request(mock.app).get(`/v1/customers/${c.id}`).set(CC_AUTH);
      await expectContract('getCustomer', customer);
      const list = await request(mock.app).get('/v1/customers?limit=100').set(CC_AUTH);
      await expectContract('listCustomers', list);
      const sessions = await request(mock.app)
        .get(`/v1/data/sessions?customerId=${c.id}&limit=10000`)
        .set(CK_HEADERS);
      await expectContract('listSessions', sessions);
      const all = await request(mock.app).get('/v1/data/session-aggregation').set(CK_HEADERS);
      await expectContract('aggregateSessions', all);
      const simulated = await request(mock.app).get('/__admin/churnkey/sessions');
      await expectContract('listHostedSessions', simulated);
      return {
        customer: customer.body,
        list: list.body,
        sessions: sessions.body,
        all: all.body,
        simulated: simulated.body,
        version: mock.vendors.churncut.store.version,
      };
    };
    const before = await snapshot();
    for (const event of EVENTS) {
      expect((await trigger({ event, customerId: c.id })).status).toBe(202);
      expect((await trigger({ event })).status).toBe(202);
    }
    await hooks.waitFor(EVENTS.length * 2);
    expect(await snapshot()).toEqual(before);
    // The flow-id stream is untouched: the next flow gets the id it gets after a reset.
    const next = await startFlowFor(mock, c);
    mock.reset();
    expect(await startFlowFor(mock, c)).toBe(next);
  });
});

describe('POST /__admin/webhooks/deliveries/{id}/redeliver', () => {
  const redeliver = async (id: string) => {
    const res = await request(mock.app).post(`/__admin/webhooks/deliveries/${id}/redeliver`);
    await expectContract('redeliverWebhook', res);
    return res;
  };

  it.each(['cancellation.retained', 'session'] as const)(
    '%s: the same body again, signed, as a new delivery naming the original',
    async (event) => {
      const triggered = await trigger({ event });
      const original = (triggered.body.deliveries as Obj[])[0] as Obj;
      await hooks.waitFor(1);
      await until(() => mock.webhooks.deliveries()[0]?.status === 'delivered');
      const res = await redeliver(String(original.id));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        event,
        url: hooks.url,
        status: 'pending',
        attempts: 0,
        redelivery_of: original.id,
      });
      expect(res.body.id).not.toBe(original.id);
      const [first, again] = await hooks.waitFor(2);
      expect(again?.raw.equals(first?.raw ?? Buffer.alloc(0))).toBe(true);
      expect(again?.headers[deliveryHeader(event)]).toBe(res.body.id);
      expectVendorShape(event, again?.raw ?? Buffer.alloc(0), (again?.headers ?? {}) as Obj);
      await until(() => mock.webhooks.deliveries()[1]?.status === 'delivered');
      const log = await deliveries();
      expect(log.map((d) => d.id)).toEqual([original.id, res.body.id]);
      expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(log[0]).not.toHaveProperty('redelivery_of');
      expect(log[1]).toMatchObject({
        status: 'delivered',
        attempts: 1,
        redelivery_of: original.id,
      });
    },
  );

  it('a failed delivery redelivered is a new attempt series that can succeed', async () => {
    mock.reset({ webhookTargets: true });
    const failing = await startReceiver({ answers: [500, 500, 500] });
    mock.webhooks.addTarget(failing.url);
    const triggered = await trigger({ event: 'offer.accepted' });
    const id = String((triggered.body.deliveries as Obj[])[0]?.id);
    await until(() => mock.webhooks.deliveries()[0]?.status === 'failed');
    const res = await redeliver(id);
    expect(res.status).toBe(202);
    await until(() => mock.webhooks.deliveries()[1]?.status === 'delivered');
    const log = await deliveries();
    expect(log[0]).toMatchObject({ id, status: 'failed', attempts: 3 });
    expect(log[1]).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
    expect(failing.requests).toHaveLength(4);
    expect(new Set(failing.requests.map((r) => r.body)).size).toBe(1);
  });

  it('an unknown id is a 404; a reset forgets the log', async () => {
    const missing = await redeliver('whd_nope');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/^No webhook delivery whd_nope/);
    const triggered = await trigger({ event: 'cancellation.started' });
    const id = String((triggered.body.deliveries as Obj[])[0]?.id);
    mock.reset();
    expect((await redeliver(id)).status).toBe(404);
  });
});
