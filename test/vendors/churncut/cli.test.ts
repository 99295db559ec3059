import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../../mock/core/crypto.ts';
import { DOCUMENTED_RATE_LIMIT } from '../../../mock/vendors/churncut/options.ts';
import { closeServed, serveInProcess } from '../../helpers/cli.ts';
import { expectContract } from '../../helpers/contract.ts';
import { until } from '../../helpers/wait.ts';
import {
  closeReceivers,
  type Received,
  type Receiver,
  startReceiver,
} from '../../helpers/webhook-receiver.ts';
import { CC_AUTH, CUSTOMERS, FLOWS } from './helpers.ts';

afterAll(async () => {
  await closeServed();
  await closeReceivers();
});

/** fetch + JSON body, checked against the contract. */
async function call(operationId: string, url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, checked by the contract
  const body = (await res.json()) as { success: boolean; data: any; error?: { code: string } };
  await expectContract(operationId, { status: res.status, body });
  return { status: res.status, headers: res.headers, body };
}

/** Starts a flow for the first active customer through the served API. */
async function startFlow(base: string) {
  const auth = { ...CC_AUTH };
  const list = await call('listCustomers', `${base}${CUSTOMERS}?status=active&limit=1`, {
    headers: auth,
  });
  const id = list.body.data.customers[0].id as string;
  const detail = await call('getCustomer', `${base}${CUSTOMERS}/${id}`, { headers: auth });
  const created = await call('createCancellationFlow', `${base}${FLOWS}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: id,
      subscription_id: detail.body.data.subscription.id,
      reason: 'too_expensive',
      redirect_url: 'https://your-app.com/cancelled',
    }),
  });
  expect(created.status).toBe(201);
  return { customerId: id, flowId: created.body.data.flow_id as string };
}

/** `n` GET /v1/customers?limit=1 with the demo key, 16 at a time; every body checked. */
async function burst(base: string, n: number) {
  const out: { status: number; remaining: string | null; limit: string | null }[] = [];
  let left = n;
  const worker = async () => {
    while (left-- > 0) {
      const r = await call('listCustomers', `${base}${CUSTOMERS}?limit=1`, { headers: CC_AUTH });
      out.push({
        status: r.status,
        remaining: r.headers.get('x-ratelimit-remaining'),
        limit: r.headers.get('x-ratelimit-limit'),
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

const LIMIT = DOCUMENTED_RATE_LIMIT;
/** Any free port; a small world, so the server starts quickly. */
const SMALL = ['--port', '0', '--scale', '0.1'];

// A: the first attempt hangs (the 500 ms timeout fires), the retry succeeds.
// B: answers 503 to every attempt, so delivery gives up after --webhook-max-attempts 2.
// C: a plain receiver for the server configured through the environment.
let receivers: Record<'a' | 'b' | 'c', Receiver>;
let withFlags: string;
let withEnv: string;

// Both servers start in this process, one after the other: `serveInProcess` sets the
// environment for its run, so runs with an `env` must not overlap.
beforeAll(async () => {
  receivers = {
    a: await startReceiver({ answers: ['hang'] }),
    b: await startReceiver({ answers: [503, 503, 503] }),
    c: await startReceiver(),
  };
  withFlags = (
    await serveInProcess([
      ...SMALL,
      '--webhook-url',
      receivers.a.url,
      '--webhook-url',
      receivers.b.url,
      '--no-rate-limit',
      '--webhook-max-attempts',
      '2',
      '--webhook-backoff-ms',
      '50',
      '--webhook-timeout-ms',
      '500',
      '--cc-webhook-secret',
      'whsec_cli',
    ])
  ).url;
  withEnv = (
    await serveInProcess([...SMALL, '--webhook-url', receivers.c.url], {
      CHURNMOCK_CC_WEBHOOK_SECRET: 'whsec_env',
    })
  ).url;
});

describe('serve: ChurnCut flags', () => {
  it('--webhook-url ×2, retries, timeout and --cc-webhook-secret; --no-rate-limit keeps headers, never 429', async () => {
    const { a, b } = receivers;
    const url = withFlags;
    const { customerId, flowId } = await startFlow(url);

    await until(() => a.requests.length >= 2 && b.requests.length >= 2);
    for (const r of [a, b]) {
      for (const hit of r.requests) {
        const event = JSON.parse(hit.raw.toString('utf8'));
        expect(event).toMatchObject({
          event: 'cancellation.started',
          data: { customer_id: customerId, flow_id: flowId, offer: null },
        });
        expect(hit.headers['x-churncut-signature']).toBe(hmacHex('whsec_cli', hit.raw));
        expect(hit.headers['x-churncut-signature']).not.toBe(hmacHex('whsec_churnmock', hit.raw));
        expect(hit.headers['x-churncut-delivery']).toBe(
          r.requests[0]?.headers['x-churncut-delivery'],
        );
      }
    }
    const [a1, a2] = a.requests as [Received, Received];
    const [b1, b2] = b.requests as [Received, Received];
    // The retry follows the 500 ms timeout and the 50 ms backoff: well before the 5 s default
    // timeout (plus 1 s default backoff) would allow it.
    expect(a2.at - a1.at).toBeLessThan(4_000);
    // 50 ms backoff, not the 1 s default.
    expect(b2.at - b1.at).toBeLessThan(900);

    type Delivery = {
      url: string;
      event: string;
      status: string;
      attempts: number;
      history: { status_code: number | null; error: string | null }[];
    };
    const deliveries = async () => {
      const res = await fetch(`${url}/__admin/webhooks/deliveries`);
      const body = (await res.json()) as { deliveries: Delivery[] };
      await expectContract('listWebhookDeliveries', { status: res.status, body });
      return body.deliveries;
    };
    // The log records an attempt once its answer is in, a moment after the receiver saw it.
    let log = await deliveries();
    for (let i = 0; i < 100 && log.some((d) => d.status === 'pending'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      log = await deliveries();
    }
    expect(log.length).toBe(2);
    const byUrl = new Map(log.map((d) => [d.url, d]));
    expect(byUrl.get(a.url)).toMatchObject({
      event: 'cancellation.started',
      status: 'delivered',
      attempts: 2,
      history: [
        { status_code: null, error: 'timeout' },
        { status_code: 200, error: null },
      ],
    });
    expect(byUrl.get(b.url)).toMatchObject({
      event: 'cancellation.started',
      status: 'failed',
      attempts: 2,
      history: [{ status_code: 503 }, { status_code: 503 }],
    });
    // No third attempt after giving up.
    await new Promise((r) => setTimeout(r, 200));
    expect(b.requests.length).toBe(2);

    // Three requests so far (list, detail, POST); LIMIT more go 3 past the limit, none refused.
    const got = await burst(url, LIMIT);
    expect(got.filter((r) => r.status !== 200)).toEqual([]);
    expect(got.every((r) => r.limit === String(LIMIT) && r.remaining !== null)).toBe(true);
    // Requests 1000 to 1003 all show 0 remaining.
    expect(got.filter((r) => r.remaining === '0').length).toBe(4);
  });

  it('without --no-rate-limit request 1001 is a 429; CHURNMOCK_CC_WEBHOOK_SECRET signs webhooks', async () => {
    const { c } = receivers;
    const url = withEnv;
    const { flowId } = await startFlow(url);
    const [hit] = (await c.waitFor(1)) as [Received];
    expect(JSON.parse(hit.raw.toString('utf8'))).toMatchObject({
      event: 'cancellation.started',
      data: { flow_id: flowId },
    });
    expect(hit.headers['x-churncut-signature']).toBe(hmacHex('whsec_env', hit.raw));

    // Three requests so far; LIMIT - 3 more reach the limit exactly, all allowed.
    const got = await burst(url, LIMIT - 3);
    expect(got.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(got.map((r) => r.remaining))).toEqual(
      new Set(Array.from({ length: LIMIT - 3 }, (_, i) => String(i))),
    );
    const over = await call('listCustomers', `${url}${CUSTOMERS}?limit=1`, { headers: CC_AUTH });
    expect(over.status).toBe(429);
    expect(over.body.error?.code).toBe('rate_limit_exceeded');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
