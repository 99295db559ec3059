import { describe, expect, it } from 'vitest';
import {
  compareSessions,
  generateChurnkeyData,
  type SessionRecord,
} from '../../../generators/churnkey-data.ts';
import { Rng } from '../../../generators/random.ts';
import { DAY } from '../../../generators/time.ts';
import { type Customer, generateWorld } from '../../../generators/world.ts';
import { markBounced } from '../../../mock/vendors/churnkey-data/bounce.ts';
import { columnBuilds } from '../../../mock/vendors/churnkey-data/columns.ts';
import { DIMENSIONS } from '../../../mock/vendors/churnkey-data/fields.ts';
import { aggregate, compileFilter, page } from '../../../mock/vendors/churnkey-data/query.ts';
import {
  scanAggregate,
  scanAggregateJson,
  scanPage,
} from '../../../mock/vendors/churnkey-data/scan.ts';
import {
  ChurnkeyDataStore,
  MAX_RECORDED_SESSIONS,
} from '../../../mock/vendors/churnkey-data/store.ts';

// Writes (recorded sessions, DSR deletes, resets) against a model that does what the store did
// before it kept writes beside fixed columns: one newest-first list, spliced and filtered.
const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const world = generateWorld({ seed: 5, asOf: AS_OF, scale: 0.2 });
const data = generateChurnkeyData(world);
const seededRecords = data.sessions.toArray();

class Model {
  list: SessionRecord[] = [];
  constructor(readonly seeded: readonly SessionRecord[]) {
    this.reset();
  }
  reset(): void {
    this.list = this.seeded.map((s) => ({ ...s }));
  }
  add(record: SessionRecord): void {
    const mine = this.list.filter((s) => s.customer.index === record.customer.index);
    const all = [{ ...record }, ...mine];
    const copies = all.map((s) => ({ ...s }));
    markBounced(copies);
    const changed = new Map<SessionRecord, SessionRecord>();
    all.forEach((s, i) => {
      if (i > 0 && copies[i]?.bounced !== s.bounced) changed.set(s, copies[i] as SessionRecord);
    });
    this.list = this.list.map((s) => changed.get(s) ?? s);
    const mineNew = copies[0] as SessionRecord;
    const at = this.list.findIndex((s) => compareSessions(s, mineNew) > 0);
    this.list.splice(at < 0 ? this.list.length : at, 0, mineNew);
  }
  erase(index: number): void {
    this.list = this.list.filter((s) => s.customer.index !== index);
  }
  visible(now: number): SessionRecord[] {
    return this.list.filter((s) => s.createdAt <= now);
  }
}

const QUERIES: Record<string, unknown>[] = [
  {},
  { bounced: true },
  { saveType: 'ABANDON' },
  { offerType: 'PAUSE', bounced: true },
  { couponId: 'REC_ONLY' },
  { '-couponId': 'REC_ONLY' },
  { startDate: '2025-06-01', endDate: '2025-12-01' },
  { canceled: true, billingInterval: 'MONTH' },
  { customerEmail: 'rec-1@customers.churnmock.test' },
  { customerEmail: 'REC-2@customers.churnmock.test', saveType: 'ABANDON' },
  { customerEmail: data.sessions.at(5).customer.email.toUpperCase() },
  { customerId: data.sessions.at(9).customer.id, bounced: true },
];
const DIMS: string[][] = [
  [],
  ['bounced'],
  ['month', 'saveType'],
  ['couponId', 'bounced', 'trial'],
  Object.keys(DIMENSIONS).filter((d) => d !== 'response'),
];
const NOWS = [AS_OF + 30 * DAY, AS_OF, Date.parse('2025-07-01T00:00:00Z')];

/** The store answers every query as the model's list does. */
function agree(store: ChurnkeyDataStore, model: Model): void {
  const pairs = (list: readonly SessionRecord[]) => list.map((s) => `${s.id}:${s.bounced}`);
  for (const now of NOWS) {
    const visible = model.visible(now);
    expect(pairs([...store.sessions(now)])).toEqual(pairs(visible));
    expect(store.size(now)).toBe(visible.length);
    for (const query of QUERIES) {
      const f = compileFilter(query);
      for (const [skip, limit] of [
        [0, 25],
        [7, 3],
        [0, 1_000_000],
      ] as const)
        expect(pairs(scanPage(store.view(), f, now, skip, limit))).toEqual(
          pairs(page(visible, f, skip, limit)),
        );
      for (const dims of DIMS) {
        const rows = scanAggregate(store.view(), f, now, dims);
        expect(rows).toEqual(aggregate(visible, f, dims));
        // What the endpoint sends: the same bytes as the rows' JSON.
        expect(scanAggregateJson(store.view(), f, now, dims).text()).toBe(JSON.stringify(rows));
      }
      // The handlers' path for one customer (by id or e-mail): the per-customer index.
      if (f.customerId !== null || f.customerEmail !== null) {
        expect(pairs(page(store.sessionsOf(now, f), f, 0, 1_000_000))).toEqual(
          pairs(page(visible, f, 0, 1_000_000)),
        );
        expect(pairs(page(store.sessionsOf(now, f), f, 2, 3))).toEqual(
          pairs(page(visible, f, 2, 3)),
        );
      }
    }
  }
}

