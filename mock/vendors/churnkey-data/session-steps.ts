import { createHash } from 'node:crypto';
import type { PresentedStep, SessionRecord } from '../../../generators/churnkey-data.ts';
import { uuidOfHex } from '../../../generators/random.ts';
import { iso } from '../../../generators/time.ts';

/** The kinds of step a session can view (churnmock's names; see the contract's StepViewed). */
export type StepType = 'OFFER' | 'SURVEY' | 'FREEFORM' | 'CONFIRM';

/** One step the customer saw, with its time on screen (ms). */
export interface StepView {
  readonly guid: string;
  readonly stepType: StepType;
  readonly start: number;
  readonly end: number;
  readonly numChoices: number | null;
}

type Item =
  | { readonly kind: 'offer'; readonly step: PresentedStep }
  | { readonly kind: Exclude<StepType, 'OFFER'> };

const stepGuids = new Map<string, string>();

/** A non-offer step's guid: fixed per blueprint, as a published flow's steps are. */
function stepGuid(blueprintId: string, type: StepType): string {
  const key = `${blueprintId}:${type}`;
  let guid = stepGuids.get(key);
  if (!guid) {
    guid = uuidOfHex(createHash('sha256').update(key).digest('hex'));
    stepGuids.set(key, guid);
  }
  return guid;
}

/**
 * The flow's steps in the order a session meets them: offers shown before the survey, the
 * survey and its free-text box, offers shown for the answer, then the confirmation page
 * (skipped by click-to-cancel, and only reached by a cancel).
 */
function itemsOf(s: SessionRecord, usedClickToCancel: boolean): Item[] {
  const items: Item[] = s.presented
    .filter((p) => !p.offer.surveyOffer)
    .map((step) => ({ kind: 'offer', step }));
  if (s.choice) items.push({ kind: 'SURVEY' });
  if (s.feedback !== null) items.push({ kind: 'FREEFORM' });
  for (const step of s.presented) if (step.offer.surveyOffer) items.push({ kind: 'offer', step });
  if (s.canceled && !usedClickToCancel) items.push({ kind: 'CONFIRM' });
  return items;
}

const clamp = (t: number, lo: number, hi: number) => Math.min(Math.max(t, lo), hi);

/**
 * The steps viewed, timed from what the record knows: an offer is on screen from its
 * `presentedAt` until answered (or until the next offer appears, or the recording ends);
 * survey, free-text and confirm pages share the time between offers, split by `draw`.
 */
export function stepsViewed(
  s: SessionRecord,
  usedClickToCancel: boolean,
  draw: () => number,
): StepView[] {
  const items = itemsOf(s, usedClickToCancel);
  const lo = s.recordingStart;
  const hi = s.recordingEnd;
  const out: StepView[] = [];
  let cursor = lo;
  items.forEach((item, i) => {
    const rest = items.slice(i + 1);
    const nextOffer = rest.find((x) => x.kind === 'offer');
    if (item.kind === 'offer') {
      const p = item.step;
      const start = clamp(p.presentedAt, lo, hi);
      const later =
        nextOffer?.kind === 'offer' && nextOffer.step.presentedAt > p.presentedAt
          ? nextOffer.step.presentedAt
          : hi;
      const end = clamp(p.answeredAt ?? later, start, hi);
      out.push({ guid: p.offer.guid, stepType: 'OFFER', start, end, numChoices: null });
      cursor = Math.max(cursor, end);
      return;
    }
    const limit = nextOffer?.kind === 'offer' ? clamp(nextOffer.step.presentedAt, cursor, hi) : hi;
    const pages = nextOffer ? rest.indexOf(nextOffer) + 1 : rest.length + 1;
    // The last page before an offer (or the end) runs up to it; earlier ones take a share.
    const share = pages === 1 ? 1 : (0.6 + 0.4 * draw()) / pages;
    const start = cursor;
    const end = start + Math.floor((limit - start) * share);
    out.push({
      guid: stepGuid(s.blueprint.id, item.kind),
      stepType: item.kind,
      start,
      end,
      numChoices: item.kind === 'SURVEY' ? s.blueprint.surveyChoiceCount : null,
    });
    cursor = end;
  });
  return out;
}

/** `stepsViewed` as the session JSON carries it. */
export function stepsViewedJson(steps: readonly StepView[]): Record<string, unknown>[] {
  return steps.map((v) => ({
    guid: v.guid,
    stepType: v.stepType,
    start: iso(v.start),
    end: iso(v.end),
    duration: v.end - v.start,
    numChoices: v.numChoices,
  }));
}
