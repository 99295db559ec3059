import { describe, expect, it } from 'vitest';
import { DsrTable, generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import {
  buildDsrRecords,
  countsOf,
  DSR_DATED_BY,
  dsrRecordsAt,
} from '../../../generators/churnkey-dsr.ts';
import { OFFER_TYPES } from '../../../generators/churnkey-flows.ts';
import { generateSeededData } from '../../../generators/dataset.ts';
import { DATA_START } from '../../../generators/time.ts';
import { generateWorld } from '../../../generators/world.ts';
import { datasetHash } from '../../../mock/dataset.ts';
import { REGISTRY } from '../../../mock/registry.ts';
import { ChurnkeyDataStore } from '../../../mock/vendors/churnkey-data/store.ts';

const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const build = (seed: number, scale = 1, asOf = AS_OF) => {
  const world = generateWorld({ seed, asOf, scale });
  return { world, data: generateChurnkeyData(world) };
};
const DEFAULT = build(42);
/** The hash of every vendor's records for the same world. */
const hashOf = (b: ReturnType<typeof build>) =>
  datasetHash(REGISTRY, b.world, generateSeededData(b.world));
const sessions = DEFAULT.data.sessions.toArray();
const share = (p: (s: (typeof sessions)[number]) => boolean) =>
  sessions.filter(p).length / sessions.length;

describe('seeded world', () => {
  it('is a pure function of (seed, asOf, scale): same inputs, same bytes', () => {
    const again = build(42);
    expect(hashOf(again)).toBe(hashOf(DEFAULT));
  });

  it('changes with the seed, the as-of date and the scale', () => {
    const base = hashOf(DEFAULT);
    const other = build(43);
    expect(hashOf(other)).not.toBe(base);
    const earlier = build(42, 1, Date.parse('2025-06-30T00:00:00Z'));
    expect(hashOf(earlier)).not.toBe(base);
  });

  it('has a few thousand customers and about 10,000 sessions at scale 1, growing linearly', () => {
    expect(DEFAULT.world.customers.length).toBeGreaterThan(2000);
    expect(DEFAULT.world.customers.length).toBeLessThan(10_000);
    expect(sessions.length).toBeGreaterThan(9000);
    expect(sessions.length).toBeLessThan(11_000);
    const double = build(42, 2).data.sessions.length;
    expect(double / sessions.length).toBeGreaterThan(1.85);
    expect(double / sessions.length).toBeLessThan(2.15);
  });

  it('spans 2022-01-01 to the as-of date, newest first', () => {
    const times = sessions.map((s) => s.createdAt);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(DATA_START);
    expect(Math.max(...times)).toBeLessThanOrEqual(AS_OF);
    expect(times.every((t, i) => i === 0 || (times[i - 1] as number) >= t)).toBe(true);
    const years = new Set(times.map((t) => new Date(t).getUTCFullYear()));
    expect([...years].sort()).toEqual([2022, 2023, 2024, 2025]);
  });

  it('has plausible outcomes: most cancel, a real share saved, some aborted', () => {
    expect(share((s) => s.canceled)).toBeGreaterThan(0.45);
    expect(share((s) => s.accepted !== null)).toBeGreaterThan(0.2);
    expect(share((s) => s.aborted)).toBeGreaterThan(0.08);
    expect(share((s) => s.aborted)).toBeLessThan(0.25);
    expect(share((s) => s.trial)).toBeGreaterThan(0.03);
    expect(share((s) => s.mode === 'TEST')).toBeGreaterThan(0);
  });

  it('presents and accepts every offer type, with every billing interval', () => {
    const presented = new Set(sessions.flatMap((s) => s.presented.map((p) => p.offer.offerType)));
    const accepted = new Set(sessions.map((s) => s.accepted?.offerType).filter(Boolean));
    expect([...presented].sort()).toEqual([...OFFER_TYPES].sort());
    expect([...accepted].sort()).toEqual([...OFFER_TYPES].sort());
    const intervals = new Set(sessions.map((s) => s.customer.subscription.plan.interval));
    expect([...intervals].sort()).toEqual(['MONTH', 'WEEK', 'YEAR']);
  });

  it('records survey answers, feedback, A/B tests and several blueprints', () => {
    const answers = new Set(sessions.map((s) => s.choice?.value).filter(Boolean));
    for (const a of [
      "Doesn't Fit My Budget",
      'Missing Features',
      'Technical Issues',
      'Stopped Creating',
    ]) {
      expect(answers).toContain(a);
    }
    expect(share((s) => s.feedback !== null)).toBeGreaterThan(0.2);
    expect(new Set(sessions.map((s) => s.blueprint.abtest).filter(Boolean)).size).toBe(2);
    expect(new Set(sessions.map((s) => s.blueprint.id)).size).toBeGreaterThan(10);
  });

  it('has customers with several sessions within 24 h, so bounced sessions exist (derived)', () => {
    const store = new ChurnkeyDataStore(DEFAULT.world, DEFAULT.data);
    const all = [...store.sessions(AS_OF)];
    const bounced = all.filter((s) => s.bounced);
    expect(bounced.length).toBeGreaterThan(100);
    for (const b of bounced.slice(0, 50)) {
      const later = all.filter(
        (s) =>
          s.customer.id === b.customer.id &&
          s.createdAt > b.createdAt &&
          s.createdAt - b.createdAt <= 86_400_000,
      );
      expect(later.length).toBeGreaterThan(0);
    }
  });

  it('gives some people more than 10,000 events (the DSR delete limit) and everyone else fewer', () => {
    const heavy = DEFAULT.data.dsr.toArray().filter((d) => d.events > 10_000);
    expect(heavy.length).toBeGreaterThanOrEqual(3);
    expect(heavy.length).toBeLessThan(20);
  });

  it('builds DSR records deterministically with the counted number of each kind', () => {
    const c = DEFAULT.world.customers[5];
    const counts = DEFAULT.data.dsr.at(5);
    if (!c || !counts) throw new Error('fixture');
    const a = buildDsrRecords(42, c, counts, AS_OF);
    expect(JSON.stringify(buildDsrRecords(42, c, counts, AS_OF))).toBe(JSON.stringify(a));
    expect(a.events.length).toBe(counts.events);
    expect(a.invoices.length).toBe(counts.invoices);
    expect(a.charges.length).toBe(counts.charges);
    expect(a.subscriptions[0]?.id).toBe(c.subscription.id);
  });
});

describe('DsrTable: the DSR counts as columns', () => {
  it('reads a person as counts, nobody past the end, and replaces one in a copy only', () => {
    const dsr = DEFAULT.data.dsr;
    expect(dsr.length).toBe(DEFAULT.world.customers.length);
    expect(dsr.at(-1)).toBeUndefined();
    expect(dsr.at(dsr.length)).toBeUndefined();
    const before = dsr.at(3);
    const counts = {
      events: 1,
      campaigns: 2,
      invoices: 3,
      failedPayments: 4,
      subscriptions: 5,
      charges: 6,
      emails: 7,
    };
    const copy = dsr.with(3, counts);
    expect(copy.at(3)).toEqual(counts);
    expect(copy).toBeInstanceOf(DsrTable);
    expect(dsr.at(3)).toEqual(before);
    expect(copy.at(4)).toEqual(dsr.at(4));
    const none = Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));
    expect(DsrTable.zeros(2).toArray()).toEqual([none, none]);
  });
});

