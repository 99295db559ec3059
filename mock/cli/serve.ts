import type { Mock } from '../app.ts';
import type { MockOptionsInput } from '../core/options.ts';
import type { CliIo, Registry } from '../core/vendor.ts';
import { type Address, type ListeningMock, listenMock } from '../listen.ts';

/** The start-up banner: where the mock is, then each vendor's lines in the registry's order. */
export async function bannerLines(mock: Mock, base: string, readyMs: number): Promise<string[]> {
  const { seed, asOf, scale, validateResponses } = mock.options;
  const lines = [
    `churnmock listening on ${base}  (seed ${seed}, as-of ${asOf}, scale ${scale}; ready in ${readyMs} ms)`,
  ];
  for (const { definition, instance, module } of mock.built) {
    if (instance.banner) lines.push(...(await instance.banner(base)));
    else if (module) lines.push(`  ${definition.title}   ${base}${module.prefixes[0] ?? ''}`);
  }
  lines.push(`  Admin               ${base}/__admin/health | /__admin/reset | /__admin/clock`);
  lines.push(`  Dashboard           ${base}/  (in a browser)`);
  if (validateResponses)
    lines.push('  Responses are validated against the contracts (--validate-responses).');
  return lines;
}

/** How `serve` tells the world it is up. */
export type ServeOutput = 'banner' | 'json' | 'quiet';

/** Milliseconds since the process started (module loading included). */
const sinceProcessStart = () => Math.round(performance.now());

/**
 * Builds the mock, listens once it answers at full speed, and says so: the banner (default),
 * one JSON line (`--json`) or nothing (`--quiet`). On a terminal, the banner mode shows each
 * start-up step with the time since the process started.
 */
export async function startServer<D>(
  registry: Registry<D>,
  options: MockOptionsInput,
  address: Address,
  io: CliIo,
  output: ServeOutput = 'banner',
): Promise<ListeningMock<D>> {
  const progress =
    output === 'banner' && io.interactive
      ? (step: string) =>
          io.err(`${(performance.now() / 1000).toFixed(1).padStart(6)} s  ${step}\n`)
      : undefined;
  const listening = await listenMock(registry, options, address, {
    progress,
    logSink: (line) => io.err(line),
  });
  const ms = sinceProcessStart();
  if (output === 'json') {
    const { url, port, host, apis } = listening;
    io.out(`${JSON.stringify({ url, port, host, pid: process.pid, readyMs: ms, apis })}\n`);
  } else if (output === 'banner') {
    io.out(`${(await bannerLines(listening.mock as Mock, listening.url, ms)).join('\n')}\n`);
  }
  io.served(listening);
  return listening;
}
