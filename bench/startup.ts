import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../test/helpers/child.ts';
import { freePort } from '../test/helpers/wait.ts';
import { peakRssBytes, ROOT, track } from './servers.ts';
import { fmtBytes, fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';

const GIB = 2 ** 30;
const BIN = join(ROOT, 'bin/churnmock.js');
/** A request every vendor's data answers only once generated: the first Churnkey page. */
const FIRST = '/v1/data/sessions?limit=100';
const HEADERS = { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' };

/** The goals of "Performance where real clients are": first answer from process start. */
const GOALS: readonly { scale: number; firstMs: number; peakRss?: number }[] = [
  { scale: 1, firstMs: 1000 },
  { scale: 100, firstMs: 10_000, peakRss: 1.5 * GIB },
];

/**
 * Spawns the installed command (`bin/churnmock.js` on plain node, as `npx churnmock serve`
 * runs it) and asks for the first Churnkey page every 10 ms from the spawn on: the figure is
 * the time until the first 200, from process start as a user sees it.
 */
async function firstAnswer(scale: number): Promise<{ ms: number; peak: number | null }> {
  const port = await freePort();
  const started = performance.now();
  const proc: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(port), '--scale', String(scale), '--quiet'],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } },
  );
  track(proc);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited) throw new Error(`churnmock --scale ${scale} exited before answering`);
      if (performance.now() - started > 120_000) throw new Error('no answer within 120 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}${FIRST}`, { headers: HEADERS });
        await res.arrayBuffer();
        if (res.status === 200)
          return { ms: performance.now() - started, peak: peakRssBytes(proc.pid) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stopChild(proc, 5000);
  }
}

/** Time to the first answered request from process start, default scale and scale 100. */
export async function runStartup(): Promise<Row[]> {
  console.log('\n== start-up: process start to the first answered request (bin/churnmock.js) ==');
  if (!existsSync(join(ROOT, 'dist/mock/cli/main.js')))
    return [failed('start-up', new Error('dist/ is not built: run npm run build first'))];
  const rows: Row[] = [];
  for (const goal of GOALS) {
    const name = `first answer from process start, scale ${goal.scale}`;
    try {
      const { ms, peak } = await firstAnswer(goal.scale);
      console.log(`scale ${goal.scale}: first 200 after ${fmtMs(ms)}; peak RSS ${fmtBytes(peak)}`);
      rows.push(target(name, fmtMs(ms), `< ${fmtMs(goal.firstMs)}`, ms < goal.firstMs));
      rows.push(
        goal.peakRss
          ? target(
              `peak RSS at the first answer, scale ${goal.scale}`,
              fmtBytes(peak),
              `< ${fmtBytes(goal.peakRss)}`,
              peak !== null && peak < goal.peakRss,
            )
          : info(
              `peak RSS at the first answer, scale ${goal.scale}`,
              fmtBytes(peak),
              '(reference)',
            ),
      );
    } catch (err) {
      rows.push(failed(name, err));
    }
  }
  return rows;
}
