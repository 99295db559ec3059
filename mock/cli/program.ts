import { Command, InvalidArgumentError, Option } from 'commander';
import { parseAsOf } from '../../generators/time.ts';
import { addVerifyCommand } from '../../verify/index.ts';
import { isLoopback } from '../admin/guard.ts';
import { DEFAULT_JOURNAL_SIZE, JOURNAL_MAX_BYTES } from '../core/control/journal.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../core/control/log.ts';
import { defaultDataCacheDir } from '../core/data-cache.ts';
import { ConfigurationError } from '../core/errors.ts';
import { httpUrlListFlag, integerFlag, positiveDecimalFlag } from '../core/flags.ts';
import {
  DEFAULT_HOST,
  DEFAULT_OPTIONS,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_OPTIONS,
  type MockOptionsInput,
} from '../core/options.ts';
import { PACKAGE_VERSION } from '../core/paths.ts';
import type { CliIo, Registry } from '../core/vendor.ts';
import { MAX_WEBHOOK_TARGETS } from '../core/webhooks/dispatcher.ts';
import { writeDataset } from './generate.ts';
import { processIo } from './io.ts';
import { startServer } from './serve.ts';
import { addTriggerCommand } from './trigger.ts';
import { envFallback, exitCodeOf, hintUsage } from './usage.ts';

