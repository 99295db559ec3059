import express from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CONTRACT } from '../../mock/admin/index.ts';
import { type Contract, loadContract, type Operation } from '../../mock/core/contract.ts';
import { mountVendor } from '../../mock/core/pipeline/router.ts';
import type { VendorModule } from '../../mock/core/pipeline/types.ts';
import { FakeScheduler } from '../../mock/core/time/scheduler.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock, DSR_ACCESS, DSR_DELETE, SESSIONS } from '../helpers/mock.ts';
import { activeCustomer, CC_AUTH, CUSTOMERS, FLOWS } from '../vendors/churncut/helpers.ts';
import { PATHS, RB_KEY } from '../vendors/rebilly-reports/http.ts';

// One mock of this file's own (tests here change state on purpose), and every served contract:
// each vendor's with an API, and the admin API's.
const mock = await customMock({});
const served: { readonly id: string; readonly module: VendorModule | null; contract: Contract }[] =
  [];
for (const b of mock.built)
  if (b.module)
    served.push({
      id: b.definition.id,
      module: b.module,
      contract: await loadContract(b.module.contractFile),
    });
served.push({ id: 'churnmock-admin', module: null, contract: await loadContract(ADMIN_CONTRACT) });

/** The demo credentials of each served contract (none for churnmock's own). */
const CREDENTIALS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'churnkey-data': CK_HEADERS,
  churncut: CC_AUTH,
  'rebilly-reports': RB_KEY,
  'churnkey-hosted-flow': {},
  'churnmock-admin': {},
};

/** A concrete path of an operation (any value for its path parameters). */
const concrete = (op: Operation) =>
  op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    name === 'organizationId' ? 'org_churnmock' : `prefer_${name}`,
  );

const call = (
  op: Operation,
  prefer: string | null,
  headers: Readonly<Record<string, string>>,
  path = concrete(op),
) => {
  const req = request(mock.app)[op.method](path).set(headers);
  return prefer === null ? req : req.set('Prefer', prefer);
};

const EVERY_OPERATION = served.flatMap(({ id, contract }) =>
  contract.operations.map(
    (op) => [`${id} ${op.method.toUpperCase()} ${op.path} (${op.id})`, id, op] as const,
  ),
);

beforeEach(() => mock.reset());

describe('Prefer: every operation of every served contract answers from its contract', () => {
  it('the served contracts are the vendors’ and the admin API’s', () => {
    expect(served.map((s) => s.id).sort()).toEqual(Object.keys(CREDENTIALS).sort());
    expect(EVERY_OPERATION.length).toBeGreaterThan(40);
  });

  it.each(EVERY_OPERATION)('%s: every declared status', async (_name, id, op) => {
    const creds = CREDENTIALS[id] ?? {};
    const statuses = [...op.responses.keys()].filter((s) => /^\d{3}$/.test(s));
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) {
      const res = await call(op, `code=${status}`, creds);
      expect(res.status, `${op.id} Prefer: code=${status}`).toBe(Number(status));
      await expectContract(op.id, res);
      if (Number(status) !== 204 && Number(status) !== 304)
        expect(res.headers['content-type']).toMatch(/^application\/(problem\+)?json/);
      const spec = op.responseSpecs.get(status);
      // ChurnCut's 429 is its rate limiter's own (body and Retry-After agree), not the example.
      if (id === 'churncut' && status === '429') {
        expect(res.body.error.code).toBe('rate_limit_exceeded');
        expect(res.body.error.message).toContain(`${res.headers['retry-after']} s`);
      } else if (spec?.example) expect(res.body).toEqual(spec.example.value);
      else if (spec?.examples.size) expect(res.body).toEqual([...spec.examples.values()][0]);
    }
  });

  it.each(EVERY_OPERATION)('%s: every named example', async (_name, id, op) => {
    const creds = CREDENTIALS[id] ?? {};
    const firstWith = new Map<string, string>();
    for (const [status, spec] of op.responseSpecs)
      for (const [name, value] of spec.examples) {
        if (!firstWith.has(name)) firstWith.set(name, status);
        const res = await call(op, `code=${status}, example=${name}`, creds);
        expect(res.status, `${op.id} ${status} ${name}`).toBe(Number(status));
        expect(res.body).toEqual(value);
        await expectContract(op.id, res);
      }
    for (const [name, status] of firstWith) {
      const res = await call(op, `example=${name}`, creds);
      expect(res.status, `${op.id} example=${name}`).toBe(Number(status));
      expect(res.body).toEqual(op.responseSpecs.get(status)?.examples.get(name));
      await expectContract(op.id, res);
    }
  });

  it('the contracts have named examples to choose from', () => {
    const named = EVERY_OPERATION.flatMap(([, , op]) =>
      [...op.responseSpecs.values()].flatMap((s) => [...s.examples.keys()]),
    );
    expect(named.length).toBeGreaterThan(20);
  });
});

