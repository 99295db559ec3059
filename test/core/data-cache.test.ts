import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeededData, type SeededData } from '../../generators/dataset.ts';
import { budgeted, dataCacheFile, loadData, saveData } from '../../mock/core/data-cache.ts';
import type { WorldParams } from '../../mock/core/vendor.ts';
import { createMock } from '../../mock/create.ts';
import { datasetHash } from '../../mock/dataset.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { DEFAULT_CC_OPTIONS } from '../../mock/vendors/churncut/options.ts';
import { columnBuilds } from '../../mock/vendors/churnkey-data/columns.ts';
import { AGGREGATION, ckGet, getChecked, SESSIONS } from '../helpers/mock.ts';

const codec = REGISTRY.codec;
if (!codec) throw new Error('the registry caches its data');
const AS_OF = Date.parse('2025-12-31T00:00:00.000Z');
const params: WorldParams = { seed: 9, asOf: AS_OF, scale: 0.2 };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'churnmock-cache-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const fresh = generateSeededData(params);

describe('the data cache', () => {
  it('loads exactly what was generated: every part, and the dataset byte for byte', async () => {
    const dir = tempDir();
    await saveData(dir, params, fresh, codec);
    const loaded = loadData(dir, params, codec) as SeededData;
    expect(loaded).not.toBeNull();
    expect(loaded.world).toEqual(fresh.world);
    expect(loaded.churncut).toEqual(fresh.churncut);
    expect(loaded.churncut.world).toBe(loaded.world);
    expect(loaded.rebilly).toEqual(fresh.rebilly);
    expect(loaded.churnkey.flows).toEqual(fresh.churnkey.flows);
    expect(loaded.churnkey.dsr.toArray()).toEqual(fresh.churnkey.dsr.toArray());
    expect(loaded.churnkey.sessions.length).toBe(fresh.churnkey.sessions.length);
    expect(loaded.churnkey.sessions.toArray()).toEqual(fresh.churnkey.sessions.toArray());
    // Sessions point at the loaded world's customers, not copies.
    expect(loaded.churnkey.sessions.at(0).customer).toBe(
      loaded.world.customers[fresh.churnkey.sessions.at(0).customer.index],
    );
    expect(datasetHash(REGISTRY, params, loaded)).toBe(datasetHash(REGISTRY, params, fresh));
  });

  it('writes the same bytes when it pauses between slices (a server saving beside its requests)', async () => {
    const whole = tempDir();
    const sliced = tempDir();
    await saveData(whole, params, fresh, codec);
    let pauses = 0;
    // Slices of no time: every chance to pause is taken (the world's customers, a few hundred
    // at a time), each pause a turn of the event loop.
    await saveData(
      sliced,
      params,
      fresh,
      codec,
      async () => {
        pauses++;
        await new Promise((r) => setTimeout(r, 2));
      },
      0,
    );
    expect(pauses).toBeGreaterThan(0);
    expect(readFileSync(dataCacheFile(sliced, params))).toEqual(
      readFileSync(dataCacheFile(whole, params)),
    );
  });

  it('pauses only once a slice of work has taken its budget of the clock', async () => {
    let t = 0;
    let pauses = 0;
    const pause = budgeted(
      async () => {
        pauses++;
      },
      1,
      () => t,
    );
    await pause();
    // [the clock, the pauses awaited so far]; the budget counts from the last pause's end.
    for (const [at, expected] of [
      [0.5, 0],
      [1, 1],
      [1.9, 1],
      [2, 2],
    ] as const) {
      t = at;
      await pause();
      expect(pauses, `at ${at} ms`).toBe(expected);
    }
  });

  it('keys files by seed, as-of and scale: other parameters miss', async () => {
    const dir = tempDir();
    await saveData(dir, params, fresh, codec);
    for (const other of [
      { ...params, seed: 10 },
      { ...params, scale: 0.3 },
      { ...params, asOf: AS_OF - 86_400_000 },
    ]) {
      expect(dataCacheFile(dir, other)).not.toBe(dataCacheFile(dir, params));
      expect(loadData(dir, other, codec)).toBeNull();
    }
  });

  it('refuses a file made for other parameters, another format or cut short, saying why', async () => {
    const dir = tempDir();
    const file = await saveData(dir, params, fresh, codec);
    const whole = readFileSync(file);
    const cases: [string, Buffer, RegExp][] = [
      ['cut short', whole.subarray(0, whole.length - 100), /size|cut short/],
      ['not one', Buffer.from('hello, not a data file at all'), /not a data file|cut short/],
      // Another world's file under this name.
      [
        'another seed',
        readFileSync(
          await saveData(
            dir,
            { ...params, seed: 10 },
            generateSeededData({ ...params, seed: 10 }),
            codec,
          ),
        ),
        /other parameters/,
      ],
    ];
    for (const [, bytes, reason] of cases) {
      writeFileSync(file, bytes);
      const why: string[] = [];
      expect(loadData(dir, params, codec, (w) => why.push(w))).toBeNull();
      expect(why.join('\n')).toMatch(reason);
    }
  });

  it('a mock with a cache writes the data on its first start and loads it on the next, answering the same', async () => {
    const dir = tempDir();
    const options = { seed: params.seed, scale: params.scale, dataCache: dir };
    const steps: string[][] = [[], []];
    const first = await createMock(options, { progress: (s) => steps[0]?.push(s) });
    expect(steps[0]?.join('\n')).toMatch(/generating the seeded world/);
    expect(steps[0]?.join('\n')).toMatch(/saved the seeded data to/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.data'))).toHaveLength(1);
    const second = await createMock(options, { progress: (s) => steps[1]?.push(s) });
    expect(steps[1]?.join('\n')).toMatch(/loaded the seeded data from/);
    expect(steps[1]?.join('\n')).not.toMatch(/generating/);
    const queries: Record<string, number | boolean>[] = [
      { limit: 50 },
      { limit: 20, skip: 40, bounced: true },
    ];
    for (const query of queries) {
      const a = await ckGet(first, 'listSessions', SESSIONS, query);
      const b = await ckGet(second, 'listSessions', SESSIONS, query);
      expect(a.status).toBe(200);
      expect(b.text).toBe(a.text);
    }
    first.stop();
    second.stop();
  });

  it('saves what the mock derived from the data (columns, indexes, orders) and a start over the file uses it, building none', async () => {
    const dir = tempDir();
    const options = { seed: params.seed, scale: params.scale, dataCache: dir };
    const first = await createMock(options);
    const queries: [string, string, Record<string, string | number | boolean>][] = [
      ['aggregateSessions', AGGREGATION, { breakdown: 'month-saveType' }],
      ['aggregateSessions', AGGREGATION, { breakdown: 'planId-currency', startDate: '2024-01-01' }],
      ['listSessions', SESSIONS, { customerEmail: first.data.world.customers[3]?.email ?? '' }],
    ];
    const before = await Promise.all(queries.map(([op, path, q]) => ckGet(first, op, path, q)));
    const builds = columnBuilds();
    const second = await createMock(options);
    expect(second.data).not.toBe(first.data);
    expect(columnBuilds()).toBe(builds);
    for (const [k, [op, path, q]] of queries.entries()) {
      const res = await ckGet(second, op, path, q);
      expect(res.status).toBe(200);
      expect(res.text).toBe(before[k]?.text);
    }
    const churn = { Authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` };
    for (const [op, path] of [
      ['getChurnAnalytics', '/v1/analytics/churn?granularity=month'],
      ['listCustomers', '/v1/customers?limit=5'],
    ] as const) {
      const a = await getChecked(first, churn, op, path);
      const b = await getChecked(second, churn, op, path);
      expect(a.status).toBe(200);
      expect(b.text).toBe(a.text);
    }
    first.stop();
    second.stop();
  });

  it("a save removes other data versions' files and writers' leftovers an hour old, nothing else", async () => {
    const dir = tempDir();
    const names = {
      otherVersion: 'seed9-scale0.2-000000000000-v0123456789abcdef.data',
      oldLeftover: 'seed9-scale0.2-000000000000-v0123456789abcdef.data.123.tmp',
      freshLeftover: 'seed1-scale1-000000000000-vfedcba9876543210.data.456.tmp',
      unrelated: 'notes.txt',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'x');
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(dir, names.oldLeftover), hoursAgo, hoursAgo);
    const file = await saveData(dir, params, fresh, codec);
    expect(readdirSync(dir).sort()).toEqual(
      [basename(file), names.freshLeftover, names.unrelated].sort(),
    );
    expect(loadData(dir, params, codec)).not.toBeNull();
  });

  it('a cache directory that cannot be written costs nothing but the cache: the mock starts and answers', async () => {
    const dir = tempDir();
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'x');
    const steps: string[] = [];
    const mock = await createMock(
      { seed: params.seed, scale: params.scale, dataCache: notADir },
      { progress: (s) => steps.push(s) },
    );
    expect(steps.join('\n')).toMatch(/data cache: not saved/);
    const res = await ckGet(mock, 'listSessions', SESSIONS, { limit: 3 });
    expect(res.status).toBe(200);
    expect(readFileSync(notADir, 'utf8')).toBe('x');
    mock.stop();
    // Without progress (a server not on a terminal), the problem is a line on the log sink.
    const lines: string[] = [];
    const quiet = await createMock(
      { seed: params.seed, scale: params.scale, dataCache: notADir },
      { logSink: (l) => lines.push(l) },
    );
    expect(lines.join('')).toMatch(/^churnmock: data cache: not saved \(.+\)\n$/);
    quiet.stop();
  });

  it('generates again over a damaged file and replaces it', async () => {
    const dir = tempDir();
    const file = await saveData(dir, params, fresh, codec);
    writeFileSync(file, 'damaged');
    const steps: string[] = [];
    const mock = await createMock(
      { seed: params.seed, scale: params.scale, dataCache: dir },
      { progress: (s) => steps.push(s) },
    );
    expect(steps.join('\n')).toMatch(/data cache: .*generating again/);
    expect(loadData(dir, params, codec)).not.toBeNull();
    const res = await ckGet(mock, 'listSessions', SESSIONS, { limit: 5 });
    expect(res.status).toBe(200);
    mock.stop();
  });
});
