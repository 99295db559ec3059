import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';
import { listen } from '../helpers/wait.ts';

// The admin endpoints the dashboard needs (`GET /__admin/apis`, `DELETE /__admin/webhooks`)
// and the dashboard's own files under /__admin/ui.

let mock: Mock;
let server: Server;
let base: string;
beforeAll(async () => {
  mock = await customMock({});
  server = createServer(mock.app);
  base = await listen(server);
});
afterAll(() => {
  server?.close();
  mock?.stop();
});
beforeEach(() => mock.reset({ webhookTargets: true }));

const run = promisify(execFile);

/** Runs a curl line as a shell would (the words are single-quoted by the mock). */
async function curl(line: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run('sh', ['-c', `${line} -s -w '\\n%{http_code}'`]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

interface Api {
  id: string;
  title: string;
  baseUrl: string;
  credentials: { label: string; value: string; header?: { name: string; value: string } }[];
  operations: { operationId: string; method: string; path: string; curl: string }[];
}

describe('GET /__admin/apis', () => {
  it('lists every served API with its base URL, credentials and one curl per operation', async () => {
    const res = await request(base).get('/__admin/apis');
    await expectContract('listApis', res);
    expect(res.status).toBe(200);
    const apis = res.body.apis as Api[];
    expect(apis.map((a) => a.id)).toEqual([
      'churnkey-data',
      'churnkey-hosted-flow',
      'churncut',
      'rebilly-reports',
    ]);
    const ck = apis.find((a) => a.id === 'churnkey-data') as Api;
    expect(ck.baseUrl).toBe(`${base}/v1/data`);
    expect(ck.credentials.map((c) => c.header)).toEqual([
      { name: 'x-ck-api-key', value: 'data_test_churnmock' },
      { name: 'x-ck-app', value: 'app_churnmock' },
    ]);
    const cc = apis.find((a) => a.id === 'churncut') as Api;
    expect(cc.baseUrl).toBe(`${base}/v1`);
    expect(cc.credentials[0]?.header).toEqual({
      name: 'Authorization',
      value: 'Bearer cc_test_churnmock',
    });
    expect(cc.operations.map((o) => `${o.method} ${o.path}`)).toContain(
      'POST /v1/cancellation-flows',
    );
  });

  it('each GET curl line answers 200 when run (the credentials and examples are right)', async () => {
    const apis = (await request(base).get('/__admin/apis')).body.apis as Api[];
    const gets = apis.flatMap((a) =>
      a.operations.filter((o) => o.method === 'GET' && !o.path.includes('{')),
    );
    expect(gets.length).toBeGreaterThanOrEqual(8);
    for (const op of gets) {
      const res = await curl(op.curl);
      expect(res.status, `${op.curl}\n${res.body.slice(0, 300)}`).toBe(200);
      await expectContract(op.operationId, { status: res.status, body: JSON.parse(res.body) });
    }
  });

  it('names the admin token in the hosted flow’s curl lines when one is set', async () => {
    const m = await customMock({ adminToken: 'sesame' });
    try {
      const refused = await request(m.app).get('/__admin/apis');
      await expectContract('listApis', refused);
      expect(refused.status).toBe(401);
      const res = await request(m.app)
        .get('/__admin/apis')
        .set('x-churnmock-admin-token', 'sesame');
      await expectContract('listApis', res);
      const hosted = (res.body.apis as Api[]).find((a) => a.id === 'churnkey-hosted-flow');
      expect(hosted?.operations[0]?.curl).toContain(`-H 'x-churnmock-admin-token: sesame'`);
    } finally {
      m.stop();
    }
  });
});

describe('DELETE /__admin/webhooks', () => {
  const target = 'http://127.0.0.1:9/hooks';

  it('removes a target; one that is not there is a 404 that changes nothing', async () => {
    const added = await request(base).post('/__admin/webhooks').send({ url: target });
    await expectContract('addWebhook', added);
    const other = await request(base)
      .post('/__admin/webhooks')
      .send({ url: 'http://127.0.0.1:9/other' });
    await expectContract('addWebhook', other);
    const res = await request(base).delete('/__admin/webhooks').query({ url: target });
    await expectContract('removeWebhook', res);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ urls: ['http://127.0.0.1:9/other'] });
    const again = await request(base).delete('/__admin/webhooks').query({ url: target });
    await expectContract('removeWebhook', again);
    expect(again.status).toBe(404);
    expect(again.body.message).toContain(target);
    const list = await request(base).get('/__admin/webhooks');
    await expectContract('listWebhooks', list);
    expect(list.body).toEqual({ urls: ['http://127.0.0.1:9/other'] });
  });

  it('without url is a 400', async () => {
    const res = await request(base).delete('/__admin/webhooks');
    await expectContract('removeWebhook', res);
    expect(res.status).toBe(400);
  });

  it('is journaled in a data directory: a restart keeps the removal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'churnmock-dash-'));
    try {
      const first = await customMock({ dataDir: dir });
      for (const url of [target, 'http://127.0.0.1:9/kept'])
        await expectContract(
          'addWebhook',
          await request(first.app).post('/__admin/webhooks').send({ url }),
        );
      const res = await request(first.app).delete('/__admin/webhooks').query({ url: target });
      await expectContract('removeWebhook', res);
      first.stop();
      await first.persistence?.close();
      const second = await customMock({ dataDir: dir });
      expect(second.webhooks.targets()).toEqual(['http://127.0.0.1:9/kept']);
      second.stop();
      await second.persistence?.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the dashboard’s files', () => {
  it('GET / redirects to /__admin/ui/, keeping the query (?token=)', async () => {
    const res = await request(base).get('/?token=abc');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/__admin/ui/?token=abc');
    const bare = await request(base).get('/__admin/ui');
    expect(bare.status).toBe(302);
    expect(bare.headers.location).toBe('/__admin/ui/');
  });

  it('serves the page for each route, its scripts and the libraries, offline', async () => {
    for (const path of ['/__admin/ui/', '/__admin/ui/data', '/__admin/ui/control']) {
      const res = await request(base).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<script type="importmap">');
      // No asset from another host.
      expect(res.text).not.toMatch(/(src|href)="https?:/);
    }
    for (const [path, type] of [
      ['/__admin/ui/app.js', 'text/javascript'],
      ['/__admin/ui/style.css', 'text/css'],
      ['/__admin/ui/vendor/preact.mjs', 'text/javascript'],
      ['/__admin/ui/vendor/preact-hooks.mjs', 'text/javascript'],
      ['/__admin/ui/vendor/htm-preact.mjs', 'text/javascript'],
      ['/__admin/ui/vendor/uPlot.esm.js', 'text/javascript'],
      ['/__admin/ui/vendor/uPlot.min.css', 'text/css'],
      ['/__admin/ui/vendor/redoc.standalone.js', 'text/javascript'],
      ['/__admin/ui/contracts/churncut.openapi.yaml', 'application/yaml'],
    ] as const) {
      const res = await request(base).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toContain(type);
    }
    const docs = await request(base).get('/__admin/ui/docs/rebilly-reports');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('spec-url="/__admin/ui/contracts/rebilly-reports.openapi.yaml"');
  });

  it('an unknown asset, contract or docs page is a 404; a POST a 405', async () => {
    for (const path of [
      '/__admin/ui/nope.js',
      '/__admin/ui/vendor/nope.mjs',
      '/__admin/ui/docs/nope',
      '/__admin/ui/contracts/nope.openapi.yaml',
      '/__admin/ui/../package.json',
      '/__admin/ui/unknown-page',
    ]) {
      const res = await request(base).get(path);
      expect(res.status, path).toBe(404);
    }
    const post = await request(base).post('/__admin/ui/');
    expect(post.status).toBe(405);
  });

  it('passes the admin guard’s origin and Host checks; the token only guards the API', async () => {
    const cross = await request(base).get('/__admin/ui/').set('origin', 'https://evil.example');
    expect(cross.status).toBe(403);
    const rebound = await request(base).get('/__admin/ui/').set('host', 'evil.example:4010');
    expect(rebound.status).toBe(403);
    const m = await customMock({ adminToken: 'sesame' });
    try {
      const page = await request(m.app).get('/__admin/ui/').set('host', 'mock.internal:4010');
      expect(page.status).toBe(200);
      const api = await request(m.app).get('/__admin/clock').set('host', 'mock.internal:4010');
      await expectContract('getClock', api);
      expect(api.status).toBe(401);
    } finally {
      m.stop();
    }
  });
});
