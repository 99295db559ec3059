import type { CliIo } from '../core/vendor.ts';

/** How long requests in flight may take to finish after SIGINT/SIGTERM. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * The process that started this one, read when the CLI loads: by the time the server is ready
 * and watches for it to go, it may already have (a signal sent on the ready line).
 */
const LAUNCHER = process.ppid;

/** The real process: its streams, its exit code, and SIGINT/SIGTERM stopping what it serves. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stdout: process.stdout,
  interactive: process.stderr.isTTY === true,
  get exitCode() {
    return typeof process.exitCode === 'number' ? process.exitCode : undefined;
  },
  set exitCode(code) {
    process.exitCode = code;
  },
  exit: (code) => process.exit(code),
  served(served) {
    // The first signal stops listening and lets requests in flight finish (up to the grace
    // period); a second one ends the process at once.
    const stop = (signal: NodeJS.Signals) => {
      process.once(signal, () => process.exit(130));
      void served.close(SHUTDOWN_GRACE_MS).then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Started by npm (`npx churnmock serve`, `npm start`), this process is npm's grandchild:
    // a SIGTERM to npm does not reach it. It stops when npm goes (it is re-parented), also
    // when that happened between the ready line and now.
    if (process.env.npm_command) {
      const watch = setInterval(() => {
        if (process.ppid === LAUNCHER) return;
        clearInterval(watch);
        process.stderr.write(
          `churnmock: the npm process that started it ended (parent pid ${LAUNCHER}); stopping\n`,
        );
        stop('SIGTERM');
      }, 250);
      watch.unref();
    }
  },
};
