import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild, untilReady } from '../helpers/child.ts';
import { spawnCli } from '../helpers/cli.ts';
import { CK_HEADERS, SESSIONS } from '../helpers/mock.ts';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child) await stopChild(child);
  child = undefined;
});

/** Starts `serve --json` with these flags; its URL and everything it writes to stderr. */
async function serve(flags: string[]) {
  child = spawnCli(['serve', '--port', '0', '--json', ...flags]);
  const stderr: string[] = [];
  child.stderr?.on('data', (c: Buffer) => stderr.push(c.toString()));
  const { match } = await untilReady(child, /"url":"(http:[^"]+)"/, 60_000, 'serve');
  return { url: match[1] as string, stderr: () => stderr.join('') };
}

describe('serve --log', () => {
  it('json: one object a line on stderr per request, with why a 400 was refused; stdout keeps only the ready line', async () => {
    const { url, stderr } = await serve(['--log', 'json']);
    expect((await fetch(`${url}${SESSIONS}?limit=1`, { headers: CK_HEADERS })).status).toBe(200);
    expect((await fetch(`${url}${SESSIONS}?limit=0`, { headers: CK_HEADERS })).status).toBe(400);
    const deadline = Date.now() + 5000;
    while (stderr().split('\n').filter(Boolean).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const lines = stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.url, l.status, l.operation])).toEqual([
      ['info', `${SESSIONS}?limit=1`, 200, 'listSessions'],
      ['info', `${SESSIONS}?limit=0`, 400, 'listSessions'],
    ]);
    expect(lines[1].reason).toMatch(/limit/);
  });

  it('off (the default without a terminal) writes no access lines; a bad format is a usage error', async () => {
    const { url, stderr } = await serve([]);
    expect((await fetch(`${url}${SESSIONS}?limit=1`, { headers: CK_HEADERS })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(stderr()).not.toMatch(/\/v1\/data\/sessions/);
    await stopChild(child as ChildProcess);
    child = spawnCli(['serve', '--log', 'loud']);
    const code = await new Promise<number | null>((r) => child?.once('exit', (c) => r(c)));
    expect(code).toBe(2);
  });
});
