import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A content-addressed cache of the generated data on disk (`--data-cache`): a start with the
 * same seed, as-of date, scale and data version loads the file instead of generating again.
 * The data version is a digest of the generators' own code, the faker data they draw from and
 * the Node.js version, so any change to what would be generated misses the cache. Files are
 * written whole under a temporary name and renamed, so a reader never sees half a file; one
 * that cannot be read (another format, cut short) is generated again and replaced.
 */

/** What a registry's data becomes on disk: a JSON header, typed arrays' bytes, strings. */
export interface EncodedData {
  readonly header: unknown;
  /** The typed arrays' bytes in order, each at an 8-aligned offset from the first. */
  readonly arrays: readonly Uint8Array[];
  readonly arraysBytes: number;
  readonly strings: Uint8Array;
}

/** How a registry's data is written to and read from the cache. */
export interface DataCodec<D> {
  encode(data: D): EncodedData;
  /** The data back: its arrays are views of `arrays` from the 8-aligned offset `base`. */
  decode(header: unknown, arrays: ArrayBuffer, base: number, strings: string): D;
}

/** What a cached dataset is generated from (the engine's WorldParams). */
export interface WorldParams {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
}

const MAGIC = Buffer.from('churnmock-data 1\n'); // 17 bytes
/** Bumped when the file layout changes. */
const FORMAT = 1;
const PREFIX = MAGIC.length + 4;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

let version: string | null = null;

/** The data version: the generators' code, faker's version and Node's (see above). */
export function dataVersion(): string {
  if (version) return version;
  const h = createHash('sha256').update(`format ${FORMAT}\nnode ${process.version}\n`);
  const require = createRequire(import.meta.url);
  h.update(`faker ${(require('@faker-js/faker/package.json') as { version: string }).version}\n`);
  const dir = new URL('../../generators/', import.meta.url);
  for (const f of readdirSync(dir).sort())
    if (/\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
      h.update(`${f}\n`).update(readFileSync(new URL(f, dir)));
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
    .update(JSON.stringify([p.seed, p.asOf, p.scale, dataVersion()]))
    .digest('hex')
    .slice(0, 24);
  return join(dir, `seed${p.seed}-scale${p.scale}-${key}.data`);
}

interface FileHeader {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
  readonly version: string;
  readonly arraysBytes: number;
  readonly stringsBytes: number;
  readonly data: unknown;
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
    return codec.decode(h.data, arrays, 0, strings.toString('utf8'));
  } catch (e) {
    why?.(`${file}: ${(e as Error).message}`);
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the data for these parameters: encoded now, written by the file system's threads
 * (the caller goes on building meanwhile), whole under a temporary name, then renamed into
 * place. Resolves to the file.
 */
export async function saveData<D>(
  dir: string,
  p: WorldParams,
  data: D,
  codec: DataCodec<D>,
): Promise<string> {
  const file = dataCacheFile(dir, p);
  const encoded = codec.encode(data);
  const header: FileHeader = {
    seed: p.seed,
    asOf: p.asOf,
    scale: p.scale,
    version: dataVersion(),
    arraysBytes: encoded.arraysBytes,
    stringsBytes: encoded.strings.length,
    data: encoded.header,
  };
  const raw = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(raw.length, MAGIC.length);
  const pad = Buffer.alloc(align8(PREFIX + raw.length) - PREFIX - raw.length);
  const parts = [prefix, raw, pad, ...encoded.arrays, encoded.strings].filter((b) => b.length);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    // writev takes at most IOV_MAX (1024) buffers at a time.
    for (let i = 0; i < parts.length; i += 1024) await fh.writev(parts.slice(i, i + 1024));
    await fh.close();
    await rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  return file;
}
