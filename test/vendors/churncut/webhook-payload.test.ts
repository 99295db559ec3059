import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JsonSchema, loadContract } from '../../../mock/core/contract.ts';
import { contractFile } from '../../../mock/core/paths.ts';
import { makeAjv } from '../../../mock/core/validation.ts';
import { WEBHOOK_HEADERS } from '../../../mock/vendors/churncut/index.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { closeReceivers, startReceiver } from '../../helpers/webhook-receiver.ts';
import { activeCustomer, startFlowFor } from './helpers.ts';

// Every webhook the mock sends is what contracts/churncut.openapi.yaml documents: the body
// against its `webhooks:` request body (components/schemas/WebhookEvent), the headers against
// the webhookSignature / webhookDelivery / webhookTimestamp parameters.

const EVENTS = [
  'cancellation.started',
  'cancellation.retained',
  'cancellation.completed',
  'offer.accepted',
] as const;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

afterEach(closeReceivers);

let document: Obj;
beforeAll(async () => {
  document = (await loadContract(contractFile('churncut'))).document;
});

const ajv = makeAjv(false);

/** The contract's webhook operation for an event name (`webhooks.<event>.post`). */
function webhookOp(event: string): Obj {
  const op = obj(obj(obj(document.webhooks)[event]).post);
  expect(op.operationId, `webhooks.${event} is in the contract`).toBeDefined();
  return op;
}

function bodySchema(op: Obj): JsonSchema {
  const schema = obj(obj(obj(obj(op.requestBody).content)['application/json']).schema);
  expect(Object.keys(schema).length).toBeGreaterThan(0);
  return schema;
}

function expectValid(schema: JsonSchema, value: unknown, what: string): void {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  expect(validate.errors ?? [], what).toEqual([]);
  expect(ok).toBe(true);
}

describe('webhook payloads and headers match the contract', () => {
  it('the contract documents exactly the four events, each with the WebhookEvent body and the three headers', () => {
    expect(Object.keys(obj(document.webhooks)).sort()).toEqual([...EVENTS].sort());
    const webhookEvent = obj(obj(obj(document.components).schemas).WebhookEvent);
    expect(obj(obj(webhookEvent.properties).event).enum).toEqual(
      expect.arrayContaining([...EVENTS]),
    );
    for (const event of EVENTS) {
      const op = webhookOp(event);
      expect(bodySchema(op)).toEqual(webhookEvent);
      const names = (op.parameters as Obj[]).map((p) => String(p.name));
      expect(names).toEqual([
        WEBHOOK_HEADERS.signature,
        WEBHOOK_HEADERS.delivery,
        WEBHOOK_HEADERS.timestamp,
      ]);
    }
  });

  it('every delivered body validates against WebhookEvent (ajv) with the mock-clock timestamp; every header against its parameter schema', async () => {
    const r = await startReceiver();
    const mock = await customMock({
      webhooks: { urls: [r.url] },
    });
    const a = activeCustomer(mock);
    const b = activeCustomer(mock, 1);
    const start = (c: { id: string; sub: string }) => startFlowFor(mock, c);
    // Each event at its own mock-clock time (far from the wall clock).
    const t0 = mock.clock.now();
    const flowA = await start(a);
    mock.clock.advance('PT2H');
    const t1 = mock.clock.now();
    expect(mock.vendors.churncut.flows.accept(flowA, 'discount').ok).toBe(true);
    const flowB = await start(b);
    mock.clock.advance('PT30M');
    const t2 = mock.clock.now();
    expect(mock.vendors.churncut.flows.cancel(flowB).ok).toBe(true);
    const expected = [
      { event: 'cancellation.started', flow: flowA, c: a, at: t0, offer: false },
      { event: 'offer.accepted', flow: flowA, c: a, at: t1, offer: true },
      { event: 'cancellation.retained', flow: flowA, c: a, at: t1, offer: true },
      { event: 'cancellation.started', flow: flowB, c: b, at: t1, offer: false },
      { event: 'cancellation.completed', flow: flowB, c: b, at: t2, offer: false },
    ];
    await r.waitFor(expected.length);
    expect(r.requests).toHaveLength(expected.length);

    const webhookEvent = obj(obj(obj(document.components).schemas).WebhookEvent) as JsonSchema;
    const seen: string[] = [];
    for (const g of r.requests) {
      const body = JSON.parse(g.body) as {
        event: string;
        timestamp: string;
        data: { flow_id: string; customer_id: string; subscription_id: string; offer: unknown };
      };
      const op = webhookOp(body.event);
      expectValid(bodySchema(op), body, `${body.event} body`);
      expectValid(webhookEvent, body, `${body.event} body (components/schemas/WebhookEvent)`);
      expect(g.headers['content-type']).toMatch(/^application\/json/);

      const want = expected.find((e) => e.event === body.event && e.flow === body.data.flow_id);
      expect(want, `${body.event} for ${body.data.flow_id} was expected`).toBeDefined();
      expect(body.timestamp).toBe(new Date(want?.at ?? 0).toISOString());
      expect(body.data).toMatchObject({ customer_id: want?.c.id, subscription_id: want?.c.sub });
      if (want?.offer) expect(body.data.offer).toMatchObject({ type: 'discount' });
      else expect(body.data.offer).toBeNull();
      seen.push(`${body.event} ${body.data.flow_id}`);

      for (const p of op.parameters as Obj[]) {
        expect(p.in).toBe('header');
        const name = String(p.name);
        const value = g.headers[name.toLowerCase()];
        if (p.required === true) expect(value, `${body.event}: header ${name}`).toBeDefined();
        expectValid(obj(p.schema), value, `${body.event}: header ${name}`);
      }
      expect(g.headers['x-churncut-signature']).toMatch(/^[0-9a-f]{64}$/);
      // Send time in Unix seconds on the wall clock (not the mock clock): loosely near now.
      const sent = Number(g.headers['x-churncut-timestamp']) * 1000;
      expect(Math.abs(sent - Date.now())).toBeLessThan(5 * 60_000);
      expect(Math.abs(sent - mock.clock.now())).toBeGreaterThan(60 * 60_000);
    }
    expect(seen.sort()).toEqual(expected.map((e) => `${e.event} ${e.flow}`).sort());

    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries.map((d: { id: string }) => d.id).sort()).toEqual(
      r.requests.map((g) => String(g.headers['x-churncut-delivery'])).sort(),
    );
  });
});
