import { describe, expect, it } from 'vitest';
import { compareSessions, generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import { SessionTableBuilder } from '../../../generators/churnkey-sessions.ts';
import { Rng } from '../../../generators/random.ts';
import { generateWorld } from '../../../generators/world.ts';
import { markBounced } from '../../../mock/vendors/churnkey-data/bounce.ts';
import { SessionColumns } from '../../../mock/vendors/churnkey-data/columns.ts';
import {
  type Accessor,
  DIMENSIONS,
  FIELD_SOURCES,
  FILTER_FIELDS,
} from '../../../mock/vendors/churnkey-data/fields.ts';
import { compileFilter } from '../../../mock/vendors/churnkey-data/query.ts';
import { scanPage } from '../../../mock/vendors/churnkey-data/scan.ts';
import { ChurnkeyDataStore } from '../../../mock/vendors/churnkey-data/store.ts';

const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const world = generateWorld({ seed: 23, asOf: AS_OF, scale: 0.3 });
const data = generateChurnkeyData(world);
const records = data.sessions.toArray();

describe('the seeded session table', () => {
  it('holds every session newest first (createdAt desc, then id desc)', () => {
    expect(records.length).toBe(data.sessions.length);
    expect(records.length).toBeGreaterThan(2000);
    for (let i = 1; i < records.length; i++)
      expect(compareSessions(records[i - 1] as never, records[i] as never)).toBeLessThan(0);
  });

  it('gives back exactly the sessions it was built from, in any order of arrival', () => {
    const r = new Rng(5);
    const shuffled = r.sample(records, records.length);
    const b = new SessionTableBuilder(data.flows.choices);
    for (const s of shuffled) b.add(s);
    const again = b.finish(world.customers);
    expect(again.length).toBe(records.length);
    for (let i = 0; i < records.length; i++) expect(again.at(i)).toEqual(records[i]);
  });

  it.each([1, 100, 2500, 9000])(
    'holds the same sessions with room made for %d at first (more fit by doubling)',
    (expected) => {
      const b = new SessionTableBuilder(data.flows.choices, expected);
      for (const s of records) b.add(s);
      const again = b.finish(world.customers);
      expect(again.length).toBe(records.length);
      expect(again.toArray()).toEqual(records);
    },
  );

  it('marks bounced sessions as the docs rule does over each customer’s sessions', () => {
    const byCustomer = new Map<number, typeof records>();
    for (const s of records) {
      const list = byCustomer.get(s.customer.index) ?? [];
      list.push({ ...s });
      byCustomer.set(s.customer.index, list);
    }
    let bounced = 0;
    for (const list of byCustomer.values()) {
      markBounced(list);
      for (const s of list) {
        const seeded = records.find((r) => r.id === s.id);
        expect(seeded?.bounced).toBe(s.bounced);
        if (s.bounced) bounced++;
      }
    }
    expect(bounced).toBeGreaterThan(10);
  });

  it('refuses what it cannot hold (ids that are not 24 hex digits, offsets past 32 bits)', () => {
    const b = new SessionTableBuilder(data.flows.choices);
    const s = records[0];
    if (!s) throw new Error('fixture');
    expect(() => b.add({ ...s, id: 'not-an-object-id' })).toThrow(/24 hex/);
    expect(() => b.add({ ...s, updatedAt: s.createdAt - 1 })).toThrow(/updatedAt/);
  });
});

describe('session columns', () => {
  const columns = new SessionColumns(data.sessions);
  const fields: Record<string, Accessor> = { ...FILTER_FIELDS, ...DIMENSIONS };

  it.each(Object.keys(fields))('%s: the column holds each session’s own value', (name) => {
    const col = columns.column(name);
    const accessor = fields[name] as Accessor;
    const values = records.map((_, i) => col.dict[col.codes[i] as number]);
    expect(values).toEqual(records.map(accessor));
    // Codes in order of first appearance, newest first.
    const firsts: number[] = [];
    for (const c of col.codes) if (!firsts.includes(c)) firsts.push(c);
    expect(firsts).toEqual(firsts.map((_, i) => i));
    // A byte a session for up to 256 values; four bytes beyond.
    expect(col.codes).toBeInstanceOf(col.dict.length <= 256 ? Uint8Array : Uint32Array);
    expect(col.codes.length).toBe(records.length);
  });

  it('holds fields of many values (e-mails) and of few (plans) at their size, built one after another', () => {
    const fresh = new SessionColumns(data.sessions);
    const emails = fresh.column('customerEmail');
    const plans = fresh.column('planId');
    expect(emails.dict.length).toBeGreaterThan(256);
    expect(emails.codes).toBeInstanceOf(Uint32Array);
    expect(plans.codes).toBeInstanceOf(Uint8Array);
    // The second build did not write over the first's codes.
    expect(records.map((_, i) => emails.dict[emails.codes[i] as number])).toEqual(
      records.map(fields.customerEmail as Accessor),
    );
  });

  it('reads a field from its sources only where it names them', () => {
    for (const name of Object.keys(FIELD_SOURCES)) expect(fields[name]).toBeTypeOf('function');
  });
});

describe('seeded records, kept all or only the recently read', () => {
  it('a store keeping 50 records lists, scans and looks up exactly what one keeping all does', () => {
    const all = new ChurnkeyDataStore(world, data);
    const few = new ChurnkeyDataStore(world, data, 50);
    const now = AS_OF;
    const pairs = (list: Iterable<{ id: string; bounced: boolean; createdAt: number }>) =>
      [...list].map((s) => `${s.id} ${s.bounced} ${s.createdAt}`);
    expect(pairs(few.sessions(now))).toEqual(pairs(all.sessions(now)));
    const f = compileFilter({ canceled: 'true' });
    for (const skip of [0, 40, 400, 2000])
      expect(pairs(scanPage(few.view(), f, now, skip, 100))).toEqual(
        pairs(scanPage(all.view(), f, now, skip, 100)),
      );
    const someone = records[7]?.customer.id ?? '';
    expect(pairs(few.sessions(now, someone))).toEqual(pairs(all.sessions(now, someone)));
    // Read twice in a row, a record is the same object while it is kept.
    const [a] = scanPage(few.view(), f, now, 0, 1);
    const [b] = scanPage(few.view(), f, now, 0, 1);
    expect(a).toBe(b);
  });
});
