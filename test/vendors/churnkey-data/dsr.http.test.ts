import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { expectContract } from '../../helpers/contract.ts';
import {
  AGGREGATION,
  CK_HEADERS,
  ckGet,
  ckPost,
  customMock,
  DSR_ACCESS,
  DSR_DELETE,
  postRaw,
  SESSIONS,
} from '../../helpers/mock.ts';
import { DSR_KINDS } from './helpers.ts';

/** The DSR count fields of the contract, every one zero (an unknown or erased person). */
const ZERO_COUNTS = Object.fromEntries(DSR_KINDS.map((kind) => [kind, 0]));

let mock: Mock;
beforeEach(async () => {
  mock ??= await customMock({});
  mock.reset();
});

/** A person with sessions (and, when `heavy`, over 10,000 events). */
function person(heavy: boolean) {
  for (const c of mock.data.world.customers) {
    const counts = mock.vendors['churnkey-data'].store.counts(c, mock.clock.now());
    if (counts.sessions > (heavy ? 0 : 1) && counts.events > 10_000 === heavy)
      return { customer: c, counts };
  }
  throw new Error('no such person in the seeded data');
}

const sessionCount = async (customerId: string) =>
  (await ckGet(mock, 'listSessions', SESSIONS, { customerId, bounced: true, limit: 10_000 })).body
    .length;
const total = async () =>
  (await ckGet(mock, 'aggregateSessions', AGGREGATION, { bounced: true })).body[0].count as number;

describe('POST /v1/data/dsr/access', () => {
  it('finds a person case-insensitively and returns counts that match the profile', async () => {
    const { customer, counts } = person(false);
    const res = await ckPost(mock, 'dsrAccess', DSR_ACCESS, {
      email: customer.email.toUpperCase(),
    });
    expect(res.status).toBe(200);
    expect(res.body.customer).toEqual({ email: customer.email.toUpperCase() });
    expect(res.body.counts).toEqual(counts);
    for (const [kind, n] of Object.entries(res.body.counts))
      expect(res.body.profile[kind].length).toBe(n);
    expect(res.body.counts.sessions).toBe(await sessionCount(customer.id));
    expect(
      res.body.profile.sessions.every(
        (s: { customer: { id: string } }) => s.customer.id === customer.id,
      ),
    ).toBe(true);
  });

  it('answers an unknown e-mail with zero counts and an empty profile', async () => {
    const res = await ckPost(mock, 'dsrAccess', DSR_ACCESS, { email: 'nobody@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual(ZERO_COUNTS);
    expect(res.body.profile.events).toEqual([]);
  });

  it.each([
    ['no email', {}, 'email'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['a non-string email', { email: 42 }, 'email'],
  ])('400 for %s', async (_n, body, name) => {
    const res = await ckPost(mock, 'dsrAccess', DSR_ACCESS, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(name);
  });

  it('400 for malformed JSON and for a missing body, in the Churnkey shape', async () => {
    const broken = await postRaw(mock, DSR_ACCESS, CK_HEADERS, 'application/json', '{"email": ');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/Malformed JSON/);
    await expectContract('dsrAccess', broken);
    const empty = await request(mock.app).post(DSR_ACCESS).set(CK_HEADERS);
    expect(empty.status).toBe(400);
    await expectContract('dsrAccess', empty);
  });

  it('requires both auth headers', async () => {
    const res = await request(mock.app).post(DSR_ACCESS).send({ email: 'a@b.co' });
    expect(res.status).toBe(401);
    await expectContract('dsrAccess', res);
  });
});

describe('POST /v1/data/dsr/delete', () => {
  it('removes every record of the person: listings, aggregation and access no longer see them', async () => {
    const { customer, counts } = person(false);
    const before = await total();
    const res = await ckPost(mock, 'dsrDelete', DSR_DELETE, { email: customer.email });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customer: { email: customer.email },
      deleted: true,
      deletedCounts: counts,
      counts: ZERO_COUNTS,
    });
    expect(await sessionCount(customer.id)).toBe(0);
    expect(await total()).toBe(before - counts.sessions);
    const access = await ckPost(mock, 'dsrAccess', DSR_ACCESS, { email: customer.email });
    expect(access.body.counts).toEqual(ZERO_COUNTS);
  });

  it('a repeated delete and an unknown e-mail succeed with nothing deleted', async () => {
    const { customer } = person(false);
    await ckPost(mock, 'dsrDelete', DSR_DELETE, { email: customer.email });
    for (const email of [customer.email, 'nobody@example.com']) {
      const res = await ckPost(mock, 'dsrDelete', DSR_DELETE, { email });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        customer: { email },
        deleted: true,
        deletedCounts: ZERO_COUNTS,
        counts: ZERO_COUNTS,
      });
    }
  });

  it('rejects a profile over the limit (more than 10,000 events) and keeps everything', async () => {
    const { customer, counts } = person(true);
    const before = await sessionCount(customer.id);
    const res = await ckPost(mock, 'dsrDelete', DSR_DELETE, { email: customer.email });
    expect(res.status).toBe(200);
    expect(res.body.deleted).toBe(false);
    expect(res.body.reasonForRejection).toBe(
      'Profile exceeds limit for API deletion. Please contact support@churnkey.co.',
    );
    expect(res.body.counts).toEqual(counts);
    expect(res.body.counts.events).toBeGreaterThan(10_000);
    expect(await sessionCount(customer.id)).toBe(before);
  });

  it('POST /__admin/reset brings deleted people back', async () => {
    const { customer, counts } = person(false);
    await ckPost(mock, 'dsrDelete', DSR_DELETE, { email: customer.email });
    const reset = await request(mock.app).post('/__admin/reset');
    expect(reset.status).toBe(200);
    expect(await sessionCount(customer.id)).toBe(counts.sessions);
  });

  it('a bad delete request changes nothing', async () => {
    const before = await total();
    const res = await postRaw(mock, DSR_DELETE, CK_HEADERS, 'application/json', '{"email":');
    expect(res.status).toBe(400);
    expect(await total()).toBe(before);
  });
});

