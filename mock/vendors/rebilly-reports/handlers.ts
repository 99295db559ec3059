import type { CodedField } from '../../../generators/rebilly-reports.ts';
import { parseTime, RFC3339 } from '../../../generators/time.ts';
import { cacheVersionOf } from '../../core/pipeline/cache.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { VendorApi } from '../../core/vendor.ts';
import { rebillyAuthenticator } from './auth.ts';
import { badRequest, type InvalidField, MESSAGES, rebillyError } from './errors.ts';
import { FILTER_FIELDS } from './fields.ts';
import { parseFilter } from './filter.ts';
import type { RebillyCredentials } from './options.ts';
import { type ReportQuery, runReport } from './query.ts';
import { paginate } from './report.ts';
import type { RebillyReportsStore } from './store.ts';

/** The operationIds of the report's three paths (docs/decisions/002: serve every form). */
export const REBILLY_OPERATIONS = {
  experimental: 'GetSubscriptionCancellationReport',
  organization: 'GetOrganizationSubscriptionCancellationReport',
  stable: 'GetStableSubscriptionCancellationReport',
} as const;

/** The path prefixes the report is served under (docs/decisions/002: every form). */
export const REBILLY_PREFIXES = ['/experimental', '/reports', '/organizations'] as const;

/** Turns validated query parameters into a report query, or the invalid fields found. */
function readQuery(
  query: Readonly<Record<string, unknown>>,
  now: number,
): ReportQuery | InvalidField[] {
  const invalid: InvalidField[] = [];
  const start = parseTime(String(query.periodStart), RFC3339);
  const end = parseTime(String(query.periodEnd), RFC3339);
  // The contract's date-time format lets impossible instants through (23:59:60), and offsets
  // without minutes (+02).
  if (typeof start !== 'number') invalid.push({ field: 'periodStart', message: MESSAGES.dateTime });
  if (typeof end !== 'number') invalid.push({ field: 'periodEnd', message: MESSAGES.dateTime });
  if (typeof start === 'number' && typeof end === 'number' && start > end)
    invalid.push({
      field: 'periodStart',
      message: MESSAGES.periodOrder(String(query.periodEnd)),
    });
  const filter = parseFilter(typeof query.filter === 'string' ? query.filter : '', FILTER_FIELDS);
  for (const message of filter.problems) invalid.push({ field: 'filter', message });
  if (invalid.length || typeof start !== 'number' || typeof end !== 'number') return invalid;
  // Cancellations after the mock clock's "now" have not happened yet.
  return {
    from: start,
    to: Math.min(end, now),
    field: query.aggregationField as CodedField,
    clauses: filter.clauses,
  };
}

/** Rebilly's subscription-cancellation report (Rebilly API reference) over a store and clock. */
export function rebillyReportsModule(
  store: RebillyReportsStore,
  clock: MockClock,
  creds: RebillyCredentials,
): VendorApi {
  const report = ({ query }: HandlerInput): HandlerResult => {
    const q = readQuery(query, clock.now());
    if (Array.isArray(q)) return badRequest(q);
    const rows = runReport(store, q);
    const limit = query.limit as number;
    const offset = query.offset as number;
    return {
      status: 200,
      body: { data: paginate(rows, limit, offset) },
      headers: {
        'Pagination-Total': String(rows.length),
        'Pagination-Limit': String(limit),
        'Pagination-Offset': String(offset),
      },
    };
  };

  return {
    prefixes: REBILLY_PREFIXES,
    authenticate: rebillyAuthenticator(creds),
    // The contract's `filter` pattern says only "must match pattern": the parser says why.
    errorBody: (status, detail, problems, input) =>
      rebillyError(status, detail, problems, () => {
        const filter = input?.query.filter;
        return typeof filter === 'string' ? parseFilter(filter, FILTER_FIELDS).problems : [];
      }),
    handlers: Object.fromEntries(Object.values(REBILLY_OPERATIONS).map((id) => [id, report])),
    cacheVersion: cacheVersionOf(
      () => store.version,
      () => clock.now(),
    ),
  };
}
