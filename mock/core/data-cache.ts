import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ArrayReader,
  type ArrayRef,
  ArrayWriter,
  decodeTree,
  encodeTree,
} from '../../generators/typed-arrays.ts';
import { adoptDerived, type Derived, derivedFor } from './derived.ts';
import { codeDir } from './paths.ts';

/**
 * A content-addressed cache of the generated data on disk (`--data-cache`): a start with the
 * same seed, as-of date, scale and data version loads the file instead of generating again,
 * with the values the mock derived from it (derived.ts: lookup tables, columns). The data
 * version is a digest of churnmock's own code (generators and mock), the faker data they draw
 * from and the Node.js version, so any change to what would be generated or derived misses. Files are
 * written whole under a temporary name and renamed, so a reader never sees half a file; one
 * that cannot be read (another format, cut short) is generated again and replaced.
 */

/** What a registry's data becomes on disk besides its typed arrays: a JSON header, strings. */
export interface EncodedData {
  readonly header: unknown;
  /** UTF-8 text in pieces, each ending where a string does. */
  readonly strings: readonly Uint8Array[];
  readonly stringsBytes: number;
}

/** How a registry's data is written to and read from the cache. */
export interface DataCodec<D> {
  /** Encodes `data`, its typed arrays added to `w`, awaiting `pause` between slices of work. */
  encode(data: D, w: ArrayWriter, pause?: () => Promise<void>): Promise<EncodedData>;
  /** The data back from its header, its arrays read (as views) from `r`. */
  decode(header: unknown, r: ArrayReader, strings: string): D;
  /** What the data's derived values are kept under (derived.ts): its world's customers. */
  anchor(data: D): object;
}

/** What a cached dataset is generated from (the engine's WorldParams). */
export interface WorldParams {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
}

const MAGIC = Buffer.from('churnmock-data 1\n'); // 17 bytes
/** Bumped when the file layout changes. */
const FORMAT = 2;
const PREFIX = MAGIC.length + 4;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

let version: string | null = null;

/** Every .js or .ts file under `dir` (not .d.ts), by path, into the digest (~10 ms). */
function digestTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const path = join(dir, e.name);
    if (e.isDirectory()) digestTree(h, path);
    else if (/\.(js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
      h.update(`${e.name}\n`).update(readFileSync(path));
  }
}

/** The code's digest, as the build writes it beside the code (scripts/copy-assets.mjs). */
const CODE_DIGEST_FILE = 'code-digest.txt';

/** The digest of churnmock's code as it runs: its generators and mock folders. */
export function codeDigest(): string {
  const h = createHash('sha256');
  for (const dir of ['generators', 'mock']) digestTree(h, codeDir(dir));
  return h.digest('hex');
}

/**
 * Writes the build's code digest into its mock folder, so a start reads it instead of reading
 * and hashing every file of the build (~13 ms of the default start). Sources have none: they
 * are digested as they run.
 */
export function writeCodeDigest(): string {
  const digest = codeDigest();
  writeFileSync(`${codeDir('mock')}${CODE_DIGEST_FILE}`, `${digest}\n`);
  return digest;
}

/** The data version: churnmock's code, faker's and pure-rand's versions and Node's (see above). */
export function dataVersion(): string {
  if (version) return version;
  const h = createHash('sha256').update(`format ${FORMAT}\nnode ${process.version}\n`);
  const require = createRequire(import.meta.url);
  for (const pkg of ['@faker-js/faker', 'pure-rand'])
    h.update(`${pkg} ${(require(`${pkg}/package.json`) as { version: string }).version}\n`);
  const written = `${codeDir('mock')}${CODE_DIGEST_FILE}`;
  h.update(existsSync(written) ? readFileSync(written, 'utf8').trim() : codeDigest());
  version = h.digest('hex').slice(0, 16);
  return version;
}

/** The default cache directory: $CHURNMOCK_DATA_CACHE, else $XDG_CACHE_HOME/churnmock. */
export function defaultDataCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHURNMOCK_DATA_CACHE) return env.CHURNMOCK_DATA_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'churnmock');
}

/** The file of one dataset in a cache directory. */
export function dataCacheFile(dir: string, p: WorldParams): string {
  const key = createHash('sha256')
    .update(JSON.stringify([p.seed, p.asOf, p.scale]))
    .digest('hex')
    .slice(0, 12);
  return join(dir, `seed${p.seed}-scale${p.scale}-${key}-v${dataVersion()}.data`);
}

/** How long ago a file was last written (0 when it is gone). */
function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** A data file's version, from its name (null: not one of ours). */
const versionOf = (name: string) => /-v([0-9a-f]{16})\.data$/.exec(name)?.[1] ?? null;

