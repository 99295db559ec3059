import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { bounceRule, relevance as relevanceOf } from '../../../generators/churnkey-sessions.ts';

/** How much a session's outcome matters: canceled > saved by an offer > aborted. */
export function relevance(s: SessionRecord): number {
  return relevanceOf(s.canceled, Boolean(s.accepted));
}

/**
 * Recomputes `bounced` for one customer's sessions (any order), by the docs' rule (Churnkey
 * Data API docs, List Sessions; the rule itself: generators/churnkey-sessions.ts, bounceRule).
 */
export function markBounced(sessions: readonly SessionRecord[]): void {
  const byTime = [...sessions].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  bounceRule(
    byTime.length,
    (k) => (byTime[k] as SessionRecord).createdAt,
    (k) => relevance(byTime[k] as SessionRecord),
    (k, bounced) => {
      (byTime[k] as SessionRecord).bounced = bounced;
    },
  );
}
