import type { HandlerResult } from '../../core/pipeline/types.ts';
import type { Problem } from '../../core/validation.ts';
import { MAX_LIVE_FLOWS } from './store.ts';

/** Every error code the ChurnCut module emits (the contract's ErrorCode lists the same). */
export type ChurnCutErrorCode =
  | 'invalid_request'
  | 'customer_not_found'
  | 'subscription_mismatch'
  | 'unauthorized'
  | 'invalid_api_key'
  | 'not_found'
  | 'flow_not_found'
  | 'flow_closed'
  | 'method_not_allowed'
  | 'subscription_inactive'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'rate_limit_exceeded'
  | 'storage_full'
  | 'internal_error';

const BY_STATUS: Readonly<Record<number, ChurnCutErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'subscription_inactive',
  413: 'payload_too_large',
  431: 'headers_too_large',
  429: 'rate_limit_exceeded',
};

/** The error envelope `{success: false, error: {code, message, details?}}` (docs/decisions/003). */
export function envelope(code: ChurnCutErrorCode, message: string, problems?: readonly Problem[]) {
  return {
    success: false,
    error: problems?.length ? { code, message, details: problems } : { code, message },
  };
}

/** The pipeline's error hook: picks the code from the status. */
export function churncutError(status: number, message: string, problems?: readonly Problem[]) {
  const code = BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
  return envelope(code, message, problems);
}

/** One error result. */
export const ccError = (
  status: number,
  code: ChurnCutErrorCode,
  message: string,
  problems?: readonly Problem[],
): HandlerResult => ({ status, body: envelope(code, message, problems) });

/** The module's messages, in one place. */
export const MESSAGES = {
  missingAuth: 'Missing Authorization header (expected "Bearer <API key>")',
  invalidKey: 'Invalid API key',
  customerNotFound: (id: string) => `No customer with id ${id}`,
  storageFull: `churnmock holds at most ${MAX_LIVE_FLOWS} flows started through the API; POST /__admin/reset starts over`,
  flowNotFound: (id: string) => `No cancellation flow with id ${id}`,
  subscriptionMismatch: (sub: string, customer: string) =>
    `Subscription ${sub} does not belong to customer ${customer}`,
  subscriptionInactive: (sub: string) =>
    `Subscription ${sub} has ended; a churned customer cannot start a flow`,
  badRedirect: (why: string) =>
    `${why}; send an absolute http(s) URL with a host, e.g. https://your-app.com/subscription/cancelled`,
  badRange: 'start_date must not be after end_date',
  // What `dayOf` refuses, by why.
  badDate: {
    syntax:
      'must be a date (YYYY-MM-DD) or an RFC 3339 date-time with a time zone, e.g. 2024-01-01 or 2024-01-01T00:00:00Z',
    calendar:
      'names a day or time the calendar does not have (such as 2025-02-30, or the leap second 23:59:60)',
    range: 'must fall on a UTC day from 0000-01-01 to 9999-12-31',
  },
  tooManyBuckets: (n: number) =>
    `The period has ${n} buckets at this granularity; at most 3660 are allowed`,
  rateLimited: (limit: number, seconds: number) =>
    `Rate limit of ${limit} requests per minute exceeded; retry after ${seconds} s`,
} as const;
