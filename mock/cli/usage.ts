import { type Command, type CommanderError, InvalidArgumentError, type Option } from 'commander';
import { USAGE_ERROR, usageError } from '../core/flags.ts';

/** The exit code for one of commander's exits: 0 for `--help` and `--version`, else a usage error. */
export const exitCodeOf = (err: CommanderError): number => (err.exitCode === 0 ? 0 : USAGE_ERROR);

/** A command's name as typed: `churnmock verify pact`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * After a usage error every command prints commander's one `error: …` line and where its usage
 * is (`(run "churnmock serve --help" for usage)`), not its whole help. Call it once the tree of
 * commands is built.
 */
export function hintUsage(cmd: Command): void {
  cmd.showHelpAfterError(`(run "${commandPath(cmd)} --help" for usage)`);
  for (const sub of cmd.commands) hintUsage(sub);
}

/**
 * A second environment variable for `option` of `cmd` (commander's `env` takes one name): read
 * through the option's parser when neither the command line nor its own variable set it.
 */
export function envFallback(cmd: Command, option: Option, name: string): void {
  const key = option.attributeName();
  cmd.hook('preAction', () => {
    const raw = process.env[name];
    if (raw === undefined || cmd.getOptionValueSource(key) !== 'default') return;
    let value: unknown = raw;
    try {
      if (option.parseArg) value = option.parseArg(raw, cmd.getOptionValue(key));
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) throw e;
      usageError(
        cmd,
        `option '${option.flags}' value '${raw}' from env '${name}' is invalid. ${e.message}`,
      );
    }
    cmd.setOptionValueWithSource(key, value, 'env');
  });
}
