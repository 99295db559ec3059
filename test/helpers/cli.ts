import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
