import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEFAULT_AS_OF } from '../generators/time.ts';
import { worldParams } from '../mock/core/persist/attach.ts';
import { Persistence } from '../mock/core/persist/persistence.ts';
import { type Child, stop } from './servers.ts';
import { startChurnmock } from './start-servers.ts';
import { fmtMs } from './stats.ts';
import { failed, info, type Row } from './table.ts';

const JOURNAL_WRITES = 100_000;
const SECONDS = 5;

/** Clock moves per second (one journalled write each) against `base`, 10 connections. */
async function writesPerSecond(base: string): Promise<{ rps: number; non2xx: number }> {
  const r = await autocannon({
    url: `${base}/__admin/clock`,
    method: 'POST',
    connections: 10,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    body: '{"advance":"PT1S"}',
  });
  return { rps: r.requests.total / r.duration, non2xx: r.non2xx };
}

/**
 * What `--data-dir` costs: write throughput (clock moves, each synced before its response)
 * from a mock with and without it, each in its own process; and the start-up time of a mock
 * whose journal holds 100,000 writes, next to one without a data directory.
 */
export async function runPersistCost(): Promise<Row[]> {
  console.log(
    `\n== --data-dir: POST /__admin/clock for ${SECONDS} s (10 connections) with and without it; start-up with a ${JOURNAL_WRITES.toLocaleString('en')}-write journal ==`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'churnmock-bench-data-'));
  const children: Child[] = [];
  try {
    const memory = await startChurnmock(1, undefined, ['--log', 'off']);
    children.push(memory);
    const durable = await startChurnmock(1, undefined, [
      '--log',
      'off',
      '--data-dir',
      join(dir, 'w'),
    ]);
    children.push(durable);
    const without = await writesPerSecond(memory.base);
    const withDir = await writesPerSecond(durable.base);
    await Promise.all(children.splice(0).map((c) => stop(c)));
    console.log(
      `writes/s: memory only ${without.rps.toFixed(0)}, --data-dir ${withDir.rps.toFixed(0)} (non-2xx ${without.non2xx} / ${withDir.non2xx})`,
    );
    // A journal of 100,000 clock moves, written as the mock writes it.
    const big = join(dir, 'big');
    const { persistence } = await Persistence.open(
      big,
      worldParams(42, Date.parse(DEFAULT_AS_OF), 1),
    );
    const start = Date.parse(DEFAULT_AS_OF);
    for (let i = 1; i <= JOURNAL_WRITES; i++)
      persistence.append('clock', 'set', { t: start + i * 1000 });
    await persistence.close();
    const plain = await startChurnmock(1, undefined, ['--log', 'off']);
    children.push(plain);
    const replayed = await startChurnmock(1, undefined, ['--log', 'off', '--data-dir', big]);
    children.push(replayed);
    console.log(
      `start-up: ${fmtMs(plain.startupMs)} without a data directory, ${fmtMs(replayed.startupMs)} replaying ${JOURNAL_WRITES} writes`,
    );
    return [
      info(
        'writes/s (clock moves) memory only / --data-dir',
        `${without.rps.toFixed(0)} / ${withDir.rps.toFixed(0)} = ${(withDir.rps / without.rps).toFixed(2)}×`,
      ),
      info(
        `start-up without / with a ${JOURNAL_WRITES.toLocaleString('en')}-write journal`,
        `${fmtMs(plain.startupMs)} / ${fmtMs(replayed.startupMs)}`,
      ),
    ];
  } catch (err) {
    console.error('data-dir phase failed:', err);
    return [failed('--data-dir cost', err)];
  } finally {
    await Promise.all(children.map((c) => stop(c)));
    await rm(dir, { recursive: true, force: true });
  }
}
