import { type ChildProcess, execFile, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { buildCli } from '../../mock/cli/program.ts';
import type { CliIo, Registry } from '../../mock/core/vendor.ts';
import { REGISTRY } from '../../mock/registry.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = ['--import', 'tsx', join(ROOT, 'mock/cli/main.ts')];

/** Runs the CLI to completion; resolves with exit code and output even on failure. */
export async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const children: ChildProcess[] = [];

/** Stops every server `serve` started; call it from `afterEach`. */
export function stopServed(): void {
  for (const c of children.splice(0)) c.kill('SIGTERM');
}

/** Starts `serve` and resolves with its base URL and output once it prints the admin line. */
export function serve(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; output: string }> {
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
      if (m?.[1] && output.includes('/__admin/health')) resolve({ url: m[1], output });
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
export function memoryIo(): CliIo & { readonly text: { out: string; err: string } } {
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
    exitCode: undefined,
    exit(code): never {
      throw new CliExit(code);
    },
    served(server) {
      inProcess.push(server);
    },
  };
}

const inProcess: Server[] = [];

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
  await Promise.all(
    inProcess.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}
