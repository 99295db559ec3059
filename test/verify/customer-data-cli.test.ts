import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../examples/customer-data-endpoint/app.ts';
import { CHECK_IDS } from '../../verify/customer-data-checks.ts';
import type { CustomerDataReport } from '../../verify/customer-data-run.ts';
import { runCli } from '../helpers/cli.ts';
import {
  API_KEY,
  BROKEN,
  broken,
  closeAll,
  listen,
  slow,
} from '../vendors/churnkey-customer-data/endpoints.ts';

let reference: string;
beforeAll(async () => {
  reference = await listen(createReferenceEndpoint({ apiKey: API_KEY }));
});
afterAll(closeAll);

const verify = (url: string, ...flags: string[]) =>
  runCli(['verify', 'customer-data', '--url', url, '--api-key', API_KEY, ...flags]);
const report = (stdout: string) => JSON.parse(stdout) as CustomerDataReport;
const failed = (r: CustomerDataReport) =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('churnmock verify customer-data', () => {
  it('passes against the reference endpoint: exit 0 and an aligned PASS/INFO table', async () => {
    const { code, stdout } = await verify(reference, '--customer-id', 'cus_demo_starter');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((l) => /^(PASS|FAIL|INFO|SKIP) /.test(l));
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => r.split(/\s{2,}/)[1])).toEqual([
      'correct-signature',
      'attributes-flat',
      'no-sensitive-data',
      'forged-signature',
      'missing-signature',
      'unknown-customer',
      'latency-p95',
    ]);
    // Plain aligned columns: every row's customer cell starts under CUSTOMER.
    const header = stdout.split('\n').find((l) => l.startsWith('STATUS ')) ?? '';
    const col = header.indexOf('CUSTOMER');
    for (const row of rows) expect(row.slice(col - 1, col + 4)).toMatch(/^ (cus_|- )/);
    expect(rows.filter((r) => r.startsWith('INFO'))).toHaveLength(1);
    expect(stdout).toMatch(/^PASS: 6 passed, 0 failed, 1 info, 0 skipped in \d+ ms$/m);
  });

  it('--json prints the documented report shape', async () => {
    const { code, stdout } = await verify(reference, '--json', '--calls', '40');
    expect(code).toBe(0);
    const r = report(stdout);
    expect(Object.keys(r)).toEqual([
      'ok',
      'url',
      'customerIds',
      'unknownCustomerId',
      'budgetMs',
      'timeoutMs',
      'calls',
      'durationMs',
      'deadlineReached',
      'latency',
      'checks',
      'summary',
    ]);
    expect(r).toMatchObject({
      ok: true,
      url: reference,
      customerIds: ['cus_abc123'],
      budgetMs: 300,
      timeoutMs: 3000,
      calls: 40,
      deadlineReached: false,
      latency: { samples: 40 },
      summary: { pass: 6, fail: 0, info: 1, skip: 0 },
    });
    expect(r.unknownCustomerId).toMatch(/^cus_churnmock_unknown_[0-9a-f]{12}$/);
    for (const c of r.checks) {
      expect(Object.keys(c)).toEqual(['id', 'customerId', 'status', 'message', 'httpStatus', 'ms']);
      expect(CHECK_IDS).toContain(c.id);
    }
  });

  it('exits 1 and says so loudly when the endpoint accepts a forged signature', async () => {
    const { code, stdout } = await verify(await listen(broken(BROKEN.acceptsForged ?? (() => {}))));
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL\s+forged-signature\s+cus_abc123\s+200 .*ACCEPTED a forged signature/m,
    );
    expect(stdout).toMatch(/^FAIL: /m);
  });

  it('--latency-budget and --calls: a slow endpoint fails latency-p95', async () => {
    const url = await listen(broken(slow(120)));
    const { code, stdout } = await verify(url, '--json', '--latency-budget', '40', '--calls', '5');
    expect(code).toBe(1);
    const r = report(stdout);
    expect(failed(r)).toEqual(['latency-p95']);
    expect(r).toMatchObject({ budgetMs: 40, calls: 5 });
  });

  it('finishes within ~30 s against an endpoint that never answers', {
    timeout: 60_000,
  }, async () => {
    const url = await listen(broken(BROKEN.silent ?? (() => {})));
    const { code, stdout } = await verify(url, '--json');
    expect(code).toBe(1);
    const r = report(stdout);
    expect(failed(r)).toEqual([
      'correct-signature',
      'forged-signature',
      'missing-signature',
      'unknown-customer',
      'latency-p95',
    ]);
    expect(r.checks[0]?.message).toMatch(/no answer within 3000 ms/);
    expect(r.durationMs).toBeLessThan(30_000);
  });

  it.each([
    [['--url', 'ftp://x', '--api-key', 'k'], /url must be an http\(s\) URL/],
    [['--url', 'http://127.0.0.1:9/x'], /--api-key <key>.*not specified/],
    [
      ['--url', 'http://127.0.0.1:9/x', '--api-key', 'k', '--calls', '0'],
      /calls must be an integer/,
    ],
    [
      ['--url', 'http://127.0.0.1:9/x', '--api-key', 'k', '--latency-budget', 'x'],
      /latency-budget must be an integer/,
    ],
    [
      ['--url', 'http://127.0.0.1:9/x', '--api-key', 'k', '--timeout', '1e3'],
      /timeout must be an integer/,
    ],
  ])('rejects %j: exit 2, the message and a hint', async (args, message) => {
    const { code, stderr } = await runCli(['verify', 'customer-data', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('(run "churnmock verify customer-data --help" for usage)');
    expect(stderr).not.toContain('Usage:');
  });
});