describe('Churnkey Data store writes', () => {
  it('recorded sessions, bounces, DSR deletes and resets: every list and aggregation exact', () => {
    const store = new ChurnkeyDataStore(world, data);
    const model = new Model(data.sessions.toArray());
    agree(store, model); // builds every column the queries use
    const builds = columnBuilds();
    randomWrites(store, model, new Rng(2026), 240, () => agree(store, model));
    agree(store, model);
    // No write rebuilt a column: writes sit beside the seeded columns.
    expect(columnBuilds()).toBe(builds);
  });

  it('replaying the journalled writes, or importing the exported state, gives the same store', () => {
    const store = new ChurnkeyDataStore(world, data);
    const journal: { kind: string; data: unknown }[] = [];
    store.persistTo((kind, d) => journal.push({ kind, data: JSON.parse(JSON.stringify(d)) }));
    const model = new Model(data.sessions.toArray());
    // No resets here: a reset is not a store write (the data directory empties its journal).
    randomWrites(store, model, new Rng(8), 200, () => {}, false);
    expect(new Set(journal.map((j) => j.kind))).toEqual(new Set(['customer', 'session', 'erase']));
    const replayed = new ChurnkeyDataStore(world, data);
    for (const j of journal) replayed.apply(j.kind, j.data);
    const imported = new ChurnkeyDataStore(world, data);
    imported.importState(JSON.parse(JSON.stringify(store.exportState())));
    for (const other of [replayed, imported]) {
      expect(JSON.parse(JSON.stringify(other.exportState()))).toEqual(
        JSON.parse(JSON.stringify(store.exportState())),
      );
      agree(other, model);
      for (const k of [0, 1, 2]) {
        const email = `rec-${k}@customers.churnmock.test`;
        expect(other.person(email)?.id).toBe(store.person(email)?.id);
      }
    }
  });
});

/** Random writes on the store and the model alike; `check` runs every 40. */
function randomWrites(
  store: ChurnkeyDataStore,
  model: Model,
  r: Rng,
  ops: number,
  check: () => void,
  resets = true,
): void {
  let n = 0;
  let extra = 0;
  const latest = new Map<number, number>();
  const record = (customer: Customer): SessionRecord => {
    const template = r.pick(seededRecords);
    // Often within a day of the customer's last one, so the bounce rule changes flags.
    const last = latest.get(customer.index);
    const t =
      last !== undefined && r.bool(0.6)
        ? last + r.int(-DAY, DAY)
        : r.bool(0.3)
          ? template.createdAt // a tie on time with a seeded session
          : r.int(Date.parse('2025-01-01T00:00:00Z'), AS_OF + 20 * DAY);
    latest.set(customer.index, t);
    const accepted =
      template.accepted && r.bool(0.3)
        ? { ...template.accepted, couponId: 'REC_ONLY' }
        : template.accepted;
    return {
      ...template,
      id: `rec_${String(n++).padStart(6, '0')}`,
      customer,
      createdAt: t,
      updatedAt: t,
      recordingStart: t,
      recordingEnd: t + 60_000,
      accepted,
      bounced: false,
    };
  };
  for (let op = 0; op < ops; op++) {
    const roll = r.int(0, 99);
    if (roll < 75) {
      const customer = r.bool(0.15)
        ? store.customerFor(`rec-${extra++ % 3}`, r.pick(world.customers))
        : (world.customers[r.int(0, 40)] as Customer); // few customers: many bounces
      const s = record(customer);
      store.add(s);
      model.add(s);
    } else if (roll < 97 || !resets) {
      const c = world.customers[r.int(0, 40)] as Customer;
      store.erase(c, AS_OF);
      model.erase(c.index);
    } else {
      store.reset();
      model.reset();
      latest.clear();
    }
    if (op % 40 === 39) check();
  }
}

describe('Churnkey Data store caps', () => {
  it('refuses a recorded session past the cap, keeping every one it holds', () => {
    const store = new ChurnkeyDataStore(world, data);
    const template = data.sessions.at(0);
    const customers = world.customers;
    for (let i = 0; i < MAX_RECORDED_SESSIONS; i++)
      store.add({
        ...template,
        id: `cap_${i}`,
        customer: customers[i % customers.length] as Customer,
        createdAt: AS_OF + i * 60_000,
        bounced: false,
      });
    const customer = customers[1] as Customer;
    expect(store.full).toBe(true);
    expect(() => store.add({ ...template, id: 'one_more', customer, bounced: false })).toThrow(
      /at most 100000/,
    );
    expect(store.recorded).toBe(MAX_RECORDED_SESSIONS);
    expect(store.size(AS_OF + MAX_RECORDED_SESSIONS * 60_000)).toBe(
      data.sessions.length + MAX_RECORDED_SESSIONS,
    );
    store.reset();
    expect(store.full).toBe(false);
  });
});
