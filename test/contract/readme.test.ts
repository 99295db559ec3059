import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/index.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../helpers/mock.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const OPERATIONS: Record<string, string> = {
  'GET /v1/data/sessions': 'listSessions',
  'GET /v1/data/session-aggregation': 'aggregateSessions',
  'POST /v1/data/dsr/access': 'dsrAccess',
  'POST /v1/data/dsr/delete': 'dsrDelete',
  'GET /v1/customers': 'listCustomers',
  'GET /v1/customers/cus_abc123': 'getCustomer',
  'POST /v1/cancellation-flows': 'createCancellationFlow',
  'GET /v1/cancellation-flows/flow_123456': 'getCancellationFlow',
  'GET /v1/analytics/churn': 'getChurnAnalytics',
  'GET /v1/analytics/retention': 'getRetentionAnalytics',
  'POST /__admin/webhooks': 'addWebhook',
  'GET /__admin/webhooks/deliveries': 'listWebhookDeliveries',
  'GET /experimental/reports/subscription-cancellation': 'GetSubscriptionCancellationReport',
  'GET /organizations/org_churnmock/experimental/reports/subscription-cancellation':
    'GetOrganizationSubscriptionCancellationReport',
  'GET /reports/subscription-cancellation': 'GetStableSubscriptionCancellationReport',
  'GET /__admin/churnkey/flow-url': 'getHostedFlowUrl',
  'GET /__admin/churnkey/flow': 'getHostedFlowConfig',
  'PUT /__admin/churnkey/flow': 'setHostedFlowConfig',
  'GET /__admin/churnkey/sessions': 'listHostedSessions',
};
/** Calls that create something answer 201. */
const CREATED = new Set(['POST /v1/cancellation-flows']);

/** Splits a shell line into words, honouring single quotes (all the README uses). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

interface Call {
  line: string;
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

function parseCurl(line: string): Call {
  const w = words(
    line.replace('$CK', '-H x-ck-api-key:data_test_churnmock -H x-ck-app:app_churnmock'),
  );
  const headers: Record<string, string> = {};
  let method = 'GET';
  let body: string | undefined;
  let url = '';
  for (let i = 1; i < w.length; i++) {
    const word = w[i] as string;
    if (word === '-H') {
      const [k, ...v] = (w[++i] ?? '').split(':');
      headers[(k ?? '').trim().toLowerCase()] = v.join(':').trim();
    } else if (word === '-X') method = w[++i] ?? 'GET';
    else if (word === '-d') {
      body = w[++i];
      if (method === 'GET') method = 'POST';
    } else if (!word.startsWith('-')) url = word;
  }
  return { line, method, url: new URL(url), headers, body };
}

const calls = README.split('\n')
  .filter((l) => l.startsWith('curl '))
  .map(parseCurl);

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

describe('README examples', () => {
  it('has an example for every API operation', () => {
    const covered = new Set(calls.map((c) => `${c.method} ${c.url.pathname}`));
    for (const op of Object.keys(OPERATIONS)) expect(covered).toContain(op);
    expect(calls.some((c) => c.headers['x-ck-api-key'] === CK_HEADERS['x-ck-api-key'])).toBe(true);
  });

  it.each(calls.map((c) => [c.line, c]))('%s', async (_line, call) => {
    const c = call as Call;
    const path = c.url.pathname + c.url.search;
    const req =
      c.method === 'POST'
        ? request(mock.app).post(path)
        : c.method === 'PUT'
          ? request(mock.app).put(path)
          : request(mock.app).get(path);
    req.set(c.headers);
    const res = await (c.body === undefined ? req : req.send(c.body));
    expect(res.status).toBe(CREATED.has(`${c.method} ${c.url.pathname}`) ? 201 : 200);
    const body = res.body as unknown;
    if (Array.isArray(body)) expect(body.length).toBeGreaterThan(0);
    else expect(Object.keys(body as object).length).toBeGreaterThan(0);
    // The DSR examples name real seeded people: they must find someone.
    const dsr = body as { counts?: { events: number }; deletedCounts?: { events: number } };
    if (c.url.pathname.startsWith('/v1/data/dsr/'))
      expect((dsr.deletedCounts ?? dsr.counts)?.events).toBeGreaterThan(0);
    const op = OPERATIONS[`${c.method} ${c.url.pathname}`];
    if (op) await expectContract(op, res);
  });
});
