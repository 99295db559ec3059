import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../examples/customer-data-endpoint/app.ts';
import { buildCli } from '../../mock/cli/program.ts';
import { REGISTRY } from '../../mock/registry.ts';
import { closeServed, memoryIo, runCli, serveInProcess } from '../helpers/cli.ts';
import { BROKEN, broken, closeAll, listen } from '../vendors/churnkey-customer-data/endpoints.ts';

const ESC = String.fromCharCode(27);

// In-process output is not a terminal: Pact's lines come through it without colours.
const verify = async (provider: string, url: string, ...more: string[]) => {
  const res = await runCli(['verify', 'pact', '--provider', provider, '--base-url', url, ...more]);
  return { ...res, out: res.stdout };
};

/** `verify pact` written to a terminal (an `isTTY` stream), with `env` set for the run. */
async function verifyOnTerminal(args: string[], env: Record<string, string | undefined>) {
  const io = { ...memoryIo(), stdout: Object.assign(new PassThrough(), { isTTY: true }) };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  set(env);
  try {
    await buildCli(REGISTRY, io).parseAsync(['verify', 'pact', ...args], { from: 'user' });
  } finally {
    set(saved);
  }
  return io.text.out;
}

afterAll(async () => {
  await closeServed();
  closeAll();
});

describe('churnmock verify pact against a second, independently started mock', () => {
  let url: string;
  beforeAll(async () => {
    url = (await serveInProcess(['--port', '0'])).url;
  });

  it.each([
    ['churnkey-data-api', 13],
    ['churncut-api', 15],
    ['rebilly-reports-api', 7],
  ])('%s: every interaction verifies, exit 0', async (provider, n) => {
    const res = await verify(provider, url, '--state-url', `${url}/__admin/states`);
    expect(res.out).toContain(`provider states: POST ${url}/__admin/states`);
    expect(res.out).toContain(`✔ ${provider}: ${n} of ${n} interactions verified`);
    // Pact's own lines for each interaction, through the same output, without escape codes.
    expect(res.out).toContain('has status code');
    expect(res.out).not.toContain(ESC);
    expect(res.stderr).not.toContain(ESC);
    expect(res.code).toBe(0);
  });

  it("keeps Pact's colours on a terminal, drops them with NO_COLOR", async () => {
    const args = ['--provider', 'rebilly-reports-api', '--base-url', url];
    args.push('--state-url', `${url}/__admin/states`);
    const coloured = await verifyOnTerminal(args, { NO_COLOR: undefined });
    expect(coloured).toContain(`${ESC}[`);
    const plain = await verifyOnTerminal(args, { NO_COLOR: '1' });
    expect(plain).toContain('has status code');
    expect(plain).toContain('✔ rebilly-reports-api: 7 of 7 interactions verified');
    expect(plain).not.toContain(ESC);
  });

  it('without a state URL the interactions that need ids fail, and the report says why', async () => {
    const res = await verify('churncut-api', url);
    expect(res.out).toContain('provider states: none set up (no --state-url)');
    expect(res.out).toMatch(/✘ churncut-api: \d+ of 15 interactions failed/);
    expect(res.out).toContain(
      '✘ a request for a pending cancellation flow (given cancellation flow flow_123456 is pending)',
    );
    expect(res.code).toBe(1);
  });

  it('--header swaps the demo credentials, not the wrong or missing ones the pact sends', async () => {
    const { url: other } = await serveInProcess([
      '--port',
      '0',
      '--cc-api-key',
      'cc_live_team_key',
    ]);
    const state = ['--state-url', `${other}/__admin/states`];
    const without = await verify('churncut-api', other, ...state);
    expect(without.out).toMatch(/✘ churncut-api: 14 of 15 interactions failed/);
    expect(without.code).toBe(1);
    const swapped = await verify(
      'churncut-api',
      other,
      ...state,
      '--header',
      'Authorization: Bearer cc_live_team_key',
    );
    expect(swapped.out).toContain('header: Authorization: ');
    expect(swapped.out).not.toContain('cc_live_team_key');
    expect(swapped.out).toContain('✔ churncut-api: 15 of 15 interactions verified');
    expect(swapped.code).toBe(0);
  });
});

