import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, serve, stopServed } from '../helpers/cli.ts';
import { freePort } from '../helpers/wait.ts';

/** Runs the CLI to completion; resolves with exit code and output even on failure. */
afterEach(stopServed);

describe('churnmock CLI', () => {
  it.each([[['--help']], [['serve', '--help']], [['generate', '--help']]])(
    '%j prints usage',
    async (args) => {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: churnmock/);
    },
  );

  it('serve --help lists every flag', async () => {
    const { stdout } = await cli(['serve', '--help']);
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
    const r = await cli(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('generate writes the same JSON lines for the same seed, different ones for another', async () => {
    const a = join(tmpdir(), `churnmock-a-${process.pid}.jsonl`);
    const b = join(tmpdir(), `churnmock-b-${process.pid}.jsonl`);
    const c = join(tmpdir(), `churnmock-c-${process.pid}.jsonl`);
    await cli(['generate', '--out', a, '--scale', '0.05']);
    await cli(['generate', '--out', b, '--scale', '0.05']);
    await cli(['generate', '--out', c, '--scale', '0.05', '--seed', '7']);
    const first = readFileSync(a, 'utf8');
    expect(first).toBe(readFileSync(b, 'utf8'));
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
    const { url, output } = await serve(['--port', '0']);
    expect(output).toContain('Churnkey Data API');
    expect(output).toContain('x-ck-api-key: data_test_churnmock');
    expect(output).toContain('x-ck-app: app_churnmock');
    const health = await fetch(`${url}/__admin/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', seed: 42 });
  });

  it('PORT, CHURNMOCK_SEED and the credential variables configure serve', async () => {
    const port = await freePort();
    const { url } = await serve([], {
      PORT: String(port),
      CHURNMOCK_SEED: '7',
      CHURNMOCK_CK_API_KEY: 'data_test_other',
      CHURNMOCK_CK_APP: 'app_other',
    });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(await (await fetch(`${url}/__admin/health`)).json()).toMatchObject({ seed: 7 });
    const ok = await fetch(`${url}/v1/data/sessions?limit=1`, {
      headers: { 'x-ck-api-key': 'data_test_other', 'x-ck-app': 'app_other' },
    });
    expect(ok.status).toBe(200);
    const old = await fetch(`${url}/v1/data/sessions?limit=1`, {
      headers: { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' },
    });
    expect(old.status).toBe(401);
  });
});
