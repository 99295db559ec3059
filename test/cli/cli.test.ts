import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServed, runCli, serveInProcess } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';
import { freePort } from '../helpers/wait.ts';

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

  it.each([
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--port', 'abc'], /port must be an integer/],
    [['serve', '--scale', '-1'], /scale must be a number above 0/],
    [['serve', '--as-of', 'someday'], /as-of must be a date/],
    [['generate'], /required option '--out <file>'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j is an error with a clear message', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
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
    const res = await fetch(`${url}/__admin/health`);
    const health = { status: res.status, body: await res.json() };
    await expectContract('getHealth', health);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', seed: 42 });
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
