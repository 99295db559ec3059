import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { buildCli } from '../../mock/cli/program.ts';
import type { CliIo, Registry, Served } from '../../mock/core/vendor.ts';
import { REGISTRY } from '../../mock/registry.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = ['--import', 'tsx', join(ROOT, 'mock/cli/main.ts')];

/** Runs `node ...argv` to completion; resolves with exit code and output even on failure. */
async function runNode(argv: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * Runs the CLI as a child process (mock/cli/main.ts through tsx) to completion; resolves with
 * exit code and output even on failure. For the few tests of the real process (signals, exit
 * codes); everything else uses `runCli`.
 */
export function cli(args: string[], env: Record<string, string> = {}) {
  return runNode([...CLI, ...args], env);
}

/** Starts the CLI as a child process with piped streams, for a test that drives them itself. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

const children: ChildProcess[] = [];

/** Stops every server `serve` started; call it from `afterEach`. */
export function stopServed(): void {
  for (const c of children.splice(0)) c.kill('SIGTERM');
}

/**
 * Starts `serve` as a child process and resolves with its base URL, output and the child once
 * it prints the admin line.
 */
export function serve(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; output: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1] && output.includes('/__admin/health')) resolve({ url: m[1], output, child });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

/** `io.exit` of an in-process run: unwinds the program with its code. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** An in-process CLI host: output in strings, exits as CliExit, servers kept for closing. */
export function memoryIo(
  interactive = false,
): CliIo & { readonly text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => {
    text.out += d.toString();
  });
  return {
    text,
    out: (s) => {
      text.out += s;
    },
    err: (s) => {
      text.err += s;
    },
    stdout,
    interactive,
    exitCode: undefined,
    exit(code): never {
      throw new CliExit(code);
    },
    served(served) {
      inProcess.push(served);
    },
  };
}

const inProcess: Served[] = [];

/**
 * Runs the CLI in this process (the program has no side effects at import): resolves with the
 * exit code and output once the command's action is done (`serve`: once it listens). `env`
 * is set for the run only.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  registry: Registry<unknown> = REGISTRY as Registry<unknown>,
) {
  const io = memoryIo();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let code = 0;
  try {
    await buildCli(registry, io).parseAsync(args, { from: 'user' });
    code = io.exitCode ?? 0;
  } catch (e) {
    if (!(e instanceof CliExit)) throw e;
    code = e.code;
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: io.text.out, stderr: io.text.err };
}

/** Closes every server an in-process `serve` started; call it from `afterEach`. */
export async function closeServed(): Promise<void> {
  await Promise.all(inProcess.splice(0).map((s) => s.close()));
}

/**
 * Runs `serve` in this process (see `runCli`) and resolves with its base URL and banner once it
 * listens; rejects with its output if it exits instead. Close it with `closeServed`.
 */
export async function serveInProcess(
  args: string[],
  env: Record<string, string> = {},
  registry?: Registry<unknown>,
): Promise<{ url: string; output: string }> {
  const r = await runCli(['serve', ...args], env, registry);
  const url = /listening on (http:\/\/\S+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || !url || !r.stdout.includes('/__admin/health'))
    throw new Error(`serve exited with ${r.code}: ${r.stdout}${r.stderr}`);
  return { url, output: r.stdout };
}
