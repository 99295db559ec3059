import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { DAY } from '../../../generators/time.ts';

/** How much a session's outcome matters: canceled > saved by an offer > aborted. */
export function relevance(s: SessionRecord): number {
  if (s.canceled) return 3;
  if (s.accepted) return 2;
  return 1;
}

/**
 * Recomputes `bounced` for one customer's sessions (any order). Churnkey Data API docs, List
 * Sessions: "A session gets marked as bounced if another more relevant session takes place
 * within 24 hours of that initial session" — e.g. a pause followed by a cancel. A later session
 * of equal relevance supersedes the earlier one too (the customer simply tried again).
 */
export function markBounced(sessions: readonly SessionRecord[]): void {
  const byTime = [...sessions].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  markBouncedOldestFirst(byTime.length, (i) => byTime[i] as SessionRecord);
}

/** The same rule over `count` sessions given oldest first by `at` (no copies: start-up path). */
export function markBouncedOldestFirst(count: number, at: (i: number) => SessionRecord): void {
  for (let i = 0; i < count; i++) {
    const s = at(i);
    let bounced = false;
    for (let j = i + 1; j < count; j++) {
      const later = at(j);
      if (later.createdAt - s.createdAt > DAY) break;
      if (relevance(later) >= relevance(s)) {
        bounced = true;
        break;
      }
    }
    s.bounced = bounced;
  }
}
