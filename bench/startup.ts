import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../test/helpers/child.ts';
import { freePort } from '../test/helpers/wait.ts';
import { CK_HEADERS, HttpClient } from './http-client.ts';
import { peakRssBytes, ROOT, track } from './servers.ts';
import { fmtBytes, fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';

const GIB = 2 ** 30;
const BIN = join(ROOT, 'bin/churnmock.js');
/** A request every vendor's data answers only once generated: the first Churnkey page. */
const FIRST = '/v1/data/sessions?limit=100';
const CC_HEADERS = { authorization: 'Bearer cc_test_churnmock' };

/** The goals of "Performance where real clients are", by scale. */
const GOALS = {
  defaultFirstMs: 1000,
  scale100: { firstMs: 10_000, repeatedMs: 3000, peakRss: 1.5 * GIB, firstSecondMaxMs: 50 },
} as const;
const SCALES = [1, 10, 100] as const;

/** One start of `bin/churnmock.js serve` on plain node (as `npx churnmock serve` runs it). */
interface Start {
  /** Process start to the first 200 of FIRST. */
  readonly firstMs: number;
  readonly peakRss: number | null;
  readonly heapUsed: number;
  /** Sessions the Churnkey aggregation counts (every session not bounced). */
  readonly sessions: number;
  /** The slowest of the requests made in the first second after the first answer. */
  readonly firstSecondMaxMs: number;
  readonly firstSecondRequests: number;
  readonly firstSecondSlowest: string;
}

/**
 * The first second after readiness: list pages and lookups of every vendor one after another
 * (a distinct URL each, so none is a cached answer), the slowest one's time.
 */
async function firstSecond(base: string): Promise<{ max: number; n: number; slowest: string }> {
  const client = new HttpClient(base);
  const requests: readonly ((k: number) => [string, Readonly<Record<string, string>>])[] = [
    (k) => [`/v1/data/sessions?limit=100&skip=${100 * k}`, CK_HEADERS],
    (k) => [`/v1/customers?limit=20&offset=${20 * k}`, CC_HEADERS],
    () => ['/v1/customers/cus_abc123', CC_HEADERS],
    (k) => [`/v1/data/sessions?limit=10&skip=${7 * k}&customerEmail=jane@example.com`, CK_HEADERS],
  ];
  const until = performance.now() + 1000;
  let max = 0;
  let n = 0;
  let slowest = '';
  try {
    while (performance.now() < until) {
      const [path, headers] = (
        requests[n % requests.length] as (k: number) => [string, Readonly<Record<string, string>>]
      )(n);
      const reply = await client.get(path, 10_000, headers);
      if (reply.status !== 200) throw new Error(`${path}: HTTP ${reply.status}`);
      if (reply.ms > max) {
        max = reply.ms;
        slowest = path;
      }
      n++;
    }
  } finally {
    client.close();
  }
  return { max, n, slowest };
}

/**
 * Spawns the installed command and asks for the first Churnkey page every 10 ms from the spawn
 * on: the time until the first 200, from process start as a user sees it; then the first
 * second's requests, the heap and the session count. `cache` is its data cache directory: an
 * empty one makes a cold start (generate, then save), one it filled a repeated start.
 */
async function start(scale: number, cache: string): Promise<Start> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      String(port),
      '--scale',
      String(scale),
      '--quiet',
      '--data-cache',
      cache,
    ],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } },
  );
  track(proc);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  try {
    let firstMs = 0;
    while (!firstMs) {
      if (exited) throw new Error(`churnmock --scale ${scale} exited before answering`);
      if (performance.now() - started > 120_000) throw new Error('no answer within 120 s');
      try {
        const res = await fetch(`${base}${FIRST}`, { headers: CK_HEADERS });
        await res.arrayBuffer();
        if (res.status === 200) firstMs = performance.now() - started;
      } catch {
        // not listening yet
      }
      if (!firstMs) await new Promise((r) => setTimeout(r, 10));
    }
    const peakRss = peakRssBytes(proc.pid);
    const second = await firstSecond(base);
    const health = (await (await fetch(`${base}/__admin/health`)).json()) as {
      memory: { heapUsedBytes: number };
    };
    const counted = (await (
      await fetch(`${base}/v1/data/session-aggregation`, { headers: CK_HEADERS })
    ).json()) as { count: number }[];
    return {
      firstMs,
      peakRss,
      heapUsed: health.memory.heapUsedBytes,
      sessions: counted[0]?.count ?? 0,
      firstSecondMaxMs: second.max,
      firstSecondRequests: second.n,
      firstSecondSlowest: second.slowest,
    };
  } finally {
    // Long enough for a cold start to finish writing its data cache (it does while stopping;
    // 284 MB at scale 100 took over 5 s on a slow disk, and a killed start saves nothing).
    await stopChild(proc, 60_000);
  }
}

