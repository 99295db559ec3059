import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventsOf } from '../../mock/core/webhooks/trigger.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { closeServed, runCli, serveInProcess } from '../helpers/cli.ts';
import { expectContract } from '../helpers/contract.ts';
import { freePort } from '../helpers/wait.ts';
import { closeReceivers, type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

// `churnmock trigger <event>` against an in-process `serve`: what it prints, what the receiver
// gets, and its exit codes (0 sent, 1 refused or unreachable, 2 usage); `--list` without a mock.

const EVENTS = [
  'cancellation.started',
  'cancellation.retained',
  'cancellation.completed',
  'offer.accepted',
  'session',
] as const;

let hooks: Receiver;
let url: string;
let guarded: string;
beforeAll(async () => {
  hooks = await startReceiver();
  // The default data: the docs' example customer cus_abc123 is in it.
  ({ url } = await serveInProcess(['--port', '0', '--webhook-url', hooks.url]));
  ({ url: guarded } = await serveInProcess([
    '--port',
    '0',
    '--scale',
    '0.02',
    '--admin-token',
    's3cret',
  ]));
});
afterAll(async () => {
  await closeServed();
  await closeReceivers();
});

/** The lines of `trigger`'s report: the event line, the payload, one per delivery. */
function report(stdout: string) {
  const lines = stdout.trimEnd().split('\n');
  const head = /^triggered (\S+) \((\S+)\) for customer (\S+)$/.exec(lines[0] ?? '');
  const payload = JSON.parse(/^ {2}payload (.*)$/.exec(lines[1] ?? '')?.[1] ?? 'null');
  const deliveries = lines.slice(2).map((l) => {
    const m = /^ {2}delivery (whd_\S+) -> (\S+)$/.exec(l);
    return m ? { id: m[1], url: m[2] } : { line: l };
  });
  return { head: head?.slice(1), payload, deliveries };
}

describe('churnmock trigger', () => {
  it.each(EVENTS)('%s: sent to the running mock, printed, delivered; exit 0', async (event) => {
    const before = hooks.requests.length;
    const r = await runCli(['trigger', event, '--url', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { head, payload, deliveries } = report(r.stdout);
    expect(head?.[0]).toBe(event);
    expect(head?.[1]).toBe(event === 'session' ? 'churnkey-hosted-flow' : 'churncut');
    expect(deliveries).toEqual([{ id: expect.stringMatching(/^whd_/), url: hooks.url }]);
    const got = (await hooks.waitFor(before + 1))[before];
    expect(got?.body).toBe(JSON.stringify(payload));
    const header = event === 'session' ? 'x-churnkey-delivery' : 'x-churncut-delivery';
    expect(got?.headers[header]).toBe(deliveries[0]?.id);
    const customer =
      event === 'session' ? payload.data.customer.id : (payload.data.customer_id as string);
    expect(head?.[2]).toBe(customer);
  });

  it('--customer and --data reach the payload; --json prints the mock answer', async () => {
    const before = hooks.requests.length;
    const r = await runCli([
      'trigger',
      'cancellation.retained',
      '--url',
      url,
      '--customer',
      'cus_abc123',
      '--data',
      '{"offer":{"value":25},"flow_id":"flow_cli"}',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    await expectContract('triggerWebhook', { status: 202, body: answer });
    expect(answer.customerId).toBe('cus_abc123');
    expect(answer.payload.data).toEqual({
      customer_id: 'cus_abc123',
      subscription_id: 'sub_xyz789',
      flow_id: 'flow_cli',
      offer: { type: 'discount', value: 25, duration_months: 3 },
    });
    const got = (await hooks.waitFor(before + 1))[before];
    expect(JSON.parse(got?.body ?? '{}')).toEqual(answer.payload);
    // The same from the environment.
    const env = await runCli(['trigger', 'session', '--json'], {
      CHURNMOCK_URL: url,
      CHURNMOCK_TRIGGER_CUSTOMER: 'cus_abc123',
      CHURNMOCK_TRIGGER_DATA: '{"session":{"result":"pause"}}',
    });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.stdout).payload.data.session).toMatchObject({
      result: 'pause',
      customer: { id: 'cus_abc123' },
    });
  });

  it("a refused trigger prints the mock's message on stderr; exit 1", async () => {
    const unknown = await runCli(['trigger', 'cancellation.paused', '--url', url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(
      /^churnmock: trigger refused \(HTTP 400\): Unknown webhook event "cancellation\.paused"; the events that can be triggered: .*session.*\n$/,
    );
    const nobody = await runCli(['trigger', 'offer.accepted', '--url', url, '--customer', 'cus_x']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe(
      'churnmock: trigger refused (HTTP 404): ChurnCut: No customer with id cus_x\n',
    );
  });

  it('a mock that cannot be reached is one line; exit 1', async () => {
    const port = await freePort();
    const r = await runCli(['trigger', 'session', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `churnmock: no mock reachable at http://127.0.0.1:${port} (ECONNREFUSED); start one with "churnmock serve" or pass --url\n`,
    );
  });

  it('sends the admin token as the guard expects', async () => {
    const without = await runCli(['trigger', 'session', '--url', guarded]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/^churnmock: trigger refused \(HTTP 401\): The admin API needs/);
    const wrong = await runCli(['trigger', 'session', '--url', guarded, '--admin-token', 'nope']);
    expect(wrong.code).toBe(1);
    const flag = await runCli(['trigger', 'session', '--url', guarded, '--admin-token', 's3cret']);
    expect(flag.code).toBe(0);
    // This mock has no webhook target: the event is emitted, and nothing is sent.
    expect(flag.stdout).toContain(
      '  no webhook targets, so nothing was sent (add one: POST /__admin/webhooks, or serve --webhook-url)\n',
    );
    const env = await runCli(['trigger', 'cancellation.started', '--url', guarded], {
      CHURNMOCK_ADMIN_TOKEN: 's3cret',
    });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/^triggered cancellation\.started \(churncut\) for customer /);
  });

  it.each([
    [['trigger'], /missing required argument 'event'/],
    [['trigger', 'session', '--data', '{bad'], /--data.*must be a JSON object/],
    [['trigger', 'session', '--data', '[1]'], /--data.*must be a JSON object/],
    [['trigger', 'session', '--url', 'ftp://x'], /--url must be an http\(s\) URL/],
    [['trigger', 'session', '--nope'], /unknown option '--nope'/],
    [['trigger', 'session', '--list'], /--list takes no event/],
  ])('%j is a usage error: exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('(run "churnmock trigger --help" for usage)');
  });

  it('--list names every event type from the registry, no mock needed', async () => {
    const r = await runCli(['trigger', '--list'], { CHURNMOCK_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/ {2,}/));
    expect(rows.map(([event, vendor]) => `${vendor} ${event}`)).toEqual(
      webhookEventsOf(REGISTRY.vendors).map((e) => `${e.vendor} ${e.event}`),
    );
    expect(rows.map((row) => row[0]).sort()).toEqual([...EVENTS].sort());
    for (const row of rows) expect(row[2]).toMatch(/\w/);
  });

  it('--help names the default URL and the variables', async () => {
    const r = await runCli(['trigger', '--help']);
    expect(r.code).toBe(0);
    for (const s of [
      'http://localhost:4010',
      'CHURNMOCK_URL',
      'CHURNMOCK_ADMIN_TOKEN',
      'CHURNMOCK_TRIGGER_CUSTOMER',
      'CHURNMOCK_TRIGGER_DATA',
      '--list',
    ])
      expect(r.stdout).toContain(s);
  });
});
