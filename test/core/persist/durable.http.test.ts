import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockFrom } from '../../../mock/app.ts';
import { JOURNAL_FILE, parseJournal } from '../../../mock/core/persist/journal-file.ts';
import { SNAPSHOT_FILE, type WriteRecord } from '../../../mock/core/persist/persistence.ts';
import { type Mock, REGISTRY } from '../../../mock/create.ts';
import { flowBody } from '../../admin/helpers.ts';
import { customMock } from '../../helpers/mock.ts';
import { activeCustomer, CC_AUTH, FLOWS } from '../../vendors/churncut/helpers.ts';

const dirs: string[] = [];
const mocks: Mock[] = [];
afterAll(async () => {
  for (const m of mocks) {
    m.stop();
    await m.persistence?.close();
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function withDataDir(): Promise<{ mock: Mock; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'churnmock-durable-'));
  dirs.push(dir);
  const mock = await customMock({ dataDir: dir });
  mocks.push(mock);
  return { mock, dir };
}

const journal = (dir: string) =>
  parseJournal<WriteRecord>(readFileSync(join(dir, JOURNAL_FILE))).records;

describe('a mock with a data directory', () => {
  it('a write is in the journal on disk when its response arrives', async () => {
    const { mock, dir } = await withDataDir();
    for (const advance of ['P1D', 'PT5H', 'P2W']) {
      const res = await request(mock.app).post('/__admin/clock').send({ advance });
      expect(res.status).toBe(200);
      // Read straight after the response: the record is there already (synced before it).
      const last = journal(dir).at(-1);
      expect(last).toMatchObject({
        part: 'clock',
        kind: 'set',
        data: { t: Date.parse(res.body.now) },
      });
    }
  });

  it('POST /__admin/reset empties the journal: the state after it is a snapshot', async () => {
    const { mock, dir } = await withDataDir();
    await request(mock.app).post('/__admin/clock').send({ advance: 'P1D' });
    expect(journal(dir).length).toBeGreaterThan(0);
    const res = await request(mock.app).post('/__admin/reset');
    expect(res.status).toBe(200);
    expect(journal(dir)).toEqual([]);
    const snapshot = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8'));
    expect(snapshot.parts.clock).toEqual({ now: mock.clock.start() });
    expect(Object.keys(snapshot.parts).sort()).toEqual([...mock.parts.keys()].sort());
  });
});

describe('compaction through a running mock', () => {
  it('past the threshold the journal becomes a snapshot; a restart answers as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'churnmock-compact-'));
    dirs.push(dir);
    const open = async () => {
      const m = (await createMockFrom(REGISTRY, { dataDir: dir }, { compactBytes: 4096 })) as Mock;
      mocks.push(m);
      return m;
    };
    const a = await open();
    const flows: string[] = [];
    for (let k = 0; k < 40; k++) {
      const res = await request(a.app)
        .post(FLOWS)
        .set(CC_AUTH)
        .send(flowBody(activeCustomer(a, k)));
      expect(res.status).toBe(201);
      flows.push(res.body.data.flow_id);
    }
    await a.persistence?.settled();
    // Compacted at least once: a snapshot on disk, and a journal shorter than the writes.
    const snapshot = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8'));
    expect(snapshot.seq).toBeGreaterThan(0);
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBeLessThan(4096 + 1024);
    const records = journal(dir);
    expect(records.every((r) => r.seq > snapshot.seq)).toBe(true);
    expect(snapshot.seq + records.length).toBe(a.persistence?.seq);
    const want = (await request(a.app).get('/v1/customers?limit=100').set(CC_AUTH)).text;
    const parts = a.snapshot().parts;
    a.stop();
    await a.persistence?.close();
    mocks.splice(mocks.indexOf(a), 1);

    const b = await open();
    expect(b.snapshot().parts).toEqual(parts);
    expect((await request(b.app).get('/v1/customers?limit=100').set(CC_AUTH)).text).toBe(want);
    for (const id of flows)
      expect((await request(b.app).get(`${FLOWS}/${id}`).set(CC_AUTH)).status).toBe(200);
  });
});