/**
 * Start-up at scale 1, 10 and 100 (time to the first answer, peak RSS, heap, the first second
 * after readiness), each cold (an empty data cache: generated, then saved), a repeated start at
 * scale 100 with the same parameters (loaded from that cache), and the cost per million
 * sessions between scale 1 and 100.
 */
export async function runStartup(): Promise<Row[]> {
  const caches = new Map<number, string>();
  try {
    return await startups(caches);
  } finally {
    for (const dir of caches.values()) rmSync(dir, { recursive: true, force: true });
  }
}

async function startups(caches: Map<number, string>): Promise<Row[]> {
  console.log('\n== start-up: process start to the first answered request (bin/churnmock.js) ==');
  if (!existsSync(join(ROOT, 'dist/cli.js')))
    return [failed('start-up', new Error('dist/ is not built: run npm run build first'))];
  const rows: Row[] = [];
  const starts = new Map<number, Start>();
  for (const scale of SCALES) {
    try {
      const cache = mkdtempSync(join(tmpdir(), `churnmock-bench-cache-${scale}-`));
      caches.set(scale, cache);
      const s = await start(scale, cache);
      starts.set(scale, s);
      console.log(
        `scale ${scale}: ${s.sessions} sessions; first 200 after ${fmtMs(s.firstMs)}; peak RSS ${fmtBytes(s.peakRss)}; heap ${fmtBytes(s.heapUsed)}; first second: ${s.firstSecondRequests} requests, slowest ${fmtMs(s.firstSecondMaxMs)} (${s.firstSecondSlowest})`,
      );
    } catch (err) {
      rows.push(failed(`start-up, scale ${scale}`, err));
    }
  }
  const one = starts.get(1);
  if (one)
    rows.push(
      target(
        'first answer from process start, scale 1',
        fmtMs(one.firstMs),
        `< ${fmtMs(GOALS.defaultFirstMs)}`,
        one.firstMs < GOALS.defaultFirstMs,
      ),
    );
  for (const [scale, s] of starts)
    rows.push(
      info(
        `scale ${scale} (${s.sessions} sessions): first answer / peak RSS / heap`,
        `${fmtMs(s.firstMs)} / ${fmtBytes(s.peakRss)} / ${fmtBytes(s.heapUsed)}`,
        '(growth)',
      ),
    );
  const big = starts.get(100);
  if (big) {
    const goal = GOALS.scale100;
    rows.push(
      target(
        'first answer from process start, scale 100, cold',
        fmtMs(big.firstMs),
        `< ${fmtMs(goal.firstMs)}`,
        big.firstMs < goal.firstMs,
      ),
      target(
        'peak RSS at the first answer, scale 100',
        fmtBytes(big.peakRss),
        `< ${fmtBytes(goal.peakRss)}`,
        big.peakRss !== null && big.peakRss < goal.peakRss,
      ),
      target(
        `slowest request in the first second after readiness, scale 100 (${big.firstSecondRequests} lists and lookups)`,
        fmtMs(big.firstSecondMaxMs),
        `< ${fmtMs(goal.firstSecondMaxMs)}`,
        big.firstSecondMaxMs < goal.firstSecondMaxMs,
      ),
    );
    if (one && big.sessions > one.sessions) {
      const millions = (big.sessions - one.sessions) / 1e6;
      rows.push(
        info(
          'cost per million sessions (scale 1 → 100): start-up / heap',
          `${fmtMs((big.firstMs - one.firstMs) / millions)} / ${fmtBytes((big.heapUsed - one.heapUsed) / millions)}`,
          '(growth)',
        ),
      );
    }
    try {
      const again = await start(100, caches.get(100) ?? '');
      console.log(
        `scale 100, repeated start (data cache): first 200 after ${fmtMs(again.firstMs)}; peak RSS ${fmtBytes(again.peakRss)}; first second: slowest ${fmtMs(again.firstSecondMaxMs)} (${again.firstSecondSlowest})`,
      );
      rows.push(
        target(
          'first answer from process start, scale 100, repeated start (same parameters)',
          fmtMs(again.firstMs),
          `< ${fmtMs(goal.repeatedMs)}`,
          again.firstMs < goal.repeatedMs,
        ),
      );
    } catch (err) {
      rows.push(failed('repeated start, scale 100', err));
    }
  }
  return rows;
}
