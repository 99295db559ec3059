import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  JOURNAL_FILE,
  JournalWriter,
  lockDataDir,
  readJournal,
  writeFileAtomic,
} from './journal-file.ts';

// A data directory (`--data-dir`): the parameters of the seeded world it was made with, a
// snapshot of the writes up to some sequence number, and the journal of the writes after it.
// The seeded world is never stored: it is generated again from its parameters; only what the
// API changed is. The stores' adapters turn their writes into records and back.

/** The version of the files' format; another is refused, not guessed at. */
export const PERSIST_FORMAT = 1;
export const WORLD_FILE = 'world.json';
export const SNAPSHOT_FILE = 'snapshot.json';
/** Past this many journal bytes the writes are compacted into a snapshot and a fresh journal. */
export const DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024;

/** What the seeded world is generated from; a directory serves only the world it was made for. */
export interface WorldParams {
  readonly seed: number;
  /** ISO date-time. */
  readonly asOf: string;
  readonly scale: number;
  /** churnmock's data version: generated data differs between versions that change it. */
  readonly dataVersion: string;
}

/** One write, as journalled: which part of the state it belongs to, what happened, its data. */
export interface WriteRecord {
  readonly seq: number;
  readonly part: string;
  readonly kind: string;
  readonly data: unknown;
}

/** Every part's state at `seq`, from `GET /__admin/snapshot` or compaction. */
export interface Snapshot {
  readonly format: number;
  readonly world: WorldParams;
  readonly seq: number;
  readonly parts: Readonly<Record<string, unknown>>;
}

const describeWorld = (w: WorldParams): string =>
  `seed ${w.seed}, as-of ${w.asOf}, scale ${w.scale}, data version ${w.dataVersion}`;

const sameWorld = (a: WorldParams, b: WorldParams): boolean =>
  a.seed === b.seed && a.asOf === b.asOf && a.scale === b.scale && a.dataVersion === b.dataVersion;

/** A data directory or snapshot made for another world than the one being started. */
export class WorldMismatchError extends Error {
  constructor(what: string, found: WorldParams, wanted: WorldParams, hint: string) {
    super(`${what} was made for ${describeWorld(found)}, not ${describeWorld(wanted)}; ${hint}`);
  }
}

/** A value that is not a snapshot this churnmock reads (its shape or its format). */
export class SnapshotError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a snapshot's format and world; throws a SnapshotError or a WorldMismatchError. */
export function checkSnapshot(value: unknown, world: WorldParams, what: string): Snapshot {
  const s = value as Partial<Snapshot> | null;
  if (!isObject(s) || typeof s.seq !== 'number' || !isObject(s.world) || !isObject(s.parts))
    throw new SnapshotError(
      `${what} is not a churnmock snapshot (an object with format, world, seq and parts)`,
    );
  if (s.format !== PERSIST_FORMAT)
    throw new SnapshotError(
      `${what} has format ${String(s.format)}; this churnmock reads format ${PERSIST_FORMAT}`,
    );
  if (!sameWorld(s.world, world))
    throw new WorldMismatchError(what, s.world, world, 'start with those parameters instead');
  return s as Snapshot;
}

export interface OpenOptions {
  /** Empties the directory's state first (`--reset-data`) instead of refusing another world. */
  readonly resetData?: boolean;
  readonly compactBytes?: number;
  /** Names the file an invalid journal tail was moved to. */
  readonly warn?: (message: string) => void;
  /** For the set-aside file's name (the mock's wall time, injected). */
  readonly now?: () => number;
}

/** What a start finds in the directory: the snapshot (if any) and the writes after it. */
export interface Recovered {
  readonly snapshot: Snapshot | null;
  readonly records: readonly WriteRecord[];
}

/** A data directory in use: appends writes durably, compacts, resets, releases its lock. */
export class Persistence {
  readonly dir: string;
  readonly world: WorldParams;
  readonly #journal: JournalWriter;
  readonly #release: () => void;
  readonly #compactBytes: number;
  #seq: number;
  readonly #pending = new Set<Promise<void>>();
  #failed: unknown = null;
  #replacing = false;

  private constructor(
    dir: string,
    world: WorldParams,
    journal: JournalWriter,
    release: () => void,
    seq: number,
    compactBytes: number,
  ) {
    this.dir = dir;
    this.world = world;
    this.#journal = journal;
    this.#release = release;
    this.#seq = seq;
    this.#compactBytes = compactBytes;
  }

