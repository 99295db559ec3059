import { DSR_DELETE_EVENT_LIMIT } from '../../../generators/churnkey-data.ts';
import { cacheVersionOf } from '../../core/pipeline/cache.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { VendorApi } from '../../core/vendor.ts';
import { churnkeyAuthenticator } from './auth.ts';
import { badRequest, churnkeyError, MESSAGES } from './errors.ts';
import { SessionFragments, toSessionJson } from './materialize.ts';
import type { ChurnkeyCredentials } from './options.ts';
import { aggregate, compileFilter, page, parseBreakdown } from './query.ts';
import { scanAggregateJson, scanPage } from './scan.ts';
import type { ChurnkeyDataStore } from './store.ts';

function emailOf(input: HandlerInput): string {
  return String((input.body as { email: string }).email);
}

/** The Churnkey Data API (Churnkey Data API docs) over a store and the mock clock. */
export function churnkeyDataModule(
  store: ChurnkeyDataStore,
  clock: MockClock,
  creds: ChurnkeyCredentials,
): VendorApi {
  const fragments = new SessionFragments(store.org);
  // One customer's sessions (by id or e-mail) are a short list: filter the records. Everything
  // else scans columns.
  const listSessions = ({ query }: HandlerInput): HandlerResult => {
    const filter = compileFilter(query);
    const now = clock.now();
    const skip = query.skip as number;
    const limit = query.limit as number;
    const found =
      filter.customerId === null && filter.customerEmail === null
        ? scanPage(store.view(), filter, now, skip, limit)
        : page(store.sessionsOf(now, filter), filter, skip, limit);
    return { status: 200, body: fragments.list(found) };
  };

  const aggregateSessions = ({ query }: HandlerInput): HandlerResult => {
    const { dims, problems } = parseBreakdown(query.breakdown as string | undefined);
    if (problems.length)
      return badRequest(problems.map((message) => ({ in: 'query', name: 'breakdown', message })));
    const filter = compileFilter(query);
    const now = clock.now();
    const rows =
      filter.customerId === null && filter.customerEmail === null
        ? scanAggregateJson(store.view(), filter, now, dims)
        : aggregate(store.sessionsOf(now, filter), filter, dims);
    return { status: 200, body: rows };
  };

  const dsrAccess = (input: HandlerInput): HandlerResult => {
    const email = emailOf(input);
    const person = store.person(email);
    const now = clock.now();
    // What had happened by the mock clock's now, every kind alike: counts are the lengths.
    const counts = store.counts(person, now);
    const records = store.records(person, now);
    const sessions = person
      ? [...store.sessions(now, person.id)].map((s) => toSessionJson(s, store.org))
      : [];
    return {
      status: 200,
      body: {
        customer: { email },
        counts,
        profile: {
          events: records?.events ?? [],
          sessions,
          invoices: records?.invoices ?? [],
          campaigns: records?.campaigns ?? [],
          failedPayments: records?.failedPayments ?? [],
          subscriptions: records?.subscriptions ?? [],
          charges: records?.charges ?? [],
          emails: records?.emails ?? [],
        },
      },
    };
  };

  const dsrDelete = (input: HandlerInput): HandlerResult => {
    const email = emailOf(input);
    const person = store.person(email);
    const now = clock.now();
    const counts = store.counts(person, now);
    if (person && counts.events > DSR_DELETE_EVENT_LIMIT) {
      return {
        status: 200,
        body: {
          customer: { email },
          deleted: false,
          reasonForRejection: MESSAGES.dsrRejected,
          counts,
        },
      };
    }
    const deletedCounts = person ? store.erase(person, now) : counts;
    return {
      status: 200,
      body: { customer: { email }, deleted: true, deletedCounts, counts: store.counts(null, now) },
    };
  };

  return {
    prefixes: ['/v1/data'],
    authenticate: churnkeyAuthenticator(creds),
    errorBody: churnkeyError,
    handlers: { listSessions, aggregateSessions, dsrAccess, dsrDelete },
    cacheVersion: cacheVersionOf(
      () => store.version,
      () => clock.now(),
    ),
  };
}
