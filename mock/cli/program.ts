import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseAsOf } from '../../generators/time.ts';
import { generateWorld } from '../../generators/world.ts';
import { addVerifyCommand } from '../../verify/index.ts';
import { DEFAULT_HOST, DEFAULT_OPTIONS, DEFAULT_PORT, type MockOptions } from '../config.ts';
import { startServer } from '../core/http-server.ts';
import { datasetCounts, datasetRecords, generateDataset } from '../dataset.ts';
import { FlowDefinitionError } from '../vendors/churnkey-hosted-flow/definition.ts';
import { addJwtCommand } from '../vendors/rebilly-reports/jwt-command.ts';

const integer = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
  return n;
};
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
        .argParser(integer('seed', 0, 2 ** 31 - 1))
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

export function buildCli(): Command {
  const program = new Command('churnmock')
    .description('Stateful, contract-driven mock of churn-retention APIs (Churnkey Data API, …).')
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode));

  dataOptions(program.command('serve').description('start the mock server'))
    .addOption(
      new Option('--port <n>', 'port to listen on (0 = any free port)')
        .env('PORT')
        .argParser(integer('port', 0, 65535))
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
      new Option('--ck-api-key <key>', 'Churnkey Data API key (x-ck-api-key)')
        .env('CHURNMOCK_CK_API_KEY')
        .default(DEFAULT_OPTIONS.churnkey.apiKey),
    )
    .addOption(
      new Option('--ck-app <id>', 'Churnkey app id (x-ck-app)')
        .env('CHURNMOCK_CK_APP')
        .default(DEFAULT_OPTIONS.churnkey.appId),
    )
    .addOption(
      new Option('--cc-api-key <key>', 'ChurnCut API key (Authorization: Bearer …)')
        .env('CHURNMOCK_CC_API_KEY')
        .default(DEFAULT_OPTIONS.churncut.apiKey),
    )
    .addOption(
      new Option('--cc-webhook-secret <secret>', 'ChurnCut webhook signing secret')
        .env('CHURNMOCK_CC_WEBHOOK_SECRET')
        .default(DEFAULT_OPTIONS.churncut.webhookSecret),
    )
    .addOption(
      new Option('--webhook-url <url>', 'POST ChurnCut webhooks here (repeatable)')
        .argParser((v: string, prev: string[] = []) => {
          if (!/^https?:\/\/./.test(v)) throw new InvalidArgumentError('must be an http(s) URL.');
          return [...prev, v];
        })
        .default([]),
    )
    .addOption(
      new Option('--webhook-max-attempts <n>', 'attempts per webhook delivery, the first included')
        .argParser(integer('webhook-max-attempts', 1, 100))
        .default(DEFAULT_OPTIONS.churncut.webhookMaxAttempts),
    )
    .addOption(
      new Option('--webhook-backoff-ms <n>', 'first webhook retry delay; doubles each retry')
        .argParser(integer('webhook-backoff-ms', 1, 3_600_000))
        .default(DEFAULT_OPTIONS.churncut.webhookBackoffMs),
    )
    .addOption(
      new Option('--webhook-timeout-ms <n>', 'a webhook attempt not answered by then is retried')
        .argParser(integer('webhook-timeout-ms', 1, 600_000))
        .default(DEFAULT_OPTIONS.churncut.webhookTimeoutMs),
    )
    .addOption(
      new Option('--no-rate-limit', 'ChurnCut: send X-RateLimit-* headers but never answer 429'),
    )
    .addOption(
      new Option('--rebilly-api-key <key>', 'Rebilly secret API key (REB-APIKEY)')
        .env('CHURNMOCK_REBILLY_API_KEY')
        .default(DEFAULT_OPTIONS.rebilly.apiKey),
    )
    .addOption(
      new Option(
        '--rebilly-restricted-key <key>',
        'a valid Rebilly API key without the report permission (answered 403)',
      )
        .env('CHURNMOCK_REBILLY_RESTRICTED_KEY')
        .default(DEFAULT_OPTIONS.rebilly.restrictedApiKey),
    )
    .addOption(
      new Option(
        '--rebilly-jwt-secret <secret>',
        'Rebilly HS256 JWT secret (Authorization: Bearer)',
      )
        .env('CHURNMOCK_REBILLY_JWT_SECRET')
        .default(DEFAULT_OPTIONS.rebilly.jwtSecret),
    )
    .addOption(
      new Option(
        '--customer-data-url <url>',
        'your Customer Data Endpoint; the hosted flow POSTs {customerId, signature} to it',
      )
        .env('CHURNMOCK_CUSTOMER_DATA_URL')
        .argParser((v: string) => {
          if (!/^https?:\/\/./.test(v)) throw new InvalidArgumentError('must be an http(s) URL.');
          return v;
        }),
    )
    .addOption(
      new Option(
        '--churnkey-api-key <key>',
        'Churnkey API key: signs Customer Data Endpoint calls, checks hosted-page authHash',
      )
        .env('CHURNMOCK_CHURNKEY_API_KEY')
        .default(DEFAULT_OPTIONS.hostedFlow.apiKey),
    )
    .addOption(
      new Option(
        '--customer-data-timeout-ms <n>',
        'the hosted flow waits this long for your endpoint',
      )
        .argParser(integer('customer-data-timeout-ms', 1, 60_000))
        .default(DEFAULT_OPTIONS.hostedFlow.timeoutMs),
    )
    .addOption(
      new Option('--flow <file>', 'Cancel Flow definition for the hosted flow (JSON or YAML)').env(
        'CHURNMOCK_FLOW',
      ),
    )
    .addOption(
      new Option('--ck-webhook-secret <secret>', 'signing secret of Churnkey `session` webhooks')
        .env('CHURNMOCK_CK_WEBHOOK_SECRET')
        .default(DEFAULT_OPTIONS.hostedFlow.webhookSecret),
    )
    .action(
      async (
        flags: DataFlags & {
          port: number;
          host: string;
          validateResponses: boolean;
          ckApiKey: string;
          ckApp: string;
          ccApiKey: string;
          ccWebhookSecret: string;
          webhookUrl: string[];
          webhookMaxAttempts: number;
          webhookBackoffMs: number;
          webhookTimeoutMs: number;
          rateLimit: boolean;
          rebillyApiKey: string;
          rebillyJwtSecret: string;
          rebillyRestrictedKey: string;
          customerDataUrl?: string;
          churnkeyApiKey: string;
          customerDataTimeoutMs: number;
          flow?: string;
          ckWebhookSecret: string;
        },
      ) => {
        const options: MockOptions = {
          seed: flags.seed,
          asOf: flags.asOf,
          scale: flags.scale,
          validateResponses: flags.validateResponses,
          churnkey: { apiKey: flags.ckApiKey, appId: flags.ckApp },
          churncut: {
            ...DEFAULT_OPTIONS.churncut,
            apiKey: flags.ccApiKey,
            webhookSecret: flags.ccWebhookSecret,
            webhookUrls: flags.webhookUrl,
            webhookMaxAttempts: flags.webhookMaxAttempts,
            webhookBackoffMs: flags.webhookBackoffMs,
            webhookTimeoutMs: flags.webhookTimeoutMs,
            enforceRateLimit: flags.rateLimit,
          },
          rebilly: {
            ...DEFAULT_OPTIONS.rebilly,
            apiKey: flags.rebillyApiKey,
            restrictedApiKey: flags.rebillyRestrictedKey,
            jwtSecret: flags.rebillyJwtSecret,
          },
          hostedFlow: {
            customerDataUrl: flags.customerDataUrl ?? null,
            apiKey: flags.churnkeyApiKey,
            timeoutMs: flags.customerDataTimeoutMs,
            flowFile: flags.flow ?? null,
            webhookSecret: flags.ckWebhookSecret,
          },
        };
        try {
          await startServer(options, flags.port, flags.host);
        } catch (e) {
          if (!(e instanceof FlowDefinitionError)) throw e;
          console.error(`churnmock: ${e.message}`);
          process.exit(1);
        }
      },
    );

  dataOptions(program.command('generate').description('write the seeded dataset as JSON lines'))
    .requiredOption('--out <file>', 'where to write (use - for standard output)')
    .action(async (flags: DataFlags & { out: string }) => {
      const world = generateWorld({
        seed: flags.seed,
        asOf: parseAsOf(flags.asOf),
        scale: flags.scale,
      });
      const dataset = generateDataset(world);
      const out = flags.out === '-' ? process.stdout : createWriteStream(flags.out);
      const write = async (record: unknown) => {
        if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      };
      for (const record of datasetRecords(dataset)) await write(record);
      if (out !== process.stdout) {
        out.end();
        await once(out, 'finish');
        const counts = Object.entries(datasetCounts(dataset)).map(([k, n]) => `${n} ${k}`);
        console.error(`wrote ${counts.join(', ')} to ${flags.out}`);
      }
    });
  addJwtCommand(program);
  addVerifyCommand(program);
  return program;
}
