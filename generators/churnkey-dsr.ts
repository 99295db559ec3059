import type { DsrCounts } from './churnkey-data.ts';
import { deriveSeed, hex, Rng, stripeId, uuid } from './random.ts';
import { DAY, iso, MINUTE } from './time.ts';
import type { Customer } from './world.ts';

/** All Churnkey holds about one person besides sessions (Data API docs, GDPR User Data Access). */
export interface DsrRecords {
  events: Record<string, unknown>[];
  campaigns: Record<string, unknown>[];
  invoices: Record<string, unknown>[];
  failedPayments: Record<string, unknown>[];
  subscriptions: Record<string, unknown>[];
  charges: Record<string, unknown>[];
  emails: Record<string, unknown>[];
}

const EVENT_TYPES = [
  'login',
  'page_view',
  'feature_used',
  'export',
  'invite_sent',
  'settings_changed',
];
const CAMPAIGNS = [
  'Win-back: 20% off',
  'Failed payment recovery',
  'Pause reminder',
  'Annual upgrade',
];
const FAILURE_CODES = ['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'];

/**
 * A person's non-session records, built on demand from (seed, customer) so a million people
 * cost nothing until someone asks. Deterministic: the same inputs give the same records.
 */
export function buildDsrRecords(
  seed: number,
  c: Customer,
  counts: DsrCounts,
  asOf: number,
): DsrRecords {
  const r = new Rng(deriveSeed(seed, 'dsr', c.index));
  const sub = c.subscription;
  const span = Math.max(DAY, asOf - c.created);
  // Nothing is dated after the as-of date: the DSR view relies on it (dsrRecordsAt).
  const at = () => iso(Math.min(asOf, c.created + r.int(0, span)));
  const monthly = (i: number) => sub.start + i * 30 * DAY;
  const amount = sub.plan.prices[sub.currency] * sub.quantity;
  const invoices = Array.from({ length: counts.invoices }, (_, i) => ({
    id: stripeId(r, 'in_1M', 22),
    subscriptionId: sub.id,
    amountDue: amount,
    amountPaid: i < counts.invoices - counts.failedPayments ? amount : 0,
    currency: sub.currency,
    status: i < counts.invoices - counts.failedPayments ? 'paid' : 'open',
    created: iso(Math.min(asOf, monthly(i))),
  }));
  const invoiceId = (i: number): string =>
    (invoices[i % Math.max(1, invoices.length)]?.id as string) ?? stripeId(r, 'in_1M', 22);
  const campaigns = Array.from({ length: counts.campaigns }, () => ({
    id: hex(r, 24),
    name: r.pick(CAMPAIGNS),
    type: 'email',
    enrolledAt: at(),
  }));
  return {
    events: Array.from({ length: counts.events }, () => ({
      id: hex(r, 24),
      type: r.pick(EVENT_TYPES),
      createdAt: at(),
      properties: { source: r.pick(['web', 'ios', 'android']) },
    })),
    campaigns,
    invoices,
    failedPayments: Array.from({ length: counts.failedPayments }, (_, i) => ({
      id: stripeId(r, 'ch_1M', 22),
      invoiceId: invoiceId(counts.invoices - 1 - i),
      amount,
      currency: sub.currency,
      failureCode: r.pick(FAILURE_CODES),
      attemptCount: r.int(1, 4),
      failedAt: at(),
    })),
    subscriptions: Array.from({ length: counts.subscriptions }, (_, i) => ({
      id: i === 0 ? sub.id : stripeId(r, 'sub_1M', 22),
      planId: i === 0 ? sub.plan.id : 'starter_monthly',
      status: i === 0 ? 'active' : 'canceled',
      start: iso(i === 0 ? sub.start : c.created),
      canceledAt: i === 0 ? null : iso(sub.start - MINUTE),
    })),
    charges: Array.from({ length: counts.charges }, (_, i) => ({
      id: stripeId(r, 'ch_1M', 22),
      invoiceId: invoiceId(i),
      amount,
      currency: sub.currency,
      status: i < counts.charges - counts.failedPayments ? 'succeeded' : 'failed',
      created: iso(Math.min(asOf, monthly(i))),
    })),
    emails: Array.from({ length: counts.emails }, (_, i) => ({
      id: uuid(r),
      campaignId: (campaigns[i % Math.max(1, campaigns.length)]?.id as string | undefined) ?? null,
      subject: r.pick([
        'We miss you',
        'Your payment failed',
        'Your pause ends soon',
        'A gift for you',
      ]),
      sentAt: at(),
    })),
  };
}

/** The field that dates each kind of record: when it happened. */
export const DSR_DATED_BY = {
  events: 'createdAt',
  campaigns: 'enrolledAt',
  invoices: 'created',
  failedPayments: 'failedAt',
  subscriptions: 'start',
  charges: 'created',
  emails: 'sentAt',
} as const satisfies Record<keyof DsrRecords, string>;

const happened = (value: unknown, now: number): boolean =>
  typeof value === 'string' && Date.parse(value) <= now;

/**
 * The records that had happened by `now` (the mock clock): each kind by the field that dates
 * it (`DSR_DATED_BY`), and a subscription canceled after `now` shown as it then was, running.
 * Records are never dated after the as-of date, so from then on this is every record.
 */
export function dsrRecordsAt(records: DsrRecords, now: number): DsrRecords {
  const out = {} as DsrRecords;
  for (const kind of Object.keys(DSR_DATED_BY) as (keyof DsrRecords)[]) {
    const field = DSR_DATED_BY[kind];
    out[kind] = records[kind].filter((x) => happened(x[field], now));
  }
  out.subscriptions = out.subscriptions.map((s) =>
    s.canceledAt === null || happened(s.canceledAt, now)
      ? s
      : { ...s, status: 'active', canceledAt: null },
  );
  return out;
}

/** How many records of each kind there are. */
export function countsOf(records: DsrRecords): DsrCounts {
  return {
    events: records.events.length,
    campaigns: records.campaigns.length,
    invoices: records.invoices.length,
    failedPayments: records.failedPayments.length,
    subscriptions: records.subscriptions.length,
    charges: records.charges.length,
    emails: records.emails.length,
  };
}
