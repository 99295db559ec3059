import { describe, expect, it } from 'vitest';
import { generateChurnCut } from '../../../generators/churncut.ts';
import { REASONS } from '../../../generators/churncut-offers.ts';
import { Rng } from '../../../generators/random.ts';
import { DAY } from '../../../generators/time.ts';
import { generateWorld } from '../../../generators/world.ts';
import { upperBound } from '../../../mock/core/search.ts';
import { MockClock } from '../../../mock/core/time/clock.ts';
import { bucketStarts, churnReport } from '../../../mock/vendors/churncut/analytics.ts';
import { churnTally } from '../../../mock/vendors/churncut/analytics-data.ts';
import { FlowLifecycle } from '../../../mock/vendors/churncut/lifecycle.ts';
import {
  CustomerFragments,
  toCustomerSummary,
} from '../../../mock/vendors/churncut/materialize.ts';
import {
  ChurnCutStore,
  type LiveFlow,
  MAX_LIVE_FLOWS,
} from '../../../mock/vendors/churncut/store.ts';
import { churnsBetween, fillLiveFlows } from './helpers.ts';

// The store keeps live flows by creation time, cancellations by time and the pending flows
// with their earliest expiry, so a request costs binary searches instead of a pass over every
// flow. These checks hold it to the plain definitions over all flows.
const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const world = generateWorld({ seed: 3, asOf: AS_OF, scale: 0.2 });
const data = generateChurnCut(world);

describe('ChurnCut store writes', () => {
  it('expiry, flows by creation and cancellations by time match a pass over every flow', () => {
    const clock = new MockClock(AS_OF);
    const store = new ChurnCutStore(data, () => clock.now());
    const life = new FlowLifecycle(store, clock, () => {});
    const r = new Rng(77);
    const flows: LiveFlow[] = [];
    /** Expired: every pending flow whose expiry some expiry pass (a request) has seen come. */
    const expired = new Set<string>();
    const sweep = () => {
      for (const f of flows)
        if (f.status !== 'completed' && clock.now() >= f.expiresAt) expired.add(f.id);
    };
    for (let op = 0; op < 600; op++) {
      const roll = r.int(0, 99);
      if (roll < 15) {
        clock.set(clock.now() + r.int(-3 * DAY, 3 * DAY)); // the clock moves either way
        sweep();
      } else if (roll < 70) {
        const c = world.customers[r.int(0, 60)];
        if (!c) continue;
        sweep(); // start applies expiry first
        const res = life.start(
          {
            customer_id: c.id,
            subscription_id: c.subscription.id,
            reason: r.pick(REASONS),
            redirect_url: 'https://example.com/back',
          },
          'http://127.0.0.1:4010',
        );
        if (res.ok && res.created) flows.push(res.flow);
      } else {
        const f = flows.length ? r.pick(flows) : undefined;
        if (!f) continue;
        sweep();
        if (r.bool()) {
          const offer = f.offers[0];
          if (offer) life.accept(f.id, offer.type);
        } else life.cancel(f.id);
      }
      for (const f of flows) {
        const want =
          f.completedAt !== null ? 'completed' : expired.has(f.id) ? 'expired' : 'pending';
        expect(f.status, f.id).toBe(want);
      }
      if (op % 50 === 0) {
        const from = AS_OF + r.int(-2 * DAY, 10 * DAY);
        const to = from + r.int(0, 5 * DAY);
        const created = flows.filter((f) => f.created >= from && f.created < to);
        created.sort((a, b) => a.created - b.created);
        expect([...store.liveFlowsCreated(from, to)].map((f) => f.id)).toEqual(
          created.map((f) => f.id),
        );
        const churned = flows.filter((f) => f.outcome === 'cancelled');
        expect(store.liveChurnsBefore(to)).toBe(
          churned.filter((f) => (f.completedAt as number) < to).length,
        );
        const all = [...churnsBetween(store, from, to)].length;
        const seeded = store.churnTimes.filter((t) => t >= from && t < to).length;
        const live = churned.filter(
          (f) => (f.completedAt as number) >= from && (f.completedAt as number) < to,
        ).length;
        expect(all).toBe(seeded + live);
        // The churn report's tallies (binary searches, MRR prefix sums) against every
        // cancellation counted into its bucket, over seeded and live ones alike.
        const start = from - r.int(0, 90) * DAY;
        for (const g of ['day', 'week', 'month'] as const) {
          const starts = bucketStarts(start, to, g);
          const rows = starts.map(() => ({ count: 0, mrr: 0 }));
          for (const c of churnsBetween(store, start, to)) {
            const row = rows[upperBound(starts, c.t, 1) - 1] as { count: number; mrr: number };
            row.count++;
            row.mrr += c.mrr;
          }
          const report = churnReport(starts, to, 1000, churnTally(store));
          expect(report.rows.map((t) => ({ count: t.count, mrr: t.mrr }))).toEqual(rows);
          expect(report.summary.churned).toBe(rows.reduce((n, x) => n + x.count, 0));
          expect(report.summary.mrr_lost).toBe(rows.reduce((n, x) => n + x.mrr, 0));
        }
      }
    }
    expect(flows.length).toBeGreaterThan(50);
    expect(flows.some((f) => f.status === 'expired')).toBe(true);
  });

  it(`refuses a flow past ${MAX_LIVE_FLOWS} live ones with 507 storage_full, changing nothing`, () => {
    const clock = new MockClock(AS_OF);
    const store = new ChurnCutStore(data, () => clock.now());
    const life = new FlowLifecycle(store, clock, () => {});
    const c = world.customers[0];
    if (!c) throw new Error('no customer');
    fillLiveFlows(store, AS_OF);
    const version = store.version;
    const res = life.start(
      {
        customer_id: c.id,
        subscription_id: c.subscription.id,
        reason: 'too_expensive',
        redirect_url: 'https://example.com',
      },
      'http://127.0.0.1:4010',
    );
    expect(res).toMatchObject({ ok: false, status: 507, code: 'storage_full' });
    expect(store.version).toBe(version);
    expect(store.flowsOf(0)).toHaveLength(0);
    store.reset();
    expect(
      life.start(
        {
          customer_id: c.id,
          subscription_id: c.subscription.id,
          reason: 'too_expensive',
          redirect_url: 'https://example.com',
        },
        'http://127.0.0.1:4010',
      ),
    ).toMatchObject({ ok: true, created: true });
  });
});

