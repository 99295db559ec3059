import { randomBytes } from 'node:crypto';
import { percentile } from '../mock/core/stats.ts';
import {
  type CustomerDataCall,
  type CustomerDataResult,
  callCustomerDataEndpoint,
} from '../mock/vendors/churnkey-customer-data/client.ts';
import { signCustomerId } from '../mock/vendors/churnkey-customer-data/signature.ts';
import {
  type Check,
  type CheckStatus,
  judgeCorrect,
  judgeLatency,
  judgeRefused,
  judgeUnknown,
  p95StillPossible,
} from './customer-data-checks.ts';

/** The Customer Data Endpoint docs' example customer, the default without --customer-id. */
export const DEFAULT_CUSTOMER_ID = 'cus_abc123';
export const DEFAULT_BUDGET_MS = 300;
/** Like the hosted-flow simulator: an endpoint not answering by then gives no attributes. */
export const DEFAULT_TIMEOUT_MS = 3_000;
export const DEFAULT_CALLS = 20;
/** Every call of a run ends by then, whatever the endpoint does (the run stays under ~30 s). */
export const DEFAULT_DEADLINE_MS = 25_000;

export interface CustomerDataCheckOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly customerIds: readonly string[];
  readonly budgetMs: number;
  readonly timeoutMs: number;
  /** Sequential correctly signed calls the p95 is measured over. */
  readonly calls: number;
  readonly deadlineMs?: number;
  /** Defaults to a fresh `cus_churnmock_unknown_<hex>`, so the endpoint cannot know it. */
  readonly unknownCustomerId?: string;
  readonly fetchImpl?: typeof fetch;
}

export interface CustomerDataReport {
  readonly ok: boolean;
  readonly url: string;
  readonly customerIds: readonly string[];
  readonly unknownCustomerId: string;
  readonly budgetMs: number;
  readonly timeoutMs: number;
  readonly calls: number;
  readonly durationMs: number;
  readonly deadlineReached: boolean;
  readonly latency: {
    readonly samples: number;
    readonly p50Ms: number | null;
    readonly p95Ms: number | null;
    readonly maxMs: number | null;
  };
  readonly checks: readonly Check[];
  readonly summary: Readonly<Record<CheckStatus, number>>;
}

/**
 * Plays Churnkey against an endpoint: for each customer id a correct, a forged and an unsigned
 * call (at once), one call for an unknown customer, then sequential calls for the p95. Every
 * call's timeout is cut to what is left of the deadline, so the run is bounded.
 */
export async function checkCustomerDataEndpoint(
  o: CustomerDataCheckOptions,
): Promise<CustomerDataReport> {
  const started = performance.now();
  const deadline = started + (o.deadlineMs ?? DEFAULT_DEADLINE_MS);
  let deadlineReached = false;
  const unknownCustomerId =
    o.unknownCustomerId ?? `cus_churnmock_unknown_${randomBytes(6).toString('hex')}`;

  const deadlineText = `the run's ${o.deadlineMs ?? DEFAULT_DEADLINE_MS} ms deadline`;
  /** One call, its timeout cut to what is left of the deadline; null once nothing is left. */
  const attempt = async (
    customerId: string,
    signature?: string | null,
  ): Promise<CustomerDataResult | null> => {
    const left = Math.floor(deadline - performance.now());
    if (left <= 0) {
      deadlineReached = true;
      return null;
    }
    const c: CustomerDataCall = {
      url: o.url,
      apiKey: o.apiKey,
      customerId,
      timeoutMs: Math.min(o.timeoutMs, left),
      ...(signature === undefined ? {} : { signature }),
      ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
    };
    const r = await callCustomerDataEndpoint(c);
    if (r.ok || r.code !== 'timeout' || left >= o.timeoutMs) return r;
    deadlineReached = true;
    return { ...r, reason: `${r.reason} (cut short by ${deadlineText})` };
  };
  const call = async (customerId: string, signature?: string | null) =>
    (await attempt(customerId, signature)) ??
    ({
      ok: false,
      ms: 0,
      code: 'timeout',
      reason: `not called: ${deadlineText} was reached`,
    } as const);

  const checks: Check[] = [];
  for (const [i, id] of o.customerIds.entries()) {
    // A signature of the right shape under another key: only a real check refuses it.
    const forged = signCustomerId(id, `churnmock-forged:${o.apiKey}`);
    const [good, bad, none, unknown] = await Promise.all([
      call(id),
      call(id, forged),
      call(id, null),
      i === 0 ? call(unknownCustomerId) : null,
    ]);
    checks.push(
      ...judgeCorrect(id, good),
      judgeRefused('forged', id, bad),
      judgeRefused('missing', id, none),
    );
    if (unknown) checks.push(judgeUnknown(unknownCustomerId, unknown));
  }

  const samples: number[] = [];
  const first = o.customerIds[0] ?? '';
  while (samples.length < o.calls && p95StillPossible(samples, o.calls, o.budgetMs)) {
    const r = await attempt(first);
    // A refused connection says nothing about speed; correct-signature reports it.
    if (!r || (!r.ok && r.code === 'network')) break;
    samples.push(r.ms);
  }
  checks.push(judgeLatency(samples, o.calls, o.budgetMs));
  const sorted = [...samples].sort((a, b) => a - b);

  const summary = { pass: 0, fail: 0, info: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    ok: summary.fail === 0,
    url: o.url,
    customerIds: o.customerIds,
    unknownCustomerId,
    budgetMs: o.budgetMs,
    timeoutMs: o.timeoutMs,
    calls: o.calls,
    durationMs: Math.round(performance.now() - started),
    deadlineReached,
    latency: {
      samples: samples.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      maxMs: sorted.at(-1) ?? null,
    },
    checks,
    summary,
  };
}
