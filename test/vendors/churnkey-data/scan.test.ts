import { describe, expect, it } from 'vitest';
import { generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import { Rng } from '../../../generators/random.ts';
import { generateWorld } from '../../../generators/world.ts';
import { DIMENSIONS } from '../../../mock/vendors/churnkey-data/fields.ts';
import { aggregate, compileFilter, page } from '../../../mock/vendors/churnkey-data/query.ts';
import {
  prefixTableBuilds,
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

describe('breakdowns written straight from sorted counts agree with JSON.stringify', () => {
  it('with few row keys (their texts kept) and with more than are kept (day × saveType)', () => {
    const f = compileFilter({});
    for (const dims of [
      ['month', 'saveType'],
      ['day', 'saveType'],
      ['saveType', 'day'],
    ]) {
      const rows = scanAggregate(store.view(), f, AS_OF, dims);
      expect(rows.length, dims.join('+')).toBeGreaterThan(dims.includes('day') ? 1000 : 20);
      // Twice: the second time from the kept row texts, where they are kept.
      for (let i = 0; i < 2; i++)
        expect(scanAggregateJson(store.view(), f, AS_OF, dims).text()).toBe(JSON.stringify(rows));
    }
  });
});

describe('unfiltered breakdowns asked for again (prefix tables) agree with the record path', () => {
  it('over moving date ranges, with and without bounced sessions', () => {
    const own = new ChurnkeyDataStore(world, generateChurnkeyData(world));
    const r = new Rng(7);
    const day = (from: string, span: number) =>
      new Date(Date.parse(from) + r.int(0, span) * 86_400_000).toISOString().slice(0, 10);
    const before = prefixTableBuilds();
    for (const dims of [['month', 'saveType'], ['bounced'], ['saveType', 'bounced'], ['offerType']])
      for (let round = 0; round < 12; round++) {
        const query: Record<string, unknown> = { startDate: day('2019-01-01', 2000) };
        if (r.bool(0.4)) query.endDate = day('2024-01-01', 800);
        if (r.bool(0.5)) query.bounced = true;
        const f = compileFilter(query);
        const now = r.bool(0.2) ? Date.parse('2024-06-01T00:00:00Z') : AS_OF;
        const rows = scanAggregate(own.view(), f, now, dims);
        expect(rows).toEqual(aggregate([...own.sessions(now)], f, dims));
        expect(scanAggregateJson(own.view(), f, now, dims).text()).toBe(JSON.stringify(rows));
      }
    // Each breakdown, with and without bounced sessions, read a table of its own.
    expect(prefixTableBuilds() - before).toBe(8);
  });

  it('after writes: erased customers, and a seeded session a later one bounced', () => {
    const own = new ChurnkeyDataStore(world, generateChurnkeyData(world));
    const seeded = [...own.sessions(AS_OF)];
    const erased = seeded.slice(40, 45).map((x) => x.customer);
    for (const c of erased) own.erase(c, AS_OF);
    const s = seeded.find(
      (x, i) => i > 300 && !x.bounced && !erased.some((c) => c.index === x.customer.index),
    );
    if (!s) throw new Error('fixture');
    const later = s.createdAt + 20 * 3_600_000; // within 24 hours: s bounces
    own.add({
      ...s,
      id: 'rec_bouncer',
      createdAt: later,
      updatedAt: later,
      recordingStart: later,
      recordingEnd: later + 60_000,
      bounced: false,
    });
    expect([...own.sessions(AS_OF)].find((x) => x.id === s.id)?.bounced).toBe(true);
    // Ranges that end after s but before the session that bounced it: no recorded session to
    // merge, so the prefix tables answer, corrected for the rows the writes changed.
    const endDate = new Date(s.createdAt + 60_000).toISOString();
    const before = prefixTableBuilds();
    for (const dims of [['bounced'], ['month', 'saveType'], ['saveType', 'bounced']])
      for (const query of [{ endDate }, { endDate, bounced: true }])
        for (let round = 0; round < 3; round++) {
          const f = compileFilter(query);
          const rows = scanAggregate(own.view(), f, AS_OF, dims);
          expect(rows).toEqual(aggregate([...own.sessions(AS_OF)], f, dims));
        }
    expect(prefixTableBuilds() - before).toBe(6);
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
