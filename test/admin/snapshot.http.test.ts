import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../mock/core/crypto.ts';
import { createHttpServer } from '../../mock/core/http-server.ts';
import { PACKAGE_VERSION } from '../../mock/core/paths.ts';
import type { Mock } from '../../mock/create.ts';
import { customMock } from '../helpers/mock.ts';
import { freePort } from '../helpers/wait.ts';
import { closeReceivers, startReceiver } from '../helpers/webhook-receiver.ts';
import { activeCustomer, CC_AUTH, FLOWS } from '../vendors/churncut/helpers.ts';
import { adminCall, flowBody } from './helpers.ts';

// GET /__admin/snapshot downloads every write since the seed; POST /__admin/snapshot puts a
// downloaded one back, whole or not at all. The whole-mock round trip (writes of every kind,
// byte-identical reads) is in test/core/persist/mock-replay.http.test.ts.

const WORLD = {
  seed: 42,
  asOf: '2025-12-31T00:00:00.000Z',
  scale: 1,
  dataVersion: PACKAGE_VERSION,
};
const PARTS = [
  'clock',
  'vendor:churnkey-data',
  'vendor:churnkey-hosted-flow',
  'vendor:churncut',
  'webhooks',
  'stubs',
];
const OPTIONS = { webhooks: { maxAttempts: 8, backoffMs: 100, timeoutMs: 500 } };

const mocks: Mock[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'churnmock-snapshot-'));
});
afterEach(closeReceivers);
/** Stops a mock and releases its data directory (once). */
async function close(m: Mock): Promise<void> {
  const i = mocks.indexOf(m);
  if (i < 0) return;
  mocks.splice(i, 1);
  m.stop();
  await m.persistence?.close();
}
afterAll(async () => {
  for (const m of [...mocks]) await close(m);
  await rm(dir, { recursive: true, force: true });
});

async function fresh(options: object = {}): Promise<Mock> {
  const m = await customMock({ ...OPTIONS, ...options });
  mocks.push(m);
  return m;
}

const download = (m: Mock) => adminCall(m, 'getSnapshot', 'get', '/__admin/snapshot');
const restore = (m: Mock, body: unknown) =>
  adminCall(m, 'restoreSnapshot', 'post', '/__admin/snapshot', body as object);

/** A flow started for the k-th active customer: its id. */
async function startFlow(m: Mock, k: number): Promise<string> {
  const res = await request(m.app)
    .post(FLOWS)
    .set(CC_AUTH)
    .send(flowBody(activeCustomer(m, k)));
  expect(res.status).toBe(201);
  return res.body.data.flow_id as string;
}

/** What a client sees of the state these tests change. */
async function state(m: Mock) {
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(m.app).get(path).set(headers);
    return `${res.status} ${res.text}`;
  };
  return {
    clock: await get('/__admin/clock'),
    targets: await get('/__admin/webhooks'),
    mappings: (await request(m.app).get('/__admin/mappings')).body.mappings,
    customers: await get('/v1/customers?limit=100', CC_AUTH),
    churn: await get('/v1/analytics/churn?start_date=2025-12-01&end_date=2026-02-01', CC_AUTH),
    snapshot: m.snapshot().parts,
  };
}

describe('GET /__admin/snapshot', () => {
  it('a fresh mock: its world, format 1, every part as seeded, a file name to save it under', async () => {
    const m = await fresh();
    const res = await download(m);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="churnmock-snapshot-seed42-scale1-0.json"',
    );
    expect(res.body.format).toBe(1);
    expect(res.body.world).toEqual(WORLD);
    expect(res.body.seq).toBe(0);
    expect(Object.keys(res.body.parts)).toEqual(PARTS);
    expect(res.body.parts.clock).toEqual({ now: Date.parse(WORLD.asOf) });
    expect(res.body.parts['vendor:churncut']).toEqual({ drawn: 0, flows: [], completed: [] });
  });

  it('holds the writes: a moved clock, a flow, a target and a mapping', async () => {
    const m = await fresh();
    await adminCall(m, 'setClock', 'post', '/__admin/clock', { advance: 'P1D' });
    const flow = await startFlow(m, 0);
    await adminCall(m, 'addWebhook', 'post', '/__admin/webhooks', { url: 'http://127.0.0.1:9/x' });
    const mapping = {
      request: { method: 'GET', urlPath: '/v1/customers/cus_nobody' },
      response: { status: 503 },
    };
    await adminCall(m, 'createMapping', 'post', '/__admin/mappings', mapping);
    const { parts } = (await download(m)).body;
    expect(parts.clock).toEqual({ now: Date.parse('2026-01-01T00:00:00.000Z') });
    expect(parts['vendor:churncut'].flows.map((f: { id: string }) => f.id)).toEqual([flow]);
    expect(parts.webhooks.targets).toEqual(['http://127.0.0.1:9/x']);
    expect(parts.stubs.mappings).toHaveLength(1);
    expect(parts.stubs.mappings[0]).toMatchObject(mapping);
  });
});

