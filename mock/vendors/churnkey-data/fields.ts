import type { ThinSessionRecord } from '../../../generators/churnkey-data.ts';
import { DAY } from '../../../generators/time.ts';

export type FieldValue = string | number | boolean | null;
export type Accessor = (s: ThinSessionRecord) => FieldValue;

const lower = (v: string): string => v.toLowerCase();

/** Session fields that filters compare with, by query-parameter name (Data API docs + SDK). */
export const FILTER_FIELDS: Readonly<Record<string, Accessor>> = {
  customerId: (s) => s.customer.id,
  trial: (s) => s.trial,
  billingInterval: (s) => s.customer.subscription.plan.interval,
  planId: (s) => s.customer.subscription.plan.id,
  aborted: (s) => s.aborted,
  canceled: (s) => s.canceled,
  offerType: (s) => (s.accepted?.offerType as string | undefined) ?? null,
  // Data API docs, List Sessions: "Type of accepted offer if accepted, or ABANDON if session
  // was abandoned".
  saveType: (s) =>
    s.aborted ? 'ABANDON' : ((s.accepted?.offerType as string | undefined) ?? null),
  couponId: (s) => (s.accepted?.couponId as string | undefined) ?? null,
  pauseDuration: (s) => (s.accepted?.pauseDuration as number | undefined) ?? null,
  blueprintId: (s) => s.blueprint.id,
  abtest: (s) => s.blueprint.abtest,
  sessionId: (s) => s.id,
  customerEmail: (s) => lower(s.customer.email),
  segmentId: (s) => s.blueprint.segmentId,
  response: (s) => s.choice?.value ?? null,
  sessionCurrency: (s) => s.customer.subscription.currency,
};

/** Filters whose values compare case-insensitively. */
export const CASE_INSENSITIVE = new Set(['customerEmail', 'sessionCurrency']);

interface DayLabels {
  day: string;
  week: string;
  month: string;
}
const dayLabels = new Map<number, DayLabels>();

/**
 * ISO 8601 week label (`2023-W05`) of a UTC day. date-fns' `getISOWeekYear`/`getISOWeek`
 * give the same labels (every day 1900-2200 checked) but ten times slower, and this runs for
 * each day of the data when the columns are warmed at start-up.
 */
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Day, ISO week and month labels of a time, memoised per UTC day (aggregations hit it 1M times). */
export function labelsOf(t: number): DayLabels {
  const dayNumber = Math.floor(t / DAY);
  let labels = dayLabels.get(dayNumber);
  if (!labels) {
    const d = new Date(dayNumber * DAY);
    const day = d.toISOString().slice(0, 10);
    labels = { day, week: isoWeek(d), month: day.slice(0, 7) };
    dayLabels.set(dayNumber, labels);
  }
  return labels;
}

/** Aggregation breakdown dimensions (Data API docs, Aggregated Session Data; docs/decisions/001). */
export const DIMENSIONS: Readonly<Record<string, Accessor>> = {
  month: (s) => labelsOf(s.createdAt).month,
  day: (s) => labelsOf(s.createdAt).day,
  week: (s) => labelsOf(s.createdAt).week,
  trial: FILTER_FIELDS.trial as Accessor,
  billingInterval: FILTER_FIELDS.billingInterval as Accessor,
  planId: FILTER_FIELDS.planId as Accessor,
  aborted: FILTER_FIELDS.aborted as Accessor,
  canceled: FILTER_FIELDS.canceled as Accessor,
  offerType: FILTER_FIELDS.offerType as Accessor,
  saveType: FILTER_FIELDS.saveType as Accessor,
  couponId: FILTER_FIELDS.couponId as Accessor,
  pauseDuration: FILTER_FIELDS.pauseDuration as Accessor,
  blueprintId: FILTER_FIELDS.blueprintId as Accessor,
  abtest: FILTER_FIELDS.abtest as Accessor,
  surveyResponse: FILTER_FIELDS.response as Accessor,
  response: FILTER_FIELDS.response as Accessor,
  segmentId: FILTER_FIELDS.segmentId as Accessor,
  currency: FILTER_FIELDS.sessionCurrency as Accessor,
  bounced: (s) => s.bounced,
};

/**
 * What each field's value depends on (`plan`: the customer's plan and currency) and nothing
 * else of the session: a column is built by reading the field once per distinct combination
 * of these (the session table's own codes) instead of once per session. Fields not listed
 * depend on the session itself (its id, its customer's id or e-mail) and are read row by row.
 */
export type FieldSource = 'plan' | 'flags' | 'accepted' | 'blueprint' | 'choice' | 'day';
export const FIELD_SOURCES: Readonly<Record<string, readonly FieldSource[]>> = {
  trial: ['flags'],
  aborted: ['flags'],
  canceled: ['flags'],
  bounced: ['flags'],
  billingInterval: ['plan'],
  planId: ['plan'],
  sessionCurrency: ['plan'],
  currency: ['plan'],
  offerType: ['accepted'],
  saveType: ['flags', 'accepted'],
  couponId: ['accepted'],
  pauseDuration: ['accepted'],
  blueprintId: ['blueprint'],
  abtest: ['blueprint'],
  segmentId: ['blueprint'],
  response: ['choice'],
  surveyResponse: ['choice'],
  month: ['day'],
  week: ['day'],
  day: ['day'],
};
