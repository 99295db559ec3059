import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import {
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
  it('picks a person with three or more sessions, every kind of record but e-mails, under the delete limit', () => {
    const w = world();
    const data = generateChurnkeyData(w);
    const i = findDsrExample(w, data);
    expect(i).toBeGreaterThanOrEqual(0);
    const d = data.dsr[i];
    expect(d?.events).toBeGreaterThan(0);
    expect(d?.events).toBeLessThanOrEqual(10_000);
    expect(d?.invoices).toBeGreaterThan(0);
    expect(data.sessions.filter((s) => s.customer.index === i).length).toBeGreaterThanOrEqual(3);
    expect(findDsrExample(w, data, i)).not.toBe(i);
  });

  it('renames only that person, in the world and in every one of their sessions', () => {
    const before = world();
    const { world: after, churnkey, churncut } = seededVendorData(before);
    const janes = after.customers.filter((c) => c.email === EMAIL);
    expect(janes).toHaveLength(1);
    const jane = janes[0];
    if (!jane) return;
    expect(before.customers[jane.index]?.email).not.toBe(EMAIL);
    expect(after.customers.filter((c, i) => c.email !== before.customers[i]?.email)).toEqual([
      jane,
    ]);
    const hers = churnkey.sessions.filter((s) => s.customer.index === jane.index);
    expect(hers.length).toBeGreaterThanOrEqual(3);
    for (const s of hers) expect(s.customer).toBe(jane);
    expect(churncut.world).toBe(after);
  });
});

describe("the Data API docs' DSR example, against the default data", () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await customMock({});
  });
  beforeEach(() => mock.reset());

  it('POST /v1/data/dsr/access {"email":"jane@example.com"} finds her records and sessions', async () => {
    const res = await ckPost(mock, 'dsrAccess', '/v1/data/dsr/access', { email: EMAIL });
    expect(res.status).toBe(200);
    const { counts, profile } = res.body;
    // Every kind of record but e-mails (findDsrExample's choice).
    for (const kind of DSR_KINDS.filter((k) => k !== 'emails'))
      expect(counts[kind], kind).toBeGreaterThan(0);
    expect(profile.sessions).toHaveLength(counts.sessions);
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
