import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSeededData } from '../../generators/dataset.ts';
import { generateWorld } from '../../generators/world.ts';
import type { Mock } from '../../mock/create.ts';
import { DEFAULT_OPTIONS } from '../../mock/create.ts';
import { datasetRecords } from '../../mock/dataset.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { DEFAULT_CC_OPTIONS } from '../../mock/vendors/churncut/options.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../mock/vendors/rebilly-reports/options.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';

/**
 * `churnmock generate` writes what the mock serves: each vendor record line equals the API's
 * answer for the same seed, as-of and scale, and is valid against the contract.
 */
const SCALE = 0.05;
const world = generateWorld({ seed: 42, asOf: Date.parse(DEFAULT_OPTIONS.asOf), scale: SCALE });
const records = [...datasetRecords(REGISTRY, world, generateSeededData(world))] as {
  type: string;
  data: Record<string, unknown>;
}[];
const ofType = (type: string) => records.filter((r) => r.type === type).map((r) => r.data);
/** Every n-th item, so a handful of records from across the dataset are compared. */
const sample = <T>(items: readonly T[], n = 8) =>
  items.filter((_, i) => i % Math.max(1, Math.floor(items.length / n)) === 0);

const CC = { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` };
const REB = { 'REB-APIKEY': DEFAULT_REBILLY_CREDENTIALS.apiKey };
let mock: Mock;
beforeAll(async () => {
  mock = await customMock({ scale: SCALE });
});

describe('the generated dataset holds every vendor, as the API serves it', () => {
  it('has ChurnCut customers and past flows, and Rebilly canceled subscriptions', () => {
    expect(ofType('churncut.customer')).toHaveLength(world.customers.length);
    expect(ofType('churncut.flow').length).toBeGreaterThan(50);
    expect(ofType('rebilly.subscription').length).toBeGreaterThan(100);
  });

  it('a ChurnCut customer line is GET /v1/customers/{id}', async () => {
    for (const line of sample(ofType('churncut.customer'))) {
      const res = await request(mock.app).get(`/v1/customers/${line.id}`).set(CC);
      await expectContract('getCustomer', res);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(line);
    }
  });

  it('a ChurnCut flow line is GET /v1/cancellation-flows/{id}', async () => {
    for (const line of sample(ofType('churncut.flow'))) {
      const res = await request(mock.app).get(`/v1/cancellation-flows/${line.id}`).set(CC);
      await expectContract('getCancellationFlow', res);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(line);
    }
  });

  it('the Rebilly lines are the rows the report aggregates', async () => {
    const subs = ofType('rebilly.subscription');
    const byPlan = new Map<string, number>();
    for (const s of subs) {
      expect(Date.parse(String(s.canceledTime))).toBeGreaterThan(Date.parse(String(s.startTime)));
      const plan = String(s.planId);
      byPlan.set(plan, (byPlan.get(plan) ?? 0) + 1);
    }
    const res = await request(mock.app)
      .get('/experimental/reports/subscription-cancellation')
      .query({
        periodStart: '2000-01-01T00:00:00Z',
        periodEnd: '2100-01-01T00:00:00Z',
        aggregationField: 'planId',
        limit: 1000,
      })
      .set(REB);
    await expectContract('GetSubscriptionCancellationReport', res);
    expect(res.status).toBe(200);
    const report = new Map<string, number>(
      (res.body.data as { aggregationValue: string; count: number }[]).map((r) => [
        r.aggregationValue,
        r.count,
      ]),
    );
    expect(report).toEqual(byPlan);
  });
});
