import { type Command, InvalidArgumentError, Option } from 'commander';
import { httpUrlFlag } from '../mock/core/flags.ts';
import type { CliIo } from '../mock/core/vendor.ts';
import { PACT_PROVIDERS, pactProvider } from './pact-providers.ts';
import { reportHeader, reportSummary } from './pact-report.ts';
import { type HeaderOption, parseHeaderOption } from './pact-request-filter.ts';
import type { PactVerification } from './pact-runner.ts';
import { resignWith } from './pact-signing.ts';

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
    ...(provider.signed && flags.apiKey ? { rewriteBody: resignWith(flags.apiKey) } : {}),
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

/** Runs one verification, prints the report and returns whether it passed. */
export async function runPactVerification(
  v: PactVerification,
  out: (text: string) => void = (text) => void process.stdout.write(text),
): Promise<boolean> {
  // Pact's verifier (a native core) is loaded only when a verification runs.
  const { verifyPact } = await import('./pact-runner.ts');
  out(`${reportHeader(v)}\n`);
  const outcome = await verifyPact(v);
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
        .makeOptionMandatory(),
    )
    .requiredOption('--base-url <url>', 'where the provider listens', httpUrlFlag('base-url'))
    .option(
      '--state-url <url>',
      "Pact state-change URL: POST {state, params, action}; a churnmock's is <base>/__admin/states",
      httpUrlFlag('state-url'),
    )
    .option(
      '--header <header>',
      "'Name: value'; replaces that credential where the pact sends its demo value, else is added to every request (repeatable)",
      header,
      [],
    )
    .option(
      '--pact <file>',
      'a pact file to verify instead of the committed one (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
      [],
    )
    .option(
      '--api-key <key>',
      "customer-data-endpoint only: sign each request with this Churnkey API key instead of the pact's demo key",
    )
    .option(
      '--broker-url <url>',
      "take the provider's pacts from a Pact Broker (consumers' main branch and deployed versions); credentials from PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD",
      httpUrlFlag('broker-url'),
    )
    .option(
      '--provider-version <version>',
      'the provider version the results belong to (e.g. the git sha)',
    )
    .option('--provider-branch <branch>', 'the provider branch the results belong to')
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
    .action(async (flags: PactFlags) => {
      let v: PactVerification;
      try {
        v = pactVerification(flags);
      } catch (e) {
        io.err(`error: ${(e as Error).message}\n`);
        io.exitCode = 2;
        return;
      }
      io.exitCode = (await runPactVerification(v, (text) => io.out(text))) ? 0 : 1;
    });
}
