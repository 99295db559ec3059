import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { bin, cli, serve, stopServed } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';

/**
 * The few tests of the real process: what only a child shows (signals, the process's exit
 * code and streams, the published bin). Every other CLI test runs the program in-process.
 */
afterEach(stopServed);

describe('churnmock as a process', () => {
  it('bin/churnmock.js --help prints usage and exits 0', async () => {
    const r = await bin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: churnmock/);
    expect(r.stdout).toContain('serve');
  });

  it('a bad flag exits 1 with the message on stderr, nothing on stdout', async () => {
    const r = await cli(['serve', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect(r.stdout).toBe('');
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
});
