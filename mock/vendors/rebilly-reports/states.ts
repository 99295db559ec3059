import {
  ProviderStateError,
  type StateTable,
  type StateValues,
} from '../../core/provider-state.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { RebillyReportsStore } from './store.ts';

/** The report's provider states, by the names consumers give them in their pacts. */
export const REBILLY_REPORTS_STATES = {
  canceledIn2025: 'subscriptions were canceled in 2025',
} as const;

/**
 * The report only reads (its store never changes but on reset, to the seed), so its states
 * check the seeded data at the clock's start, before the reset, and name the period.
 */
export function rebillyReportsStates(store: RebillyReportsStore, clock: MockClock): StateTable {
  function subscriptionsWereCanceledIn2025(): StateValues {
    const from = Date.UTC(2025, 0, 1);
    const to = Math.min(Date.UTC(2026, 0, 1) - 1000, clock.start());
    const [lo, hi] = store.range(from, to);
    if (hi <= lo) throw new ProviderStateError('The seeded data has no cancellation in 2025');
    return {
      periodStart: '2025-01-01T00:00:00Z',
      periodEnd: '2025-12-31T23:59:59Z',
      canceled: hi - lo,
    };
  }

  return { [REBILLY_REPORTS_STATES.canceledIn2025]: { check: subscriptionsWereCanceledIn2025 } };
}