describe('Prefer: refusals in each vendor’s own error shape', () => {
  it('ChurnCut: an undeclared code is a 400 envelope naming the declared codes', async () => {
    const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'code=404');
    expect(res.status).toBe(400);
    await expectContract('listCustomers', res);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toBe(
      'Invalid request: header Prefer code=404 is not a status listCustomers declares; it declares 200, 304, 400, 401, 405, 429, 431, 500',
    );
    expect(res.body.error.details).toEqual([
      { in: 'header', name: 'Prefer', message: expect.stringContaining('code=404') },
    ]);
  });

  it('Rebilly: an undeclared code is a 400 problem document', async () => {
    const res = await request(mock.app)
      .get(PATHS.experimental)
      .set(RB_KEY)
      .set('Prefer', 'code=404');
    expect(res.status).toBe(400);
    await expectContract('GetSubscriptionCancellationReport', res);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(res.body.invalidFields).toEqual([
      {
        field: 'Prefer',
        message:
          'code=404 is not a status GetSubscriptionCancellationReport declares; it declares 200, 304, 400, 401, 403, 405, 431, 500',
      },
    ]);
  });

  it('Churnkey: an undeclared code is a 400 {message, errors}', async () => {
    const res = await request(mock.app).get(SESSIONS).set(CK_HEADERS).set('Prefer', 'code=418');
    expect(res.status).toBe(400);
    await expectContract('listSessions', res);
    expect(res.body.message).toMatch(
      /code=418 is not a status listSessions declares; it declares 200, 304, 400, 401, 405, 431, 500$/,
    );
    expect(res.body.errors).toEqual([
      { in: 'header', name: 'Prefer', message: expect.stringContaining('it declares') },
    ]);
  });

  it('admin API: its own {message} shape', async () => {
    const res = await request(mock.app).post('/__admin/reset').set('Prefer', 'code=404');
    expect(res.status).toBe(400);
    await expectContract('reset', res);
    expect(res.body.message).toMatch(/code=404 is not a status reset declares/);
  });

  it('an unknown example names the operation’s examples (with their statuses)', async () => {
    const ck = await request(mock.app).get(SESSIONS).set(CK_HEADERS).set('Prefer', 'example=nope');
    expect(ck.status).toBe(400);
    await expectContract('listSessions', ck);
    expect(ck.body.message).toContain(
      'example=nope is not an example of listSessions; its examples are vendorDocument (200), noSuchCustomer (200), invalidParameters (400), unparseableDate (400), unknownDimension (400)',
    );
    const cc = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'example=nope');
    expect(cc.status).toBe(400);
    await expectContract('listCustomers', cc);
    expect(cc.body.error.message).toContain(
      'example=nope is not an example of listCustomers; its examples are vendorDocs (200), firstTwo (200), limitTooLarge (400), unknownCustomer (400)',
    );
    // An operation with only an unnamed example (the admin API's reset; refused, so not run).
    const reset = await request(mock.app).post('/__admin/reset').set('Prefer', 'example=nope');
    expect(reset.status).toBe(400);
    await expectContract('reset', reset);
    expect(reset.body.message).toContain('it has no named examples');
    const withCode = await request(mock.app)
      .get(PATHS.stable)
      .set(RB_KEY)
      .set('Prefer', 'code=401, example=byCancelCategory');
    expect(withCode.status).toBe(400);
    await expectContract('GetStableSubscriptionCancellationReport', withCode);
    expect(withCode.body.invalidFields[0].message).toBe(
      "example=byCancelCategory is not an example of GetStableSubscriptionCancellationReport's 401 response; that response's examples are invalidCredentials",
    );
  });

  it.each([
    ['code=abc', 'code must be an HTTP status from 100 to 599, e.g. code=404 (got "abc")'],
    ['code=99', 'code must be an HTTP status from 100 to 599'],
    ['code=', 'code needs a value'],
    ['delay=60001', 'delay must be whole milliseconds from 0 to 60000'],
    ['code=200, delay=fast', 'delay must be whole milliseconds from 0 to 60000'],
    ['dynamic=yes', 'dynamic must be true or false'],
    ['example=', 'example needs a value'],
    ['code=200;code=201', 'code is given twice'],
  ])('a bad header, %j, is a 400 naming what is accepted', async (prefer, says) => {
    const res = await request(mock.app).get(SESSIONS).set(CK_HEADERS).set('Prefer', prefer);
    expect(res.status).toBe(400);
    await expectContract('listSessions', res);
    expect(res.body.message).toContain(`Invalid request: header Prefer ${says}`);
  });

  it.each([
    ['CODE=404', 404],
    [' code = 404 ', 404],
    ['code="401"; dynamic=true', 401],
    ['return=minimal, respond-async, code=405', 405],
  ])('Prism’s spellings are read: %j ⇒ %i', async (prefer, status) => {
    const res = await request(mock.app)
      .get(`${CUSTOMERS}/cus_abc123`)
      .set(CC_AUTH)
      .set('Prefer', prefer);
    expect(res.status).toBe(status);
    await expectContract('getCustomer', res);
  });

  it('only unknown preferences: the normal answer', async () => {
    const res = await request(mock.app)
      .get(`${CUSTOMERS}/cus_abc123`)
      .set(CC_AUTH)
      .set('Prefer', 'return=representation');
    expect(res.status).toBe(200);
    await expectContract('getCustomer', res);
    expect(res.body.data.current_period_end).not.toBe('2024-02-15T00:00:00Z'); // not the example
  });
});

