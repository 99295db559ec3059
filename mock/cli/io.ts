import type { CliIo } from '../core/vendor.ts';

/** How long requests in flight may take to finish after SIGINT/SIGTERM. */
export const SHUTDOWN_GRACE_MS = 5000;

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
    // a SIGTERM to npm does not reach it. It stops when npm goes (it is re-parented).
    if (process.env.npm_command) {
      const parent = process.ppid;
      const watch = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(watch);
        process.stderr.write(
          `churnmock: the npm process that started it ended (parent pid ${parent}); stopping\n`,
        );
        stop('SIGTERM');
      }, 250);
      watch.unref();
    }
  },
};
