import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../../examples/customer-data-endpoint/app.ts';
import { loadContract, type Operation } from '../../../mock/core/contract.ts';
import { createMock, DEFAULT_OPTIONS, VENDORS } from '../../../mock/create.ts';
import { DEMO_CHURNKEY_API_KEY } from '../../../mock/vendors/churnkey-customer-data/index.ts';
import { expectContract } from '../../helpers/contract.ts';
import { type Prism, startPrism } from '../../helpers/prism.ts';
import { listen } from '../../helpers/wait.ts';
import { type Case, CORPORA } from './corpus/index.ts';

const CONTRACTS = join(import.meta.dirname, '..', '..', '..', 'contracts');

interface Violation {
  readonly location: readonly string[];
  readonly code: string | number;
  readonly message: string;
}

let server: Server;
let base: string;
let endpoint: Server;
let endpointBase: string;
beforeAll(async () => {
  server = createServer((await createMock(DEFAULT_OPTIONS)).app);
  base = await listen(server);
  endpoint = createServer(createReferenceEndpoint({ apiKey: DEMO_CHURNKEY_API_KEY }));
  endpointBase = await listen(endpoint);
});
afterAll(() =>
  Promise.all(
    [server, endpoint].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  ),
);

/** Sets the case's state up on the mock itself (or resets), returning its values. */
async function prepare(c: Case): Promise<Record<string, string>> {
  const res = c.state
    ? await fetch(`${base}/__admin/states`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: c.state }),
      })
    : await fetch(`${base}/__admin/reset`, { method: 'POST' });
  expect(res.status, `setting up "${c.state}"`).toBe(200);
  return c.state ? ((await res.json()) as Record<string, string>) : {};
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);

/** The operation a request is for, by method and path template. */
function operationOf(ops: readonly Operation[], method: string, path: string): Operation {
  const pathname = path.split('?')[0] ?? path;
  const op = ops.find(
    (o) =>
      o.method === method.toLowerCase() &&
      new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  if (!op) throw new Error(`No operation for ${method} ${pathname}`);
  return op;
}

/** Whether Prism's violations name the expected request problem (`query.limit`, `security`). */
function names(v: Violation, expected: string): boolean {
  if (v.location[0] !== 'request') return false;
  if (expected === 'security') return v.code === 401 || v.code === 403;
  // Prism spells query parameter names in lower case.
  const where = v.location.slice(1).join('.').toLowerCase();
  const want = expected.toLowerCase();
  return where === want || where.startsWith(`${want}.`);
}

describe.each(CORPORA)('prism proxy contracts/$contract', ({ contract, cases, upstream }) => {
  let strict: Prism | undefined;
  let report: Prism | undefined;
  let operations: readonly Operation[] = [];
  beforeAll(async () => {
    const file = join(CONTRACTS, contract);
    operations = (await loadContract(file)).operations;
    const target = upstream === 'reference-endpoint' ? endpointBase : base;
    [strict, report] = await Promise.all([
      startPrism({ mode: 'proxy', contract: file, upstream: target, errors: true }),
      startPrism({ mode: 'proxy', contract: file, upstream: target, errors: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([strict?.stop(), report?.stop()]);
  });

  it('the corpus covers every operation of the contract', () => {
    const covered = new Set(cases.map((c) => operationOf(operations, c.method, c.path).id));
    expect([...covered].sort()).toEqual(operations.map((o) => o.id).sort());
  });

  it.each(cases.map((c) => [`${c.method} ${c.path}: ${c.name}`, c] as const))(
    '%s',
    async (_title, c) => {
      const values = await prepare(c);
      const invalid = (c.violations?.length ?? 0) > 0;
      // A valid request goes through `--errors` (any violation becomes Prism's own 422 or 500);
      // an invalid one through the reporting proxy, which forwards it so the mock answers.
      const proxy = (invalid ? report : strict) as Prism;
      const path = fill(c.path, values);
      const res = await fetch(`${proxy.url}${path}`, {
        method: c.method,
        headers: {
          ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...c.headers,
        },
        body: c.body === undefined ? undefined : fill(JSON.stringify(c.body), values),
      });
      const text = await res.text();
      const violations = JSON.parse(res.headers.get('sl-violations') ?? '[]') as Violation[];
      const responseViolations = violations.filter((v) => v.location[0] !== 'request');
      expect(responseViolations, `Prism found the mock's response invalid: ${text}`).toEqual([]);
      if (invalid) {
        for (const expected of c.violations ?? [])
          expect(
            violations.some((v) => names(v, expected)),
            `Prism names ${expected} in ${JSON.stringify(violations)}`,
          ).toBe(true);
      } else expect(violations, `Prism found the request invalid: ${text}`).toEqual([]);
      expect(res.status, text).toBe(c.status);
      await expectContract(operationOf(operations, c.method, path).id, {
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
      });
    },
  );
});

describe('prism proxy --errors against a provider that breaks the contract', () => {
  it('answers 500 naming the violations instead of passing the response on', async () => {
    const wrong = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, customers: [] }));
    });
    const upstream = await listen(wrong);
    const contract = join(CONTRACTS, 'churncut.openapi.yaml');
    const prism = await startPrism({ mode: 'proxy', contract, upstream, errors: true });
    try {
      const res = await fetch(`${prism.url}/v1/customers`, {
        headers: { authorization: 'Bearer cc_test_churnmock' },
      });
      expect(res.status).toBe(500);
      const violations = JSON.parse(res.headers.get('sl-violations') ?? '[]') as Violation[];
      expect(violations.map((v) => v.message)).toContain(
        "Response body must have required property 'success'",
      );
    } finally {
      await prism.stop();
      wrong.close();
    }
  });
});

describe('the corpora follow the registry', () => {
  it('every registered vendor contract, and the admin API, has a corpus', () => {
    const expected = [
      ...VENDORS.map((v) => `${v.id}.openapi.yaml`),
      'churnmock-admin.openapi.yaml',
    ];
    expect(CORPORA.map((c) => c.contract).sort()).toEqual(expected.sort());
  });
});
