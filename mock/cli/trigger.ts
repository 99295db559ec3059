import { type Command, InvalidArgumentError, Option } from 'commander';
import { ADMIN_TOKEN_HEADER } from '../admin/guard.ts';
import { httpUrlFlag, usageError } from '../core/flags.ts';
import { DEFAULT_PORT } from '../core/options.ts';
import type { CliIo, Registry } from '../core/vendor.ts';
import { webhookEventsOf } from '../core/webhooks/trigger.ts';

/** Where `churnmock trigger` looks for a mock without `--url`. */
export const DEFAULT_TRIGGER_URL = `http://localhost:${DEFAULT_PORT}`;

/** How long `churnmock trigger` waits for the mock's answer. */
const TIMEOUT_MS = 10_000;

interface TriggerFlags {
  customer?: string;
  data?: Record<string, unknown>;
  url: string;
  adminToken?: string;
  list?: boolean;
  json?: boolean;
}

/** `--data`: a JSON object. */
function jsonObject(v: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new InvalidArgumentError(`must be a JSON object: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError(`must be a JSON object, such as '{"offer":null}'`);
  return parsed as Record<string, unknown>;
}

interface TriggerAnswer {
  event: string;
  vendor: string;
  customerId: string;
  payload: unknown;
  deliveries: { id: string; url: string }[];
}

const isAnswer = (v: unknown): v is TriggerAnswer =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TriggerAnswer).event === 'string' &&
  Array.isArray((v as TriggerAnswer).deliveries);

/**
 * `churnmock trigger <event>`: asks a running mock (`--url`) to send one webhook event now
 * (`POST /__admin/webhooks/trigger`) and prints what went out; `--list` prints the event types
 * the registry's vendors send, without a mock. Exit 0 once sent, 1 when the mock refused or
 * was not reached, 2 on a usage error.
 */
export function addTriggerCommand<D>(program: Command, registry: Registry<D>, io: CliIo): void {
  const events = webhookEventsOf(registry.vendors);
  const cmd = program
    .command('trigger')
    .description(
      'send a webhook event now from a running mock (POST /__admin/webhooks/trigger); --list names the events',
    )
    .argument('[event]', `event type: ${events.map((e) => e.event).join(', ')}`)
    .addOption(
      new Option(
        '--customer <id>',
        'the seeded customer the event is about (default: one suited to it)',
      ).env('CHURNMOCK_TRIGGER_CUSTOMER'),
    )
    .addOption(
      new Option('--data <json>', "a JSON object deep-merged over the payload's data")
        .env('CHURNMOCK_TRIGGER_DATA')
        .argParser(jsonObject),
    )
    .addOption(
      new Option('--url <base>', 'base URL of the running mock')
        .env('CHURNMOCK_URL')
        .argParser(httpUrlFlag('--url'))
        .default(DEFAULT_TRIGGER_URL),
    )
    .addOption(
      new Option(
        '--admin-token <token>',
        "the mock's admin token (sent as X-Churnmock-Admin-Token), when serve has one",
      ).env('CHURNMOCK_ADMIN_TOKEN'),
    )
    .addOption(new Option('--json', "print the mock's answer as one JSON line"))
    .addOption(new Option('--list', 'list the event types that can be triggered (no mock needed)'));
  cmd.action(async (event: string | undefined, flags: TriggerFlags) => {
    if (flags.list) {
      if (event !== undefined) usageError(cmd, `--list takes no event (got "${event}")`);
      const width = Math.max(...events.map((e) => e.event.length), 5);
      const vendorWidth = Math.max(...events.map((e) => e.vendor.length), 6);
      for (const e of events)
        io.out(`${e.event.padEnd(width)}  ${e.vendor.padEnd(vendorWidth)}  ${e.summary}\n`);
      return;
    }
    if (event === undefined)
      usageError(
        cmd,
        `missing required argument 'event' (one of ${events.map((e) => e.event).join(', ')}; or --list)`,
      );
    const base = flags.url.replace(/\/+$/, '');
    const target = `${base}/__admin/webhooks/trigger`;
    const body = {
      event,
      ...(flags.customer === undefined ? {} : { customerId: flags.customer }),
      ...(flags.data === undefined ? {} : { data: flags.data }),
    };
    let res: Response;
    try {
      res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(flags.adminToken ? { [ADMIN_TOKEN_HEADER]: flags.adminToken } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (err.cause?.code ?? err.message);
      io.err(
        `churnmock: no mock reachable at ${base} (${why}); start one with "churnmock serve" or pass --url\n`,
      );
      return io.exit(1);
    }
    const text = await res.text();
    let answer: unknown = null;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = null;
    }
    if (res.status !== 202 || !isAnswer(answer)) {
      const message = (answer as { message?: unknown } | null)?.message;
      io.err(
        typeof message === 'string'
          ? `churnmock: trigger refused (HTTP ${res.status}): ${message}\n`
          : `churnmock: ${target} answered HTTP ${res.status} without a trigger result; is it a churnmock?\n`,
      );
      return io.exit(1);
    }
    if (flags.json) return void io.out(`${JSON.stringify(answer)}\n`);
    io.out(`triggered ${answer.event} (${answer.vendor}) for customer ${answer.customerId}\n`);
    io.out(`  payload ${JSON.stringify(answer.payload)}\n`);
    if (answer.deliveries.length === 0)
      io.out(
        '  no webhook targets, so nothing was sent (add one: POST /__admin/webhooks, or serve --webhook-url)\n',
      );
    for (const d of answer.deliveries) io.out(`  delivery ${d.id} -> ${d.url}\n`);
  });
}
