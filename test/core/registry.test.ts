import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { Option } from 'commander';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockFrom, type Mock } from '../../mock/app.ts';
import { loadContract } from '../../mock/core/contract.ts';
import { compileResponseValidators, makeAjv } from '../../mock/core/validation.ts';
import {
  type BuildContext,
  defineVendor,
  type Registry,
  type VendorInstance,
} from '../../mock/core/vendor.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { closeServed, runCli } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';

/**
 * A fifth vendor is new files plus one entry in the registry: a tiny vendor with a one-operation
 * contract fixture, registered here without editing any other file, is served, authenticated,
 * validated, listed in /__admin/health, reset by /__admin/reset and printed by the CLI banner.
 */
const CONTRACT = join(import.meta.dirname, '..', 'fixtures', 'fake-retention.openapi.yaml');

const fakeRetention = defineVendor({
  id: 'fake-retention',
  title: 'Fake Retention API',
  contract: CONTRACT,
  defaults: { apiKey: 'fk_test_default' },
  cli: {
    options: [
      new Option('--fake-api-key <key>', 'Fake Retention API key').default('fk_test_default'),
    ],
    read: (flags) => ({ apiKey: String(flags.fakeApiKey) }),
  },
  build(_context: BuildContext, options: { apiKey: string }): VendorInstance {
    let count = 0;
    return {
      api: {
        prefixes: ['/fake'],
        authenticate: (headers) =>
          headers['x-fake-key'] === options.apiKey
            ? null
            : { status: 401, body: { fault: 'bad or missing x-fake-key' } },
        errorBody: (_status: number, message: string, problems?: readonly unknown[]) => ({
          fault: message,
          ...(problems ? { problems } : {}),
        }),
        handlers: {
          recordPing: ({ body }) => ({
            status: 200,
            body: { count: ++count, message: (body as { message: string }).message },
          }),
        },
      },
      reset: () => {
        count = 0;
      },
      banner: (base: string) => [`  Fake Retention API  ${base}/fake/v1/pings   ${count} pings`],
    };
  },
});

const registry: Registry<unknown> = {
  ...(REGISTRY as Registry<unknown>),
  vendors: [...REGISTRY.vendors, fakeRetention],
};

let validators: Map<string, ValidateFunction>;
/** Checks a fake-vendor response against the fixture contract. */
function expectFixture(res: { status: number; body: unknown }) {
  const validate = validators.get(String(res.status));
  expect(validate, `the fixture documents ${res.status}`).toBeDefined();
  expect(validate?.(res.body), JSON.stringify(validate?.errors)).toBe(true);
}

let mock: Mock;
beforeAll(async () => {
  const op = (await loadContract(CONTRACT)).operations[0];
  if (!op) throw new Error('the fixture has one operation');
  validators = compileResponseValidators(makeAjv(false), op);
  mock = await createMockFrom(registry, { scale: 0.02 });
});
afterEach(closeServed);

const ping = (message: unknown, key: string | null = 'fk_test_default') => {
  const req = request(mock.app).post('/fake/v1/pings');
  if (key) req.set('x-fake-key', key);
  return req.send({ message });
};

describe('a vendor added through the registry alone', () => {
  it('is served, with its state', async () => {
    const first = await ping('hello');
    expect(first.status).toBe(200);
    expectFixture(first);
    expect(first.body).toEqual({ count: 1, message: 'hello' });
    const second = await ping('again');
    expect(second.body.count).toBe(2);
  });

  it('is authenticated before its body is read, in its own error shape', async () => {
    for (const key of [null, 'wrong']) {
      const res = await ping('hello', key);
      expect(res.status).toBe(401);
      expectFixture(res);
      expect(res.body).toEqual({ fault: 'bad or missing x-fake-key' });
    }
  });

  it('is validated against its contract, in its own error shape', async () => {
    for (const bad of ['', 'x'.repeat(21), 42]) {
      const res = await ping(bad);
      expect(res.status).toBe(400);
      expectFixture(res);
      expect(res.body.fault).toMatch(/^Invalid request: body message/);
    }
    const extra = await request(mock.app)
      .post('/fake/v1/pings')
      .set('x-fake-key', 'fk_test_default')
      .send({ message: 'hi', other: 1 });
    expect(extra.status).toBe(400);
    expectFixture(extra);
  });

  it('answers 404 and 405 under its prefix in its own error shape', async () => {
    const missing = await request(mock.app).get('/fake/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ fault: 'No route for GET /fake/v1/nothing' });
    const method = await request(mock.app).get('/fake/v1/pings');
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe('POST');
  });

  it('is listed in /__admin/health beside the others', async () => {
    const res = await request(mock.app).get('/__admin/health');
    await expectContract('getHealth', res);
    expect(res.body.apis).toEqual([
      ...REGISTRY.vendors.flatMap((v) => (v.build ? [v.title] : [])),
      'Fake Retention API',
    ]);
  });

  it('is reset by /__admin/reset', async () => {
    await ping('before');
    const reset = await request(mock.app).post('/__admin/reset');
    await expectContract('reset', reset);
    const after = await ping('after');
    expectFixture(after);
    expect(after.body.count).toBe(1);
  });

  it('gets its flags and banner in the CLI', async () => {
    const help = await runCli(['serve', '--help'], {}, registry);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fake-api-key <key>');
    const served = await runCli(
      ['serve', '--port', '0', '--scale', '0.02', '--fake-api-key', 'fk_cli'],
      {},
      registry,
    );
    expect(served.code).toBe(0);
    expect(served.stdout).toMatch(
      /Fake Retention API {2}http:\/\/127\.0\.0\.1:\d+\/fake\/v1\/pings {3}0 pings/,
    );
    const base = /listening on (http:\/\/\S+)/.exec(served.stdout)?.[1];
    const res = await fetch(`${base}/fake/v1/pings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-key': 'fk_cli' },
      body: JSON.stringify({ message: 'from the CLI' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expectFixture({ status: res.status, body });
    expect(body).toEqual({ count: 1, message: 'from the CLI' });
  });
});

describe('the engine names no vendor', () => {
  const ROOT = join(import.meta.dirname, '..', '..', 'mock');
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
  const engine = [
    ...files('core'),
    ...files('admin'),
    ...files('cli').filter((f) => !f.endsWith('main.ts')),
    join(ROOT, 'app.ts'),
    join(ROOT, 'dataset.ts'),
  ];

  it.each(REGISTRY.vendors.map((v) => [v.id, v.title]))(
    'no engine file mentions %s (%s)',
    (id, title) => {
      const named = engine.filter((f) => {
        const text = readFileSync(f, 'utf8');
        return text.includes(id) || text.includes(title);
      });
      expect(named).toEqual([]);
    },
  );
});
