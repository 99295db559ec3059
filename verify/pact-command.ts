import { type Command, InvalidArgumentError, Option } from 'commander';
import { httpUrlFlag, usageError } from '../mock/core/flags.ts';
import { coloursAllowed } from '../mock/core/terminal.ts';
import type { CliIo } from '../mock/core/vendor.ts';
import { runVerifier } from './pact-process.ts';
import { PACT_PROVIDERS, pactProvider } from './pact-providers.ts';
import { reportHeader, reportSummary } from './pact-report.ts';
import { type HeaderOption, parseHeaderOption } from './pact-request-filter.ts';
import type { PactVerification } from './pact-runner.ts';

const header = (v: string, prev: HeaderOption[] = []) => {
  try {
    return [...prev, parseHeaderOption(v)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

interface PactFlags {
  provider: string;
  baseUrl: string;
  stateUrl?: string;
  header: HeaderOption[];
  pact: string[];
  apiKey?: string;
  brokerUrl?: string;
  providerVersion?: string;
  providerBranch?: string;
  publish: boolean;
}

/** The flags as a verification; throws on combinations that cannot work. */
export function pactVerification(flags: PactFlags): PactVerification {
  const provider = pactProvider(flags.provider);
  if (flags.apiKey !== undefined && !provider.signed)
    throw new InvalidArgumentError(`--api-key only applies to a provider Churnkey signs for.`);
  if (flags.publish && !(flags.brokerUrl && flags.providerVersion))
    throw new InvalidArgumentError('--publish needs --broker-url and --provider-version.');
  const url = new URL(flags.baseUrl);
  // A Customer Data Endpoint is one URL: its path replaces the pact's example path.
  const endpoint = provider.signed && url.pathname !== '/';
  return {
    provider,
    baseUrl: endpoint ? url.origin : flags.baseUrl,
    ...(endpoint ? { endpointPath: url.pathname } : {}),
    stateUrl: flags.stateUrl,
    headers: flags.header,
    pactFiles: flags.pact,
    ...(provider.signed && flags.apiKey ? { signWith: flags.apiKey } : {}),
    ...(flags.brokerUrl
      ? {
          broker: {
            url: flags.brokerUrl,
            providerVersion: flags.providerVersion,
            providerBranch: flags.providerBranch,
            publish: flags.publish,
          },
        }
      : {}),
  };
}

/**
 * Runs one verification, prints the report (with Pact's lines for each interaction) and returns
 * whether it passed. Pact's colours are kept only when `colours`: by default when standard
 * output is a terminal and NO_COLOR is not set.
 */
export async function runPactVerification(
  v: PactVerification,
  out: (text: string) => void = (text) => void process.stdout.write(text),
  {
    err = (text: string) => void process.stderr.write(text),
    colours = coloursAllowed(process.stdout),
  }: { err?: (text: string) => void; colours?: boolean } = {},
): Promise<boolean> {
  out(`${reportHeader(v)}\n`);
  // Pact's verifier (a native core) is loaded only when a verification runs, in its own process.
  const outcome = await runVerifier(v, { out, err, colours });
  out(`\n${reportSummary(v, outcome)}\n`);
  return outcome.ok;
}

/** `churnmock verify pact`: the committed consumer pacts against any running provider. */
export function addPactCommand(verify: Command, io: CliIo): Command {
  return verify
    .command('pact')
    .description(
      "replay the committed consumer pacts against a provider (the mock, your service, a vendor sandbox) with Pact's verifier",
    )
    .addOption(
      new Option('--provider <name>', 'which pacts to verify')
        .choices(PACT_PROVIDERS.map((p) => p.name))
        .env('CHURNMOCK_PACT_PROVIDER')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--base-url <url>', 'where the provider listens')
        .argParser(httpUrlFlag('base-url'))
        .env('CHURNMOCK_BASE_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--state-url <url>',
        "Pact state-change URL: POST {state, params, action}; a churnmock's is <base>/__admin/states",
      )
        .argParser(httpUrlFlag('state-url'))
        .env('CHURNMOCK_STATE_URL'),
    )
    .addOption(
      new Option(
        '--header <header>',
        "'Name: value'; replaces that credential where the pact sends its demo value, else is added to every request (repeatable)",
      )
        .argParser(header)
        .env('CHURNMOCK_HEADER')
        .default([]),
    )
    .addOption(
      new Option('--pact <file>', 'a pact file to verify instead of the committed one (repeatable)')
        .argParser((v: string, prev: string[] = []) => [...prev, v])
        .env('CHURNMOCK_PACT')
        .default([]),
    )
    .addOption(
      new Option(
        '--api-key <key>',
        "customer-data-endpoint only: sign each request with this Churnkey API key instead of the pact's demo key",
      ).env('CHURNMOCK_CHURNKEY_API_KEY'),
    )
    .addOption(
      new Option(
        '--broker-url <url>',
        "take the provider's pacts from a Pact Broker (consumers' main branch and deployed versions); credentials from PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD",
      )
        .argParser(httpUrlFlag('broker-url'))
        .env('CHURNMOCK_BROKER_URL'),
    )
    .addOption(
      new Option(
        '--provider-version <version>',
        'the provider version the results belong to (e.g. the git sha)',
      ).env('CHURNMOCK_PROVIDER_VERSION'),
    )
    .addOption(
      new Option('--provider-branch <branch>', 'the provider branch the results belong to').env(
        'CHURNMOCK_PROVIDER_BRANCH',
      ),
    )
    .option('--publish', 'publish the verification results to the broker', false)
    .addHelpText(
      'after',
      `
Examples:
  churnmock verify pact --provider churncut-api --base-url http://127.0.0.1:4010 \
    --state-url http://127.0.0.1:4010/__admin/states
  churnmock verify pact --provider churncut-api --base-url https://staging.example.com \
    --state-url https://staging.example.com/_pact/states --header 'Authorization: Bearer cc_live_…'
  churnmock verify pact --provider customer-data-endpoint \
    --base-url https://app.example.com/churnkey/customer-data --api-key ck_live_…`,
    )
    .action(async function (this: Command, flags: PactFlags) {
      let v: PactVerification;
      try {
        v = pactVerification(flags);
      } catch (e) {
        // Flags that cannot work together: a usage error (exit 2), like commander's own.
        return usageError(this, (e as Error).message);
      }
      const passed = await runPactVerification(v, (text) => io.out(text), {
        err: (text) => io.err(text),
        colours: coloursAllowed(io.stdout),
      });
      io.exitCode = passed ? 0 : 1;
    });
}
