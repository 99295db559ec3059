import type { Server } from 'node:http';
import { createMockFrom, type Mock } from '../app.ts';
import { createHttpServer, listen } from '../core/http-server.ts';
import type { MockOptionsInput } from '../core/options.ts';
import type { CliIo, Registry } from '../core/vendor.ts';

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
  if (validateResponses)
    lines.push('  Responses are validated against the contracts (--validate-responses).');
  return lines;
}

/** Builds the mock, listens, and prints where it is and how to call it. */
export async function startServer<D>(
  registry: Registry<D>,
  options: MockOptionsInput,
  port: number,
  host: string,
  io: CliIo,
): Promise<{ mock: Mock<D>; server: Server }> {
  const started = performance.now();
  const mock = await createMockFrom(registry, options);
  const server = createHttpServer(mock.app);
  const base = await listen(server, port, host);
  const ms = Math.round(performance.now() - started);
  io.out(`${(await bannerLines(mock as Mock, base, ms)).join('\n')}\n`);
  // Lookup tables for e-mails and ids are built after listening, so readiness is not delayed.
  setImmediate(() => {
    for (const b of mock.built) b.instance.warm?.();
  });
  io.served(server);
  return { mock, server };
}
