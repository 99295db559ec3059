import { randomBytes } from 'node:crypto';
import {
  acceptedOfferOf,
  type PresentedStep,
  type SessionRecord,
} from '../../../generators/churnkey-data.ts';
import type { SurveyChoice } from '../../../generators/churnkey-flows.ts';
import { SECOND } from '../../../generators/time.ts';
import type { Customer } from '../../../generators/world.ts';
import { toSessionJson } from '../churnkey-data/materialize.ts';
import type { CompiledFlow, FlowStep } from './flow.ts';

/** How the customer left the flow. */
export type Ending =
  | { readonly kind: 'accept'; readonly step: FlowStep; readonly option: string | null }
  | {
      readonly kind: 'cancel';
      readonly choice: SurveyChoice | null;
      readonly feedback: string | null;
    }
  | { readonly kind: 'abort' };

/** The `session` webhook's `result` (docs/decisions/006); other offer types in lower case. */
export const resultOf = (e: Ending): string =>
  e.kind === 'accept' ? e.step.offer.offerType.toLowerCase() : e.kind;

const PROCESS = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A Mongo ObjectId for a session created at `t` (Churnkey's ids are ObjectIds): seconds,
 * a per-process value and a counter, so sessions of the same second sort in creation order
 * (the mock clock stands still unless told to move).
 */
function objectIdAt(t: number): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(t / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${PROCESS}${counter.toString(16).padStart(6, '0')}`;
}

/**
 * The finished session as the Data API stores it. It ends at `now` on the mock clock and
 * started as long before as the customer really spent on the page (capped at an hour), so it
 * is never in the mock's future.
 */
export function sessionRecord(
  flow: CompiledFlow,
  customer: Customer,
  shown: readonly FlowStep[],
  ending: Ending,
  now: number,
  spentMs: number,
): SessionRecord {
  const end = now - 20;
  const start = end - Math.min(Math.max(spentMs, 2 * SECOND), 3600 * SECOND);
  const presentedAt = start + 500;
  const presented: PresentedStep[] = shown.map((step) => {
    const accepted = ending.kind === 'accept' && ending.step === step;
    const answered = accepted || ending.kind === 'cancel';
    return { offer: step.offer, presentedAt, answeredAt: answered ? end - 200 : null, accepted };
  });
  const s = customer.subscription;
  return {
    id: objectIdAt(now),
    customer,
    blueprint: flow.blueprint,
    createdAt: now,
    updatedAt: now,
    recordingStart: start,
    recordingEnd: end,
    trial: s.trialEnd !== null && now < s.trialEnd,
    aborted: ending.kind === 'abort',
    canceled: ending.kind === 'cancel',
    mode: flow.mode,
    choice: ending.kind === 'cancel' ? ending.choice : null,
    feedback: ending.kind === 'cancel' ? ending.feedback : null,
    presented,
    accepted: ending.kind === 'accept' ? acceptedOfferOf(ending.step.offer, ending.option) : null,
    discountCooldownApplied: false,
    bounced: false,
  };
}

/**
 * `{event: "session", data: {customer, session}}`, the session with its `result`
 * (docs/decisions/006).
 */
export function sessionWebhook(record: SessionRecord, org: string, ending: Ending) {
  const session = toSessionJson(record, org);
  return {
    event: 'session',
    data: { customer: session.customer, session: { ...session, result: resultOf(ending) } },
  };
}
