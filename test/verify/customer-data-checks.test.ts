import { describe, expect, it } from 'vitest';
import { percentile } from '../../mock/core/stats.ts';
import type { CustomerDataResult } from '../../mock/vendors/churnkey-customer-data/client.ts';
import {
  type CheckStatus,
  judgeCorrect,
  judgeLatency,
  judgeRefused,
  judgeUnknown,
  p95StillPossible,
} from '../../verify/customer-data-checks.ts';

const ID = 'cus_abc123';
const ok = (attributes: Record<string, string | number | boolean>): CustomerDataResult => ({
  ok: true,
  status: 200,
  ms: 5,
  attributes,
  body: { customerAttributes: attributes },
});
const fail = (
  code: Extract<CustomerDataResult, { ok: false }>['code'],
  status?: number,
  body?: unknown,
): CustomerDataResult => ({
  ok: false,
  ms: 5,
  code,
  reason: `because ${code}`,
  ...(status === undefined ? {} : { status }),
  ...(body === undefined ? {} : { body }),
});

const statuses = (checks: { id: string; status: CheckStatus }[]) =>
  Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('judgeCorrect', () => {
  it.each([
    ['a valid body', ok({ plan: 'pro' }), { correct: 'pass', flat: 'pass', sensitive: 'pass' }],
    [
      'a leaked password',
      ok({ password: 'x' }),
      { correct: 'pass', flat: 'pass', sensitive: 'fail' },
    ],
    [
      'nested attributes (one problem, one failing check)',
      fail('not-flat', 200, { customerAttributes: { plan: { a: 1 }, secret: 's' } }),
      { correct: 'pass', flat: 'fail', sensitive: 'fail' },
    ],
    ['a 500', fail('status', 500), { correct: 'fail', flat: 'skip', sensitive: 'skip' }],
    ['a timeout', fail('timeout'), { correct: 'fail', flat: 'skip', sensitive: 'skip' }],
    [
      'an invalid body',
      fail('invalid-body', 200, {}),
      { correct: 'fail', flat: 'skip', sensitive: 'skip' },
    ],
  ] as const)('%s', (_name, r, want) => {
    const checks = judgeCorrect(ID, r);
    expect(statuses(checks)).toEqual({
      'correct-signature': want.correct,
      'attributes-flat': want.flat,
      'no-sensitive-data': want.sensitive,
    });
    for (const c of checks) expect(c).toMatchObject({ customerId: ID, ms: 5 });
  });

  it('hints at the API key when a correct signature is refused', () => {
    const [correct] = judgeCorrect(ID, fail('unauthorized', 401));
    expect(correct?.message).toContain('--api-key');
  });
});

describe('judgeRefused', () => {
  it.each([
    ['forged', fail('unauthorized', 401), 'pass', /401/],
    ['forged', ok({ plan: 'pro' }), 'fail', /ACCEPTED a forged signature.*leaks customer data/],
    ['forged', fail('not-flat', 200), 'fail', /ACCEPTED/],
    ['forged', fail('status', 403), 'fail', /answered 403.*401/],
    ['missing', ok({}), 'fail', /ACCEPTED no signature/],
    ['missing', fail('status', 500), 'fail', /type and length/],
    ['missing', fail('status', 400), 'fail', /answered 400/],
    ['missing', fail('timeout'), 'fail', /expected 401.*because timeout/],
  ] as const)('%s signature, %j → %s', (kind, r, status, message) => {
    const c = judgeRefused(kind, ID, r);
    expect(c.id).toBe(`${kind}-signature`);
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });
});

describe('judgeUnknown (the docs are silent: only breakage fails)', () => {
  it.each([
    ['404', fail('status', 404), 'info', /404/],
    ['an empty 200', ok({}), 'info', /empty customerAttributes/],
    ['a 200 with attributes', ok({ plan: 'free' }), 'info', /1 attributes.*defaults/],
    ['401 with a valid signature', fail('unauthorized', 401), 'info', /401/],
    ['400', fail('status', 400), 'info', /400/],
    ['500', fail('status', 500), 'fail', /must not break/],
    ['a timeout', fail('timeout'), 'fail', /must not break/],
    ['a 200 that breaks the contract', fail('invalid-body', 200), 'fail', /must not break/],
  ] as const)('%s → %s', (_name, r, status, message) => {
    const c = judgeUnknown('cus_churnmock_unknown_x', r);
    expect(c).toMatchObject({ id: 'unknown-customer', status });
    expect(c.message).toMatch(message);
  });
});

describe('percentile (nearest rank) and p95StillPossible', () => {
  const TWENTY = Array.from({ length: 20 }, (_, i) => i + 1);
  it.each([
    [[], 95, null],
    [[7], 95, 7],
    [TWENTY, 95, 19],
    [TWENTY, 50, 10],
    [[1, 3, 5], 100, 5],
    [[1, 3, 5], 0, 1],
    [[1, 3, 5], 150, 5],
  ])('%j p%i → %s', (sorted, p, want) => {
    expect(percentile(sorted, p)).toBe(want);
  });

  it.each([
    [[400], 20, 300, true],
    [[400, 400], 20, 300, false],
    [[400], 5, 300, false],
    [[100, 200], 5, 300, true],
  ])('%j of %i calls, budget %i → still possible %s', (samples, calls, budget, want) => {
    expect(p95StillPossible(samples, calls, budget)).toBe(want);
  });
});

describe('judgeLatency', () => {
  it.each([
    [[10, 20, 30], 3, 300, 'pass', /p95 30 ms over 3 calls, within 300 ms/],
    [[10, 900], 2, 300, 'fail', /p95 900 ms over 2 calls, over 300 ms/],
    [[900, 900], 20, 300, 'fail', /too many slow calls after 2 of 20/],
    [[10, 20], 20, 300, 'fail', /only 2 of 20 calls finished before the run's deadline/],
    [[], 20, 300, 'skip', /no call/],
  ] as const)('%j of %i, budget %i → %s', (samples, calls, budget, status, message) => {
    const c = judgeLatency(samples, calls, budget);
    expect(c).toMatchObject({ id: 'latency-p95', customerId: null, status });
    expect(c.message).toMatch(message);
  });
});
