import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { stopChild, untilReady } from './child.ts';
import { freePort } from './wait.ts';

/** The project root: Prism runs from here, so contract paths may be relative to it. */
const ROOT = join(import.meta.dirname, '..', '..');
const PRISM = join(ROOT, 'node_modules', '.bin', 'prism');

/** `prism mock <contract>`, or `prism proxy <contract> <upstream>` (`--errors` with `errors`). */
export type PrismCommand =
  | { readonly mode: 'mock'; readonly contract: string }
  | {
      readonly mode: 'proxy';
      readonly contract: string;
      readonly upstream: string;
      /** Prism answers a violation itself (422 request, 500 response) instead of forwarding. */
      readonly errors: boolean;
    };

/** A Prism process listening on 127.0.0.1. */
export interface Prism {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly proc: ChildProcess;
  /** Wall clock from spawn to the ready line. */
  readonly startupMs: number;
  /** What it printed up to its ready line (it logs every request after; that is not kept). */
  readonly output: string;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface PrismOptions {
  readonly timeoutMs?: number;
  /** Called with the child as soon as it is spawned (the bench tracks it to kill on exit). */
  readonly onSpawn?: (proc: ChildProcess) => void;
}

/**
 * Starts Prism (the devDependency) on a free port of 127.0.0.1; resolves once it listens. The
 * one launcher of the contract tests (`prism proxy`) and the bench (`prism mock`).
 */
export async function startPrism(
  command: PrismCommand,
  { timeoutMs = 60_000, onSpawn }: PrismOptions = {},
): Promise<Prism> {
  const port = await freePort();
  const args =
    command.mode === 'mock'
      ? ['mock', command.contract]
      : ['proxy', command.contract, command.upstream, ...(command.errors ? ['--errors'] : [])];
  const started = performance.now();
  const proc = spawn(
    process.execPath,
    [PRISM, ...args, '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  onSpawn?.(proc);
  const { output } = await untilReady(proc, /Prism is listening on/, timeoutMs, 'prism');
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    startupMs: performance.now() - started,
    output,
    stop: (graceMs) => stopChild(proc, graceMs),
  };
}
