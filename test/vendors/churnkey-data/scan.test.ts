import { describe, expect, it } from 'vitest';
import { generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import { Rng } from '../../../generators/random.ts';
import { generateWorld } from '../../../generators/world.ts';
import { DIMENSIONS } from '../../../mock/vendors/churnkey-data/fields.ts';
import { aggregate, compileFilter, page } from '../../../mock/vendors/churnkey-data/query.ts';
import {
  scanAggregate,
  scanAggregateJson,
  scanPage,
} from '../../../mock/vendors/churnkey-data/scan.ts';
import { ChurnkeyDataStore } from '../../../mock/vendors/churnkey-data/store.ts';

const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const world = generateWorld({ seed: 11, asOf: AS_OF, scale: 0.3 });
const store = new ChurnkeyDataStore(world, generateChurnkeyData(world));
const all = [...store.sessions(AS_OF)];
const sample = all[17];
if (!sample) throw new Error('fixture');

// Values that exist, values that do not, and every negation: the scan must agree with records.
const CHOICES: Record<string, readonly unknown[]> = {
  trial: [true, false],
  billingInterval: ['WEEK', 'MONTH', 'YEAR'],
  planId: ['pro_monthly', 'no_such_plan'],
  offerType: ['PAUSE', 'DISCOUNT', 'TRIAL_EXTENSION'],
  saveType: ['ABANDON', 'PLAN_CHANGE'],
  pauseDuration: [1, 3, 99],
  couponId: ['SAVE20_3MO', 'nope'],
  sessionCurrency: ['usd', 'cad'],
  customerEmail: [sample.customer.email, 'nobody@example.com'],
  sessionId: [sample.id],
  segmentId: [sample.blueprint.segmentId],
  response: ['Missing Features'],
  '-offerType': ['PAUSE', 'NONE_SUCH'],
  '-canceled': [true, false],
  '-planId': ['pro_monthly'],
  bounced: [true, false],
  startDate: ['2023-01-01', '2024-06-15T12:00:00Z', '2030-01-01'],
  endDate: ['2023-06-01', '2025-01-01', '2021-01-01'],
};

describe('column scan agrees with the record path', () => {
  const r = new Rng(99);
  const cases = Array.from({ length: 60 }, () => {
    const query: Record<string, unknown> = {};
    for (const key of r.sample(Object.keys(CHOICES), r.int(0, 4)))
      query[key] = r.pick(CHOICES[key] ?? []);
    const dims = r.sample(
      Object.keys(DIMENSIONS).filter((d) => d !== 'response'),
      r.int(0, 3),
    );
    const now = r.bool(0.2) ? Date.parse('2024-01-01T00:00:00Z') : AS_OF;
    return { query, dims, now, skip: r.pick([0, 3, 50]), limit: r.pick([1, 10, 100_000]) };
  });

  it.each(cases)('%j', ({ query, dims, now, skip, limit }) => {
    const f = compileFilter(query);
    const visible = [...store.sessions(now)];
    expect(scanPage(store.view(), f, now, skip, limit).map((s) => s.id)).toEqual(
      page(visible, f, skip, limit).map((s) => s.id),
    );
    const rows = scanAggregate(store.view(), f, now, dims);
    expect(rows).toEqual(aggregate(visible, f, dims));
    expect(scanAggregateJson(store.view(), f, now, dims).text()).toBe(JSON.stringify(rows));
  });
});

describe('column scan agrees with the record path on the widest breakdowns', () => {
  // Every dimension: the product of the dictionaries passes 2^53, so one mixed-radix number
  // per group would collide (day 2022-02-01 in month 2022-01).
  const every = Object.keys(DIMENSIONS).filter((d) => d !== 'response');
  const r = new Rng(53);
  const cases = [
    { query: { bounced: true }, dims: every },
    { query: {}, dims: every.filter((d) => d !== 'bounced') },
    ...Array.from({ length: 6 }, () => {
      const query: Record<string, unknown> = {};
      for (const key of r.sample(Object.keys(CHOICES), r.int(0, 2)))
        query[key] = r.pick(CHOICES[key] ?? []);
      return { query, dims: r.sample(every, r.int(16, every.length)) };
    }),
  ];

  it.each(cases)('%j', ({ query, dims }) => {
    const f = compileFilter(query);
    const rows = scanAggregate(store.view(), f, AS_OF, dims);
    expect(rows).toEqual(aggregate([...store.sessions(AS_OF)], f, dims));
  });
});
