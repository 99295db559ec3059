import { startPrism as launchPrism } from '../test/helpers/prism.ts';
import { type Child, launch, track } from './servers.ts';

/** churnmock as started by the bench, with what its banner reports (NaN when it does not). */
export interface Churnmock extends Child {
  /** The mock's own "ready in" figure (excludes Node and tsx start-up). */
  readonly readyMs: number;
  readonly customers: number;
  readonly sessions: number;
}

const banner = (output: string, re: RegExp): number => Number(re.exec(output)?.[1] ?? Number.NaN);

/** Starts `mock/cli/main.ts serve --scale N` on a free port; `cpuProfDir` adds `--cpu-prof`. */
export async function startChurnmock(
  scale: number,
  cpuProfDir?: string,
  extra: readonly string[] = [],
): Promise<Churnmock> {
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = await launch(
    `churnmock (scale ${scale})`,
    [
      // The same V8 heap flags as `npm start` (package.json).
      '--max-semi-space-size=128',
      '--initial-heap-size=1536',
      ...prof,
      '--import',
      'tsx',
      'mock/cli/main.ts',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--scale',
      String(scale),
      ...extra,
    ],
    /churnmock listening on (http:\/\/127\.0\.0\.1:\d+)\s/,
    120_000,
  );
  return {
    ...child,
    readyMs: banner(child.output, /ready in (\d+) ms/),
    customers: banner(child.output, /(\d+) customers/),
    sessions: banner(child.output, /(\d+) sessions/),
  };
}

/** Starts `prism mock` on a contract (default: Churnkey Data), on a free port of 127.0.0.1. */
export async function startPrism(
  contract = 'contracts/churnkey-data.openapi.yaml',
): Promise<Child> {
  const prism = await launchPrism({ mode: 'mock', contract }, { onSpawn: track });
  const { proc, startupMs, output } = prism;
  return { name: 'prism', proc, base: prism.url, startupMs, output };
}

/** Headers node:http writes itself on every response (so a replayed head leaves them out). */
const NODE_WRITES = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * Starts bench/bare-server.ts, which answers every request with `body` under the headers
 * `rawHeaders` (names and values in turn, as a response carried them): the bytes of that
 * response, but for the Date, Connection and Keep-Alive node:http writes itself.
 */
export function startBare(body: Buffer, rawHeaders: readonly string[]): Promise<Child> {
  const headers: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!NODE_WRITES.has(name.toLowerCase())) headers.push(name, rawHeaders[i + 1] as string);
  }
  return launch(
    'bare node:http',
    ['--import', 'tsx', 'bench/bare-server.ts'],
    /bare listening on (http:\/\/127\.0\.0\.1:\d+)\s/,
    30_000,
    (proc) => proc.send({ body: body.toString('base64'), headers }),
  );
}
