import { type Command, InvalidArgumentError, Option } from 'commander';
import { PACT_PROVIDERS, pactProvider } from './pact-providers.ts';
import { reportHeader, reportSummary } from './pact-report.ts';
import { type HeaderOption, parseHeaderOption } from './pact-request-filter.ts';
import { type PactVerification, verifyPact } from './pact-runner.ts';

const url = (what: string) => (v: string) => {
  if (!/^https?:\/\/./.test(v)) throw new InvalidArgumentError(`${what} must be an http(s) URL.`);
  return v.replace(/\/+$/, '');
};

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
}

/** Runs one verification, prints the report and returns whether it passed. */
export async function runPactVerification(v: PactVerification): Promise<boolean> {
  console.log(reportHeader(v));
  const outcome = await verifyPact(v);
  console.log(`\n${reportSummary(v, outcome)}`);
  return outcome.ok;
}

/** `churnmock verify pact`: the committed consumer pacts against any running provider. */
export function addPactCommand(verify: Command): Command {
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
    .requiredOption('--base-url <url>', 'where the provider listens', url('base-url'))
    .option(
      '--state-url <url>',
      "Pact state-change URL: POST {state, params, action}; a churnmock's is <base>/__admin/states",
      url('state-url'),
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
    .action(async (flags: PactFlags) => {
      const ok = await runPactVerification({
        provider: pactProvider(flags.provider),
        baseUrl: flags.baseUrl,
        stateUrl: flags.stateUrl,
        headers: flags.header,
        pactFiles: flags.pact,
      });
      process.exitCode = ok ? 0 : 1;
    });
}
