import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, JOURNAL_FILE } from '../../../mock/core/persist/journal-file.ts';
import {
  checkSnapshot,
  Persistence,
  SNAPSHOT_FILE,
  WORLD_FILE,
  WorldMismatchError,
  type WorldParams,
} from '../../../mock/core/persist/persistence.ts';

const WORLD: WorldParams = {
  seed: 42,
  asOf: '2025-12-31T00:00:00.000Z',
  scale: 1,
  dataVersion: '1',
};

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'churnmock-data-')), 'data');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

async function withWrites(n: number, world = WORLD) {
  const { persistence } = await Persistence.open(dir, world);
  for (let i = 0; i < n; i++) persistence.append('churncut', 'flow', { i });
  await persistence.settled();
  return persistence;
}

describe('data directory', () => {
  it('a new directory records its world; writes come back after a restart, in order', async () => {
    const p = await withWrites(5);
    expect(JSON.parse(readFileSync(join(dir, WORLD_FILE), 'utf8'))).toEqual({
      format: 1,
      ...WORLD,
    });
    await p.close();
    const { persistence, recovered } = await Persistence.open(dir, WORLD);
    expect(recovered.snapshot).toBeNull();
    expect(recovered.records.map((r) => [r.seq, r.part, r.kind, r.data])).toEqual(
      Array.from({ length: 5 }, (_, i) => [i + 1, 'churncut', 'flow', { i }]),
    );
    persistence.append('clock', 'set', { t: 1 });
    expect(persistence.seq).toBe(6);
    await persistence.close();
  });

  it('another world is a clear error naming both, and changes nothing; --reset-data starts over', async () => {
    await (await withWrites(3)).close();
    const other = { ...WORLD, seed: 7 };
    const err = await Persistence.open(dir, other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorldMismatchError);
    expect((err as Error).message).toMatch(/seed 42.*not seed 7.*--reset-data/);
    // Refused without touching the directory, and the lock was let go.
    const again = await Persistence.open(dir, WORLD);
    expect(again.recovered.records).toHaveLength(3);
    await again.persistence.close();
    const reset = await Persistence.open(dir, other, { resetData: true });
    expect(reset.recovered.records).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, WORLD_FILE), 'utf8')).seed).toBe(7);
    await reset.persistence.close();
  });

  it('a second open while the first holds it is refused with the holder’s pid', async () => {
    const p = await withWrites(1);
    const err = await Persistence.open(dir, WORLD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    await p.close();
    await (await Persistence.open(dir, WORLD)).persistence.close();
  });

  it('compaction: a snapshot of the state and an empty journal; the next start reads both', async () => {
    const p = await withWrites(4);
    await p.compact(() => ({ churncut: { flows: 4 } }));
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBe(0);
    p.append('churncut', 'flow', { i: 4 });
    await p.settled();
    await p.close();
    const { persistence, recovered } = await Persistence.open(dir, WORLD);
    expect(recovered.snapshot).toMatchObject({
      seq: 4,
      parts: { churncut: { flows: 4 } },
      world: WORLD,
    });
    expect(recovered.records.map((r) => r.seq)).toEqual([5]);
    await persistence.close();
  });

  it('writes made while a compaction waits are neither lost nor covered twice', async () => {
    const { persistence: p } = await Persistence.open(dir, WORLD);
    let state = 0;
    const write = () => {
      state++;
      p.append('counter', 'inc', { to: state });
    };
    for (let i = 0; i < 50; i++) write();
    const compacting = p.compact(() => ({ counter: state }));
    for (let i = 0; i < 50; i++) write(); // queued behind the compaction's wait
    await compacting;
    for (let i = 0; i < 5; i++) write();
    await p.settled();
    expect(p.busy).toBe(false);
    await p.close();
    const { persistence, recovered } = await Persistence.open(dir, WORLD);
    // Snapshot value + the increments after it = every write.
    const base = (recovered.snapshot?.parts.counter as number) ?? 0;
    expect(recovered.snapshot?.seq).toBe(base);
    expect(recovered.records.map((r) => (r.data as { to: number }).to)).toEqual(
      Array.from({ length: 105 - base }, (_, i) => base + i + 1),
    );
    await persistence.close();
  });

  it('a crash between the snapshot and the fresh journal: records the snapshot covers are skipped', async () => {
    const p = await withWrites(3);
    await p.close();
    writeFileSync(
      join(dir, SNAPSHOT_FILE),
      JSON.stringify({ format: 1, world: WORLD, seq: 2, parts: {} }),
    );
    const { persistence, recovered } = await Persistence.open(dir, WORLD);
    expect(recovered.records.map((r) => r.seq)).toEqual([3]);
    await persistence.close();
  });

  it('needsCompaction once the journal passes its threshold', async () => {
    const { persistence } = await Persistence.open(dir, WORLD, { compactBytes: 500 });
    expect(persistence.needsCompaction).toBe(false);
    for (let i = 0; i < 20; i++) persistence.append('p', 'k', { pad: 'x'.repeat(20) });
    expect(persistence.needsCompaction).toBe(true);
    await persistence.close();
  });

  it('a torn tail is set aside with a warning naming the file; the valid writes are replayed', async () => {
    await (await withWrites(2)).close();
    await appendFile(join(dir, JOURNAL_FILE), '00000000 {"seq":3');
    const warnings: string[] = [];
    const { persistence, recovered } = await Persistence.open(dir, WORLD, {
      warn: (m) => warnings.push(m),
      now: () => Date.parse('2026-12-03T06:00:00Z'),
    });
    expect(recovered.records).toHaveLength(2);
    const file = `${join(dir, JOURNAL_FILE)}.corrupt-2026-12-03T06-00-00-000Z`;
    expect(warnings).toEqual([expect.stringContaining(file)]);
    expect(readFileSync(file, 'utf8')).toBe('00000000 {"seq":3');
    await persistence.close();
  });

  it('checkSnapshot refuses another world, another format and what is no snapshot', () => {
    const snap = { format: 1, world: WORLD, seq: 0, parts: {} };
    expect(checkSnapshot(snap, WORLD, 'f')).toEqual(snap);
    expect(() => checkSnapshot({ ...snap, world: { ...WORLD, scale: 2 } }, WORLD, 'f')).toThrow(
      WorldMismatchError,
    );
    expect(() => checkSnapshot({ ...snap, format: 9 }, WORLD, 'f')).toThrow(/format 9/);
    expect(() => checkSnapshot([], WORLD, 'f')).toThrow(/not a churnmock snapshot/);
  });
});
