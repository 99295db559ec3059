import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { iso } from '../../../generators/time.ts';

/** The free-text question the feedback answers (the flow's FREEFORM step). */
export const FEEDBACK_QUESTION = 'What could we have done better?';
/** The analyzer version churnmock reports. */
export const FEEDBACK_ANALYZER_VERSION = '2.1.0';

type Reason = 'budget' | 'need' | 'feature' | 'technical' | 'ease' | 'refund';
const REASONS: readonly Reason[] = ['budget', 'need', 'feature', 'technical', 'ease', 'refund'];

interface ChoiceFacts {
  readonly reason: Reason | null;
  readonly category: string;
  readonly explanation: string;
  readonly followup: string;
}

/** What the analysis makes of each seeded survey answer; other answers read as "Other". */
const BY_CHOICE: Readonly<Record<string, ChoiceFacts>> = {
  "Doesn't Fit My Budget": {
    reason: 'budget',
    category: 'Pricing',
    explanation: 'The customer finds the price too high for the value they get.',
    followup: 'Which price would have made it worth keeping?',
  },
  'Missing Features': {
    reason: 'feature',
    category: 'Product gaps',
    explanation: 'The customer needs a capability the product does not have.',
    followup: 'Which feature would have made you stay?',
  },
  'Technical Issues': {
    reason: 'technical',
    category: 'Reliability',
    explanation: 'The customer ran into bugs or performance problems.',
    followup: 'What went wrong the last time you used it?',
  },
  'Stopped Creating': {
    reason: 'need',
    category: 'Low usage',
    explanation: 'The customer no longer has a use for the product.',
    followup: 'Do you expect to need it again later this year?',
  },
  'Switching to Another Tool': {
    reason: 'feature',
    category: 'Competition',
    explanation: 'The customer is moving to a competing product.',
    followup: 'What does the other tool do better?',
  },
  'Too Complicated': {
    reason: 'ease',
    category: 'Usability',
    explanation: 'The customer finds the product hard to learn or use.',
    followup: 'Where did you get stuck?',
  },
};
const OTHER: ChoiceFacts = {
  reason: null,
  category: 'Other',
  explanation: 'The customer gives a personal or unclassified reason.',
  followup: 'Is there anything we could have done differently?',
};
const FOLLOWUP_ANSWERS = ['Not really, sorry.', 'Maybe later.', 'I already told you above.'];

const factsOf = (s: SessionRecord): ChoiceFacts => (s.choice && BY_CHOICE[s.choice.value]) || OTHER;
const score = (x: number) => Math.round(x * 100) / 100;

/**
 * The AI follow-up question and answer, the analysis of the written feedback and its
 * sentiment scores: all null unless the customer wrote feedback. `at` is when the feedback
 * was given (the free-text step's end).
 */
export function feedbackFields(
  s: SessionRecord,
  at: number,
  draw: () => number,
): Record<string, unknown> {
  if (s.feedback === null)
    return {
      followupQuestion: null,
      followupResponse: null,
      feedbackAnalysis: null,
      sentimentScores: null,
    };
  const facts = factsOf(s);
  const asked = draw() < 0.35;
  const answered = asked && draw() < 0.6;
  const reasonA: Record<string, number> = {};
  // The reason the answer names scores highest; the rest stay low.
  for (const r of REASONS)
    reasonA[r] = score(r === facts.reason ? 0.6 + 0.35 * draw() : 0.3 * draw());
  const angry = score(0.4 * draw());
  return {
    followupQuestion: asked ? facts.followup : null,
    followupResponse: answered
      ? (FOLLOWUP_ANSWERS[Math.floor(draw() * FOLLOWUP_ANSWERS.length)] as string)
      : null,
    feedbackAnalysis: {
      question: FEEDBACK_QUESTION,
      response: s.feedback,
      sessionId: s.id,
      timestamp: iso(at),
      feedbackTypes: [
        { type: 'CHURN_REASON', category: facts.category, explanation: facts.explanation },
      ],
      feedbackAnalyzerVersion: FEEDBACK_ANALYZER_VERSION,
    },
    sentimentScores: {
      reasonA,
      emotionA: {
        angry,
        confused: score(facts.reason === 'ease' ? 0.5 + 0.4 * draw() : 0.3 * draw()),
        grateful: score(0.5 * draw()),
        practical: score(0.4 + 0.5 * draw()),
      },
    },
  };
}