/**
 * Removes the files of other data versions (an older churnmock's: no start loads them again),
 * and temporary files a stopped writer left (an hour old: another server may be writing one
 * now). Returns what it removed.
 */
export function pruneDataCache(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const version = versionOf(name);
    const stale = version !== null && version !== dataVersion();
    const leftover = /\.data\.\d+\.tmp$/.test(name) && ageMs(join(dir, name)) > 3_600_000;
    if (!stale && !leftover) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

interface FileHeader {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
  readonly version: string;
  /** Every typed array of the data and the derived values, in the one arrays section. */
  readonly arrays: readonly ArrayRef[];
  readonly arraysBytes: number;
  readonly stringsBytes: number;
  readonly data: unknown;
  /** The derived values saved with the data, by key (typed-arrays.ts `encodeTree`). */
  readonly derived: unknown;
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error('cut short');
    done += n;
  }
}

/**
 * The cached data for these parameters, or null when there is none or it cannot be used
 * (`why` hears the reason for any file that was there).
 */
export function loadData<D>(
  dir: string,
  p: WorldParams,
  codec: DataCodec<D>,
  why?: (reason: string) => void,
): D | null {
  const file = dataCacheFile(dir, p);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const prefix = Buffer.alloc(PREFIX);
    readFully(fd, prefix, 0);
    if (!prefix.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a data file');
    const headerBytes = prefix.readUInt32LE(MAGIC.length);
    const raw = Buffer.alloc(headerBytes);
    readFully(fd, raw, PREFIX);
    const h = JSON.parse(raw.toString('utf8')) as FileHeader;
    if (
      h.seed !== p.seed ||
      h.asOf !== p.asOf ||
      h.scale !== p.scale ||
      h.version !== dataVersion()
    )
      throw new Error('made for other parameters');
    const arraysAt = align8(PREFIX + headerBytes);
    if (size !== arraysAt + h.arraysBytes + h.stringsBytes) throw new Error('not the size it says');
    const arrays = new ArrayBuffer(h.arraysBytes);
    readFully(fd, new Uint8Array(arrays), arraysAt);
    const strings = Buffer.alloc(h.stringsBytes);
    readFully(fd, strings, arraysAt + h.arraysBytes);
    const r = new ArrayReader(h.arrays, arrays);
    const data = codec.decode(h.data, r, strings.toString('utf8'));
    const derived = decodeTree(h.derived, r) as Record<string, Derived>;
    adoptDerived(codec.anchor(data), new Map(Object.entries(derived)));
    return data;
  } catch (e) {
    why?.(`${file}: ${(e as Error).message}`);
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The longest run of encoding between two of `saveData`'s pauses, in milliseconds. */
export const SLICE_MS = 1;

/**
 * `pause`, awaited only once `sliceMs` have passed since it last was (called often, it lets
 * a request wait for at most about one slice of work).
 */
export function budgeted(
  pause: () => Promise<void>,
  sliceMs: number,
  now: () => number = () => performance.now(),
): () => Promise<void> {
  let since = now();
  return async () => {
    if (now() - since < sliceMs) return;
    await pause();
    since = now();
  };
}

/**
 * Writes the data for these parameters: encoded a slice at a time (`pause` between slices, so
 * a server answers requests meanwhile), written by the file system's threads, whole under a
 * temporary name, then renamed into place. Resolves to the file.
 */
export async function saveData<D>(
  dir: string,
  p: WorldParams,
  data: D,
  codec: DataCodec<D>,
  pause?: () => Promise<void>,
  /** How long a slice of work runs before `pause` is awaited (0: at every chance). */
  sliceMs = SLICE_MS,
): Promise<string> {
  const file = dataCacheFile(dir, p);
  const w = new ArrayWriter();
  const encoded = await codec.encode(data, w, pause && budgeted(pause, sliceMs));
  // The values derived so far, their arrays after the data's.
  const derived = encodeTree(Object.fromEntries(derivedFor(codec.anchor(data))), w);
  const header: FileHeader = {
    seed: p.seed,
    asOf: p.asOf,
    scale: p.scale,
    version: dataVersion(),
    arrays: w.refs,
    arraysBytes: w.bytes,
    stringsBytes: encoded.stringsBytes,
    data: encoded.header,
    derived,
  };
  const raw = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(raw.length, MAGIC.length);
  const pad = Buffer.alloc(align8(PREFIX + raw.length) - PREFIX - raw.length);
  const parts = [prefix, raw, pad, ...w.parts, ...encoded.strings].filter((b) => b.length);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    // writev takes at most IOV_MAX (1024) buffers at a time.
    for (let i = 0; i < parts.length; i += 1024) await fh.writev(parts.slice(i, i + 1024));
    await fh.close();
    await rename(tmp, file);
    pruneDataCache(dir);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  return file;
}