/** The field that dates each kind of DSR record: when it happened. */
const DATED_BY = {
  events: 'createdAt',
  sessions: 'createdAt',
  campaigns: 'enrolledAt',
  invoices: 'created',
  failedPayments: 'failedAt',
  subscriptions: 'start',
  charges: 'created',
  emails: 'sentAt',
} as const satisfies Record<(typeof DSR_KINDS)[number], string>;

type Profile = Record<(typeof DSR_KINDS)[number], Record<string, unknown>[]>;
const dateOf = (kind: (typeof DSR_KINDS)[number], r: Record<string, unknown>) =>
  Date.parse(String(r[DATED_BY[kind]]));

describe('DSR and the mock clock: no record of any kind after now', () => {
  const JANE = 'jane@example.com';
  const access = async () => (await ckPost(mock, 'dsrAccess', DSR_ACCESS, { email: JANE })).body;
  const setClock = async (now: string) => {
    const res = await request(mock.app).post('/__admin/clock').send({ now });
    await expectContract('setClock', res);
    expect(res.status).toBe(200);
  };

  it('moving the clock into her history hides every later record, counts agree; moving it forward shows them', async () => {
    const full = await access();
    const fullProfile = full.profile as Profile;
    // Her third invoice: inside her history, with later invoices, charges, sessions and events.
    const invoiceDates = fullProfile.invoices.map((r) => dateOf('invoices', r));
    const now = invoiceDates.sort((a, b) => a - b)[2] as number;
    await setClock(new Date(now).toISOString());
    const then = await access();
    const profile = then.profile as Profile;
    for (const kind of DSR_KINDS) {
      const later = profile[kind].filter((r) => dateOf(kind, r) > now);
      expect(later, `${kind} after now`).toEqual([]);
      expect(profile[kind], kind).toHaveLength(then.counts[kind]);
      // Exactly the records that had happened by then.
      const expected = fullProfile[kind]
        .filter((r) => dateOf(kind, r) <= now)
        .map((r) => r.id ?? r._id);
      expect(
        profile[kind].map((r) => r.id ?? r._id),
        kind,
      ).toEqual(expected);
    }
    for (const kind of ['invoices', 'charges', 'sessions'] as const)
      expect(then.counts[kind], kind).toBeLessThan(full.counts[kind]);
    expect(then.counts.invoices).toBe(3);
    // Back before her first record: nothing yet; forward to the as-of date: everything again.
    const first = Math.min(...DSR_KINDS.flatMap((k) => fullProfile[k].map((r) => dateOf(k, r))));
    await setClock(new Date(first - 1).toISOString());
    expect((await access()).counts).toEqual(ZERO_COUNTS);
    await setClock('2025-12-31T00:00:00Z');
    expect(await access()).toEqual(full);
  });

  it('a delete while the clock is back reports what had happened by then, and counts agree', async () => {
    const full = await access();
    const now = Date.parse(String((full.profile as Profile).invoices[4]?.created));
    await setClock(new Date(now).toISOString());
    const then = await access();
    const res = await ckPost(mock, 'dsrDelete', DSR_DELETE, { email: JANE });
    expect(res.status).toBe(200);
    expect(res.body.deletedCounts).toEqual(then.counts);
    // Her fifth invoice is the last one by then.
    expect(res.body.deletedCounts.invoices).toBe(5);
    expect(res.body.deletedCounts.invoices).toBeLessThan(full.counts.invoices);
    expect(res.body.counts).toEqual(ZERO_COUNTS);
  });
});
