import type { Command } from 'commander';
import type { CliIo } from '../mock/core/vendor.ts';
import { addCustomerDataCommand } from './customer-data-command.ts';
import { addPactCommand } from './pact-command.ts';

/**
 * `churnmock verify …`: checks a real implementation against what churnmock knows.
 * Each checker lives in its own module and registers one subcommand here.
 */
export function addVerifyCommand(program: Command, io: CliIo): Command {
  const verify = program
    .command('verify')
    .description('check a real implementation (yours, or a vendor sandbox) against the contracts');
  addPactCommand(verify, io);
  addCustomerDataCommand(verify, io);
  return verify;
}
