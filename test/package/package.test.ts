import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../mock/core/paths.ts';
import { VENDORS } from '../../mock/registry.ts';
import { untilReady } from '../helpers/child.ts';
import { expectContract } from '../helpers/contract.ts';
import { until } from '../helpers/wait.ts';

// The package as a user gets it: built, packed, installed into an empty project with its
// production dependencies only, and run there with plain node (issue: "a real package").

const run = promisify(execFile);
const ROOT = PACKAGE_ROOT.replace(/\/$/, '');
let dir = '';
let project = '';
let packed: { size: number; unpackedSize: number; files: { path: string }[] };

/** Runs a command in the installed project; resolves with its code and output, even on failure. */
async function inProject(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const npx = (...args: string[]) => inProject('npx', ['--no-install', 'churnmock', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'churnmock-package-'));
  project = join(dir, 'project');
  mkdirSync(project);
  await run('npm', ['run', 'build'], { cwd: ROOT });
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: ROOT },
  );
  packed = (JSON.parse(stdout) as (typeof packed & { filename: string })[])[0] as typeof packed;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(dir, `churnmock-${PACKAGE_VERSION}.tgz`),
    ],
    { cwd: project },
  );
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the compiled code, contracts, pacts, README and LICENSE, and no tests, benchmarks or CI files', () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of paths)
      expect(p, p).toMatch(/^(dist|bin|contracts|pacts)\/|^(README\.md|LICENSE|package\.json)$/);
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('dist/mock/index.js');
    expect(paths).toContain('dist/mock/index.d.ts');
    // The command runs the CLI bundled into one file; each contract is kept parsed and dereferenced.
    expect(paths).toContain('dist/cli.js');
    for (const v of VENDORS) expect(paths).toContain(`dist/contracts/${v.id}.openapi.parsed.json`);
    // The dashboard: its own modules, and Redoc's bundle (a devDependency) copied at build.
    expect(paths).toContain('dist/mock/ui/public/app.js');
    expect(paths).toContain('dist/mock/ui/vendor/redoc/redoc.standalone.js');
    expect(paths).toContain('dist/mock/ui/vendor/redoc/LICENSE');
    // Every operation's request validator, compiled at build time (write-validators.ts).
    expect(
      paths.filter((p) => /^dist\/validators\/(coercing|strict)-\w+\.cjs$/.test(p)).length,
    ).toBeGreaterThan(20);
    expect(paths.some((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toBe(false);
    for (const v of VENDORS) expect(paths).toContain(`contracts/${v.id}.openapi.yaml`);
    console.info(
      `packed ${(packed.size / 1024).toFixed(0)} KB (${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked, ${paths.length} files)`,
    );
  });

  it('installs without tsx and runs --version and --help with plain node', async () => {
    const ls = await inProject('npm', ['ls', 'tsx', '--all', '--parseable']);
    expect(ls.stdout.trim()).toBe('');
    const version = await npx('--version');
    expect(version).toMatchObject({ code: 0, stdout: `${PACKAGE_VERSION}\n` });
    const help = await npx('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: churnmock/);
  });

  it("the build's request validators load with plain node from the installed package", async () => {
    // Standalone code requires ajv's runtime and ajv-formats: resolved from where it is installed.
    const script = [
      "const { readdirSync } = require('node:fs');",
      "const dir = require('node:path').join(process.cwd(), 'node_modules/churnmock/dist/validators');",
      'let n = 0;',
      "for (const f of readdirSync(dir)) { const v = require(dir + '/' + f); if (typeof v !== 'function') throw new Error(f); v({ query: {}, path: {} }); n++; }",
      'console.log(n);',
    ].join('\n');
    const r = await inProject('node', ['-e', script]);
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBeGreaterThan(20);
  });

  it("the build's code digest (the data cache's version) is that of the installed modules", async () => {
    // A start reads the digest the build wrote instead of hashing every module again.
    const script = [
      "import { readFileSync } from 'node:fs';",
      "const dist = process.cwd() + '/node_modules/churnmock/dist/';",
      "const { codeDigest } = await import(dist + 'mock/core/data-cache.js');",
      "console.log(JSON.stringify([readFileSync(dist + 'mock/code-digest.txt', 'utf8').trim(), codeDigest()]));",
    ].join('\n');
    const r = await inProject('node', ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    const [written, computed] = JSON.parse(r.stdout) as [string, string];
    expect(written).toMatch(/^[0-9a-f]{64}$/);
    expect(written).toBe(computed);
  });

  it('generate writes JSON lines to standard output', async () => {
    const r = await npx('generate', '--out', '-', '--scale', '0.01');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ type: 'meta', seed: 42, scale: 0.01 });
    expect(lines.length).toBeGreaterThan(100);
  });

  it('jwt prints a token', async () => {
    const r = await npx('jwt');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  describe('serve --port 0 --json', () => {
    let child: ChildProcess;
    let url = '';
    let serverPid = 0;

    beforeAll(async () => {
      child = spawn('npx', ['--no-install', 'churnmock', 'serve', '--port', '0', '--json'], {
        cwd: project,
        env: { ...process.env, NO_COLOR: '1' },
      });
      const { match } = await untilReady(child, /^(\{.*\})\n/m, 60_000, 'serve');
      const ready = JSON.parse(match[1] ?? '') as { url: string; pid: number };
      expect(ready.pid).toBeGreaterThan(0);
      serverPid = ready.pid;
      url = ready.url;
    }, 90_000);

    // The server itself too: SIGKILL of npx cannot be passed on, and would leave it running.
    afterAll(() => {
      child?.kill('SIGKILL');
      try {
        if (serverPid) process.kill(serverPid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    });

    it('is healthy and answers a Churnkey, a ChurnCut and a Rebilly request', async () => {
      const health = await fetch(`${url}/__admin/health`);
      expect(health.status).toBe(200);
      await expectContract('getHealth', { status: 200, body: await health.json() });
      const samples = {
        'churnkey-data': 'listSessions',
        churncut: 'listCustomers',
        'rebilly-reports': 'GetSubscriptionCancellationReport',
      } as const;
      for (const [id, operation] of Object.entries(samples)) {
        const sample = (
          VENDORS as readonly {
            id: string;
            sample?: { path: string; headers: Record<string, string> };
          }[]
        ).find((v) => v.id === id)?.sample;
        expect(sample, id).toBeDefined();
        const res = await fetch(`${url}${sample?.path}`, { headers: sample?.headers });
        expect(res.status, id).toBe(200);
        await expectContract(operation, { status: 200, body: await res.json() });
      }
    });

    it('serves the dashboard and its libraries (Preact, htm, uPlot, Redoc) from the package', async () => {
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      expect(new URL(home.url).pathname).toBe('/__admin/ui/');
      expect(await home.text()).toContain('<script type="importmap">');
      for (const [path, type, text] of [
        ['/__admin/ui/app.js', 'text/javascript', 'render('],
        ['/__admin/ui/style.css', 'text/css', ':root'],
        ['/__admin/ui/vendor/preact.mjs', 'text/javascript', 'export'],
        ['/__admin/ui/vendor/preact-hooks.mjs', 'text/javascript', 'from"preact"'],
        ['/__admin/ui/vendor/htm-preact.mjs', 'text/javascript', 'htm'],
        ['/__admin/ui/vendor/uPlot.esm.js', 'text/javascript', 'export'],
        ['/__admin/ui/vendor/redoc.standalone.js', 'text/javascript', 'Redoc'],
        ['/__admin/ui/vendor/LICENSE.redoc', 'text/plain', 'MIT'],
        ['/__admin/ui/contracts/churncut.openapi.yaml', 'application/yaml', 'openapi: 3.1.0'],
      ] as const) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type'), path).toContain(type);
        expect(await res.text(), path).toContain(text);
      }
      const apis = await fetch(`${url}/__admin/apis`);
      await expectContract('listApis', { status: apis.status, body: await apis.json() });
      expect(apis.status).toBe(200);
    });

    it('verify pact --provider churncut-api passes against it', async () => {
      const r = await npx(
        'verify',
        'pact',
        '--provider',
        'churncut-api',
        '--base-url',
        url,
        '--state-url',
        `${url}/__admin/states`,
      );
      expect(r.stderr + r.stdout).toMatch(/churncut-api: \d+ of \d+ interactions verified/);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(`${String.fromCharCode(27)}[`);
    }, 60_000);
  });

  it('the server npx started ends when npx is sent SIGTERM (no orphan)', async () => {
    const child = spawn('npx', ['--no-install', 'churnmock', 'serve', '--port', '0', '--json'], {
      cwd: project,
    });
    const { match } = await untilReady(child, /^(\{.*\})\n/m, 60_000, 'serve');
    const { pid, url } = JSON.parse(match[1] ?? '') as { pid: number; url: string };
    expect(pid).not.toBe(child.pid);
    child.kill('SIGTERM');
    await once(child, 'exit');
    // The signal follows the ready line at once, so npm (and the shell between it and the
    // server) can be gone before the server starts watching for that: it must still stop.
    // An orphan never goes; a stopping server is gone within a few seconds.
    const gone = async () => {
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    await expect(fetch(`${url}/__admin/health`)).rejects.toThrow();
  }, 90_000);

  it('serve --data-cache: the installed package saves its data, and the next start loads it and answers the same', async () => {
    const cache = join(dir, 'data-cache');
    const start = async () => {
      const child = spawn(
        'npx',
        ['--no-install', 'churnmock', 'serve', '--port', '0', '--json', '--scale', '0.05'],
        { cwd: project, env: { ...process.env, CHURNMOCK_DATA_CACHE: cache } },
      );
      const { match } = await untilReady(child, /^(\{.*\})\n/m, 60_000, 'serve');
      const { url, pid } = JSON.parse(match[1] ?? '') as { url: string; pid: number };
      const sample = VENDORS.find((v) => v.id === 'churnkey-data')?.sample;
      const res = await fetch(`${url}${sample?.path}`, { headers: sample?.headers });
      expect(res.status).toBe(200);
      const text = await res.text();
      await expectContract('listSessions', { status: 200, body: JSON.parse(text) });
      // SIGTERM to the server: it waits for the cache file it is writing, then exits.
      const exited = once(child, 'exit');
      process.kill(pid, 'SIGTERM');
      await exited;
      await until(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 20_000);
      return text;
    };
    const first = await start();
    const files = readdirSync(cache);
    expect(files.filter((f) => f.endsWith('.data'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const written = statSync(join(cache, files[0] ?? '')).mtimeMs;
    expect(await start()).toBe(first);
    // Loaded, not generated and written again.
    expect(statSync(join(cache, files[0] ?? '')).mtimeMs).toBe(written);
  }, 120_000);

  it('import { startMock } from "churnmock" works from a plain .mjs file', async () => {
    writeFileSync(
      join(project, 'start.mjs'),
      `import { startMock } from 'churnmock';
const mock = await startMock({ seed: 7, scale: 0.05, churncut: { rateLimit: 2 } });
const h = { authorization: 'Bearer cc_test_churnmock' };
const statuses = [];
for (let i = 0; i < 3; i++) statuses.push((await fetch(mock.url + '/v1/customers?limit=1', { headers: h })).status);
await mock.reset();
statuses.push((await fetch(mock.url + '/v1/customers?limit=1', { headers: h })).status);
console.log(JSON.stringify({ statuses, now: mock.clock.advance('P1D'), seed: mock.options.seed }));
await mock.close();
`,
    );
    const r = await inProject(process.execPath, ['start.mjs']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      statuses: [200, 200, 429, 200],
      now: '2026-01-01T00:00:00.000Z',
      seed: 7,
    });
  }, 60_000);

  it('a data directory and a snapshot work from the installed package', async () => {
    writeFileSync(
      join(project, 'persist.mjs'),
      `import { writeFileSync } from 'node:fs';
import { startMock, WorldMismatchError } from 'churnmock';
const options = { scale: 0.05, dataDir: 'state' };
const first = await startMock(options);
first.clock.advance('P2D');
writeFileSync('snapshot.json', JSON.stringify(first.snapshot()));
await first.close();
const second = await startMock(options);
const afterRestart = second.clock.now();
second.clock.advance('P1D');
await second.restore(JSON.parse(await (await fetch(second.url + '/__admin/snapshot')).text()));
const afterRestore = second.clock.now();
await second.close();
const other = await startMock({ scale: 0.1 });
let refused = '';
await other.restore(JSON.parse(await (await import('node:fs')).promises.readFile('snapshot.json', 'utf8'))).catch((e) => {
  refused = e instanceof WorldMismatchError ? 'WorldMismatchError' : String(e);
});
await other.close();
const fromFile = await startMock({ scale: 0.05, snapshot: 'snapshot.json' });
console.log(JSON.stringify({ afterRestart, afterRestore, refused, fromFile: fromFile.clock.now() }));
await fromFile.close();
`,
    );
    const r = await inProject(process.execPath, ['persist.mjs']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      afterRestart: '2026-01-02T00:00:00.000Z',
      afterRestore: '2026-01-03T00:00:00.000Z',
      refused: 'WorldMismatchError',
      fromFile: '2026-01-02T00:00:00.000Z',
    });
  }, 90_000);

  it("the README's node:test example passes with node --test", async () => {
    copyFileSync(
      join(ROOT, 'examples/test-suite/node-test.test.mjs'),
      join(project, 'node-test.test.mjs'),
    );
    const r = await inProject(process.execPath, ['--test', 'node-test.test.mjs']);
    expect(r.stdout).toMatch(/# pass 2\b/);
    expect(r.stdout).toMatch(/# fail 0\b/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('a TypeScript file using the API type-checks with strict, NodeNext and skipLibCheck false', async () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { startMock, type RunningMock, type WebhookEvent } from 'churnmock';
const mock: RunningMock = await startMock({ port: 0, seed: 42, churncut: { rateLimit: false }, webhooks: { maxAttempts: 2 } });
const event: WebhookEvent = await mock.webhooks.waitFor('cancellation.retained', {
  timeoutMs: 5000,
  where: (e) => (e.payload as { customer_id?: string }).customer_id === 'cus_abc123',
});
const now: string = mock.clock.advance('PT25H');
console.log(event.event, now, mock.webhooks.deliveries().length, mock.url, mock.port);
await mock.reset({ webhookTargets: true });
await mock.close();
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['use.ts'],
      }),
    );
    const r = await inProject(process.execPath, [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      '.',
    ]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
