import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { expectContract } from '../../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../../helpers/mock.ts';
import { freePort } from '../../helpers/wait.ts';
import { activeCustomer, CC_AUTH, FLOWS } from '../../vendors/churncut/helpers.ts';
import { act, openFlow, proCustomer } from '../../vendors/churnkey-hosted-flow/helpers.ts';

// Every write the API can make goes through a part's sink: a mock that replays the journalled
// writes (or imports the exported state) over the same seed answers every read as the first.

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const OPTIONS = { webhooks: { maxAttempts: 1, timeoutMs: 500 } };
const mocks: Mock[] = [];
afterAll(() => {
  for (const m of mocks) m.stop();
});

async function fresh(): Promise<Mock> {
  const m = await customMock(OPTIONS);
  mocks.push(m);
  return m;
}

/** Reads that show every kind of state, answered as text. */
async function reads(mock: Mock, flowIds: readonly string[], customerIds: readonly string[]) {
  const get = (path: string, headers: Record<string, string> = {}) =>
    request(mock.app).get(path).set(headers);
  const out: Record<string, string> = {};
  const paths: [string, Record<string, string>][] = [
    ['/v1/data/sessions?limit=50&bounced=true', CK_HEADERS],
    [
      '/v1/data/session-aggregation?breakdown=month-saveType-bounced&startDate=2025-06-01',
      CK_HEADERS,
    ],
    ['/v1/customers?limit=100', CC_AUTH],
    ['/v1/analytics/churn?start_date=2025-12-01&end_date=2026-02-01', CC_AUTH],
    ['/v1/analytics/retention?start_date=2025-12-01&end_date=2026-02-01', CC_AUTH],
    ['/__admin/clock', {}],
    ['/__admin/webhooks', {}],
    ['/__admin/webhooks/deliveries', {}],
    ['/__admin/mappings', {}],
    ['/__admin/scenarios', {}],
    ['/__admin/churnkey/flow', {}],
    ...flowIds.map((id): [string, Record<string, string>] => [`${FLOWS}/${id}`, CC_AUTH]),
    ...customerIds.map((id): [string, Record<string, string>] => [`/v1/customers/${id}`, CC_AUTH]),
  ];
  for (const [path, headers] of paths) {
    const res = await get(path, headers);
    expect(res.status, path).toBe(200);
    out[path] = res.text;
  }
  const dsr = await request(mock.app)
    .post('/v1/data/dsr/access')
    .set(CK_HEADERS)
    .send({ email: 'jane@example.com' });
  out.dsr = dsr.text;
  return out;
}

describe('the whole mock replays its journalled writes', () => {
  it('writes of every kind, replayed or imported over the seed, give byte-identical answers', async () => {
    const a = await fresh();
    const journal: { part: string; kind: string; data: unknown }[] = [];
    for (const [part, p] of a.parts)
      p.persistTo((kind, data) => journal.push({ part, kind, data: viaJson(data) }));
    const admin = (method: 'post' | 'put', path: string, body: unknown) =>
      request(a.app)
        [method](path)
        .send(body as object);

    // A webhook target that is down: every event gets a failed delivery.
    expect(
      (
        await admin('post', '/__admin/webhooks', {
          url: `http://127.0.0.1:${await freePort()}/hooks`,
        })
      ).status,
    ).toBe(200);
    expect((await admin('post', '/__admin/clock', { advance: 'P2D' })).status).toBe(200);
    // ChurnCut: one flow retained, one cancelled, one left pending.
    const flowIds: string[] = [];
    const customerIds: string[] = [];
    for (const [skip, ending] of [
      [0, 'accept'],
      [1, 'cancel'],
      [2, 'none'],
    ] as const) {
      const c = activeCustomer(a, skip);
      customerIds.push(c.id);
      const res = await request(a.app).post(FLOWS).set(CC_AUTH).send({
        customer_id: c.id,
        subscription_id: c.sub,
        reason: 'too_expensive',
        redirect_url: 'https://example.com/back',
      });
      expect(res.status).toBe(201);
      const id = res.body.data.flow_id as string;
      flowIds.push(id);
      if (ending === 'accept') {
        const page = (await request(a.app).get(`/flow/${id}`)).text;
        const offer = /name="offer" value="([^"]+)"/.exec(page)?.[1] ?? '';
        expect(
          (await request(a.app).post(`/flow/${id}/accept`).type('form').send({ offer })).status,
        ).toBeLessThan(400);
      }
      if (ending === 'cancel')
        expect((await request(a.app).post(`/flow/${id}/cancel`).type('form')).status).toBeLessThan(
          400,
        );
    }
    // Churnkey: a DSR delete, a hosted-flow configuration change and a recorded session.
    const erase = await request(a.app)
      .post('/v1/data/dsr/delete')
      .set(CK_HEADERS)
      .send({ email: 'jane@example.com' });
    expect(erase.status).toBe(200);
    expect((await admin('put', '/__admin/churnkey/flow', { timeoutMs: 1500 })).status).toBe(200);
    const hosted = await openFlow(a, proCustomer(a).id);
    await act(a, hosted.sessionId, 'abort');
    // Stubs: a mapping in a scenario, moved on.
    const mapping = {
      scenarioName: 'flaky',
      requiredScenarioState: 'Started',
      newScenarioState: 'second',
      request: { method: 'GET', urlPath: '/v1/customers/cus_nobody' },
      response: { status: 503 },
    };
    expect((await admin('post', '/__admin/mappings', mapping)).status).toBe(201);
    expect((await request(a.app).get('/v1/customers/cus_nobody').set(CC_AUTH)).status).toBe(503);
    await a.webhooks.idle();

    const parts = new Set(journal.map((j) => j.part));
    expect(parts).toEqual(
      new Set([
        'clock',
        'webhooks',
        'vendor:churncut',
        'vendor:churnkey-data',
        'vendor:churnkey-hosted-flow',
        'stubs',
      ]),
    );
    const want = await reads(a, flowIds, customerIds);

    // The writes show: a mock without them answers otherwise.
    const untouched = await fresh();
    const before = await request(untouched.app)
      .post('/v1/data/dsr/access')
      .set(CK_HEADERS)
      .send({ email: 'jane@example.com' });
    expect(before.text).not.toBe(want.dsr);
    expect((await request(untouched.app).get('/__admin/clock')).text).not.toBe(
      want['/__admin/clock'],
    );

    const replayed = await fresh();
    for (const j of journal) replayed.parts.get(j.part)?.apply(j.kind, j.data);
    expect(await reads(replayed, flowIds, customerIds)).toEqual(want);

    const imported = await fresh();
    for (const [name, p] of a.parts)
      imported.parts.get(name)?.importState(viaJson(p.exportState()));
    expect(await reads(imported, flowIds, customerIds)).toEqual(want);

    // Through the admin API: downloaded from one mock, restored into another.
    const download = await request(a.app).get('/__admin/snapshot');
    await expectContract('getSnapshot', download);
    const restored = await fresh();
    const put = await request(restored.app).post('/__admin/snapshot').send(download.body);
    await expectContract('restoreSnapshot', put);
    expect(put.status).toBe(200);
    expect(await reads(restored, flowIds, customerIds)).toEqual(want);
    expect(restored.snapshot().parts).toEqual(download.body.parts);
  });
});
