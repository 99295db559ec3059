import { STATUS_CODES } from 'node:http';
import type { HandlerResult } from '../../core/pipeline/types.ts';
import type { Problem } from '../../core/validation.ts';
import { AGGREGATION_FIELDS } from './fields.ts';

/** One entry of a 400's `invalidFields` (RFC 9457 plus `invalidFields`: docs/decisions/002). */
export interface InvalidField {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem document, as Rebilly sends them (served as application/json). */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly invalidFields?: readonly InvalidField[];
}

/** The problem type of every error: RFC 9457's "about:blank", so `title` is the status phrase. */
export const PROBLEM_TYPE = 'about:blank';
/** Says why credentials were refused; the body keeps the vendor's fixed text. */
export const AUTH_REASON_HEADER = 'X-Churnmock-Auth-Reason';

/** The Rebilly module's error messages, in one place. */
export const MESSAGES = {
  // A 401 has title "Unauthorized" and detail "Invalid credentials used." (docs/decisions/002).
  unauthorized: 'Invalid credentials used.',
  forbidden:
    'The credentials are valid but not allowed to read this report (permission GetSubscriptionCancellationReport).',
  dateTime:
    'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-01T00:00:00Z (in a URL, send "+" as %2B)',
  periodOrder: (end: string) => `must not be after periodEnd (${end})`,
  auth: {
    missing: 'no REB-APIKEY header and no Authorization: Bearer token',
    unknownKey: 'REB-APIKEY is not a configured key',
    notBearer: 'Authorization must be "Bearer <JWT>"',
    expired: 'the JWT has expired (exp is in the past)',
    signature: 'the JWT signature does not verify with the configured secret',
    algorithm: 'the JWT must be signed with HS256',
    malformed: 'the JWT is malformed',
    claims: (why: string) => `the JWT claims are invalid: ${why}`,
    noPermission: 'the credentials lack permission GetSubscriptionCancellationReport',
  },
  filter: {
    emptyClause: 'has an empty clause (two ";" in a row, or one at either end)',
    notFieldValue: (clause: string) => `clause "${clause}" is not field:value`,
    unknownField: (field: string, known: readonly string[]) =>
      `unknown field "${field}"; filterable fields: ${known.join(', ')}`,
    emptyValue: (field: string) => `${field}: empty value`,
    doubleNegation: (field: string, value: string) =>
      `${field}: "${value}" negates more than once; "!" may lead a value once`,
    valueList: (field: string, value: string) =>
      `${field}: "${value}" refers to a stored value list, which the mock does not support`,
    rangeOnText: (field: string) =>
      `${field}: ranges (a..b, a.., ..b) apply only to numbers and date-times`,
    emptyRange: (field: string) => `${field}: a range needs at least one end`,
    reversedRange: (field: string, value: string) =>
      `${field}: range "${value}" starts after it ends`,
    notNumber: (field: string, value: string) => `${field}: "${value}" is not a number`,
    notDateTime: (field: string, value: string) =>
      `${field}: "${value}" is not an RFC 3339 date-time such as 2025-01-01T00:00:00Z`,
    notAllowed: (field: string, value: string, allowed: readonly string[]) =>
      `${field}: "${value}" is not one of ${allowed.join(', ')}`,
  },
} as const;

const DATE_TIME_VALUE = 'one RFC 3339 date-time with a time zone, e.g. 2025-01-01T00:00:00Z';
/** What each parameter takes, added to a problem that does not already say it. */
const ALLOWED: Readonly<Record<string, string>> = {
  periodStart: DATE_TIME_VALUE,
  periodEnd: DATE_TIME_VALUE,
  aggregationField: `one of: ${AGGREGATION_FIELDS.join(', ')}`,
  limit: 'one integer from 0 to 1000 (default 100)',
  offset: 'one integer, 0 or more (default 0)',
  filter: 'one filter such as planId:pro,basic;canceledBy:customer',
};

const message = (p: Problem): string => {
  if (/format "date-time"/.test(p.message)) return MESSAGES.dateTime;
  const allowed = Object.hasOwn(ALLOWED, p.name) ? ALLOWED[p.name] : undefined;
  return allowed && !p.message.includes('one of') ? `${p.message}; allowed: ${allowed}` : p.message;
};

/** A problem document for any status; a 400 always names at least one invalid field. */
export function problem(
  status: number,
  detail: string,
  invalidFields?: readonly InvalidField[],
): ProblemDocument {
  const base = { type: PROBLEM_TYPE, title: STATUS_CODES[status] ?? 'Error', status, detail };
  if (status !== 400) return base;
  return {
    ...base,
    invalidFields: invalidFields?.length ? invalidFields : [{ field: 'request', message: detail }],
  };
}

const summary = (fields: readonly InvalidField[]): string =>
  `Invalid request: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`;

/**
 * The pipeline's error envelope for this vendor (validation problems become invalidFields). A
 * filter the contract's pattern refused is explained by `filterWhy`, the parser's reasons for
 * the request's filter: the pattern can only say that it does not match.
 */
export function rebillyError(
  status: number,
  detail: string,
  problems?: readonly Problem[],
  filterWhy: () => readonly string[] = () => [],
): ProblemDocument {
  if (!problems?.length) return problem(status, detail);
  const fields = problems.flatMap((p) => {
    const why = p.name === 'filter' ? filterWhy() : [];
    if (!why.length) return [{ field: p.name, message: message(p) }];
    return why.map((m) => ({ field: p.name, message: m }));
  });
  return problem(status, status === 400 ? summary(fields) : detail, fields);
}

/** A 400 naming every invalid field. */
export const badRequest = (fields: readonly InvalidField[]): HandlerResult => ({
  status: 400,
  body: problem(400, summary(fields), fields),
});

/** A 401 with the vendor's text, the reason in a header. */
export const unauthorized = (reason: string): HandlerResult => ({
  status: 401,
  body: problem(401, MESSAGES.unauthorized),
  headers: { [AUTH_REASON_HEADER]: reason },
});

/** A 403: valid credentials without the report permission. */
export const forbidden = (reason: string): HandlerResult => ({
  status: 403,
  body: problem(403, MESSAGES.forbidden),
  headers: { [AUTH_REASON_HEADER]: reason },
});
