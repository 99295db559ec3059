import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataDirLockedError,
  JOURNAL_FILE,
  JournalWriter,
  LOCK_FILE,
  lockDataDir,
  readJournal,
  writeFileAtomic,
} from '../../../mock/core/persist/journal-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'churnmock-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(records: unknown[]): Promise<JournalWriter> {
  const w = await JournalWriter.open(dir, 0);
  await Promise.all(records.map((r) => w.append(r)));
  return w;
}

describe('journal file', () => {
  it('appends are durable when they resolve, group-committed, and read back in order', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      seq: i + 1,
      kind: 'flow',
      id: `f${i}`,
    }));
    const w = await written(records);
    // One fdatasync per batch, not per record.
    expect(w.syncs).toBeGreaterThan(0);
    expect(w.syncs).toBeLessThan(20);
    expect(w.bytes).toBe(statSync(join(dir, JOURNAL_FILE)).size);
    await w.close();
    const read = await readJournal(dir, 'x');
    expect(read.records).toEqual(records);
    expect(read.problem).toBeNull();
    expect(read.setAside).toBeNull();
    await expect(w.append({ late: true })).rejects.toThrow(/closed/);
  });

  it('a torn last line (power lost mid-write) is set aside; the valid prefix is kept', async () => {
    const w = await written([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await w.close();
    const file = join(dir, JOURNAL_FILE);
    const valid = statSync(file).size;
    await appendFile(file, '1234abcd {"a": 4, "hal');
    const read = await readJournal(dir, 'stamp1');
    expect(read.records).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(read.problem).toMatch(/line 4 is torn/);
    expect(read.setAside).toBe(`${file}.corrupt-stamp1`);
    expect(readFileSync(read.setAside as string, 'utf8')).toBe('1234abcd {"a": 4, "hal');
    expect(statSync(file).size).toBe(valid);
    // The next start finds a clean journal, and appends after the prefix.
    const again = await JournalWriter.open(dir, valid);
    await again.append({ a: 5 });
    await again.close();
    expect((await readJournal(dir, 'stamp2')).records).toEqual([
      { a: 1 },
      { a: 2 },
      { a: 3 },
      { a: 5 },
    ]);
  });

  it('a line whose checksum fails ends the valid prefix: it and all after it are set aside', async () => {
    const w = await written([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await w.close();
    const file = join(dir, JOURNAL_FILE);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines[1] = (lines[1] as string).replace('"a":2', '"a":7'); // a flipped byte
    writeFileSync(file, lines.join('\n'));
    const read = await readJournal(dir, 's');
    expect(read.records).toEqual([{ a: 1 }]);
    expect(read.problem).toMatch(/line 2 fails its checksum/);
    expect(readFileSync(read.setAside as string, 'utf8')).toBe(`${lines.slice(1).join('\n')}`);
  });

  it('a checksummed line that is not JSON is refused too (never a half record applied)', async () => {
    const bad = '{"a": ';
    writeFileSync(join(dir, JOURNAL_FILE), `${crc32(bad).toString(16).padStart(8, '0')} ${bad}\n`);
    const read = await readJournal(dir, 's');
    expect(read.records).toEqual([]);
    expect(read.problem).toMatch(/not JSON/);
  });

  it('no journal yet: nothing to read, nothing set aside', async () => {
    expect(await readJournal(dir, 's')).toEqual({
      records: [],
      validBytes: 0,
      setAside: null,
      problem: null,
    });
  });

  it('restartSync empties a drained journal, and refuses one with records still queued', async () => {
    const w = await written([{ a: 1 }]);
    const queued = w.append({ a: 2 });
    expect(w.quiet).toBe(false);
    expect(() => w.restartSync()).toThrow(/not drained/);
    await w.drain();
    await queued;
    w.restartSync();
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBe(0);
    await w.append({ a: 3 });
    await w.close();
    expect((await readJournal(dir, 's')).records).toEqual([{ a: 3 }]);
  });

  it('writeFileAtomic leaves the new content and no temporary file', () => {
    writeFileAtomic(dir, 'world.json', '{"seed":1}');
    writeFileAtomic(dir, 'world.json', '{"seed":2}');
    expect(readFileSync(join(dir, 'world.json'), 'utf8')).toBe('{"seed":2}');
    expect(readdirSync(dir)).toEqual(['world.json']);
  });
});

describe('data directory lock', () => {
  it('a second holder is refused with the first one’s pid; release frees it', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    let err: unknown;
    try {
      lockDataDir(dir, process.pid + 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, process.pid + 1)();
  });

  it('a lock left by a process that is gone is taken over', () => {
    // pid 2^22+ is beyond Linux's default pid_max: no such process.
    writeFileSync(join(dir, LOCK_FILE), '4194399\n');
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });
});
