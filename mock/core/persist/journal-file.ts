import {
  closeSync,
  constants,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

// A write-ahead journal on disk: one line per write, `crc32hex SP json LF`, readable with
// `cut -d' ' -f2-`. Appends are group-committed: the lines handed over while one write+fdatasync
// is in flight go out together in the next, and each append's promise resolves only once its
// line is on disk, so a response sent after it reports a durable write.

/** The name of the journal file in a data directory. */
export const JOURNAL_FILE = 'journal.log';

const line = (record: unknown): string => {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
};

/** What reading a journal found: the records of its valid prefix, and what was set aside. */
export interface JournalRead<T> {
  readonly records: T[];
  /** Bytes of the valid prefix (the file is cut back to it). */
  readonly validBytes: number;
  /** The file the invalid tail was moved to, when there was one. */
  readonly setAside: string | null;
  /** Why the tail was invalid (a torn last line, a checksum or JSON that does not hold). */
  readonly problem: string | null;
}

/** Parses journal text: every line up to the first that is torn, fails its checksum or its JSON. */
export function parseJournal<T>(text: Buffer): {
  records: T[];
  validBytes: number;
  problem: string | null;
} {
  const records: T[] = [];
  let at = 0;
  let n = 0;
  while (at < text.length) {
    const end = text.indexOf(0x0a, at);
    n++;
    if (end < 0) return { records, validBytes: at, problem: `line ${n} is torn (no end of line)` };
    const raw = text.toString('utf8', at, end);
    const space = raw.indexOf(' ');
    const json = raw.slice(space + 1);
    const sum = space === 8 ? Number.parseInt(raw.slice(0, 8), 16) : Number.NaN;
    if (!(sum === crc32(json)))
      return { records, validBytes: at, problem: `line ${n} fails its checksum` };
    try {
      records.push(JSON.parse(json) as T);
    } catch {
      return { records, validBytes: at, problem: `line ${n} is not JSON` };
    }
    at = end + 1;
  }
  return { records, validBytes: at, problem: null };
}

/**
 * Reads the journal in `dir`: the valid prefix's records. An invalid tail (power lost mid-write,
 * a damaged disk) is moved to `journal.log.corrupt-<stamp>` and the journal cut back to the
 * prefix, so a start never crashes on it and never applies half a record.
 */
export async function readJournal<T>(dir: string, stamp: string): Promise<JournalRead<T>> {
  const file = join(dir, JOURNAL_FILE);
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { records: [], validBytes: 0, setAside: null, problem: null };
    throw err;
  }
  const { records, validBytes, problem } = parseJournal<T>(text);
  if (validBytes === text.length) return { records, validBytes, setAside: null, problem: null };
  const setAside = `${file}.corrupt-${stamp}`;
  await writeFile(setAside, text.subarray(validBytes), { flag: 'wx' });
  await truncate(file, validBytes);
  return { records, validBytes, setAside, problem };
}

interface Pending {
  readonly text: string;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Appends records to the journal in `dir`, each durable (fdatasync) before its promise resolves. */
export class JournalWriter {
  #handle: FileHandle | null = null;
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #bytes: number;
  #syncs = 0;
  #closed = false;

  private constructor(
    readonly file: string,
    handle: FileHandle,
    bytes: number,
  ) {
    this.#handle = handle;
    this.#bytes = bytes;
  }

  /** Opens (creating) the journal for appending; `bytes` is its current size. */
  static async open(dir: string, bytes: number): Promise<JournalWriter> {
    const file = join(dir, JOURNAL_FILE);
    return new JournalWriter(file, await open(file, 'a'), bytes);
  }

  /** The journal's size in bytes, counting what is queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many fdatasyncs have run (a group commit makes fewer than appends). */
  get syncs(): number {
    return this.#syncs;
  }

  /** Queues a record; resolves once it is on disk. */
  append(record: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the journal is closed'));
    const text = line(record);
    this.#bytes += Buffer.byteLength(text);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Writes everything queued, one write and one fdatasync per batch, until the queue is empty. */
  async #flush(): Promise<void> {
    // Let the appends of this turn of the event loop join the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.#queue.length) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const handle = this.#handle;
        if (!handle) throw new Error('the journal is closed');
        await handle.write(batch.map((p) => p.text).join(''));
        await handle.datasync();
        this.#syncs++;
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#flushing = null;
  }

  /** Waits for every queued record to be on disk. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /**
   * Empties the journal now, synchronously: for a caller that has drained it and must not let
   * an append in between (a snapshot taken in the same tick covers everything before).
   */
  restartSync(): void {
    const handle = this.#handle;
    if (!handle) throw new Error('the journal is closed');
    if (this.#queue.length || this.#flushing) throw new Error('the journal is not drained');
    ftruncateSync(handle.fd, 0);
    fdatasyncSync(handle.fd);
    this.#bytes = 0;
  }

  /** True when nothing is queued or being written. */
  get quiet(): boolean {
    return this.#queue.length === 0 && this.#flushing === null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
    await this.#handle?.close();
    this.#handle = null;
  }
}

/**
 * Writes `text` to `dir/name` atomically: a synced temporary file renamed over it, then the
 * directory synced. Synchronous, so a snapshot is taken and written in one tick.
 */
export function writeFileAtomic(dir: string, name: string, text: string): void {
  const file = join(dir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** The lock file of a data directory: it holds the pid of the churnmock using it. */
export const LOCK_FILE = 'churnmock.lock';

/** A data directory already in use by a live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`${dir} is in use by another churnmock (pid ${pid}); stop it or use another --data-dir`);
  }
}

const held = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the directory's lock: creates the lock file exclusively with this pid. A lock left by a
 * process that no longer runs (killed, power lost) is taken over; one held by a live process is
 * a DataDirLockedError naming its pid. Returns the release function.
 */
export function lockDataDir(dir: string, pid = process.pid): () => void {
  const file = join(dir, LOCK_FILE);
  // This process's own locks: a lock file with our pid that we do not hold is a previous
  // incarnation's (a container's pid 1 after a restart), one we hold is a second open.
  if (held.has(file) && pid === process.pid) throw new DataDirLockedError(dir, pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      if (pid === process.pid) held.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(file);
        try {
          // Only our own lock: another process may have taken over a lock we lost.
          if (Number(readFileSync(file, 'utf8').trim()) === pid) unlinkQuiet(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSafe(file).trim(), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder))
        throw new DataDirLockedError(dir, holder);
      unlinkQuiet(file); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function unlinkQuiet(file: string): void {
  try {
    // Sync on purpose: release runs from exit handlers.
    unlinkSync(file);
  } catch {
    // gone already
  }
}
