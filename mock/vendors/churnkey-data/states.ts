import { DSR_DELETE_EVENT_LIMIT } from '../../../generators/churnkey-data.ts';
import type { Customer } from '../../../generators/world.ts';
import {
  ProviderStateError,
  type StateTable,
  type StateValues,
} from '../../core/provider-state.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { ChurnkeyDataStore } from './store.ts';

/** The Data API's provider states, by the names consumers give them in their pacts. */
export const CHURNKEY_DATA_STATES = {
  sessionsInMay2023: 'sessions exist in May 2023',
  sessionsIn2023: 'sessions exist in every month of 2023',
  monthlyDiscounts: 'monthly customers accepted discount offers',
  customerWithSessions: 'customer cus_abc123 has sessions',
  personWithRecords: 'jane@example.com has sessions and other records',
  personOverDeletionLimit: 'jane@example.com has more than 10,000 events',
} as const;

/**
 * The Data API's states use the seeded dataset as it is (the store stays as the seed made it):
 * each one checks, before the reset, that the seed has what the state names at the clock's
 * start (the seeded sessions and counts, as a reset restores them, whatever was written since)
 * and returns the ids it found.
 */
export function churnkeyDataStates(store: ChurnkeyDataStore, clock: MockClock): StateTable {
  const between = (from: string, to: string) => {
    const start = Date.parse(from);
    const end = Date.parse(to);
    let n = 0;
    for (const s of store.seededSessions(Math.min(end - 1, clock.start())))
      if (s.createdAt < start) break;
      else if (!s.bounced) n++;
    return n;
  };
  const firstPerson = (test: (c: Customer) => boolean, what: string): Customer => {
    const found = store.world.customers.find(test);
    if (!found) throw new ProviderStateError(`The seeded data has no person who ${what}`);
    return found;
  };

  function sessionsExistInMay2023(): StateValues {
    const n = between('2023-05-01T00:00:00Z', '2023-06-01T00:00:00Z');
    if (n === 0) throw new ProviderStateError('The seeded data has no session in May 2023');
    return { startDate: '2023-05-01', endDate: '2023-06-01', sessions: n };
  }

  function sessionsExistInEveryMonthOf2023(): StateValues {
    for (let m = 0; m < 12; m++) {
      const from = new Date(Date.UTC(2023, m, 1)).toISOString();
      const to = new Date(Date.UTC(2023, m + 1, 1)).toISOString();
      if (between(from, to) === 0)
        throw new ProviderStateError(`The seeded data has no session in ${from.slice(0, 7)}`);
    }
    return { startDate: '2023-01-01', endDate: '2024-01-01' };
  }

  function monthlyCustomersAcceptedDiscounts(): StateValues {
    for (const s of store.seededSessions(clock.start()))
      if (
        !s.bounced &&
        s.accepted?.offerType === 'DISCOUNT' &&
        s.customer.subscription.plan.interval === 'MONTH'
      )
        return { customerId: s.customer.id };
    throw new ProviderStateError('The seeded data has no accepted discount on a monthly plan');
  }

  /** The customer of the newest listed (not bounced) session. */
  function customerHasSessions(): StateValues {
    for (const s of store.seededSessions(clock.start()))
      if (!s.bounced) return { customerId: s.customer.id, email: s.customer.email };
    throw new ProviderStateError('The seeded data has no session');
  }

  function personHasSessionsAndOtherRecords(): StateValues {
    const now = clock.start();
    const c = firstPerson((p) => {
      const n = store.seededCounts(p, now);
      return n.sessions > 0 && n.events > 0 && n.invoices > 0 && n.events <= DSR_DELETE_EVENT_LIMIT;
    }, 'has sessions, events and invoices');
    return { email: c.email, customerId: c.id };
  }

  function personHasMoreThan10000Events(): StateValues {
    const now = clock.start();
    const c = firstPerson(
      (p) => store.seededCounts(p, now).events > DSR_DELETE_EVENT_LIMIT,
      'has more than 10,000 events',
    );
    return { email: c.email, customerId: c.id };
  }

  const S = CHURNKEY_DATA_STATES;
  return {
    [S.sessionsInMay2023]: { check: sessionsExistInMay2023 },
    [S.sessionsIn2023]: { check: sessionsExistInEveryMonthOf2023 },
    [S.monthlyDiscounts]: { check: monthlyCustomersAcceptedDiscounts },
    [S.customerWithSessions]: { check: customerHasSessions },
    [S.personWithRecords]: { check: personHasSessionsAndOtherRecords },
    [S.personOverDeletionLimit]: { check: personHasMoreThan10000Events },
  };
}
