import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const PRISM = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'prism');

/** A free TCP port on 127.0.0.1 (Prism needs a number; 0 is not accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

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
