import { DAY, iso } from '../../../generators/time.ts';
import { RawJson } from '../../core/pipeline/raw-json.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import { invalidRequestMessage } from '../../core/pipeline/validate.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { Problem } from '../../core/validation.ts';
import {
  bucketStarts,
  churnReport,
  dayOf,
  type Granularity,
  MAX_BUCKETS,
  percent,
  retentionReport,
  utcDay,
} from './analytics.ts';
import { attemptsBetween, churnTally, runningAt } from './analytics-data.ts';
import { ccError, MESSAGES } from './errors.ts';
import type { ChurnCutStore } from './store.ts';

const DAY_TEXT = new Map<number, string>();

/** A UTC day's date (`2025-01-31`), kept: a daily report names thousands of days. */
function day(t: number): string {
  let text = DAY_TEXT.get(t);
  if (text === undefined) {
    text = iso(t).slice(0, 10);
    if (DAY_TEXT.size < 100_000) DAY_TEXT.set(t, text);
  }
  return text;
}

/** A number as JSON writes it (`null` for NaN and the infinities). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

interface Period {
  readonly start: number;
  readonly end: number;
  readonly endExclusive: number;
}

/** One of the period's dates as a UTC day; undefined when not given, a problem when unusable. */
function dateParam(query: HandlerInput['query'], name: string): number | undefined | Problem {
  const value = query[name];
  if (typeof value !== 'string') return undefined;
  const d = dayOf(value);
  return typeof d === 'number' ? d : { in: 'query', name, message: MESSAGES.badDate[d] };
}

/**
 * [start, end + 1 day) from the query, defaulting to the 30 days ending on the clock's date;
 * or every date the contract's formats let through that is no date (a leap second, an offset
 * without minutes), each a problem.
 */
function period(query: HandlerInput['query'], now: number): Period | { problems: Problem[] } {
  const endDay = dateParam(query, 'end_date');
  const startDay = dateParam(query, 'start_date');
  const problems = [startDay, endDay].filter((d): d is Problem => typeof d === 'object');
  if (problems.length) return { problems };
  const end = (endDay as number | undefined) ?? utcDay(now);
  const start = (startDay as number | undefined) ?? end - 29 * DAY;
  return { start, end, endExclusive: end + DAY };
}

/** `GET /v1/analytics/churn` and `/retention` handlers. */
export function analyticsHandlers(store: ChurnCutStore, clock: MockClock) {
  const range = (query: HandlerInput['query']) => {
    const p = period(query, clock.now());
    if ('problems' in p) {
      const message = invalidRequestMessage(p.problems);
      return { error: ccError(400, 'invalid_request', message, p.problems) };
    }
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
    const report = churnReport(starts, endExclusive, total, churnTally(store));
    // `{success, data: {period, summary, by_period}}`, its rows written as JSON text directly
    // (a daily report over years has thousands; JSON.stringify of their objects cost more than
    // counting them).
    const head = JSON.stringify({ start: day(start), end: day(end) });
    // A row's rate depends only on its count: each count's text made once.
    const rates: string[] = [];
    let rows = '';
    report.rows.forEach((row, j) => {
      let rate = rates[row.churned];
      if (rate === undefined) {
        rate = num(percent(row.churned, total));
        rates[row.churned] = rate;
      }
      rows += `${j ? ',' : ''}{"date":"${day(starts[j] as number)}","churned":${row.churned},"churn_rate":${rate},"mrr_lost":${num(row.mrr)}}`;
    });
    const text = `{"success":true,"data":{"period":${head},"summary":${JSON.stringify(report.summary)},"by_period":[${rows}]}}`;
    // Dates and numbers only: ASCII, so its Latin-1 bytes are its UTF-8 bytes.
    return { status: 200, body: new RawJson([Buffer.from(text, 'latin1')]) };
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
