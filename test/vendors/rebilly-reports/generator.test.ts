import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CANCEL_CATEGORIES,
  CANCELED_BY,
  CODED_FIELDS,
  generateRebillyReports,
  LEAD_SOURCE_KEYS,
  type RebillyCancellations,
} from '../../../generators/rebilly-reports.ts';
import { DATA_START } from '../../../generators/time.ts';
import { generateWorld } from '../../../generators/world.ts';
import { RebillyReportsStore } from '../../../mock/vendors/rebilly-reports/store.ts';

const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const build = (seed: number, scale = 1) => {
  const world = generateWorld({ seed, asOf: AS_OF, scale });
  return { world, data: generateRebillyReports(world) };
};
const DEFAULT = build(42);
const store = new RebillyReportsStore(DEFAULT.world, DEFAULT.data);
const subs = [...store.subscriptions()];
const share = (p: (s: (typeof subs)[number]) => boolean) => subs.filter(p).length / subs.length;

function hash(d: RebillyCancellations): string {
  const h = createHash('sha256');
  for (const a of [d.customer, d.startTime, d.canceledTime, ...Object.values(d.codes)])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  h.update(JSON.stringify(d.labels));
  return h.digest('hex');
}

describe('Rebilly cancellations generator', () => {
  it('is a pure function of the world: same world, same bytes; another seed, others', () => {
    expect(hash(generateRebillyReports(DEFAULT.world))).toBe(hash(DEFAULT.data));
    expect(hash(build(43).data)).not.toBe(hash(DEFAULT.data));
  });

  it('draws from the shared world: real customers, their subscriptions and plans', () => {
    expect(subs.length).toBeGreaterThan(DEFAULT.world.customers.length * 0.4);
    expect(subs.length).toBeLessThan(DEFAULT.world.customers.length * 0.8);
    for (let i = 0; i < subs.length; i += 97) {
      const c = store.customer(i);
      expect(subs[i]).toMatchObject({
        id: c.subscription.id,
        customerId: c.id,
        planId: c.subscription.plan.id,
        quantity: c.subscription.quantity,
        currency: c.subscription.currency.toUpperCase(),
      });
      expect(Date.parse(subs[i]?.startTime ?? '')).toBe(
        Math.floor(c.subscription.start / 1000) * 1000,
      );
    }
    expect(new Set(subs.map((s) => s.customerId)).size).toBe(subs.length);
  });

  it('cancels between 2022-01-01 and the as-of date, after the start, sorted by cancel time', () => {
    const { canceledTime: t, startTime, count } = DEFAULT.data;
    const bad: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = t[i] as number;
      const ok =
        at >= DATA_START / 1000 &&
        at <= AS_OF / 1000 &&
        at > (startTime[i] as number) &&
        (i === 0 || at >= (t[i - 1] as number));
      if (!ok) bad.push(i);
    }
    expect(bad).toEqual([]);
    const years = new Set(subs.map((s) => s.canceledTime.slice(0, 4)));
    expect([...years].sort()).toEqual(['2022', '2023', '2024', '2025']);
  });

  it('has plausible causes: mostly customers, Rebilly only for billing reasons, every category', () => {
    expect(share((s) => s.canceledBy === 'customer')).toBeGreaterThan(0.55);
    expect(new Set(subs.map((s) => s.canceledBy))).toEqual(new Set(CANCELED_BY));
    expect(new Set(subs.map((s) => s.cancelCategory))).toEqual(
      new Set([...CANCEL_CATEGORIES, null]),
    );
    const byRebilly = new Set(
      subs.filter((s) => s.canceledBy === 'rebilly').map((s) => s.cancelCategory),
    );
    expect(byRebilly).toEqual(new Set(['billing-failure', 'delinquency', 'contract-expired']));
    expect(share((s) => s.cancelCategory === null)).toBeLessThan(0.05);
  });

  it('has plausible lengths: days to years, median below mean (a long tail)', () => {
    const days = subs
      .map((s) => (Date.parse(s.canceledTime) - Date.parse(s.startTime)) / 86_400_000)
      .sort((a, b) => a - b);
    const mean = days.reduce((a, b) => a + b, 0) / days.length;
    const med = days[days.length >> 1] as number;
    expect(med).toBeGreaterThan(60);
    expect(med).toBeLessThan(mean);
    expect(days[0]).toBeLessThan(1);
    expect(days.at(-1)).toBeGreaterThan(3 * 365);
  });

  it('leaves lead-source fields missing as real tracking does, in every field', () => {
    expect(share((s) => s.leadSource === null)).toBeGreaterThan(0.15);
    expect(share((s) => s.leadSource === null)).toBeLessThan(0.4);
    for (const k of LEAD_SOURCE_KEYS) {
      expect(
        share((s) => s.leadSource?.[k] !== undefined),
        k,
      ).toBeGreaterThan(0.02);
      expect(
        share((s) => s.leadSource?.[k] === undefined),
        k,
      ).toBeGreaterThan(0.2);
    }
    // Values must be usable in a filter: no "," or ";" and no "..".
    for (const f of CODED_FIELDS)
      for (const v of DEFAULT.data.labels[f]) expect(v ?? '').not.toMatch(/[,;]|\.\./);
  });

  it('stays compact: about 30 bytes per subscription', () => {
    const d = DEFAULT.data;
    const bytes = [d.customer, d.startTime, d.canceledTime, ...Object.values(d.codes)].reduce(
      (n, a) => n + a.byteLength,
      0,
    );
    expect(bytes / d.count).toBeLessThan(32);
  });

  it('grows linearly with the scale', () => {
    const ratio = build(42, 2).data.count / DEFAULT.data.count;
    expect(ratio).toBeGreaterThan(1.85);
    expect(ratio).toBeLessThan(2.15);
  });
});
