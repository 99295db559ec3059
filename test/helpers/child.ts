import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Resolves once what `proc` prints (stdout and stderr together) matches `ready`, with that
 * output and the match. Rejects, killing it (SIGKILL), on a timeout, a spawn error or an exit
 * first. Keeps draining the pipes after the match, but stops buffering (Prism logs every
 * request).
 */
export function untilReady(
  proc: ChildProcess,
  ready: RegExp,
  timeoutMs: number,
  name: string,
): Promise<{ output: string; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${name}: ${why}\n--- ${name} output ---\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      if (settled) return;
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      resolve({ output, match });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', (err) => fail(err.message));
    proc.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before ready`));
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopChild(proc: ChildProcess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