describe('ChurnCut customer pages from encoded fragments', () => {
  it('are the bytes JSON.stringify gives, as statuses change under cached fragments', () => {
    const clock = new MockClock(AS_OF);
    const store = new ChurnCutStore(data, () => clock.now());
    const life = new FlowLifecycle(store, clock, () => {});
    // A small bound, so pages mix kept, dropped and re-encoded customers.
    const fragments = new CustomerFragments(store, 8 * 1024);
    const r = new Rng(11);
    const n = world.customers.length;
    const check = () => {
      for (let k = 0; k < 12; k++) {
        const from = r.int(0, n - 1);
        const indices = Array.from({ length: r.int(0, 25) }, (_, j) => (from + j) % n);
        const total = r.int(indices.length, n);
        const hasMore = r.bool();
        const expected = JSON.stringify({
          success: true,
          data: {
            customers: indices.map((i) => toCustomerSummary(store, i)),
            total,
            has_more: hasMore,
          },
        });
        expect(fragments.list(indices, total, hasMore).text()).toBe(expected);
      }
    };
    check();
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const c = world.customers[i];
      if (!c) continue;
      const before = store.status(i);
      fragments.list([i], 1, false); // its fragment kept before the write
      const res = life.start(
        {
          customer_id: c.id,
          subscription_id: c.subscription.id,
          reason: r.pick(REASONS),
          redirect_url: 'https://example.com/back',
        },
        'http://127.0.0.1:4010',
      );
      if (res.ok && res.created) life.cancel(res.flow.id);
      if (store.status(i) !== before) changed++;
      // Pages over the changed customers, with their fragments already kept.
      const indices = [i, (i + 1) % n, (i + 2) % n];
      expect(fragments.list(indices, n, true).text()).toBe(
        JSON.stringify({
          success: true,
          data: {
            customers: indices.map((j) => toCustomerSummary(store, j)),
            total: n,
            has_more: true,
          },
        }),
      );
    }
    expect(changed).toBeGreaterThan(20);
    clock.set(AS_OF + 400 * DAY);
    check();
  });
});

describe('ChurnCut store persistence (the adapter --data-dir journals through)', () => {
  it('replaying the journalled writes, or importing the exported state, gives the same store', () => {
    const clock = new MockClock(AS_OF);
    const store = new ChurnCutStore(data, () => clock.now());
    const journal: { kind: string; data: unknown }[] = [];
    // Through JSON, as the journal file carries them.
    store.persistTo((kind, d) => journal.push({ kind, data: JSON.parse(JSON.stringify(d)) }));
    const life = new FlowLifecycle(store, clock, () => {});
    const r = new Rng(5);
    const ids: string[] = [];
    for (let op = 0; op < 400; op++) {
      const roll = r.int(0, 99);
      if (roll < 10) clock.set(clock.now() + r.int(-DAY, 2 * DAY));
      else if (roll < 65) {
        const c = world.customers[r.int(0, 80)];
        if (!c) continue;
        const res = life.start(
          {
            customer_id: c.id,
            subscription_id: c.subscription.id,
            reason: r.pick(REASONS),
            redirect_url: 'https://example.com',
          },
          'http://127.0.0.1:4010',
        );
        if (res.ok && res.created) ids.push(res.flow.id);
      } else if (ids.length) {
        const id = r.pick(ids);
        const offer = life.find(id)?.offers[0];
        if (r.bool() && offer) life.accept(id, offer.type);
        else life.cancel(id);
      }
    }
    expect(journal.map((j) => j.kind)).toEqual(
      expect.arrayContaining(['flow', 'outcome', 'expired']),
    );
    const view = (s: ChurnCutStore) => ({
      state: JSON.parse(JSON.stringify(s.exportState())),
      statuses: world.customers.map((_, i) => [s.status(i, clock.now()), s.endedAt(i)]),
      churns: s.liveChurns,
      next: s.newFlowId(),
    });
    const replayed = new ChurnCutStore(data, () => clock.now());
    for (const j of journal) replayed.apply(j.kind, j.data);
    const imported = new ChurnCutStore(data, () => clock.now());
    imported.importState(JSON.parse(JSON.stringify(store.exportState())));
    const want = view(store);
    expect(view(replayed)).toEqual(want);
    expect(view(imported)).toEqual(want);
  });
});
