import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopChild, untilReady } from '../test/helpers/child.ts';

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

/** Has `killAll` (and so the bench's exit) stop this child too, however it was spawned. */
export function track(proc: ChildProcess): void {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
}

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
export async function launch(
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
  track(proc);
  onSpawn?.(proc);
  const { output, match } = await untilReady(proc, ready, timeoutMs, name);
  const base = match[1] ?? '';
  return { name, proc, base, startupMs: performance.now() - started, output };
}

/** Stops a child: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stop(child: Child | undefined, graceMs = 5000): Promise<void> {
  if (child) await stopChild(child.proc, graceMs);
}

/** A memory figure of a live process from /proc (Linux), in bytes, or null when unavailable. */
function procStatusBytes(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size of a live process (VmHWM), or null when unavailable. */
export const peakRssBytes = (pid: number | undefined) => procStatusBytes(pid, 'VmHWM');

/** Resident set size of a live process now (VmRSS), or null when unavailable. */
export const rssBytes = (pid: number | undefined) => procStatusBytes(pid, 'VmRSS');
