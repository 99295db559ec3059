import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, serve, spawnCli, stopServed } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';

/**
 * The few tests of the real process: what only a child shows (signals, the process's exit
 * code and streams). The published bin is run by test/package, from the packed package.
 * Every other CLI test runs the program in-process.
 */
afterEach(stopServed);

describe('churnmock as a process', () => {
  it('a bad flag exits 2 with the message and a hint on stderr, nothing on stdout', async () => {
    const r = await cli(['serve', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: unknown option '--bogus'\n(run "churnmock serve --help" for usage)\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('generate --out - ends quietly with exit 0 when its reader closes the pipe (| head -1)', async () => {
    const child = spawnCli(['generate', '--out', '-', '--scale', '0.05']);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Like `head -1`: read the first chunk, then close the pipe while the writer goes on.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('serve answers, then stops on SIGTERM with exit 0', async () => {
    const { url, child } = await serve(['--port', '0', '--scale', '0.05']);
    const health = await fetch(`${url}/__admin/health`);
    const body = await health.json();
    await expectContract('getHealth', { status: health.status, body });
    expect(body).toMatchObject({ status: 'ok' });
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('SIGTERM with a half-sent request and an idle keep-alive connection still exits 0 after the grace period', async () => {
    const { url, child } = await serve(['--port', '0', '--scale', '0.05']);
    const { port } = new URL(url);
    // An idle keep-alive connection: one answered request, the socket left open.
    const idle = connect(Number(port), '127.0.0.1');
    idle.write('GET /__admin/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await once(idle, 'data');
    // A request whose headers never end.
    const half = connect(Number(port), '127.0.0.1');
    await once(half, 'connect');
    half.write('GET /__admin/health HTTP/1.1\r\nHost: localhost\r\n');
    // The server may end them with a reset: that is a close too, not a failure here.
    for (const socket of [idle, half]) socket.on('error', () => {});
    const closed = [idle, half].map((s) => new Promise((resolve) => s.once('close', resolve)));
    const exited = once(child, 'exit');
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    await Promise.all(closed);
    // Not a timing assertion on speed: only that it did not wait for the request to finish.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