describe('dsrRecordsAt: what had happened by the mock clock', () => {
  const c = DEFAULT.world.customers[5];
  const counts = DEFAULT.data.dsr.at(5);
  if (!c || !counts) throw new Error('fixture');
  const all = buildDsrRecords(42, c, counts, AS_OF);
  const kinds = Object.keys(DSR_DATED_BY) as (keyof typeof DSR_DATED_BY)[];
  const dated = (kind: (typeof kinds)[number], r: Record<string, unknown>) =>
    Date.parse(String(r[DSR_DATED_BY[kind]]));

  it('dates nothing after the as-of date, so at the as-of date every record counts', () => {
    for (let i = 0; i < DEFAULT.world.customers.length; i += 37) {
      const p = DEFAULT.world.customers[i];
      const n = DEFAULT.data.dsr.at(i);
      if (!p || !n) continue;
      const records = buildDsrRecords(42, p, n, AS_OF);
      for (const kind of kinds)
        for (const r of records[kind]) expect(dated(kind, r)).toBeLessThanOrEqual(AS_OF);
    }
    expect(dsrRecordsAt(all, AS_OF)).toEqual(all);
    expect(countsOf(all)).toEqual(counts);
  });

  it('keeps, of every kind, exactly the records dated at or before now', () => {
    const now = Date.parse(String(all.invoices[1]?.created));
    const then = dsrRecordsAt(all, now);
    for (const kind of kinds) {
      const ids = (rs: Record<string, unknown>[]) => rs.map((r) => r.id);
      expect(ids(then[kind]), kind).toEqual(ids(all[kind].filter((r) => dated(kind, r) <= now)));
    }
    expect(then.invoices).toHaveLength(2);
  });

  it('shows a subscription canceled after now as it then was: running', () => {
    const sub = {
      id: 'sub_1',
      planId: 'starter_monthly',
      status: 'canceled',
      start: '2024-01-01T00:00:00.000Z',
      canceledAt: '2024-06-01T00:00:00.000Z',
    };
    const records = { ...dsrRecordsAt(all, 0), subscriptions: [sub] };
    expect(dsrRecordsAt(records, Date.parse('2024-03-01T00:00:00Z')).subscriptions).toEqual([
      { ...sub, status: 'active', canceledAt: null },
    ]);
    expect(dsrRecordsAt(records, Date.parse('2024-06-01T00:00:00Z')).subscriptions).toEqual([sub]);
    expect(dsrRecordsAt(records, Date.parse('2023-12-31T23:59:59Z')).subscriptions).toEqual([]);
  });
});
