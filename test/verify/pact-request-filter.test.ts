import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { PactFile, PactInteraction } from '../../verify/pact-file.ts';
import { headerRules, parseHeaderOption, requestFilter } from '../../verify/pact-request-filter.ts';

const interaction = (status: number, headers: Record<string, string[]>): PactInteraction => ({
  description: `answers ${status}`,
  request: { method: 'GET', path: '/v1/customers', headers },
  response: { status },
});
const DEMO = 'Bearer cc_test_churnmock';
const PACT: PactFile = {
  consumer: { name: 'retention-app' },
  provider: { name: 'churncut-api' },
  interactions: [
    interaction(200, { Authorization: [DEMO] }),
    interaction(404, { authorization: [DEMO] }),
    interaction(401, {}),
    interaction(401, { Authorization: ['Bearer cc_test_wrong'] }),
  ],
};

/** Runs the filter over a request with these headers (and body); returns what goes on. */
function filtered(
  headers: Record<string, string>,
  options: string[],
  rewrite: Parameters<typeof requestFilter>[1] = null,
  body?: unknown,
  path = '/v1/customers',
) {
  const req = { path, headers: { ...headers }, body } as unknown as Request;
  let passed = false;
  requestFilter(headerRules([PACT], options.map(parseHeaderOption)), rewrite)(
    req,
    {} as Response,
    (() => {
      passed = true;
    }) as NextFunction,
  );
  expect(passed).toBe(true);
  return req;
}

describe('parseHeaderOption', () => {
  it.each([
    ['Authorization: Bearer live', { name: 'Authorization', value: 'Bearer live' }],
    ['x-ck-app:app_live', { name: 'x-ck-app', value: 'app_live' }],
    ['X-Tenant:  a:b ', { name: 'X-Tenant', value: 'a:b' }],
  ])('%j', (text, parsed) => {
    expect(parseHeaderOption(text)).toEqual(parsed);
  });

  it.each(['nocolon', ': value', 'bad name: v'])('%j is refused', (text) => {
    expect(() => parseHeaderOption(text)).toThrow(/must look like 'Name: value'/);
  });
});

describe('requestFilter', () => {
  const LIVE = 'Authorization: Bearer cc_live';
  it.each([
    ['the demo credential is swapped', { authorization: DEMO }, [LIVE], 'Bearer cc_live'],
    [
      'a wrong credential stays wrong',
      { authorization: 'Bearer cc_test_wrong' },
      [LIVE],
      'Bearer cc_test_wrong',
    ],
    ['a missing credential stays missing', {}, [LIVE], undefined],
    ['no option, nothing changes', { authorization: DEMO }, [], DEMO],
  ])('%s', (_name, headers, options, authorization) => {
    expect(filtered(headers, options).headers.authorization).toBe(authorization);
  });

  it('a header no pact sends is added to every request', () => {
    expect(filtered({}, ['X-Tenant: t1']).headers['x-tenant']).toBe('t1');
    expect(filtered({ authorization: DEMO }, ['X-Tenant: t1']).headers['x-tenant']).toBe('t1');
  });

  it("rewrites JSON bodies and their length, but not the proxy's state calls", () => {
    const sign = (b: Readonly<Record<string, unknown>>) => ({ ...b, signature: 'ab'.repeat(40) });
    const req = filtered({ 'content-length': '10' }, [], sign, { customerId: 'cus_1' });
    expect(req.body).toEqual({ customerId: 'cus_1', signature: 'ab'.repeat(40) });
    expect(req.headers['content-length']).toBe(String(JSON.stringify(req.body).length));
    const state = filtered({}, [LIVE], sign, { state: 's' }, '/_pactSetup');
    expect(state.body).toEqual({ state: 's' });
  });

  it('a rewrite that returns null leaves the body alone', () => {
    const req = filtered({ 'content-length': '20' }, [], () => null, { customerId: 'cus_1' });
    expect(req.body).toEqual({ customerId: 'cus_1' });
    expect(req.headers['content-length']).toBe('20');
  });
});
