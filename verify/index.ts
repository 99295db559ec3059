import type { Command } from 'commander';
import { addCustomerDataCommand } from './customer-data-command.ts';
import { addPactCommand } from './pact-command.ts';

/**
 * `churnmock verify …`: checks a real implementation against what churnmock knows.
 * Each checker lives in its own module and registers one subcommand here.
 */
export function addVerifyCommand(program: Command): Command {
  const verify = program
    .command('verify')
    .description('check a real implementation (yours, or a vendor sandbox) against the contracts');
  addPactCommand(verify);
  addCustomerDataCommand(verify);
  return verify;
}