/** `--as-of`: a real calendar date (see `parseAsOf`), kept as its ISO string. */
const date = (v: string) => {
  try {
    return new Date(parseAsOf(v)).toISOString();
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
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
        .argParser(positiveDecimalFlag('scale', 1000))
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
  quiet: boolean;
  json: boolean;
  validateResponses: boolean;
  webhookUrl: string[];
  webhookMaxAttempts: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
  adminToken?: string;
  journalSize: number;
  journal: boolean;
  journalAdmin: boolean;
  dataDir?: string;
  dataCache?: string | false;
  resetData: boolean;
  snapshot?: string;
  log?: LogFormat;
  logLevel: LogLevel;
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
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // --help and --version exit 0; every usage error exits 2 (README, CLI: exit codes).
    .exitOverride((err) => io.exit(exitCodeOf(err)));

  const port = new Option(
    '--port <n>',
    'port to listen on (0 = any free port; PORT is read too, CHURNMOCK_PORT first)',
  )
    .env('CHURNMOCK_PORT')
    .argParser(integerFlag('port', 0, 65535))
    .default(DEFAULT_PORT);

  const serve = dataOptions(program.command('serve').description('start the mock server'))
    .addOption(port)
    .addOption(
      new Option('--host <host>', 'interface to bind').env('CHURNMOCK_HOST').default(DEFAULT_HOST),
    )
    .addOption(new Option('--quiet', 'print nothing once listening (errors still go to stderr)'))
    .addOption(
      new Option(
        '--json',
        'print one JSON line once listening ({"url", "port", "host", "pid", "readyMs", "apis"}), nothing else',
      ).conflicts('quiet'),
    )
    .addOption(
      new Option(
        '--validate-responses',
        'check every response against the contract; a violation becomes a 500 naming it',
      ).default(false),
    )
    .addOption(
      new Option(
        '--webhook-url <url>',
        `POST webhooks here (every vendor's events; repeatable, or a comma-separated list; at most ${MAX_WEBHOOK_TARGETS} URLs)`,
      )
        .env('CHURNMOCK_WEBHOOK_URL')
        .argParser(httpUrlListFlag('webhook-url', MAX_WEBHOOK_TARGETS))
        .default([], 'none'),
    )
    .addOption(
      new Option('--webhook-max-attempts <n>', 'attempts per webhook delivery, the first included')
        .env('CHURNMOCK_WEBHOOK_MAX_ATTEMPTS')
        .argParser(integerFlag('webhook-max-attempts', 1, 100))
        .default(DEFAULT_WEBHOOK_OPTIONS.maxAttempts),
    )
    .addOption(
      new Option('--webhook-backoff-ms <n>', 'first webhook retry delay; doubles each retry')
        .env('CHURNMOCK_WEBHOOK_BACKOFF_MS')
        .argParser(integerFlag('webhook-backoff-ms', 1, 3_600_000))
        .default(DEFAULT_WEBHOOK_OPTIONS.backoffMs),
    )
    .addOption(
      new Option('--webhook-timeout-ms <n>', 'a webhook attempt not answered by then is retried')
        .env('CHURNMOCK_WEBHOOK_TIMEOUT_MS')
        .argParser(integerFlag('webhook-timeout-ms', 1, 600_000))
        .default(DEFAULT_WEBHOOK_OPTIONS.timeoutMs),
    );
  serve.addOption(
    new Option(
      '--admin-token <token>',
      'require this token on every /__admin call (X-Churnmock-Admin-Token or Authorization: Bearer); set it when --host is not loopback',
    ).env('CHURNMOCK_ADMIN_TOKEN'),
  );
  serve
    .addOption(
      new Option(
        '--journal-size <n>',
        `requests the journal keeps, the newest (GET /__admin/requests; at most ${JOURNAL_MAX_BYTES / 1024 / 1024} MiB in all)`,
      )
        .env('CHURNMOCK_JOURNAL_SIZE')
        .argParser(integerFlag('journal-size', 1, 1_000_000))
        .default(DEFAULT_JOURNAL_SIZE),
    )
    .addOption(
      new Option('--no-journal', 'keep no request journal (find and count answer 409)').env(
        'CHURNMOCK_NO_JOURNAL',
      ),
    )
    .addOption(
      new Option('--journal-admin', "journal the admin API's own calls too (never stubbed)")
        .env('CHURNMOCK_JOURNAL_ADMIN')
        .default(false),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'keep every write in this directory (synced before each response; replayed on start)',
      ).env('CHURNMOCK_DATA_DIR'),
    )
    .addOption(
      new Option(
        '--data-cache <dir>',
        'keep the generated data here and load it on a start with the same seed, as-of and scale (default: ~/.cache/churnmock; off: never)',
      ).env('CHURNMOCK_DATA_CACHE'),
    )
    .addOption(new Option('--no-data-cache', 'generate the data on every start, cache nothing'))
    .addOption(
      new Option(
        '--reset-data',
        'empty --data-dir first (instead of refusing one made with another seed, as-of or scale)',
      )
        .env('CHURNMOCK_RESET_DATA')
        .default(false),
    )
    .addOption(
      new Option(
        '--snapshot <file>',
        "start from a snapshot (GET /__admin/snapshot); with --data-dir it replaces the directory's writes",
      ).env('CHURNMOCK_SNAPSHOT'),
    )
    .addOption(
      new Option(
        '--log <format>',
        'access log on stderr: pretty, json (one object a line) or off (default: pretty on a terminal, else off)',
      )
        .env('CHURNMOCK_LOG')
        .choices(LOG_FORMATS),
    )
    .addOption(
      new Option('--log-level <level>', 'the least severe log line written')
        .env('CHURNMOCK_LOG_LEVEL')
        .choices(LOG_LEVELS)
        .default('info'),
    );
  envFallback(serve, port, 'PORT');
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
      adminToken: flags.adminToken || null,
      journalSize: flags.journal ? flags.journalSize : 0,
      journalAdmin: flags.journalAdmin,
      dataDir: flags.dataDir ?? null,
      dataCache:
        flags.dataCache === false || flags.dataCache === 'off'
          ? null
          : (flags.dataCache ?? defaultDataCacheDir()),
      resetData: flags.resetData,
      snapshot: flags.snapshot ?? null,
      logFormat: flags.log ?? (io.interactive ? 'pretty' : 'off'),
      logLevel: flags.logLevel,
      vendors: vendors as MockOptionsInput['vendors'],
    };
    try {
      const output = flags.json ? 'json' : flags.quiet ? 'quiet' : 'banner';
      await startServer(registry, options, { port: flags.port, host: flags.host }, io, output);
      if (!isLoopback(flags.host) && !flags.adminToken)
        io.err(
          `churnmock: warning: --host ${flags.host} is not loopback: anyone who reaches this port can reset the mock, move its clock and add webhook targets through /__admin; set --admin-token to require a token\n`,
        );
    } catch (e) {
      if (!(e instanceof ConfigurationError)) throw e;
      io.err(`churnmock: ${e.message}\n`);
      io.exit(1);
    }
  });

  dataOptions(program.command('generate').description('write the seeded dataset as JSON lines'))
    .addOption(
      new Option('--out <file>', 'where to write (use - for standard output)')
        .env('CHURNMOCK_OUT')
        .makeOptionMandatory(),
    )
    .action(async (flags: DataFlags & { out: string }) => {
      const params = { seed: flags.seed, asOf: parseAsOf(flags.asOf), scale: flags.scale };
      await writeDataset(registry, params, flags.out, io);
    });
  for (const v of registry.vendors) v.commands?.(program, io);
  addTriggerCommand(program, registry, io);
  addVerifyCommand(program, io);
  hintUsage(program);
  return program;
}