describe('Prefer: after authentication, instead of the handler', () => {
  it.each([
    ['ChurnCut', 'listCustomers', CUSTOMERS, {}],
    ['ChurnCut (wrong key)', 'listCustomers', CUSTOMERS, { authorization: 'Bearer nope' }],
    ['Churnkey', 'listSessions', SESSIONS, {}],
    ['Rebilly', 'GetSubscriptionCancellationReport', PATHS.experimental, {}],
  ])('%s: no credentials + Prefer is still a 401', async (_n, op, path, headers) => {
    const res = await request(mock.app).get(path).set(headers).set('Prefer', 'code=200');
    expect(res.status).toBe(401);
    await expectContract(op, res);
  });

  it('ChurnCut POST /v1/cancellation-flows with Prefer: code=201 creates no flow and sends no event', async () => {
    const store = mock.vendors.churncut.store;
    const version = store.version;
    const flows = [...store.liveFlows()].length;
    const events = mock.webhooks.events().length;
    const c = activeCustomer(mock);
    const res = await request(mock.app).post(FLOWS).set(CC_AUTH).set('Prefer', 'code=201').send({
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'too_expensive',
      redirect_url: 'https://x.example/',
    });
    expect(res.status).toBe(201);
    await expectContract('createCancellationFlow', res);
    expect(res.body.data.flow_id).toBe('flow_123456'); // the contract's example
    expect(store.version).toBe(version);
    expect([...store.liveFlows()]).toHaveLength(flows);
    expect(mock.webhooks.events()).toHaveLength(events);
    // The same request without Prefer does create one: the check above can fail.
    const real = await request(mock.app).post(FLOWS).set(CC_AUTH).send({
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'too_expensive',
      redirect_url: 'https://x.example/',
    });
    expect(real.status).toBe(201);
    expect([...store.liveFlows()]).toHaveLength(flows + 1);
  });

  it('Churnkey DSR delete with Prefer deletes nothing (the body is not even read)', async () => {
    const email = { email: 'delljenkins@gmail.com' };
    const before = await request(mock.app).post(DSR_ACCESS).set(CK_HEADERS).send(email);
    await expectContract('dsrAccess', before);
    expect(before.body.counts.sessions).toBeGreaterThan(0);
    const version = mock.vendors['churnkey-data'].store.version;
    for (const prefer of ['code=200', 'example=success', 'code=200, example=rejected']) {
      const res = await request(mock.app)
        .post(DSR_DELETE)
        .set(CK_HEADERS)
        .set('Prefer', prefer)
        .send(email);
      expect(res.status).toBe(200);
      await expectContract('dsrDelete', res);
    }
    // Malformed JSON is not parsed either: the answer is the contract's.
    const malformed = await request(mock.app)
      .post(DSR_DELETE)
      .set(CK_HEADERS)
      .set('Prefer', 'code=200')
      .set('content-type', 'application/json')
      .send('{"email":');
    expect(malformed.status).toBe(200);
    await expectContract('dsrDelete', malformed);
    expect(mock.vendors['churnkey-data'].store.version).toBe(version);
    const after = await request(mock.app).post(DSR_ACCESS).set(CK_HEADERS).send(email);
    expect(after.body).toEqual(before.body);
    // Without Prefer the same delete removes the sessions: the checks above can fail.
    await request(mock.app).post(DSR_DELETE).set(CK_HEADERS).send(email);
    const erased = await request(mock.app).post(DSR_ACCESS).set(CK_HEADERS).send(email);
    expect(erased.body.counts.sessions).toBe(0);
  });

  it('admin: POST /__admin/reset and /__admin/clock with Prefer change nothing', async () => {
    const now = mock.clock.now();
    const moved = await request(mock.app)
      .post('/__admin/clock')
      .set('Prefer', 'code=200')
      .send({ advance: 'PT25H' });
    expect(moved.status).toBe(200);
    await expectContract('setClock', moved);
    expect(mock.clock.now()).toBe(now);
    mock.clock.advance('PT1H');
    const reset = await request(mock.app).post('/__admin/reset').set('Prefer', 'code=200');
    expect(reset.status).toBe(200);
    await expectContract('reset', reset);
    expect(mock.clock.now()).toBe(now + 3_600_000);
  });
});

