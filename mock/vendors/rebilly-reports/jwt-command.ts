import { type Command, Option } from 'commander';
import { usageError } from '../../core/flags.ts';
import type { CliIo } from '../../core/vendor.ts';
import { DEMO_CLAIMS, mintToken, REPORT_PERMISSION } from './auth.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from './options.ts';

interface JwtFlags {
  secret: string;
  expiresIn: string;
  sub: string;
  permissions?: string;
}

/** `churnmock jwt`: prints an HS256 token for the Rebilly report's `Authorization: Bearer`. */
export function addJwtCommand(program: Command, io: CliIo): void {
  const cmd = program
    .command('jwt')
    .description('print an HS256 JWT for the Rebilly report (Authorization: Bearer <token>)')
    .addOption(
      new Option('--secret <secret>', 'signing secret; must match serve --rebilly-jwt-secret')
        .env('CHURNMOCK_REBILLY_JWT_SECRET')
        .default(DEFAULT_REBILLY_CREDENTIALS.jwtSecret),
    )
    .addOption(
      new Option('--expires-in <span>', 'lifetime: 1h, 30m, 7d; a negative one (-1h) is expired')
        .env('CHURNMOCK_JWT_EXPIRES_IN')
        .default('1h'),
    )
    .addOption(
      new Option('--sub <id>', 'subject claim').env('CHURNMOCK_JWT_SUB').default(DEMO_CLAIMS.sub),
    )
    .addOption(
      new Option(
        '--permissions <list>',
        `comma-separated permissions claim (the report needs ${REPORT_PERMISSION} or *); omitted = all`,
      ).env('CHURNMOCK_JWT_PERMISSIONS'),
    );
  cmd.action(async (flags: JwtFlags) => {
    const claims: Record<string, unknown> = { sub: flags.sub };
    if (flags.permissions !== undefined)
      claims.permissions = flags.permissions
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
    try {
      io.out(`${await mintToken(flags.secret, claims, flags.expiresIn)}\n`);
    } catch {
      usageError(
        cmd,
        `--expires-in must be a time span such as 1h, 30m, 7d or -1h, got "${flags.expiresIn}"`,
      );
    }
  });
}
