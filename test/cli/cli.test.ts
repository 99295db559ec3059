import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAsOf } from '../../generators/time.ts';
import { buildCli } from '../../mock/cli/program.ts';
import { integerFlag, positiveDecimalFlag } from '../../mock/core/flags.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { closeServed, memoryIo, runCli, serveInProcess } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';
import { freePort, until } from '../helpers/wait.ts';

/** One more webhook target than the cap (MAX_WEBHOOK_TARGETS, 20). */
const TWENTY_ONE = Array.from({ length: 21 }, (_, i) => `http://127.0.0.1:9/t${i}`);

// The program runs in-process; test/cli/process.test.ts has the child-process tests (signals,
// the process's exit code, the bin).
afterEach(closeServed);

describe('churnmock CLI', () => {
  it.each([[['--help']], [['serve', '--help']], [['generate', '--help']]])(
    '%j prints usage',
    async (args) => {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: churnmock/);
    },
  );

  it('serve --help lists every flag', async () => {
    const { stdout } = await runCli(['serve', '--help']);
    for (const flag of [
      '--port',
      '--host',
      '--seed',
      '--as-of',
      '--scale',
      '--validate-responses',
      '--ck-api-key',
      '--ck-app',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([['--version'], ['-V']])('%s prints the package version, exit 0', async (flag) => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'),
    );
    const r = await runCli([flag]);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['serve', '--bogus'], /^error: unknown option '--bogus'$/, 'churnmock serve'],
    [['serve', '--port', 'abc'], /port must be an integer/, 'churnmock serve'],
    [['serve', '--scale', '-1'], /scale must be a decimal number above 0/, 'churnmock serve'],
    [['serve', '--as-of', 'someday'], /as-of must be a date/, 'churnmock serve'],
    [['serve', 'extra'], /too many arguments for 'serve'/, 'churnmock serve'],
    [['serve', '--port'], /option '--port <n>' argument missing/, 'churnmock serve'],
    [['generate'], /required option '--out <file>'/, 'churnmock generate'],
    [['generate', '--out', '-', '--seed', '1.5'], /seed must be an integer/, 'churnmock generate'],
    [['frobnicate'], /^error: unknown command 'frobnicate'$/, 'churnmock'],
    [['jwt', '--expires-in', 'soon'], /--expires-in must be a time span/, 'churnmock jwt'],
    [['verify', 'frobnicate'], /unknown command 'frobnicate'/, 'churnmock verify'],
    [
      ['serve', ...TWENTY_ONE.flatMap((u) => ['--webhook-url', u])],
      /^error: option '--webhook-url <url>' argument 'http:\/\/127\.0\.0\.1:9\/t20' is invalid\. webhook-url takes at most 20 different URLs in all; this makes 21\.$/,
      'churnmock serve',
    ],
    [
      ['serve', '--webhook-url', TWENTY_ONE.join(',')],
      /webhook-url takes at most 20 different URLs in all; this makes 21\.$/,
      'churnmock serve',
    ],
  ])(
    '%j is a usage error: exit 2, one line and a hint, not the whole help',
    async (args, message, cmd) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toBe(`(run "${cmd} --help" for usage)`);
      expect(r.stderr).not.toMatch(/Usage:|Options:/);
    },
  );

  it('serve: more than 20 different --webhook-url values from CHURNMOCK_WEBHOOK_URL exit 2; a repeat counts once', async () => {
    const env = await runCli(['serve'], { CHURNMOCK_WEBHOOK_URL: TWENTY_ONE.join(' ') });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain(
      "from env 'CHURNMOCK_WEBHOOK_URL' is invalid. webhook-url takes at most 20 different URLs in all; this makes 21.",
    );
    const twenty = TWENTY_ONE.slice(0, 20);
    const { url } = await serveInProcess([
      '--port',
      '0',
      '--scale',
      '0.05',
      ...[...twenty, twenty[0] as string].flatMap((u) => ['--webhook-url', u]),
    ]);
    const res = await fetch(`${url}/__admin/webhooks`);
    const body = (await res.json()) as { urls: string[] };
    await expectContract('listWebhooks', { status: res.status, body });
    expect(body.urls).toEqual(twenty);
  });

  it('generate reports a missing folder in one line and exits 1, before generating', async () => {
    const out = join(tmpdir(), `churnmock-none-${process.pid}`, 'missing', 'file.jsonl');
    const r = await runCli(['generate', '--out', out]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `churnmock: cannot write ${out}: no such folder\n`,
    });
  });

  it('generate --out - stops writing, quietly, when its reader goes away (EPIPE)', async () => {
    let writes = 0;
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(writes > 2 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    const io = { ...memoryIo(), stdout: closedPipe };
    await buildCli(REGISTRY, io).parseAsync(['generate', '--out', '-', '--scale', '0.05'], {
      from: 'user',
    });
    expect(io.exitCode).toBeUndefined();
    expect(io.text).toEqual({ out: '', err: '' });
    expect(writes).toBeLessThan(5);
  });

  it('generate writes the same JSON lines for the same seed, different ones for another', async () => {
    const a = join(tmpdir(), `churnmock-a-${process.pid}.jsonl`);
    const b = join(tmpdir(), `churnmock-b-${process.pid}.jsonl`);
    const c = join(tmpdir(), `churnmock-c-${process.pid}.jsonl`);
    const wrote = await runCli(['generate', '--out', a, '--scale', '0.05']);
    expect(wrote.code).toBe(0);
    expect(wrote.stdout).toBe('');
    expect(wrote.stderr).toMatch(/^wrote 375 customers, .* to /);
    await runCli(['generate', '--out', b, '--scale', '0.05']);
    await runCli(['generate', '--out', c, '--scale', '0.05', '--seed', '7']);
    const first = readFileSync(a, 'utf8');
    expect(first).toBe(readFileSync(b, 'utf8'));
    // `--out -` writes the same lines to standard output.
    const piped = await runCli(['generate', '--out', '-', '--scale', '0.05']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(first);
    expect(first).not.toBe(readFileSync(c, 'utf8'));
    const lines = first
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      type: 'meta',
      seed: 42,
      asOf: '2025-12-31T00:00:00.000Z',
      scale: 0.05,
    });
    expect(lines.filter((l) => l.type === 'customer').length).toBe(375);
    expect(lines.filter((l) => l.type === 'churnkey.session').length).toBeGreaterThan(300);
    expect(lines.filter((l) => l.type === 'churncut.customer').length).toBe(375);
    expect(lines.filter((l) => l.type === 'churncut.flow').length).toBeGreaterThan(50);
    expect(lines.filter((l) => l.type === 'rebilly.subscription').length).toBeGreaterThan(100);
  });

  it('serve prints the base URL, the APIs and the demo credentials, and answers', async () => {
    const { url, output } = await serveInProcess(['--port', '0']);
    expect(output).toContain('Churnkey Data API');
    expect(output).toContain('x-ck-api-key: data_test_churnmock');
    expect(output).toContain('x-ck-app: app_churnmock');
    expect(output).toContain(`  Dashboard           ${url}/  (in a browser)\n`);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe('/__admin/ui/');
    expect(await page.text()).toContain('churnmock dashboard');
    const res = await fetch(`${url}/__admin/health`);
    const health = { status: res.status, body: await res.json() };
    await expectContract('getHealth', health);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', seed: 42 });
  });

  it('serve --json prints one JSON line with the URL, pid and each API, and nothing else', async () => {
    const r = await runCli(['serve', '--port', '0', '--scale', '0.05', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const ready = JSON.parse(r.stdout) as {
      url: string;
      port: number;
      host: string;
      pid: number;
      readyMs: number;
      apis: { id: string; url: string }[];
    };
    expect(ready).toMatchObject({ host: '127.0.0.1', pid: process.pid });
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
    // "ready in" counts from process start: at least as long as this process has lived so far
    // minus the run itself, never the few ms of the build alone.
    expect(ready.readyMs).toBeGreaterThan(0);
    expect(ready.readyMs).toBeLessThanOrEqual(Math.round(performance.now()));
    const ids = REGISTRY.vendors.map((v) => v.id as string);
    for (const api of ready.apis) expect(ids).toContain(api.id);
    for (const id of ['churnkey-data', 'churncut', 'rebilly-reports'])
      expect(ready.apis.map((a) => a.id)).toContain(id);
    expect(ready.apis.find((a) => a.id === 'churncut')?.url).toBe(`${ready.url}/v1`);
    const res = await fetch(
      `${ready.apis.find((a) => a.id === 'churnkey-data')?.url}/sessions?limit=1`,
      {
        headers: { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' },
      },
    );
    expect(res.status).toBe(200);
    await expectContract('listSessions', { status: 200, body: await res.json() });
  });

  it('serve --quiet prints nothing and answers; --json with --quiet is a usage error', async () => {
    const port = await freePort();
    const r = await runCli(['serve', '--port', String(port), '--scale', '0.05', '--quiet']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const res = await fetch(`http://127.0.0.1:${port}/__admin/health`);
    await expectContract('getHealth', { status: res.status, body: await res.json() });
    const both = await runCli(['serve', '--json', '--quiet']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: option '--json' cannot be used with option '--quiet'/);
  });

  it('on a terminal, serve shows each start-up step with the elapsed time on stderr', async () => {
    const io = memoryIo(true);
    await buildCli(REGISTRY, io).parseAsync(['serve', '--port', '0', '--scale', '0.05'], {
      from: 'user',
    });
    const steps = io.text.err.trim().split('\n');
    for (const line of steps) expect(line).toMatch(/^ *\d+\.\d s {2}/);
    expect(io.text.err).toMatch(/generating the seeded world \(seed 42, scale 0\.05\)/);
    expect(io.text.err).toMatch(/generated 375 customers/);
    expect(io.text.err).toMatch(/compiling \d+ contracts/);
    for (const v of REGISTRY.vendors.filter((d) => d.build))
      expect(io.text.err).toContain(`building ${v.title}`);
    expect(io.text.out).toMatch(/^churnmock listening on /);
    // Not on a terminal (the default memoryIo), the banner alone.
    const plain = await runCli(['serve', '--port', '0', '--scale', '0.05']);
    expect(plain.stderr).toBe('');
  });

  it('--data-cache: the first start saves the data, the next loads it; --no-data-cache does neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'churnmock-cli-cache-'));
    try {
      const start = async (...flags: string[]) => {
        const io = memoryIo(true);
        await buildCli(REGISTRY, io).parseAsync(
          ['serve', '--port', '0', '--scale', '0.05', ...flags],
          { from: 'user' },
        );
        return io.text.err;
      };
      const first = await start('--data-cache', dir);
      expect(first).toMatch(/generating the seeded world/);
      // Saved once listening, in the background.
      await until(() => readdirSync(dir).some((f) => f.endsWith('.data')));
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const again = await start('--data-cache', dir);
      expect(again).toContain(`loaded the seeded data from ${dir}/`);
      expect(again).not.toMatch(/generating the seeded world/);
      const none = await start('--data-cache', dir, '--no-data-cache');
      expect(none).toMatch(/generating the seeded world/);
      expect(none).not.toMatch(/data from|data to/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a port in use is one line and exit 1; so is a host this machine does not have', async () => {
    const taken = await runCli(['serve', '--port', '0', '--scale', '0.05', '--json']);
    const { port } = JSON.parse(taken.stdout) as { port: number };
    const r = await runCli(['serve', '--port', String(port), '--scale', '0.05']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `churnmock: port ${port} is in use; try --port 0\n`,
    });
    const host = await runCli(['serve', '--host', 'nosuch.invalid', '--scale', '0.05']);
    expect(host.code).toBe(1);
    expect(host.stdout).toBe('');
    expect(host.stderr.trim().split('\n')).toHaveLength(1);
    expect(host.stderr).toContain('cannot listen on host "nosuch.invalid"');
  });

  it('a non-loopback --host warns that the admin API is open, unless --admin-token is set', async () => {
    const open = await runCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--scale',
      '0.05',
      '--quiet',
    ]);
    expect(open.code).toBe(0);
    expect(open.stderr).toMatch(
      /^churnmock: warning: --host 0\.0\.0\.0 is not loopback: .*--admin-token/,
    );
    const guarded = await runCli(
      ['serve', '--host', '0.0.0.0', '--port', '0', '--scale', '0.05', '--json'],
      { CHURNMOCK_ADMIN_TOKEN: 'tok_cli' },
    );
    expect(guarded.stderr).toBe('');
    const { port } = JSON.parse(guarded.stdout) as { port: number };
    const without = await fetch(`http://127.0.0.1:${port}/__admin/health`);
    await expectContract('getHealth', { status: without.status, body: await without.json() });
    expect(without.status).toBe(401);
    const withToken = await fetch(`http://127.0.0.1:${port}/__admin/health`, {
      headers: { 'x-churnmock-admin-token': 'tok_cli' },
    });
    await expectContract('getHealth', { status: withToken.status, body: await withToken.json() });
    expect(withToken.status).toBe(200);
  });

  it('CHURNMOCK_PORT wins over PORT; a bad PORT is a usage error naming it', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const { url } = await serveInProcess(['--scale', '0.05'], {
      CHURNMOCK_PORT: String(port),
      PORT: String(other),
    });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const bad = await runCli(['serve'], { PORT: '0x10' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: option '--port <n>' value '0x10' from env 'PORT' is invalid\. port must be an integer/,
    );
  });

  it('CHURNMOCK_WEBHOOK_URL takes a list; the webhook retry variables are read and checked', async () => {
    const { output } = await serveInProcess(['--port', '0', '--scale', '0.05'], {
      CHURNMOCK_WEBHOOK_URL: 'http://127.0.0.1:9/a, http://127.0.0.1:9/b',
    });
    expect(output).toContain('webhooks: http://127.0.0.1:9/a, http://127.0.0.1:9/b');
    for (const name of ['MAX_ATTEMPTS', 'BACKOFF_MS', 'TIMEOUT_MS']) {
      const r = await runCli(['serve'], { [`CHURNMOCK_WEBHOOK_${name}`]: '1e3' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`from env 'CHURNMOCK_WEBHOOK_${name}' is invalid`);
    }
  });

  it.each(['serve', 'generate'])(
    '%s: every flag that takes a value has its CHURNMOCK_ variable, shown in --help',
    async (name) => {
      const cmd = buildCli(REGISTRY, memoryIo()).commands.find((c: Command) => c.name() === name);
      const { stdout: help } = await runCli([name, '--help']);
      const valued = (cmd?.options ?? []).filter((o) => o.required || o.optional);
      expect(valued.length).toBeGreaterThan(2);
      for (const o of valued) {
        const env = `CHURNMOCK_${(o.long ?? '').slice(2).toUpperCase().replaceAll('-', '_')}`;
        expect(o.envVar, o.flags).toBe(env);
        expect(help.replace(/\s+/g, ' ')).toContain(`env: ${env}`);
      }
    },
  );

  it.each([['jwt'], ['verify', 'pact'], ['verify', 'customer-data']])(
    '%s %s: every flag that takes a value has a CHURNMOCK_ variable, shown in --help',
    async (...path: string[]) => {
      let cmd: Command | undefined = buildCli(REGISTRY, memoryIo());
      for (const name of path) cmd = cmd?.commands.find((c: Command) => c.name() === name);
      const { stdout: help } = await runCli([...path, '--help']);
      const valued = (cmd?.options ?? []).filter((o) => o.required || o.optional);
      expect(valued.length).toBeGreaterThan(2);
      for (const o of valued) {
        expect(o.envVar, o.flags).toMatch(/^CHURNMOCK_[A-Z_]+$/);
        expect(help.replace(/\s+/g, ' ')).toContain(`env: ${o.envVar}`);
      }
    },
  );

  it('jwt takes its claims from CHURNMOCK_JWT_SUB and CHURNMOCK_JWT_PERMISSIONS', async () => {
    const r = await runCli(['jwt'], {
      CHURNMOCK_JWT_SUB: 'usr_from_env',
      CHURNMOCK_JWT_PERMISSIONS: 'a,b',
    });
    expect(r.code).toBe(0);
    const payload = JSON.parse(
      Buffer.from(r.stdout.trim().split('.')[1] ?? '', 'base64url').toString(),
    ) as { sub: string; permissions: string[] };
    expect(payload).toMatchObject({ sub: 'usr_from_env', permissions: ['a', 'b'] });
  });

  it('PORT, CHURNMOCK_SEED and the credential variables configure serve', async () => {
    const port = await freePort();
    const { url } = await serveInProcess([], {
      PORT: String(port),
      CHURNMOCK_SEED: '7',
      CHURNMOCK_CK_API_KEY: 'data_test_other',
      CHURNMOCK_CK_APP: 'app_other',
    });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const get = async (operationId: string, path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}${path}`, { headers });
      const checked = { status: res.status, body: await res.json() };
      await expectContract(operationId, checked);
      return checked;
    };
    expect((await get('getHealth', '/__admin/health')).body).toMatchObject({ seed: 7 });
    const ok = await get('listSessions', '/v1/data/sessions?limit=1', {
      'x-ck-api-key': 'data_test_other',
      'x-ck-app': 'app_other',
    });
    expect(ok.status).toBe(200);
    const old = await get('listSessions', '/v1/data/sessions?limit=1', {
      'x-ck-api-key': 'data_test_churnmock',
      'x-ck-app': 'app_churnmock',
    });
    expect(old.status).toBe(401);
  });
});

describe('flag values', () => {
  const port = integerFlag('port', 0, 65535);
  it.each(['0x10', '1e3', ' 12', '12 ', '12.0', '+5', '-1', '', '65536', '9'.repeat(20)])(
    'an integer flag refuses %j',
    (v) => {
      expect(() => port(v)).toThrow('port must be an integer from 0 to 65535, in decimal digits.');
    },
  );

  it('an integer flag takes decimal digits', () => {
    expect([port('0'), port('4010'), port('0080'), port('65535')]).toEqual([0, 4010, 80, 65535]);
  });

  const scale = positiveDecimalFlag('scale', 1000);
  it.each([
    '0x10',
    '1e3',
    '1e-2',
    'Infinity',
    '-1',
    '+2',
    '0',
    '0.0',
    '1000.5',
    ' 2',
    '',
    '.',
    '2.',
  ])('--scale refuses %j', (v) => {
    expect(() => scale(v)).toThrow('scale must be a decimal number above 0 and at most 1000');
  });

  it('--scale takes plain decimals', () => {
    expect(['0.05', '2', '100', '1000', '.5'].map(scale)).toEqual([0.05, 2, 100, 1000, 0.5]);
  });

  it.each(['0x10', '1e3', ' 12', '12.0', '+5', ''])(
    'serve --port %j exits 2 naming the flag',
    async (v) => {
      const r = await runCli(['serve', '--port', v]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `option '--port <n>' argument '${v}' is invalid. port must be an integer`,
      );
    },
  );

  it.each([
    ['2025-02-30', /2025-02-30 does not exist/],
    ['2025-13-01', /2025-13-01 does not exist/],
    ['2025-02-29', /2025-02-29 does not exist/],
    ['2025-12-31T25:00:00Z', /does not exist/],
    ['2025-12-31T00:00:00', /as-of must be a date such as/],
    ['2025-12-31 00:00:00Z', /as-of must be a date such as/],
    ['12/31/2025', /as-of must be a date such as/],
    ['2025', /as-of must be a date such as/],
    ['someday', /as-of must be a date such as/],
  ])('an as-of date refuses %j', (v, message) => {
    expect(() => parseAsOf(v)).toThrow(message);
  });

  it.each([
    ['2025-12-31', '2025-12-31T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2025-12-31T00:00:00Z', '2025-12-31T00:00:00.000Z'],
    ['2025-12-31T00:00:00.000Z', '2025-12-31T00:00:00.000Z'],
    ['2025-12-31T02:00:00+02:00', '2025-12-31T00:00:00.000Z'],
    ['2025-12-30T19:00:00.500-05:00', '2025-12-31T00:00:00.500Z'],
  ])('an as-of date takes %j', (v, iso) => {
    expect(new Date(parseAsOf(v)).toISOString()).toBe(iso);
  });

  it('serve --as-of 2025-02-30 exits 2 saying the day does not exist', async () => {
    const r = await runCli(['serve', '--as-of', '2025-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "option '--as-of <date>' argument '2025-02-30' is invalid. as-of must be a real calendar date: 2025-02-30 does not exist.",
    );
  });
});
