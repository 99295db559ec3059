import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTRACT } from '../../mock/admin/index.ts';
import { loadContract } from '../../mock/core/contract.ts';
import { contractFile } from '../../mock/core/paths.ts';
import { type Mock, REGISTRY } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../helpers/mock.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
/** Calls that create something answer 201. */
const CREATED = new Set(['POST /v1/cancellation-flows', 'POST /__admin/mappings']);

/** Splits a shell line into words, honouring single quotes (all the README uses). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

interface Call {
  line: string;
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** `--data-binary @FILE`: the body is what an earlier line saved there. */
  bodyFile?: string;
  /** `-o FILE`: the answer is saved there, for a later line. */
  output?: string;
}

/** What lines saved with `-o`, by file name. */
const saved = new Map<string, string>();

function parseCurl(line: string): Call {
  const w = words(
    line.replace('$CK', '-H x-ck-api-key:data_test_churnmock -H x-ck-app:app_churnmock'),
  );
  const headers: Record<string, string> = {};
  let method = 'GET';
  let body: string | undefined;
  let bodyFile: string | undefined;
  let output: string | undefined;
  let url = '';
  for (let i = 1; i < w.length; i++) {
    const word = w[i] as string;
    if (word === '-H') {
      const [k, ...v] = (w[++i] ?? '').split(':');
      headers[(k ?? '').trim().toLowerCase()] = v.join(':').trim();
    } else if (word === '-X') method = w[++i] ?? 'GET';
    else if (word === '-d') {
      body = w[++i];
      if (method === 'GET') method = 'POST';
    } else if (word === '--data-binary') {
      bodyFile = (w[++i] ?? '').replace(/^@/, '');
      if (method === 'GET') method = 'POST';
    } else if (word === '-o') output = w[++i];
    else if (!word.startsWith('-')) url = word;
  }
  return { line, method, url: new URL(url), headers, body, bodyFile, output };
}

const calls = README.split('\n')
  .filter((l) => l.startsWith('curl '))
  .map(parseCurl);

/** An operation of a contract and the paths it answers (`{id}` is any one segment). */
interface Route {
  readonly id: string;
  readonly method: string;
  readonly pattern: RegExp;
  /** A vendor API's operation (every one needs a README example), not the admin API's. */
  readonly vendor: boolean;
}

async function routesOf(file: string, vendor: boolean): Promise<Route[]> {
  return (await loadContract(file)).operations.map((op) => ({
    id: op.id,
    method: op.method.toUpperCase(),
    pattern: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    vendor,
  }));
}

const routeOf = (routes: readonly Route[], c: Call) =>
  routes.find((r) => r.method === c.method && r.pattern.test(c.url.pathname));

let mock: Mock;
let routes: Route[];
beforeAll(async () => {
  mock = await customMock({});
  // Every served vendor contract of the registry, and the admin API's.
  const served = REGISTRY.vendors.filter((v) => v.build).map((v) => contractFile(v.id));
  routes = [
    ...(await Promise.all(served.map((f) => routesOf(f, true)))).flat(),
    ...(await routesOf(ADMIN_CONTRACT, false)),
  ];
});

describe('README examples', () => {
  it('has an example for every operation of every vendor API', () => {
    const covered = new Set(calls.map((c) => routeOf(routes, c)?.id));
    const vendorRoutes = routes.filter((r) => r.vendor);
    expect(vendorRoutes.length).toBeGreaterThan(REGISTRY.vendors.length);
    expect(vendorRoutes.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(calls.some((c) => c.headers['x-ck-api-key'] === CK_HEADERS['x-ck-api-key'])).toBe(true);
  });

  it.each(calls.map((c) => [c.line, c]))('%s', async (_line, call) => {
    const c = call as Call;
    const path = c.url.pathname + c.url.search;
    const req =
      c.method === 'POST'
        ? request(mock.app).post(path)
        : c.method === 'PUT'
          ? request(mock.app).put(path)
          : request(mock.app).get(path);
    req.set(c.headers);
    const body = c.bodyFile === undefined ? c.body : saved.get(c.bodyFile);
    if (c.bodyFile !== undefined)
      expect(body, `an earlier line saves ${c.bodyFile} (-o)`).toBeDefined();
    const res = await (body === undefined ? req : req.send(body));
    if (c.output !== undefined) saved.set(c.output, res.text);
    // A `Prefer: code=N` example asks for that status (Prism's convention).
    const preferred = /code=(\d{3})/.exec(c.headers.prefer ?? '')?.[1];
    const expected = preferred
      ? Number(preferred)
      : CREATED.has(`${c.method} ${c.url.pathname}`)
        ? 201
        : 200;
    expect(res.status).toBe(expected);
    const answer = res.body as unknown;
    if (Array.isArray(answer)) expect(answer.length).toBeGreaterThan(0);
    else expect(Object.keys(answer as object).length).toBeGreaterThan(0);
    // The DSR examples name real seeded people: they must find someone.
    const dsr = answer as { counts?: { events: number }; deletedCounts?: { events: number } };
    if (c.url.pathname.startsWith('/v1/data/dsr/'))
      expect((dsr.deletedCounts ?? dsr.counts)?.events).toBeGreaterThan(0);
    const route = routeOf(routes, c);
    expect(route, `${c.method} ${c.url.pathname} is an operation of a contract`).toBeDefined();
    await expectContract(route?.id ?? '', res);
  });
});

describe('README test-suite examples', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples', 'test-suite');
  const blocks = [...README.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]);
  it.each(readdirSync(dir))('%s is in the README as it is run', (file) => {
    expect(blocks).toContain(readFileSync(join(dir, file), 'utf8'));
  });
});
