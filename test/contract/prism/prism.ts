import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../helpers/wait.ts';

const PRISM = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'prism');

export interface PrismProxy {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * `prism proxy <contract> <upstream> [--errors]` on a free port; resolves once it listens.
 * With `errors`, Prism answers a violation itself (422 for a request, 500 for a response)
 * instead of forwarding; without, it forwards and lists violations in `sl-violations`.
 */
export async function startPrism(
  contract: string,
  upstream: string,
  errors: boolean,
): Promise<PrismProxy> {
  const port = await freePort();
  const args = ['proxy', contract, upstream, '--port', String(port), '--host', '127.0.0.1'];
  if (errors) args.push('--errors');
  const child: ChildProcess = spawn(PRISM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Prism is listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
