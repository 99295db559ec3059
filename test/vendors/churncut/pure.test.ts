import { describe, expect, it } from 'vitest';
import { offerInEffectUntil } from '../../../generators/churncut-offers.ts';
import { bucketStarts, dayOf, percent } from '../../../mock/vendors/churncut/analytics.ts';
import { seededFlowId, seededFlowIndex } from '../../../mock/vendors/churncut/ids.ts';
import { pageCustomers } from '../../../mock/vendors/churncut/query.ts';
import { statusCodesAt } from '../../../mock/vendors/churncut/status.ts';

const JAN_1 = Date.UTC(2024, 0, 1);
const FEB_1 = Date.UTC(2024, 1, 1);
const DAY = 86_400_000;

describe('seeded flow ids', () => {
  it.each([0, 1, 2, 12_345, 257_934])('index %i round-trips', (i) => {
    expect(seededFlowId(i)).toMatch(/^flow_[0-9a-z]{7}$/);
    expect(seededFlowIndex(seededFlowId(i), 300_000)).toBe(i);
  });
  it.each(['flow_nope', 'flow_zzzzzzz', 'cus_abc', `flow_${'0'.repeat(7)}`])(
    '%s is not one',
    (id) => {
      expect(seededFlowIndex(id, 10)).toBe(-1);
    },
  );
});

describe('analytics buckets', () => {
  it.each([
    ['day', 31, '2024-01-31'],
    ['week', 5, '2024-01-29'],
    ['month', 1, '2024-01-01'],
  ] as const)('January 2024 by %s has %i buckets, the last starting %s', (g, n, last) => {
    const b = bucketStarts(JAN_1, FEB_1, g);
    expect(b.length).toBe(n);
    expect(new Date(b.at(-1) as number).toISOString().slice(0, 10)).toBe(last);
  });
  it('months after a mid-month start begin on the 1st', () => {
    const b = bucketStarts(JAN_1 + 14 * DAY, Date.UTC(2024, 3, 1), 'month');
    expect(b.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2024-01-15',
      '2024-02-01',
      '2024-03-01',
    ]);
  });
  it.each([
    ['2024-01-05', Date.UTC(2024, 0, 5)],
    ['2024-01-05T23:59:59Z', Date.UTC(2024, 0, 5)],
    ['2024-01-05T23:00:00-02:00', Date.UTC(2024, 0, 6)],
  ])('dayOf(%s)', (v, t) => expect(dayOf(v)).toBe(t));
  it.each([
    // One decimal, as the ChurnCut API docs write rates (Retention metrics: 8 of 15 is 53.3).
    [8, 15, 53.3],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [0, 0, 0],
    [12, 1000, 1.2],
    [65, 100, 65],
  ])('percent(%i, %i) = %d', (a, b, p) => expect(percent(a, b)).toBe(p));
});

describe('pageCustomers', () => {
  const order = Int32Array.from([3, 1, 0, 2, 4]);
  const probability = Uint8Array.from([10, 80, 50, 75, 39]);
  const status = Uint8Array.from([0, 1, 0, 2, 0]);
  it.each([
    [{ limit: 2, offset: 0 }, [3, 1], 5],
    [{ limit: 10, offset: 3 }, [2, 4], 5],
    [{ limit: 10, offset: 0, riskLevel: 'high' }, [3, 1], 2],
    [{ limit: 1, offset: 1, riskLevel: 'high' }, [1], 2],
    [{ limit: 10, offset: 0, status: 'active' }, [0, 2, 4], 3],
    [{ limit: 10, offset: 0, status: 'active', riskLevel: 'low' }, [0, 4], 2],
  ] as const)('%j', (q, indices, total) => {
    expect(pageCustomers(order, probability, status, q)).toEqual({ indices, total });
  });
});

describe('offerInEffectUntil: how long an accepted offer keeps the customer retained', () => {
  const at = Date.parse('2024-01-20T15:45:00Z');
  it.each([
    [{ type: 'discount', value: 50, duration_months: 3 } as const, '2024-04-20T15:45:00.000Z'],
    [{ type: 'pause', duration_months: 2 } as const, '2024-03-20T15:45:00.000Z'],
    [{ type: 'discount', value: 20, duration_months: 1 } as const, '2024-02-20T15:45:00.000Z'],
  ])('%j accepted 2024-01-20T15:45Z: until %s', (offer, until) => {
    expect(new Date(offerInEffectUntil(offer, at)).toISOString()).toBe(until);
  });
  it('a month-end acceptance ends on the last day of a shorter month', () => {
    const jan31 = Date.parse('2024-01-31T12:00:00Z');
    const pause = { type: 'pause', duration_months: 1 } as const;
    expect(new Date(offerInEffectUntil(pause, jan31)).toISOString()).toBe(
      '2024-02-29T12:00:00.000Z',
    );
  });
  it('a downgrade has no term', () => {
    expect(offerInEffectUntil({ type: 'downgrade', plan: 'creator' }, at)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('statusCodesAt', () => {
  const outcomes = {
    status: Uint8Array.from([0, 1, 2, 2]),
    retainedUntil: Float64Array.from([Number.NaN, Number.NaN, 1000, Number.POSITIVE_INFINITY]),
    endedAt: Float64Array.from([Number.NaN, 500, Number.NaN, Number.NaN]),
  };
  it.each([
    [999, [0, 1, 2, 2]],
    [1000, [0, 1, 0, 2]],
    [10 ** 15, [0, 1, 0, 2]],
  ])('at %i: retained only while the offer runs', (now, codes) => {
    expect([...statusCodesAt(outcomes, now)]).toEqual(codes);
  });
});
