import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The project root: every child runs from here. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A server running in its own child process. */
export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Wall clock from spawn to the ready line. */
  readonly startupMs: number;
  /** Everything it printed up to and including the ready line. */
  readonly output: string;
}

const live = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL); safe to call more than once. */
export function killAll(): void {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

/** Makes sure no child outlives the bench: normal end, uncaught error, or a signal. */
export function installCleanup(): void {
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping ${live.size} server(s)`);
      killAll();
      process.exit(130);
    });
  }
}

/** The environment children get: no colours, and no CHURNMOCK_* / PORT overrides. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const k of Object.keys(env)) if (k.startsWith('CHURNMOCK_') || k === 'PORT') delete env[k];
  return env;
}

/** Spawns `node args…` and resolves once its output matches `ready` (group 1 = base URL). */
export function launch(
  name: string,
  args: readonly string[],
  ready: RegExp,
  timeoutMs: number,
  onSpawn?: (proc: ChildProcess) => void,
): Promise<Child> {
  const started = performance.now();
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv(),
    stdio: onSpawn ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  onSpawn?.(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${name}: ${err.message}\n--- ${name} output ---\n${out.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    // Keeps draining after the match (Prism logs every request), but stops buffering.
    const onData = (chunk: Buffer) => {
      if (settled) return;
      out += chunk.toString();
      const m = ready.exec(out);
      if (!m?.[1]) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name, proc, base: m[1], startupMs: performance.now() - started, output: out });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', fail);
    proc.once('exit', (code, signal) => fail(new Error(`exited (${code ?? signal}) before ready`)));
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stop(child: Child | undefined, graceMs = 5000): Promise<void> {
  if (!child) return;
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Peak resident set size of a live process (Linux VmHWM), or null when unavailable. */
export function peakRssBytes(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** A currently free TCP port on 127.0.0.1 (for servers that cannot take port 0). */
export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  srv.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
