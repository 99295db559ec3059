import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CliIo, Registry, WorldParams } from '../core/vendor.ts';
import { datasetCounts, datasetRecords } from '../dataset.ts';

/** Why a file cannot be written, in words (`ENOENT` on a write: a folder of the path is missing). */
function fileProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.message;
  }
}

/**
 * Writes to `out` with back-pressure and never throws: once the stream fails or is closed
 * (a reader that went away: `EPIPE`), `write` answers false and `error` says why.
 */
function guardedWriter(out: NodeJS.WritableStream) {
  let error: NodeJS.ErrnoException | null = null;
  let closed = false;
  const onError = (e: Error) => {
    error ??= e;
  };
  const onClose = () => {
    closed = true;
  };
  out.on('error', onError);
  out.on('close', onClose);
  const stopped = () =>
    error !== null || closed || (out as { destroyed?: boolean }).destroyed === true;
  return {
    get error() {
      return error;
    },
    async write(text: string): Promise<boolean> {
      if (stopped()) return false;
      if (!out.write(text)) {
        // A failed write is reported asynchronously: wait for drain, the error or the close.
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off('drain', done);
            out.off('error', done);
            out.off('close', done);
            resolve();
          };
          out.on('drain', done);
          out.on('error', done);
          out.on('close', done);
        });
      }
      return !stopped();
    },
    /** Stops listening; an error after this one would be the stream owner's. */
    release() {
      out.off('close', onClose);
      // Keep swallowing errors of writes already queued when the reader went away.
      if (error === null) out.off('error', onError);
    },
  };
}

/**
 * `churnmock generate`: the seeded dataset as JSON lines to `path`, or to standard output for
 * `-`. A file that cannot be written is reported in one line (exit 1) before any data is
 * generated; a reader that stops early (`| head -1`) ends the run quietly (exit 0).
 */
export async function writeDataset<D>(
  registry: Registry<D>,
  params: WorldParams,
  path: string,
  io: CliIo,
): Promise<void> {
  const toStdout = path === '-';
  let file: ReturnType<typeof createWriteStream> | null = null;
  const fail = (problem: string): never => {
    file?.destroy();
    io.err(`churnmock: cannot write ${toStdout ? 'to standard output' : path}: ${problem}\n`);
    return io.exit(1);
  };
  if (!toStdout) {
    file = createWriteStream(path);
    try {
      await once(file, 'open');
    } catch (e) {
      fail(fileProblem(e));
    }
  }
  const out = file ?? io.stdout;
  const writer = guardedWriter(out);
  const data = registry.data(params);
  for (const record of datasetRecords(registry, params, data))
    if (!(await writer.write(`${JSON.stringify(record)}\n`))) break;
  const error = writer.error;
  writer.release();
  if (!file) {
    // The reader closed the pipe: it has what it wanted; nothing to report.
    if (error && error.code !== 'EPIPE') fail(error.message);
    return;
  }
  if (error) fail(fileProblem(error));
  try {
    file.end();
    await once(file, 'finish');
  } catch (e) {
    fail(fileProblem(e));
  }
  const counts = Object.entries(datasetCounts(registry, data)).map(([k, n]) => `${n} ${k}`);
  io.err(`wrote ${counts.join(', ')} to ${path}\n`);
}
