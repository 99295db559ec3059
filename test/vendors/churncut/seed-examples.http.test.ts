import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateChurnCut, riskOf } from '../../../generators/churncut.ts';
import { OUTCOMES, seededOffer } from '../../../generators/churncut-flows.ts';
import {
  CHURNCUT_EXAMPLE,
  findSeedExample,
  SEED_EXAMPLE_IDS,
} from '../../../generators/seed-examples.ts';
import { generateWorld } from '../../../generators/world.ts';
import type { Mock } from '../../../mock/create.ts';
import { DEFAULT_OPTIONS } from '../../../mock/create.ts';
import { seededFlowId } from '../../../mock/vendors/churncut/ids.ts';
import { expectContract } from '../../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../../helpers/mock.ts';
import { CUSTOMERS, ccGet, ccPost, FLOWS } from './helpers.ts';

const { customerId, subscriptionId, flowId } = SEED_EXAMPLE_IDS;
const world = (scale: number) =>
  generateWorld({ seed: 42, asOf: Date.parse(DEFAULT_OPTIONS.asOf), scale });

describe('findSeedExample (pure)', () => {
  it('picks a high-risk Pro customer billed in USD, no trial, one flow retained with a discount, created after the example', () => {
    const data = generateChurnCut(world(1));
    const ex = findSeedExample(data);
    expect(ex).not.toBeNull();
    if (!ex) return;
    const c = data.world.customers[ex.customer];
    expect(c?.subscription.plan.tier).toBe('pro');
    expect(c?.subscription.currency).toBe('usd');
    expect(c?.subscription.trialEnd).toBeNull();
    expect(c?.created).toBeGreaterThanOrEqual(CHURNCUT_EXAMPLE.created);
    expect(riskOf(data.probability[ex.customer] as number)).toBe('high');
    expect(data.flows.start[ex.customer]).toBe(ex.flow);
    expect(data.flows.start[ex.customer + 1]).toBe(ex.flow + 1);
    expect(OUTCOMES[data.flows.outcome[ex.flow] as number]).toBe('retained');
    expect(seededOffer(data.flows, ex.flow)).toMatchObject({ type: 'discount' });
    expect(findSeedExample(generateChurnCut(world(1)))).toEqual(ex);
  });

  it('finds none in a world too small to hold one, and the mock then serves no example ids', async () => {
    expect(findSeedExample(generateChurnCut(world(0.002)))).toBeNull();
    const tiny = await customMock({ scale: 0.002 });
    const res = await ccGet(tiny, 'getCustomer', `${CUSTOMERS}/${customerId}`);
    expect(res.status).toBe(404);
  });
});