  /**
   * Opens `dir` (creating it) for `world`: takes its lock, checks (or writes) its world
   * parameters, reads the snapshot and the journal's valid prefix.
   */
  static async open(
    dir: string,
    world: WorldParams,
    options: OpenOptions = {},
  ): Promise<{ persistence: Persistence; recovered: Recovered }> {
    await mkdir(dir, { recursive: true });
    const release = lockDataDir(dir);
    try {
      const found = await readJson<WorldParams>(join(dir, WORLD_FILE));
      if (found && !sameWorld(found, world) && !options.resetData)
        throw new WorldMismatchError(
          dir,
          found,
          world,
          'start with those parameters, add --reset-data to empty it, or use another --data-dir',
        );
      if (!found || options.resetData) {
        await rm(join(dir, SNAPSHOT_FILE), { force: true });
        await rm(join(dir, JOURNAL_FILE), { force: true });
        writeFileAtomic(
          dir,
          WORLD_FILE,
          `${JSON.stringify({ format: PERSIST_FORMAT, ...world }, null, 2)}\n`,
        );
      }
      const raw = await readJson<unknown>(join(dir, SNAPSHOT_FILE));
      const snapshot = raw === null ? null : checkSnapshot(raw, world, join(dir, SNAPSHOT_FILE));
      const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
      const read = await readJournal<WriteRecord>(dir, stamp);
      if (read.setAside)
        options.warn?.(
          `the journal in ${dir} ends in an invalid record (${read.problem}): the ${read.records.length} ` +
            `records before it are kept, the rest moved to ${read.setAside}`,
        );
      const after = snapshot?.seq ?? 0;
      const records = read.records.filter((r) => r.seq > after);
      const seq = records.at(-1)?.seq ?? after;
      const journal = await JournalWriter.open(dir, read.validBytes);
      return {
        persistence: new Persistence(
          dir,
          world,
          journal,
          release,
          seq,
          options.compactBytes ?? DEFAULT_COMPACT_BYTES,
        ),
        recovered: { snapshot, records },
      };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** The sequence number of the last write appended. */
  get seq(): number {
    return this.#seq;
  }

  /** Journal bytes, queued included. */
  get journalBytes(): number {
    return this.#journal.bytes;
  }

  /** Appends a write; `settled()` resolves once it (and every earlier one) is on disk. */
  append(part: string, kind: string, data: unknown): void {
    if (this.#replacing) return;
    const record: WriteRecord = { seq: ++this.#seq, part, kind, data };
    void this.#track(() => this.#journal.append(record)).catch(() => {});
  }

  /**
   * Resolves when every write appended so far is durable; rejects if one could not be written
   * (the response that reports it must then not claim success).
   */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.all(this.#pending);
    if (this.#failed) {
      const err = this.#failed;
      this.#failed = null;
      throw err;
    }
  }

  /** True once the journal has grown past the compaction threshold. */
  get needsCompaction(): boolean {
    return this.#journal.bytes > this.#compactBytes;
  }

  /** The snapshot of the given parts' state at the current sequence number. */
  snapshotOf(parts: Readonly<Record<string, unknown>>): Snapshot {
    return { format: PERSIST_FORMAT, world: this.world, seq: this.#seq, parts };
  }

  /** Waits until nothing is queued or being written (appends may arrive while it waits). */
  async #quiet(): Promise<void> {
    while (!this.#journal.quiet) await this.#journal.drain();
  }

  /**
   * Once the journal is quiet, in one synchronous step (no write can slip in between): writes
   * `parts()` (every part's state then) as the snapshot and empties the journal. A crash
   * between the two leaves a snapshot and a journal whose records it covers, which the next
   * start skips by sequence number. Writes made meanwhile wait for it (`settled`).
   */
  compact(parts: () => Readonly<Record<string, unknown>>): Promise<void> {
    return this.#track(async () => {
      await this.#quiet();
      writeFileAtomic(this.dir, SNAPSHOT_FILE, JSON.stringify(this.snapshotOf(parts())));
      this.#journal.restartSync();
    });
  }

  /**
   * Replaces the whole state (a snapshot restored): `work` runs with appends ignored, then the
   * state it left is compacted (`parts()`), so the journal holds it and nothing of what came
   * before. When `work` throws it must have put the state back as it was: nothing is written.
   */
  replaceAll(work: () => void, parts: () => Readonly<Record<string, unknown>>): Promise<void> {
    this.#replacing = true;
    try {
      work();
    } finally {
      this.#replacing = false;
    }
    return this.compact(parts);
  }

  /** Runs `work` as a pending step `settled` waits for (a failure is reported there). */
  #track(work: () => Promise<void>): Promise<void> {
    const done = work();
    const tracked: Promise<void> = done
      .catch((err: unknown) => {
        this.#failed ??= err;
      })
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
    return done;
  }

  /** True while an append, a compaction or a reset is not yet on disk. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  async close(): Promise<void> {
    try {
      await this.settled().catch(() => {});
      await this.#journal.close();
    } finally {
      this.#release();
    }
  }
}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${file} is not valid JSON; move it away or start with --reset-data`);
  }
}