describe('churnmock verify pact against a provider that breaks the contract', () => {
  let wrong: Server;
  let url: string;
  beforeAll(async () => {
    // ChurnCut's data without its {success, data} envelope, and no error envelope either.
    wrong = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/_state') return void res.end('{}');
      if (req.url === '/nowhere') res.statusCode = 404;
      res.end(JSON.stringify({ customers: [], total: 0, has_more: false }));
    });
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => wrong.close(() => resolve())));

  it('fails with a non-zero exit and a report naming what is wrong', async () => {
    const res = await verify('churncut-api', url, '--state-url', `${url}/_state`);
    expect(res.code).toBe(1);
    expect(res.out).toContain('✘ churncut-api: 15 of 15 interactions failed');
    expect(res.out).toContain(
      '✘ a request for the first page of high-risk customers (given customers at high risk of churning exist)',
    );
    expect(res.out).toMatch(/BodyMismatch \$: Actual map is missing the following keys: .*success/);
    expect(res.out).toMatch(/StatusMismatch.*expected 401/i);
  });

  it('fails when the state URL refuses a state, naming it', async () => {
    const res = await verify('rebilly-reports-api', url, '--state-url', `${url}/nowhere`);
    expect(res.code).toBe(1);
    expect(res.out).toContain('provider state calls failed');
  });
});

describe('churnmock verify pact --provider customer-data-endpoint', () => {
  const TEAM_KEY = 'ck_live_team_key';

  it('passes against the reference endpoint at its own path, each request signed with --api-key', async () => {
    const base = (
      await listen(createReferenceEndpoint({ apiKey: TEAM_KEY, path: '/hooks/churnkey' }))
    ).replace(/\/churnkey\/customer-data$/, '');
    const url = `${base}/hooks/churnkey`;
    const res = await verify('customer-data-endpoint', url, '--api-key', TEAM_KEY);
    expect(res.out).toContain(`endpoint: every request goes to ${url}`);
    expect(res.out).toContain('signatures: computed with your --api-key');
    expect(res.out).not.toContain(TEAM_KEY);
    expect(res.out).toContain('✔ customer-data-endpoint: 3 of 3 interactions verified');
    expect(res.code).toBe(0);
    // Signed with the pact's demo key instead, the two signed calls are refused.
    const demo = await verify('customer-data-endpoint', url);
    expect(demo.out).toContain('✘ customer-data-endpoint: 2 of 3 interactions failed');
    expect(demo.out).toContain('✘ a correctly signed request for a known customer');
    expect(demo.code).toBe(1);
  });

  it('fails an endpoint that accepts a forged signature, naming that interaction', async () => {
    const url = await listen(broken(BROKEN.acceptsForged));
    const res = await verify('customer-data-endpoint', url);
    expect(res.code).toBe(1);
    expect(res.out).toContain(
      '✘ a request for a known customer with a forged signature (given customer cus_abc123 has customer data)',
    );
    expect(res.out).toMatch(/StatusMismatch.*expected 401/i);
  });
});

describe('churnmock verify pact usage', () => {
  it.each([
    [
      ['--provider', 'nope', '--base-url', 'http://127.0.0.1:1'],
      /Allowed choices are churnkey-data-api/,
    ],
    [['--provider', 'churncut-api'], /required option '--base-url <url>' not specified/],
    [['--provider', 'churncut-api', '--base-url', 'ftp://x'], /base-url must be an http\(s\) URL/],
    [
      ['--provider', 'churncut-api', '--base-url', 'http://127.0.0.1:1', '--header', 'nocolon'],
      /--header must look like 'Name: value'/,
    ],
    [['--base-url', 'http://127.0.0.1:1'], /required option '--provider <name>' not specified/],
  ])('%j is refused: exit 2, the message and a hint on stderr', async (args, message) => {
    const res = await runCli(['verify', 'pact', ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toContain('(run "churnmock verify pact --help" for usage)');
    expect(res.stderr).not.toContain('Usage:');
    expect(res.stdout).toBe('');
  });

  it.each([
    [
      ['--provider', 'churncut-api', '--api-key', 'k'],
      /error: --api-key only applies to a provider Churnkey signs for/,
    ],
    [['--provider', 'churncut-api', '--publish'], /error: --publish needs --broker-url/],
  ])('%j cannot work: exit 2, the message and a hint on stderr', async (args, message) => {
    const res = await runCli(['verify', 'pact', '--base-url', 'http://127.0.0.1:1', ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toContain('(run "churnmock verify pact --help" for usage)');
    expect(res.stdout).toBe('');
  });

  it('a missing pact file is reported, not thrown', async () => {
    const res = await verify('churncut-api', 'http://127.0.0.1:1', '--pact', 'no/such.json');
    expect(res.code).toBe(1);
    expect(res.out).toContain('verification could not run: No pact file at no/such.json');
  });
});
