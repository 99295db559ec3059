import { percentile } from '../mock/core/stats.ts';
import type { CustomerDataResult } from '../mock/vendors/churnkey-customer-data/client.ts';
import { findSensitive } from '../mock/vendors/churnkey-customer-data/sensitive.ts';

/** What became of one check. `info` reports without judging; `skip` could not run. */
export type CheckStatus = 'pass' | 'fail' | 'info' | 'skip';

/** The checks of `churnmock verify customer-data`; the ids are stable (JSON output, tests). */
export const CHECK_IDS = [
  'correct-signature',
  'attributes-flat',
  'no-sensitive-data',
  'forged-signature',
  'missing-signature',
  'latency-p95',
  'unknown-customer',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface Check {
  readonly id: CheckId;
  /** The customer id the call was for; null for checks over several calls. */
  readonly customerId: string | null;
  readonly status: CheckStatus;
  readonly message: string;
  readonly httpStatus: number | null;
  readonly ms: number | null;
}

const check = (
  id: CheckId,
  customerId: string | null,
  status: CheckStatus,
  message: string,
  r?: CustomerDataResult,
): Check => ({ id, customerId, status, message, httpStatus: r?.status ?? null, ms: r?.ms ?? null });

/** A correctly signed call: 200 with a contract-valid body, flat attributes, nothing sensitive. */
export function judgeCorrect(customerId: string, r: CustomerDataResult): Check[] {
  const at = (id: CheckId, status: CheckStatus, message: string) =>
    check(id, customerId, status, message, r);
  if (!r.ok && r.code !== 'not-flat') {
    const hint =
      r.code === 'unauthorized' ? ' (is --api-key the key the endpoint checks with?)' : '';
    return [
      at(
        'correct-signature',
        'fail',
        `a correctly signed request got no attributes: ${r.reason}${hint}`,
      ),
      at('attributes-flat', 'skip', 'no attributes to check'),
      at('no-sensitive-data', 'skip', 'no attributes to check'),
    ];
  }
  const attributes = r.ok
    ? r.attributes
    : ((r.body as { customerAttributes: Record<string, unknown> }).customerAttributes ?? {});
  const count = Object.keys(attributes).length;
  const sensitive = findSensitive(attributes);
  return [
    r.ok
      ? at(
          'correct-signature',
          'pass',
          `200 with a body valid against the contract (${count} attributes)`,
        )
      : at(
          'correct-signature',
          'pass',
          '200; the body matches the contract but for flatness (attributes-flat)',
        ),
    r.ok
      ? at('attributes-flat', 'pass', 'every value is a string, a number or a boolean')
      : at('attributes-flat', 'fail', `${r.reason}; Churnkey drops the whole answer`),
    sensitive.length
      ? at(
          'no-sensitive-data',
          'fail',
          `the customer can read every attribute (Churnkey docs, Customer Data Endpoint): ${sensitive.map((s) => s.message).join('; ')}`,
        )
      : at('no-sensitive-data', 'pass', `no sensitive-looking key or value in ${count} attributes`),
  ];
}

/** A forged or missing signature must be refused with a 401 (Churnkey's docs on the endpoint). */
export function judgeRefused(
  kind: 'forged' | 'missing',
  customerId: string,
  r: CustomerDataResult,
): Check {
  const id: CheckId = kind === 'forged' ? 'forged-signature' : 'missing-signature';
  const what = kind === 'forged' ? 'a forged signature' : 'no signature';
  const at = (status: CheckStatus, message: string) => check(id, customerId, status, message, r);
  if (!r.ok && r.code === 'unauthorized') return at('pass', `401 for ${what}`);
  if (r.status === 200)
    return at(
      'fail',
      `ACCEPTED ${what} (200): the endpoint leaks customer data to anyone who guesses its URL. ` +
        'Check the signature (hex HMAC-SHA256 of customerId keyed with your Churnkey API key) and answer 401',
    );
  if (r.ok) return at('fail', `answered ${r.status} for ${what}; the Churnkey docs say 401`);
  if (r.code === 'status' && kind === 'missing' && (r.status ?? 0) >= 500)
    return at(
      'fail',
      `answered ${r.status} instead of 401 (the Churnkey docs' snippet throws on a missing signature: check its type and length before timingSafeEqual)`,
    );
  if (r.code === 'status')
    return at('fail', `answered ${r.status} for ${what}; the Churnkey docs say 401`);
  return at('fail', `expected 401 for ${what}: ${r.reason}`);
}

/**
 * A correctly signed call for a customer that cannot exist. Churnkey's docs are silent, so 404,
 * an empty 200 or another 4xx is only reported; an error, no answer or a body that breaks the
 * contract fails (docs/decisions/004-customer-data-endpoint.md).
 */
export function judgeUnknown(customerId: string, r: CustomerDataResult): Check {
  const at = (status: CheckStatus, message: string) =>
    check('unknown-customer', customerId, status, message, r);
  if (r.ok) {
    const n = Object.keys(r.attributes).length;
    return n === 0
      ? at('info', '200 with empty customerAttributes: Churnkey carries on without attributes')
      : at(
          'info',
          `200 with ${n} attributes for a customer that does not exist: are they defaults?`,
        );
  }
  const status = r.status ?? 0;
  if (r.code === 'status' && status === 404)
    return at('info', '404: Churnkey carries on without attributes');
  if (r.code === 'unauthorized')
    return at('info', '401 although the signature is valid: a 404 or an empty 200 says more');
  if (r.code === 'status' && status >= 400 && status < 500)
    return at('info', `${status}: Churnkey carries on without attributes`);
  return at('fail', `an unknown customer must not break the endpoint: ${r.reason}`);
}

/** Whether `calls` samples can still have a p95 within the budget, given those so far. */
export function p95StillPossible(samples: readonly number[], calls: number, budgetMs: number) {
  const over = samples.filter((ms) => ms > budgetMs).length;
  return over <= calls - Math.ceil(0.95 * calls);
}

/** p95 of the latency calls against the budget; stopped early when it could no longer pass. */
export function judgeLatency(samples: readonly number[], calls: number, budgetMs: number): Check {
  const p95 = percentile(
    [...samples].sort((a, b) => a - b),
    95,
  );
  const at = (status: CheckStatus, message: string): Check => ({
    ...check('latency-p95', null, status, message),
    ms: p95,
  });
  if (p95 === null) return at('skip', 'no call answered in time to measure');
  const slow = `a slow endpoint slows the whole cancel flow (Churnkey's docs: a few hundred ms or less)`;
  if (!p95StillPossible(samples, calls, budgetMs))
    return samples.length < calls
      ? at(
          'fail',
          `p95 over ${budgetMs} ms: too many slow calls after ${samples.length} of ${calls}; ${slow}`,
        )
      : at('fail', `p95 ${p95} ms over ${calls} calls, over ${budgetMs} ms; ${slow}`);
  if (samples.length < calls)
    return at(
      'fail',
      `only ${samples.length} of ${calls} calls finished before the run's deadline`,
    );
  return at('pass', `p95 ${p95} ms over ${calls} calls, within ${budgetMs} ms`);
}