describe('Prefer: headers', () => {
  it('ChurnCut code=429 carries its own Retry-After and X-RateLimit-* (the vendor’s win)', async () => {
    const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'code=429');
    expect(res.status).toBe(429);
    await expectContract('listCustomers', res);
    expect(res.body.error.code).toBe('rate_limit_exceeded');
    expect(res.headers['retry-after']).toBe('60');
    expect(res.headers['x-ratelimit-limit']).toBe('1000');
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('ChurnCut code=200 keeps the rate limiter’s real X-RateLimit-* rather than examples', async () => {
    for (let i = 0; i < 3; i++) await request(mock.app).get(CUSTOMERS).set(CC_AUTH);
    const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'code=200');
    expect(res.status).toBe(200);
    await expectContract('listCustomers', res);
    expect(res.headers['x-ratelimit-remaining']).toBe('996');
    expect(res.headers['x-ratelimit-reset']).not.toBe('1705765560');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('Rebilly code=200 gets the declared Pagination-* headers from the contract’s examples', async () => {
    const res = await request(mock.app)
      .get(PATHS.organization)
      .set(RB_KEY)
      .set('Prefer', 'example=empty');
    expect(res.status).toBe(200);
    await expectContract('GetOrganizationSubscriptionCancellationReport', res);
    expect(res.body).toEqual({ data: [] });
    expect(res.headers['pagination-total']).toBe('332');
    expect(res.headers['pagination-limit']).toBe('100');
    expect(res.headers['pagination-offset']).toBe('2');
    // The mock's own diagnostics are not made up.
    expect(res.headers['x-churnmock-ignored-params']).toBeUndefined();
  });

  it('a 405 gets its declared Allow header', async () => {
    const res = await request(mock.app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'code=405');
    expect(res.status).toBe(405);
    await expectContract('listCustomers', res);
    expect(res.headers.allow).toBe('GET');
  });

  it('CORS: a preflight allows the Prefer header, and Prefer answers carry CORS headers', async () => {
    const preflight = await request(mock.app)
      .options(CUSTOMERS)
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization, prefer');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('prefer');
    const res = await request(mock.app)
      .get(CUSTOMERS)
      .set(CC_AUTH)
      .set('Origin', 'https://app.example')
      .set('Prefer', 'code=500');
    expect(res.status).toBe(500);
    await expectContract('listCustomers', res);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('Prefer and the response cache', () => {
  it('a cached GET with Prefer is not served from the cache (fast path or Express)', async () => {
    const url = `${CUSTOMERS}?limit=3`;
    const first = await request(mock.app).get(url).set(CC_AUTH);
    const cached = await request(mock.app).get(url).set(CC_AUTH);
    expect(cached.status).toBe(200);
    await expectContract('listCustomers', cached);
    expect(cached.headers.etag).toBe(first.headers.etag);
    expect(cached.headers.etag).toBeDefined();
    const preferred = await request(mock.app).get(url).set(CC_AUTH).set('Prefer', 'code=500');
    expect(preferred.status).toBe(500);
    await expectContract('listCustomers', preferred);
    // A conditional GET with Prefer gets the preferred answer, not a 304.
    const conditional = await request(mock.app)
      .get(url)
      .set(CC_AUTH)
      .set('If-None-Match', cached.headers.etag as string)
      .set('Prefer', 'code=401');
    expect(conditional.status).toBe(401);
    await expectContract('listCustomers', conditional);
    // A path with a parameter (not on the fast path) too.
    const one = `${CUSTOMERS}/cus_abc123`;
    await request(mock.app).get(one).set(CC_AUTH);
    const again = await request(mock.app).get(one).set(CC_AUTH).set('Prefer', 'code=404');
    expect(again.status).toBe(404);
    await expectContract('getCustomer', again);
  });

  it('a Prefer answer is never stored: the next plain GET gets the real data', async () => {
    const url = `${CUSTOMERS}?limit=2&status=active`;
    const preferred = await request(mock.app).get(url).set(CC_AUTH).set('Prefer', 'code=200');
    expect(preferred.body.data.total).toBe(150); // the contract's example
    const real = await request(mock.app).get(url).set(CC_AUTH);
    expect(real.status).toBe(200);
    await expectContract('listCustomers', real);
    expect(real.body).not.toEqual(preferred.body);
    expect(real.body.data.customers).toHaveLength(2);
  });

  it('a request with Prefer but no code or example runs the handler, uncached (no ETag)', async () => {
    const url = `${CUSTOMERS}?limit=4`;
    await request(mock.app).get(url).set(CC_AUTH);
    const cached = await request(mock.app).get(url).set(CC_AUTH);
    expect(cached.headers.etag).toBeDefined();
    const res = await request(mock.app).get(url).set(CC_AUTH).set('Prefer', 'delay=0');
    expect(res.status).toBe(200);
    await expectContract('listCustomers', res);
    expect(res.body).toEqual(cached.body);
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('Prefer: delay, on the injected scheduler', () => {
  /** The ChurnCut API mounted alone over this file's mock, its timers on a fake scheduler. */
  async function churncutOnFakeTime() {
    const scheduler = new FakeScheduler(Date.now());
    const module = mock.built.find((b) => b.definition.id === 'churncut')?.module as VendorModule;
    const app = express();
    mountVendor(app, module, await loadContract(module.contractFile), {
      validateResponses: false,
      scheduler,
    });
    return { app, scheduler };
  }

  /** Starts a request; `answered()` tells whether the response has arrived. */
  function start(req: request.Test) {
    let done = false;
    const response = req.then((res) => {
      done = true;
      return res;
    });
    return { response, answered: () => done };
  }

  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(cond()).toBe(true);
  };

  it('code=404, delay=2000: the answer is not sent until the scheduler has moved 2 s', async () => {
    const { app, scheduler } = await churncutOnFakeTime();
    const call = start(
      request(app)
        .get(`${CUSTOMERS}/cus_abc123`)
        .set(CC_AUTH)
        .set('Prefer', 'code=404, delay=2000'),
    );
    await until(() => scheduler.pending().length === 1);
    scheduler.advance(1999);
    await new Promise((r) => setTimeout(r, 30));
    expect(call.answered()).toBe(false);
    scheduler.advance(1);
    const res = await call.response;
    expect(res.status).toBe(404);
    await expectContract('getCustomer', res);
  });

  it('a delay alone still runs the handler (state changes at once) and holds its answer back', async () => {
    const { app, scheduler } = await churncutOnFakeTime();
    const store = mock.vendors.churncut.store;
    const flows = [...store.liveFlows()].length;
    const c = activeCustomer(mock, 3);
    const call = start(
      request(app).post(FLOWS).set(CC_AUTH).set('Prefer', 'delay=500').send({
        customer_id: c.id,
        subscription_id: c.sub,
        reason: 'too_expensive',
        redirect_url: 'https://x.example/',
      }),
    );
    await until(() => scheduler.pending().length === 1);
    expect([...store.liveFlows()]).toHaveLength(flows + 1);
    expect(call.answered()).toBe(false);
    scheduler.advance(500);
    const res = await call.response;
    expect(res.status).toBe(201);
    await expectContract('createCancellationFlow', res);
    expect(res.body.data.flow_id).not.toBe('flow_123456');
    expect([...store.liveFlows()].map((f) => f.id)).toContain(res.body.data.flow_id);
  });

  it('a refusal is held back too; no delay means no timer', async () => {
    const { app, scheduler } = await churncutOnFakeTime();
    const call = start(
      request(app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'delay=10, code=404'),
    );
    await until(() => scheduler.pending().length === 1);
    scheduler.advance(10);
    const res = await call.response;
    expect(res.status).toBe(400);
    await expectContract('listCustomers', res);
    const now = await request(app).get(CUSTOMERS).set(CC_AUTH).set('Prefer', 'code=401');
    expect(now.status).toBe(401);
    expect(scheduler.pending()).toEqual([]);
  });

  it('through the whole mock (real time by default): delay=40 answers about 40 ms late', async () => {
    const t0 = performance.now();
    const res = await request(mock.app)
      .get(CUSTOMERS)
      .set(CC_AUTH)
      .set('Prefer', 'code=200, delay=40');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(res.status).toBe(200);
    await expectContract('listCustomers', res);
  });
});
