import request from 'supertest';
import { expect } from 'vitest';
import type { Customer } from '../../../generators/world.ts';
import type { Mock } from '../../../mock/create.ts';
import { expectContract } from '../../helpers/contract.ts';

export const FLOW_ADMIN = '/__admin/churnkey/flow';

/** A monthly Pro customer whose subscription started long ago (built-in targeting applies). */
export function proCustomer(mock: Mock): Customer {
  const c = mock.data.world.customers.find(
    (x) =>
      x.subscription.plan.tier === 'pro' &&
      x.subscription.plan.interval === 'MONTH' &&
      x.subscription.trialEnd === null,
  );
  if (!c) throw new Error('seed has no monthly pro customer');
  return c;
}

/** Points the simulator at an endpoint (or none) through the admin API. */
export async function configure(mock: Mock, change: Record<string, unknown>) {
  const res = await request(mock.app).put(FLOW_ADMIN).send(change);
  await expectContract('setHostedFlowConfig', res);
  return res;
}

/** A page the simulator rendered: session id, steps shown and each step's offer guid. */
export interface OpenedFlow {
  readonly status: number;
  readonly html: string;
  readonly header: string | undefined;
  readonly sessionId: string;
  readonly steps: string[];
  readonly guid: (step: string) => string;
}

/** Opens the hosted page for `customerId` with the URL the admin API gives. */
export async function openFlow(mock: Mock, customerId: string): Promise<OpenedFlow> {
  const link = await request(mock.app).get('/__admin/churnkey/flow-url').query({ customerId });
  await expectContract('getHostedFlowUrl', link);
  expect(link.status).toBe(200);
  const url = new URL(link.body.url);
  const res = await request(mock.app).get(`${url.pathname}${url.search}`);
  const html = res.text;
  const sessionId = /\/churnkey\/flow\/(chs_[A-Za-z0-9_-]+)\/cancel/.exec(html)?.[1] ?? '';
  const steps = [...html.matchAll(/data-step="([^"]+)"/g)].map((m) => m[1] as string);
  const guid = (step: string) =>
    new RegExp(`data-step="${step}">\\s*<input type="hidden" name="offer" value="([^"]+)"`).exec(
      html,
    )?.[1] ?? '';
  return {
    status: res.status,
    html,
    header: res.headers['x-churnmock-customer-data'],
    sessionId,
    steps,
    guid,
  };
}

/** Posts one of the page's forms; expects the 303 to the result page and returns that page. */
export async function act(
  mock: Mock,
  sessionId: string,
  what: 'accept' | 'cancel' | 'abort',
  form: Record<string, string> = {},
) {
  const res = await request(mock.app)
    .post(`/churnkey/flow/${sessionId}/${what}`)
    .type('form')
    .send(form);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/churnkey/flow/${sessionId}`);
  const done = await request(mock.app).get(res.headers.location as string);
  expect(done.status).toBe(200);
  return /data-result="([^"]*)"/.exec(done.text)?.[1];
}

/** The hosted sessions the admin API lists. */
export async function hostedSessions(mock: Mock) {
  const res = await request(mock.app).get('/__admin/churnkey/sessions');
  await expectContract('listHostedSessions', res);
  return res.body.sessions as {
    id: string;
    customerId: string;
    customerData: { status: string; code?: string; reason?: string };
    customerAttributes: Record<string, unknown>;
    finished: { sessionId: string; result: string } | null;
  }[];
}
