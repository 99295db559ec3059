import { afterAll, describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../examples/customer-data-endpoint/app.ts';
import type { CheckId, CheckStatus } from '../../verify/customer-data-checks.ts';
import {
  type CustomerDataReport,
  checkCustomerDataEndpoint,
} from '../../verify/customer-data-run.ts';
import {
  API_KEY,
  BROKEN,
  broken,
  closeAll,
  listen,
  slow,
} from '../vendors/churnkey-customer-data/endpoints.ts';

afterAll(closeAll);

const run = (url: string, extra: Partial<Parameters<typeof checkCustomerDataEndpoint>[0]> = {}) =>
  checkCustomerDataEndpoint({
    url,
    apiKey: API_KEY,
    customerIds: ['cus_abc123'],
    budgetMs: 300,
    timeoutMs: 3_000,
    calls: 10,
    unknownCustomerId: 'cus_churnmock_unknown_test',
    ...extra,
  });

const failing = (r: CustomerDataReport) => r.checks.filter((c) => c.status === 'fail');
const statusOf = (r: CustomerDataReport, id: CheckId): CheckStatus[] =>
  r.checks.filter((c) => c.id === id).map((c) => c.status);

describe('checkCustomerDataEndpoint against the reference endpoint', () => {
  it('passes every check and reports the unknown customer as a 404', async () => {
    const url = await listen(createReferenceEndpoint({ apiKey: API_KEY }));
    const r = await run(url, { customerIds: ['cus_abc123', 'cus_demo_support'], calls: 20 });
    expect(failing(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.summary).toEqual({ pass: 11, fail: 0, info: 1, skip: 0 });
    expect(r.checks.find((c) => c.id === 'unknown-customer')).toMatchObject({
      customerId: 'cus_churnmock_unknown_test',
      status: 'info',
      httpStatus: 404,
    });
    expect(r.latency.samples).toBe(20);
    expect(r.deadlineReached).toBe(false);
  });

  it('fails correct-signature when the key is not the endpoint’s', async () => {
    const url = await listen(createReferenceEndpoint({ apiKey: API_KEY }));
    const r = await run(url, { apiKey: 'ck_wrong' });
    expect(failing(r).map((c) => c.id)).toEqual(['correct-signature']);
    expect(statusOf(r, 'attributes-flat')).toEqual(['skip']);
  });
});

describe('checkCustomerDataEndpoint against broken endpoints fails for the right reason', () => {
  it.each([
    [
      'accepts forged signatures',
      BROKEN.acceptsForged,
      ['forged-signature', 'missing-signature'],
      /leaks customer data to anyone who guesses its URL/,
    ],
    [
      'returns nested attributes',
      BROKEN.nested,
      ['attributes-flat'],
      /plan is an object, tags is an array/,
    ],
    [
      'leaks a password and a card number',
      BROKEN.leaksPassword,
      ['no-sensitive-data'],
      /password: the name.*billingNote: the value looks like a card number/,
    ],
    [
      "runs the docs' unguarded snippet",
      BROKEN.unguarded,
      ['missing-signature'],
      /answered 500 instead of 401/,
    ],
  ])('an endpoint that %s', async (_name, behaviour, ids, message) => {
    const url = await listen(broken(behaviour as NonNullable<typeof behaviour>));
    const r = await run(url);
    expect(r.ok).toBe(false);
    expect(failing(r).map((c) => c.id)).toEqual(ids);
    expect(failing(r)[0]?.message).toMatch(message);
  });

  it('a slow endpoint fails latency-p95 only, and the run stops measuring once it is decided', async () => {
    const url = await listen(broken(slow(150)));
    const r = await run(url, { budgetMs: 50, calls: 20 });
    expect(failing(r).map((c) => c.id)).toEqual(['latency-p95']);
    expect(failing(r)[0]?.message).toMatch(/p95 over 50 ms: too many slow calls after 2 of 20/);
    expect(r.latency.samples).toBe(2);
  });

  it('an endpoint that never answers fails every call by timeout, within the deadline', async () => {
    const url = await listen(broken(BROKEN.silent as NonNullable<typeof BROKEN.silent>));
    const r = await run(url, { timeoutMs: 400, deadlineMs: 1_000, calls: 20 });
    expect(failing(r).map((c) => c.id)).toEqual([
      'correct-signature',
      'forged-signature',
      'missing-signature',
      'unknown-customer',
      'latency-p95',
    ]);
    expect(failing(r)[0]?.message).toMatch(/no answer within 400 ms/);
    // 400 ms for the first calls, then the deadline cuts the latency calls short.
    expect(r.deadlineReached).toBe(true);
    expect(r.durationMs).toBeLessThan(3_000);
  });

  it('a closed port fails correct-signature as a network error, without latency samples', async () => {
    const r = await run('http://127.0.0.1:9/churnkey/customer-data', { calls: 5 });
    expect(failing(r)[0]).toMatchObject({ id: 'correct-signature' });
    expect(failing(r)[0]?.message).toMatch(/could not reach/);
    expect(statusOf(r, 'latency-p95')).toEqual(['skip']);
  });
});