describe("the ChurnCut docs' own example requests, against the default data", () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await customMock({});
  });
  beforeEach(() => mock.reset());

  it('GET /v1/customers?risk_level=high&limit=10 lists ten high-risk customers', async () => {
    const res = await ccGet(mock, 'listCustomers', CUSTOMERS, { risk_level: 'high', limit: 10 });
    expect(res.status).toBe(200);
    expect(res.body.data.customers).toHaveLength(10);
    expect(res.body.data.has_more).toBe(true);
  });

  it("GET /v1/customers/cus_abc123 answers the docs' Get customer example, field by field", async () => {
    const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${customerId}`);
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d).toMatchObject({
      id: 'cus_abc123',
      email: 'customer@example.com',
      risk_level: 'high',
      churn_probability: 0.85,
      status: 'active',
      subscription: { id: 'sub_xyz789', plan: 'pro', amount: 4900, currency: 'usd' },
    });
    expect(d.factors).toEqual([
      { type: 'low_engagement', weight: 0.4 },
      { type: 'support_tickets', weight: 0.3 },
      { type: 'payment_failures', weight: 0.15 },
    ]);
    // The same instants as the document's; the mock writes milliseconds.
    expect(Date.parse(d.created_at)).toBe(Date.parse('2024-01-15T10:30:00Z'));
    expect(d.history).toHaveLength(1);
    expect(d.history[0]).toMatchObject({
      event: 'cancellation_attempted',
      outcome: 'retained',
      flow_id: flowId,
      offer: { type: 'discount', value: 50, duration_months: 3 },
    });
    expect(Date.parse(d.history[0].date)).toBe(Date.parse('2024-01-20T14:30:00Z'));
    // The docs' 2024-02-15 is in the past at the as-of date: an active subscription's period
    // end is the end of the billing period running at the mock clock's now (the contract says so).
    const end = Date.parse(d.subscription.current_period_end);
    expect(end).toBeGreaterThan(mock.clock.now());
    expect(new Date(end).toISOString()).toMatch(/^2026-01-15T10:[345]/);
  });

  it('cus_abc123 is retained only while the accepted 3-month discount runs (decision 008)', async () => {
    const at = async (now: string) => {
      const moved = await request(mock.app).post('/__admin/clock').send({ now });
      await expectContract('setClock', moved);
      expect(moved.status).toBe(200);
      return (await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${customerId}`)).body.data.status;
    };
    expect(await at('2024-02-01T00:00:00Z')).toBe('retained');
    expect(await at('2024-04-20T15:44:59.999Z')).toBe('retained');
    expect(await at('2024-04-20T15:45:00Z')).toBe('active');
    expect(await at('2025-12-31T00:00:00Z')).toBe('active');
  });

  it("GET /v1/customers lists cus_abc123 as the docs' List customers example shows it", async () => {
    let found: Record<string, unknown> | undefined;
    for (let offset = 0; !found; offset += 100) {
      const q = { risk_level: 'high', status: 'active', limit: 100, offset };
      const res = await ccGet(mock, 'listCustomers', CUSTOMERS, q);
      expect(res.body.data.customers.length).toBeGreaterThan(0);
      found = res.body.data.customers.find((c: { id: string }) => c.id === customerId);
    }
    expect(found).toEqual({
      id: 'cus_abc123',
      email: 'customer@example.com',
      risk_level: 'high',
      churn_probability: 0.85,
      status: 'active',
      subscription_id: 'sub_xyz789',
      factors: ['low_engagement', 'support_tickets'],
      created_at: new Date('2024-01-15T10:30:00Z').toISOString(),
    });
  });

  it('GET /v1/cancellation-flows/flow_123456: completed, retained with a discount, for cus_abc123', async () => {
    const res = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${flowId}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: flowId,
      status: 'completed',
      outcome: 'retained',
      offer_accepted: { type: 'discount', value: 50, duration_months: 3 },
      customer_id: customerId,
      subscription_id: subscriptionId,
      reason: 'too_expensive',
    });
    const instant = (field: string) => Date.parse(res.body.data[field]);
    expect(instant('completed_at')).toBe(Date.parse('2024-01-20T15:45:00Z'));
    expect(instant('created_at')).toBe(Date.parse('2024-01-20T14:30:00Z'));
    expect(instant('expires_at')).toBe(Date.parse('2024-01-21T14:30:00Z'));
    // The flow's scrambled id is not a second name for it.
    const data = mock.vendors.churncut.store.data;
    const scrambled = seededFlowId(data.exampleFlow ?? -1);
    const other = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${scrambled}`);
    expect(other.status).toBe(404);
  });

  it("POST /v1/cancellation-flows with the docs' body starts a flow (201)", async () => {
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: customerId,
      subscription_id: subscriptionId,
      reason: 'too_expensive',
      redirect_url: 'https://your-app.com/subscription/cancelled',
    });
    expect(res.status).toBe(201);
    expect(res.body.data.expires_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('cus_abc123 is the same person in every API (Churnkey sessions, hosted flow)', async () => {
    const res = await request(mock.app)
      .get('/v1/data/sessions')
      .query({ customerId })
      .set(CK_HEADERS);
    await expectContract('listSessions', res);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const s of res.body as { customer: { id: string } }[])
      expect(s.customer.id).toBe(customerId);
    const url = await request(mock.app).get('/__admin/churnkey/flow-url').query({ customerId });
    await expectContract('getHostedFlowUrl', url);
    const page = await request(mock.app).get(
      new URL(url.body.url).pathname + new URL(url.body.url).search,
    );
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<form');
  });
});