describe('POST /__admin/snapshot', () => {
  it('replaces every write with the snapshot’s: writes made since are gone, the snapshot’s back', async () => {
    const m = await fresh();
    await adminCall(m, 'setClock', 'post', '/__admin/clock', { advance: 'PT6H' });
    const kept = await startFlow(m, 0);
    const saved = (await download(m)).body;
    const want = await state(m);

    // Writes after the download: another flow, a clock move, a mapping, a target.
    const later = await startFlow(m, 1);
    await adminCall(m, 'setClock', 'post', '/__admin/clock', { advance: 'P3D' });
    await adminCall(m, 'createMapping', 'post', '/__admin/mappings', {
      request: { urlPath: '/v1/customers' },
      response: { status: 500 },
    });
    await adminCall(m, 'addWebhook', 'post', '/__admin/webhooks', { url: 'http://127.0.0.1:9/y' });
    expect(await state(m)).not.toEqual(want);

    const res = await restore(m, saved);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      restored: true,
      parts: PARTS,
      seq: 0,
      now: '2025-12-31T06:00:00.000Z',
    });
    expect(await state(m)).toEqual(want);
    expect((await request(m.app).get(`${FLOWS}/${kept}`).set(CC_AUTH)).status).toBe(200);
    expect((await request(m.app).get(`${FLOWS}/${later}`).set(CC_AUTH)).status).toBe(404);
    // The next flow id is the one the snapshot's world would draw next, not a repeat.
    const next = await startFlow(m, 2);
    expect(next).not.toBe(kept);
    expect(next).toBe(later);
  });

  it('a part the snapshot leaves out is as seeded', async () => {
    const m = await fresh();
    await startFlow(m, 0);
    const seeded = (await download(await fresh())).body.parts['vendor:churncut'];
    const res = await restore(m, {
      format: 1,
      world: WORLD,
      seq: 0,
      parts: { clock: { now: Date.parse('2026-02-01T00:00:00Z') } },
    });
    expect(res.status).toBe(200);
    expect(res.body.parts).toEqual(['clock']);
    expect(res.body.now).toBe('2026-02-01T00:00:00.000Z');
    expect(m.snapshot().parts['vendor:churncut']).toEqual(seeded);
  });

  it('refuses another world (409), another format, unknown parts and parts it cannot take (400), changing nothing', async () => {
    const m = await fresh();
    await adminCall(m, 'setClock', 'post', '/__admin/clock', { advance: 'P2D' });
    await startFlow(m, 0);
    const saved = (await download(m)).body;
    const before = await state(m);

    const other = await restore(m, { ...saved, world: { ...WORLD, seed: 7 } });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/made for seed 7, .* not seed 42, /);
    const older = await restore(m, { ...saved, world: { ...WORLD, dataVersion: '0.0.1' } });
    expect(older.status).toBe(409);
    expect(older.body.message).toContain('data version 0.0.1');
    const format = await restore(m, { ...saved, format: 2 });
    expect(format.status).toBe(400);
    expect(format.body.message).toBe('the snapshot has format 2; this churnmock reads format 1');
    const unknown = await restore(m, { ...saved, parts: { ...saved.parts, 'vendor:nope': {} } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('parts this mock does not keep (vendor:nope)');
    const shapeless = await restore(m, { format: 1, world: WORLD, parts: {} });
    expect(shapeless.status).toBe(400);
    // A part the store cannot take, after parts it could: everything is put back as it was.
    const broken = await restore(m, {
      ...saved,
      parts: { ...saved.parts, clock: { now: 0 }, 'vendor:churncut': { flows: 5 } },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(
      /^the snapshot could not be restored \(.+\); nothing changed$/,
    );
    expect(await state(m)).toEqual(before);
  });

  it('pending webhook deliveries in a snapshot go on in the mock it is restored into: same ids, signed', async () => {
    const port = await freePort(); // the receiver is down while the first mock runs
    const url = `http://127.0.0.1:${port}/hooks`;
    const a = await fresh({ webhooks: { ...OPTIONS.webhooks, urls: [url], backoffMs: 200 } });
    await startFlow(a, 0);
    for (let i = 0; i < 100 && !a.webhooks.deliveries().every((d) => d.attempts > 0); i++)
      await new Promise((r) => setTimeout(r, 20));
    await a.webhooks.idle();
    a.stop(); // no attempt after the download: the snapshot holds the last word
    const saved = (await download(a)).body;
    const pending = a.webhooks.deliveries();
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((d) => d.status === 'pending' && d.attempts > 0)).toBe(true);

    const receiver = await startReceiver({ port });
    const b = await fresh({ webhooks: { ...OPTIONS.webhooks, urls: [url], backoffMs: 200 } });
    expect((await restore(b, saved)).status).toBe(200);
    const got = await receiver.waitFor(pending.length, 10_000);
    expect(got.map((r) => r.headers['x-churncut-delivery']).sort()).toEqual(
      pending.map((d) => d.id).sort(),
    );
    for (const r of got)
      expect(r.headers['x-churncut-signature']).toBe(hmacHex('whsec_churnmock', r.body));
    const list = await adminCall(b, 'listWebhookDeliveries', 'get', '/__admin/webhooks/deliveries');
    for (const d of list.body.deliveries as { id: string; status: string; attempts: number }[]) {
      expect(d.status).toBe('delivered');
      expect(d.attempts).toBe((pending.find((p) => p.id === d.id)?.attempts ?? 0) + 1);
    }
  });

  it('takes snapshots larger than the 1 MB other bodies are held to, and refuses past 256 MB from the header', async () => {
    const a = await fresh();
    const body = 'x'.repeat(600_000);
    for (const path of ['/v1/customers/cus_a', '/v1/customers/cus_b'])
      expect(
        (
          await adminCall(a, 'createMapping', 'post', '/__admin/mappings', {
            request: { method: 'GET', urlPath: path },
            response: { status: 200, body },
          })
        ).status,
      ).toBe(201);
    const saved = (await download(a)).text;
    expect(saved.length).toBeGreaterThan(1024 * 1024);
    const b = await fresh();
    const res = await request(b.app)
      .post('/__admin/snapshot')
      .set('content-type', 'application/json')
      .send(saved);
    expect(res.status).toBe(200);
    expect((await request(b.app).get('/v1/customers/cus_b')).text).toBe(body);

    // Past the limit: refused from Content-Length before any of the body is read.
    const server = createHttpServer(b.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({
        port,
        method: 'POST',
        path: '/__admin/snapshot',
        headers: { 'content-type': 'application/json', 'content-length': 300 * 1024 * 1024 },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c: Buffer) => {
          text += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write('{');
    });
    server.closeAllConnections();
    server.close();
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body)).toEqual({ message: 'Request body too large (limit 256 MB)' });
  });

  it('with --data-dir the directory then holds the restored state, and nothing from before it', async () => {
    const data = join(dir, 'restore');
    const source = await fresh();
    await adminCall(source, 'setClock', 'post', '/__admin/clock', { advance: 'P5D' });
    await startFlow(source, 3);
    const saved = (await download(source)).body;

    const a = await fresh({ dataDir: data });
    await startFlow(a, 0);
    await startFlow(a, 1);
    const res = await restore(a, saved);
    expect(res.status).toBe(200);
    expect(res.body.seq).toBe(a.persistence?.seq);
    const want = a.snapshot().parts;
    await close(a);
    expect(await readdir(data)).toEqual(
      expect.arrayContaining(['journal.log', 'snapshot.json', 'world.json']),
    );

    const b = await fresh({ dataDir: data });
    expect(b.snapshot().parts).toEqual(want);
    expect(b.snapshot().parts).toEqual(saved.parts);
  });
});
