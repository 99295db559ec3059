import { DAY, iso } from '../../../generators/time.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import type { MockClock } from '../../core/time/clock.ts';
import {
  bucketStarts,
  churnReport,
  dayOf,
  type Granularity,
  MAX_BUCKETS,
  percent,
  retentionReport,
} from './analytics.ts';
import { attemptsBetween, churnsBetween, runningAt } from './analytics-data.ts';
import { ccError, MESSAGES } from './errors.ts';
import type { ChurnCutStore } from './store.ts';

const day = (t: number): string => iso(t).slice(0, 10);

/** [start, end + 1 day) from the query, defaulting to the 30 days ending on the clock's date. */
function period(query: HandlerInput['query'], now: number) {
  const end = typeof query.end_date === 'string' ? dayOf(query.end_date) : dayOf(iso(now));
  const start = typeof query.start_date === 'string' ? dayOf(query.start_date) : end - 29 * DAY;
  return { start, end, endExclusive: end + DAY };
}

/** `GET /v1/analytics/churn` and `/retention` handlers. */
export function analyticsHandlers(store: ChurnCutStore, clock: MockClock) {
  const range = (query: HandlerInput['query']) => {
    const p = period(query, clock.now());
    if (p.start > p.end) return { error: ccError(400, 'invalid_request', MESSAGES.badRange) };
    return { p };
  };

  const getChurnAnalytics = ({ query }: HandlerInput): HandlerResult => {
    const r = range(query);
    if (!r.p) return r.error as HandlerResult;
    const { start, end, endExclusive } = r.p;
    const starts = bucketStarts(start, endExclusive, query.granularity as Granularity);
    if (starts.length > MAX_BUCKETS)
      return ccError(400, 'invalid_request', MESSAGES.tooManyBuckets(starts.length));
    const total = runningAt(store, start);
    const report = churnReport(starts, total, churnsBetween(store, start, endExclusive));
    return {
      status: 200,
      body: {
        success: true,
        data: {
          period: { start: day(start), end: day(end) },
          summary: report.summary,
          by_period: report.rows.map((row, j) => ({
            date: day(starts[j] as number),
            churned: row.churned,
            churn_rate: percent(row.churned, total),
            mrr_lost: row.mrr,
          })),
        },
      },
    };
  };

  const getRetentionAnalytics = ({ query }: HandlerInput): HandlerResult => {
    const r = range(query);
    if (!r.p) return r.error as HandlerResult;
    const { start, end, endExclusive } = r.p;
    const report = retentionReport(attemptsBetween(store, start, endExclusive));
    return {
      status: 200,
      body: { success: true, data: { period: { start: day(start), end: day(end) }, ...report } },
    };
  };

  return { getChurnAnalytics, getRetentionAnalytics };
}
