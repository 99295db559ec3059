import { once } from 'node:events';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../mock/core/crypto.ts';
import { untilReady } from '../helpers/child.ts';
import { cli, serve, spawnCli, stopServed } from '../helpers/cli.ts';
import { freePort } from '../helpers/wait.ts';
import { closeReceivers, startReceiver } from '../helpers/webhook-receiver.ts';

// `churnmock serve --data-dir` as a child process: writes of every kind, SIGKILL right after the
// last response, a restart, and every acknowledged write is there, answered byte for byte alike.

const CK = { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' };
const CC = { authorization: 'Bearer cc_test_churnmock', 'content-type': 'application/json' };
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'churnmock-serve-data-'));
});
afterEach(async () => {
  stopServed();
  await closeReceivers();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kill(child: import('node:child_process').ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
) {
  const res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** Starts a ChurnCut cancellation flow for a customer of the list. */
const startFlow = (base: string, c: { id: string; subscription_id: string }) =>
  call(
    base,
    'POST',
    '/v1/cancellation-flows',
    CC,
    JSON.stringify({
      customer_id: c.id,
      subscription_id: c.subscription_id,
      reason: 'too_expensive',
      redirect_url: 'https://example.com/back',
    }),
  );

/** Reads that show every kind of state. */
async function reads(base: string, flows: readonly string[], customers: readonly string[]) {
  const paths: [string, Record<string, string>][] = [
    ['/v1/data/sessions?limit=50&bounced=true', CK],
    ['/v1/data/session-aggregation?breakdown=month-saveType-bounced&startDate=2025-06-01', CK],
    ['/v1/customers?limit=100', CC],
    ['/v1/analytics/churn?start_date=2025-12-01&end_date=2026-02-01', CC],
    ['/v1/analytics/retention?start_date=2025-12-01&end_date=2026-02-01', CC],
    ['/__admin/clock', {}],
    ['/__admin/webhooks', {}],
    ['/__admin/churnkey/flow', {}],
    ...flows.map((id): [string, Record<string, string>] => [`/v1/cancellation-flows/${id}`, CC]),
    ...customers.map((id): [string, Record<string, string>] => [`/v1/customers/${id}`, CC]),
  ];
  const out: Record<string, string> = {};
  for (const [path, headers] of paths) {
    const res = await call(base, 'GET', path, headers);
    expect(res.status, path).toBe(200);
    out[path] = res.text;
  }
  out.dsr = (
    await call(
      base,
      'POST',
      '/v1/data/dsr/access',
      { ...CK, ...JSON_TYPE },
      '{"email":"jane@example.com"}',
    )
  ).text;
  return out;
}

describe('serve --data-dir', () => {
  it('every acknowledged write survives SIGKILL: same answers after a restart', async () => {
    const data = join(dir, 'kill');
    const first = await serve(['--port', '0', '--data-dir', data]);
    const base = first.url;
    expect(
      (await call(base, 'POST', '/__admin/clock', JSON_TYPE, '{"advance":"P1D"}')).status,
    ).toBe(200);
    const customers = JSON.parse(
      (await call(base, 'GET', '/v1/customers?limit=10&status=active', CC)).text,
    ).data.customers as { id: string; subscription_id: string }[];
    const flows: string[] = [];
    for (const [k, ending] of [
      [0, 'accept'],
      [1, 'cancel'],
      [2, 'none'],
    ] as const) {
      const c = customers[k] as { id: string; subscription_id: string };
      const started = await startFlow(base, c);
      expect(started.status).toBe(201);
      const id = JSON.parse(started.text).data.flow_id as string;
      flows.push(id);
      if (ending === 'accept') {
        const page = (await call(base, 'GET', `/flow/${id}`, {})).text;
        const offer = /name="offer" value="([^"]+)"/.exec(page)?.[1] ?? '';
        expect(
          (await call(base, 'POST', `/flow/${id}/accept`, FORM, `offer=${offer}`)).status,
        ).toBeLessThan(400);
      }
      if (ending === 'cancel')
        expect((await call(base, 'POST', `/flow/${id}/cancel`, FORM, '')).status).toBeLessThan(400);
    }
    expect(
      (
        await call(
          base,
          'POST',
          '/v1/data/dsr/delete',
          { ...CK, ...JSON_TYPE },
          '{"email":"jane@example.com"}',
        )
      ).status,
    ).toBe(200);
    expect(
      (await call(base, 'PUT', '/__admin/churnkey/flow', JSON_TYPE, '{"timeoutMs":1500}')).status,
    ).toBe(200);
    const link = JSON.parse(
      (await call(base, 'GET', `/__admin/churnkey/flow-url?customerId=${customers[3]?.id}`, {}))
        .text,
    );
    const html = (
      await call(base, 'GET', new URL(link.url).pathname + new URL(link.url).search, {})
    ).text;
    const session = /\/churnkey\/flow\/(chs_[A-Za-z0-9_-]+)\/abort/.exec(html)?.[1];
    expect(session).toBeTruthy();
    expect((await call(base, 'POST', `/churnkey/flow/${session}/abort`, FORM, '')).status).toBe(
      303,
    );
    expect(
      (
        await call(
          base,
          'POST',
          '/__admin/webhooks',
          JSON_TYPE,
          JSON.stringify({ url: `http://127.0.0.1:${await freePort()}/down` }),
        )
      ).status,
    ).toBe(200);
    const want = await reads(
      base,
      flows,
      customers.map((c) => c.id),
    );
    const snapshotFile = join(dir, 'kill-snapshot.json');
    writeFileSync(snapshotFile, (await call(base, 'GET', '/__admin/snapshot', {})).text);
    // The last write, and SIGKILL right after its response: it must be on disk already.
    expect(
      (
        await call(
          base,
          'POST',
          '/__admin/mappings',
          JSON_TYPE,
          JSON.stringify({
            request: { method: 'GET', urlPath: '/v1/customers/cus_nobody' },
            response: { status: 503 },
          }),
        )
      ).status,
    ).toBe(201);
    await kill(first.child);

    const second = await serve(['--port', '0', '--data-dir', data]);
    const mappings = JSON.parse((await call(second.url, 'GET', '/__admin/mappings', {})).text);
    expect(mappings.mappings.map((m: { request: unknown }) => m.request)).toEqual([
      { method: 'GET', urlPath: '/v1/customers/cus_nobody' },
    ]);
    const ids = customers.map((c) => c.id);
    expect(await reads(second.url, flows, ids)).toEqual(want);
    // While it runs, a second process on the directory is refused, naming the first one's pid.
    const third = await cli(['serve', '--port', '0', '--data-dir', data]);
    expect(third.code).toBe(1);
    expect(third.stderr).toContain(`pid ${second.child.pid}`);

    // The snapshot downloaded before the last write: a mock started from it (memory only)
    // answers as the first did then; one of another world, or a file that is no snapshot, is
    // refused with one line.
    const fromFile = await serve(['--port', '0', '--snapshot', snapshotFile]);
    expect(await reads(fromFile.url, flows, ids)).toEqual(want);
    const other = await cli(['serve', '--port', '0', '--seed', '7', '--snapshot', snapshotFile]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/snapshot\.json was made for seed 42, .*not seed 7/);
    const notJson = join(dir, 'not-a-snapshot.json');
    writeFileSync(notJson, 'seed=42');
    const bad = await cli(['serve', '--port', '0', '--snapshot', notJson]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`--snapshot ${notJson} is not JSON`);
  });

  it('webhooks pending at a SIGKILL are delivered after the restart: original delivery ids, valid signatures', async () => {
    const data = join(dir, 'hooks');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const first = await serve([
      '--port',
      '0',
      '--data-dir',
      data,
      '--webhook-url',
      url,
      '--webhook-backoff-ms',
      '300',
    ]);
    const base = first.url;
    const [c] = JSON.parse(
      (await call(base, 'GET', '/v1/customers?limit=1&status=active', CC)).text,
    ).data.customers;
    const started = await startFlow(base, c);
    expect(started.status).toBe(201);
    // The receiver is down: wait for a failed attempt, then kill.
    let deliveries: { id: string; attempts: number; status: string }[] = [];
    for (let i = 0; i < 100 && !deliveries.some((d) => d.attempts > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = JSON.parse(
        (await call(base, 'GET', '/__admin/webhooks/deliveries', {})).text,
      ).deliveries;
    }
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 'pending')).toBe(true);
    await kill(first.child);

    const receiver = await startReceiver({ port });
    const second = await serve([
      '--port',
      '0',
      '--data-dir',
      data,
      '--webhook-url',
      url,
      '--webhook-backoff-ms',
      '300',
    ]);
    const got = await receiver.waitFor(deliveries.length, 15_000);
    expect(got.map((r) => r.headers['x-churncut-delivery']).sort()).toEqual(
      deliveries.map((d) => d.id).sort(),
    );
    for (const r of got)
      expect(r.headers['x-churncut-signature']).toBe(hmacHex('whsec_churnmock', r.body));
    const after = JSON.parse(
      (await call(second.url, 'GET', '/__admin/webhooks/deliveries', {})).text,
    ).deliveries as typeof deliveries;
    for (const d of after) {
      expect(d.status).toBe('delivered');
      expect(d.attempts).toBeGreaterThan(deliveries.find((x) => x.id === d.id)?.attempts ?? 0);
    }
  });

  it('another seed is refused with both worlds named; --reset-data starts over; a torn tail is set aside', async () => {
    const data = join(dir, 'params');
    const first = await serve(['--port', '0', '--data-dir', data]);
    expect(
      (await call(first.url, 'POST', '/__admin/clock', JSON_TYPE, '{"advance":"P3D"}')).status,
    ).toBe(200);
    const clock = (await call(first.url, 'GET', '/__admin/clock', {})).text;
    await kill(first.child);
    const other = await cli(['serve', '--port', '0', '--seed', '7', '--data-dir', data]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/made for seed 42.*not seed 7.*--reset-data/);
    // A record torn by a crash mid-write: the valid writes are kept, the tail set aside.
    appendFileSync(join(data, 'journal.log'), '0badc0de {"seq":99,"part":"clock"');
    const proc = spawnCli(['serve', '--port', '0', '--data-dir', data]);
    const { output, match } = await untilReady(
      proc,
      /listening on (http:\/\/\S+)/,
      60_000,
      'serve',
    );
    const torn = { url: match[1] as string, child: proc };
    expect((await call(torn.url, 'GET', '/__admin/clock', {})).text).toBe(clock);
    const aside = readdirSync(data).find((f) => f.startsWith('journal.log.corrupt-'));
    expect(aside).toBeTruthy();
    expect(readFileSync(join(data, aside as string), 'utf8')).toBe(
      '0badc0de {"seq":99,"part":"clock"',
    );
    // The warning names the file the tail went to.
    expect(output).toContain(`warning: the journal in ${data} ends in an invalid record`);
    expect(output).toContain(aside);
    await kill(torn.child);
    const reset = await serve(['--port', '0', '--seed', '7', '--data-dir', data, '--reset-data']);
    expect((await call(reset.url, 'GET', '/__admin/clock', {})).text).not.toBe(clock);
  });
});
