import { type Command, Option } from 'commander';
import { httpUrlFlag, integerFlag } from '../mock/core/flags.ts';
import type { CliIo } from '../mock/core/vendor.ts';
import { customerDataReportJson, formatCustomerDataReport } from './customer-data-report.ts';
import {
  checkCustomerDataEndpoint,
  DEFAULT_BUDGET_MS,
  DEFAULT_CALLS,
  DEFAULT_CUSTOMER_ID,
  DEFAULT_TIMEOUT_MS,
} from './customer-data-run.ts';

interface CustomerDataFlags {
  url: string;
  apiKey: string;
  customerId?: string[];
  json: boolean;
  latencyBudget: number;
  timeout: number;
  calls: number;
}

/** `churnmock verify customer-data`: plays Churnkey against your Customer Data Endpoint. */
export function addCustomerDataCommand(verify: Command, io: CliIo): Command {
  return verify
    .command('customer-data')
    .description(
      'call your Customer Data Endpoint as Churnkey does (Churnkey docs, Customer Data Endpoint) and check signatures, body, sensitive data and latency',
    )
    .addOption(
      new Option('--url <url>', 'your endpoint, e.g. http://127.0.0.1:3000/churnkey/customer-data')
        .argParser(httpUrlFlag('url'))
        .env('CHURNMOCK_CUSTOMER_DATA_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--api-key <key>', 'the Churnkey API key your endpoint checks signatures with')
        .env('CHURNMOCK_CHURNKEY_API_KEY')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--customer-id <id>',
        `a customer your endpoint knows (repeatable; default ${DEFAULT_CUSTOMER_ID})`,
      )
        .argParser((v: string, prev: string[] = []) => [...prev, v])
        .env('CHURNMOCK_CUSTOMER_ID'),
    )
    .option('--json', 'print the report as JSON', false)
    .addOption(
      new Option('--latency-budget <ms>', 'the p95 must be within this')
        .argParser(integerFlag('latency-budget', 1, 60_000))
        .env('CHURNMOCK_LATENCY_BUDGET_MS')
        .default(DEFAULT_BUDGET_MS),
    )
    .addOption(
      new Option('--timeout <ms>', 'a call not answered by then fails')
        .argParser(integerFlag('timeout', 1, 20_000))
        .env('CHURNMOCK_VERIFY_TIMEOUT_MS')
        .default(DEFAULT_TIMEOUT_MS),
    )
    .addOption(
      new Option('--calls <n>', 'sequential calls the p95 is measured over')
        .argParser(integerFlag('calls', 1, 200))
        .env('CHURNMOCK_VERIFY_CALLS')
        .default(DEFAULT_CALLS),
    )
    .action(async (flags: CustomerDataFlags) => {
      const report = await checkCustomerDataEndpoint({
        url: flags.url,
        apiKey: flags.apiKey,
        customerIds: flags.customerId?.length ? flags.customerId : [DEFAULT_CUSTOMER_ID],
        budgetMs: flags.latencyBudget,
        timeoutMs: flags.timeout,
        calls: flags.calls,
      });
      io.out(`${flags.json ? customerDataReportJson(report) : formatCustomerDataReport(report)}\n`);
      io.exitCode = report.ok ? 0 : 1;
    });
}
