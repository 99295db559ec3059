import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import {
  DSR_EXAMPLE_COUNTS,
  findDsrExample,
  SEED_EXAMPLE_IDS,
  seededVendorData,
} from '../../../generators/seed-examples.ts';
import { generateWorld } from '../../../generators/world.ts';
import type { Mock } from '../../../mock/create.ts';
import { DEFAULT_OPTIONS } from '../../../mock/create.ts';
import { ckGet, ckPost, customMock } from '../../helpers/mock.ts';
import { DSR_KINDS } from './helpers.ts';

const EMAIL = SEED_EXAMPLE_IDS.dsrEmail;
const world = () => generateWorld({ seed: 42, asOf: Date.parse(DEFAULT_OPTIONS.asOf), scale: 1 });

describe('findDsrExample / seededVendorData (pure)', () => {
  it("picks a person with the example's five sessions, every kind of record but e-mails, under the delete limit", () => {
    const w = world();
    const data = generateChurnkeyData(w);
    const i = findDsrExample(w, data);
    expect(i).toBeGreaterThanOrEqual(0);
    const d = data.dsr.at(i);
    expect(d?.events).toBeGreaterThan(0);
    expect(d?.events).toBeLessThanOrEqual(10_000);
    expect(d?.invoices).toBeGreaterThan(0);
    expect(data.sessions.toArray().filter((s) => s.customer.index === i)).toHaveLength(5);
    expect(findDsrExample(w, data, i)).not.toBe(i);
  });

  it("renames only that person (and the ChurnCut docs' example customer), in the world and in every one of their sessions; jane has the docs' counts", () => {
    const before = world();
    const { world: after, churnkey, churncut } = seededVendorData(before);
    const janes = after.customers.filter((c) => c.email === EMAIL);
    expect(janes).toHaveLength(1);
    const jane = janes[0];
    if (!jane) return;
    expect(before.customers[jane.index]?.email).not.toBe(EMAIL);
    const renamed = after.customers.filter((c, i) => c.email !== before.customers[i]?.email);
    expect(renamed.map((c) => c.email).sort()).toEqual(['customer@example.com', EMAIL]);
    const hers = churnkey.sessions.toArray().filter((s) => s.customer.index === jane.index);
    expect(hers).toHaveLength(DSR_EXAMPLE_COUNTS.sessions);
    for (const s of hers) expect(s.customer).toBe(jane);
    const { sessions: _s, ...counts } = DSR_EXAMPLE_COUNTS;
    expect(churnkey.dsr.at(jane.index)).toEqual(counts);
    expect(churncut.world).toBe(after);
  });
});

describe("the Data API docs' DSR example, against the default data", () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await customMock({});
  });
  beforeEach(() => mock.reset());

  it('POST /v1/data/dsr/access {"email":"jane@example.com"} answers exactly the docs\' counts, and her records', async () => {
    const res = await ckPost(mock, 'dsrAccess', '/v1/data/dsr/access', { email: EMAIL });
    expect(res.status).toBe(200);
    const { counts, profile } = res.body;
    expect(res.body.customer).toEqual({ email: 'jane@example.com' });
    // GDPR User Data Access, Response Data Format.
    expect(counts).toEqual({
      events: 5,
      sessions: 5,
      campaigns: 5,
      invoices: 10,
      failedPayments: 5,
      subscriptions: 5,
      charges: 5,
      emails: 0,
    });
    for (const kind of DSR_KINDS) expect(profile[kind], kind).toHaveLength(counts[kind]);
    const listed = await ckGet(mock, 'listSessions', '/v1/data/sessions', {
      customerEmail: EMAIL,
      bounced: true,
    });
    expect(listed.body).toHaveLength(counts.sessions);
  });

  it('POST /v1/data/dsr/delete {"email":"jane@example.com"} deletes her, and access then finds nothing', async () => {
    const del = await ckPost(mock, 'dsrDelete', '/v1/data/dsr/delete', { email: EMAIL });
    expect(del.status).toBe(200);
    const res = await ckPost(mock, 'dsrAccess', '/v1/data/dsr/access', { email: EMAIL });
    expect(res.body.counts.sessions).toBe(0);
    expect(res.body.counts.events).toBe(0);
  });
});
