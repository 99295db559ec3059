import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseAsOf } from '../../generators/time.ts';
import { addVerifyCommand } from '../../verify/index.ts';
import { ConfigurationError } from '../core/errors.ts';
import { httpUrlFlag, integerFlag } from '../core/flags.ts';
import {
  DEFAULT_HOST,
  DEFAULT_OPTIONS,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_OPTIONS,
  type MockOptionsInput,
} from '../core/options.ts';
import type { CliIo, Registry } from '../core/vendor.ts';
import { datasetCounts, datasetRecords } from '../dataset.ts';
import { processIo } from './io.ts';
import { startServer } from './serve.ts';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1000)
    throw new InvalidArgumentError('scale must be a number above 0 (at most 1000).');
  return n;
};
const date = (v: string) => {
  try {
    parseAsOf(v);
  } catch {
    throw new InvalidArgumentError(
      'as-of must be a date such as 2025-12-31 or 2025-12-31T00:00:00Z.',
    );
  }
  return new Date(v).toISOString();
};

/** Options shared by every command that builds the seeded world. */
function dataOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--seed <n>', 'seed of the generated data')
        .env('CHURNMOCK_SEED')
        .argParser(integerFlag('seed', 0, 2 ** 31 - 1))
        .default(DEFAULT_OPTIONS.seed),
    )
    .addOption(
      new Option('--as-of <date>', 'the fixed "now" of the data and the mock clock')
        .env('CHURNMOCK_AS_OF')
        .argParser(date)
        .default(DEFAULT_OPTIONS.asOf),
    )
    .addOption(
      new Option(
        '--scale <n>',
        'data size: 1 ≈ 7,500 customers and 10,000 sessions; grows linearly',
      )
        .env('CHURNMOCK_SCALE')
        .argParser(positive)
        .default(1),
    );
}

interface DataFlags {
  seed: number;
  asOf: string;
  scale: number;
}

/** `serve`'s own flags; each vendor reads its own from the same object. */
interface ServeFlags extends DataFlags, Record<string, unknown> {
  port: number;
  host: string;
  validateResponses: boolean;
  webhookUrl: string[];
  webhookMaxAttempts: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
}

/**
 * The `churnmock` program over a registry (its vendors' flags, banners and commands); built
 * without side effects, so tests build and run it in-process.
 */
export function buildCli<D>(registry: Registry<D>, io: CliIo = processIo): Command {
  const program = new Command('churnmock')
    .description(
      `Stateful, contract-driven mock of churn-retention APIs (${registry.vendors.map((v) => v.title).join(', ')}).`,
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride((err) => io.exit(err.exitCode));

  const serve = dataOptions(program.command('serve').description('start the mock server'))
    .addOption(
      new Option('--port <n>', 'port to listen on (0 = any free port)')
        .env('PORT')
        .argParser(integerFlag('port', 0, 65535))
        .default(DEFAULT_PORT),
    )
    .addOption(
      new Option('--host <host>', 'interface to bind').env('CHURNMOCK_HOST').default(DEFAULT_HOST),
    )
    .addOption(
      new Option(
        '--validate-responses',
        'check every response against the contract; a violation becomes a 500 naming it',
      ).default(false),
    )
    .addOption(
      new Option('--webhook-url <url>', "POST webhooks here (every vendor's events; repeatable)")
        .argParser((v: string, prev: string[] = []) => [...prev, httpUrlFlag()(v)])
        .default([]),
    )
    .addOption(
      new Option('--webhook-max-attempts <n>', 'attempts per webhook delivery, the first included')
        .argParser(integerFlag('webhook-max-attempts', 1, 100))
        .default(DEFAULT_WEBHOOK_OPTIONS.maxAttempts),
    )
    .addOption(
      new Option('--webhook-backoff-ms <n>', 'first webhook retry delay; doubles each retry')
        .argParser(integerFlag('webhook-backoff-ms', 1, 3_600_000))
        .default(DEFAULT_WEBHOOK_OPTIONS.backoffMs),
    )
    .addOption(
      new Option('--webhook-timeout-ms <n>', 'a webhook attempt not answered by then is retried')
        .argParser(integerFlag('webhook-timeout-ms', 1, 600_000))
        .default(DEFAULT_WEBHOOK_OPTIONS.timeoutMs),
    );
  for (const v of registry.vendors) for (const o of v.cli?.options ?? []) serve.addOption(o);
  serve.action(async (flags: ServeFlags) => {
    const vendors: Record<string, unknown> = {};
    for (const v of registry.vendors) if (v.cli) vendors[v.id] = v.cli.read(flags);
    const options: MockOptionsInput = {
      seed: flags.seed,
      asOf: flags.asOf,
      scale: flags.scale,
      validateResponses: flags.validateResponses,
      webhooks: {
        urls: flags.webhookUrl,
        maxAttempts: flags.webhookMaxAttempts,
        backoffMs: flags.webhookBackoffMs,
        timeoutMs: flags.webhookTimeoutMs,
      },
      vendors: vendors as MockOptionsInput['vendors'],
    };
    try {
      await startServer(registry, options, flags.port, flags.host, io);
    } catch (e) {
      if (!(e instanceof ConfigurationError)) throw e;
      io.err(`churnmock: ${e.message}\n`);
      io.exit(1);
    }
  });

  dataOptions(program.command('generate').description('write the seeded dataset as JSON lines'))
    .requiredOption('--out <file>', 'where to write (use - for standard output)')
    .action(async (flags: DataFlags & { out: string }) => {
      const params = { seed: flags.seed, asOf: parseAsOf(flags.asOf), scale: flags.scale };
      const data = registry.data(params);
      const out = flags.out === '-' ? io.stdout : createWriteStream(flags.out);
      const write = async (record: unknown) => {
        if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      };
      for (const record of datasetRecords(registry, params, data)) await write(record);
      if (out !== io.stdout) {
        out.end();
        await once(out, 'finish');
        const counts = Object.entries(datasetCounts(registry, data)).map(([k, n]) => `${n} ${k}`);
        io.err(`wrote ${counts.join(', ')} to ${flags.out}\n`);
      }
    });
  for (const v of registry.vendors) v.commands?.(program, io);
  addVerifyCommand(program, io);
  return program;
}
