import express, { type Express, type Request, type Response } from 'express';
import { esc, layout } from '../../core/html.ts';
import { readAhead } from '../../core/pipeline/body.ts';
import { MESSAGES } from './errors.ts';
import type { FlowStep } from './flow.ts';
import type { Ending } from './record.ts';
import type { HostedFlowSimulator, HostedSession } from './simulator.ts';

/** Hosted-flow URLs (Churnkey's own hosted page lives on its domain; here, on the mock). */
export const HOSTED_FLOW_PATH = '/churnkey/flow';

function describe(step: FlowStep): string {
  const c = step.offer.config;
  switch (step.offer.offerType) {
    case 'PAUSE':
      return `Pause your subscription for up to ${c.maxPauseLength} ${String(c.pauseInterval).toLowerCase()}(s).`;
    case 'DISCOUNT': {
      const k = step.offer.coupon;
      const off =
        k?.type === 'AMOUNT' ? `${((k?.amount ?? 0) / 100).toFixed(2)} off` : `${k?.amount}% off`;
      return `${off}${k?.duration ? ` for ${k.duration} month(s)` : ' for ever'}.`;
    }
    case 'PLAN_CHANGE':
      return `Switch to ${(c.planIds as string[]).join(' or ')}.`;
    case 'TRIAL_EXTENSION':
      return `Extend your trial by ${c.trialExtensionDays} days.`;
    case 'REDIRECT':
      return String(c.redirectLabel);
    default:
      return 'Talk to our team.';
  }
}

/** The option the customer picks with an offer: pause length or new plan. */
function optionField(step: FlowStep): string {
  const c = step.offer.config;
  const select = (values: (string | number)[]) =>
    `<select name="option" data-option="${esc(step.def.id)}">${values
      .map((v) => `<option value="${esc(String(v))}">${esc(String(v))}</option>`)
      .join('')}</select>`;
  if (step.offer.offerType === 'PAUSE')
    return select(Array.from({ length: Number(c.maxPauseLength) }, (_, i) => i + 1));
  if (step.offer.offerType === 'PLAN_CHANGE') return select(c.planIds as string[]);
  return '';
}

function flowPage(s: HostedSession): string {
  const action = (what: string) => `${HOSTED_FLOW_PATH}/${encodeURIComponent(s.id)}/${what}`;
  const offers = s.steps
    .map(
      (
        step,
      ) => `<form class="offer" method="post" action="${action('accept')}" data-step="${esc(step.def.id)}">
<input type="hidden" name="offer" value="${esc(step.offer.guid)}">
<h3>${esc(step.def.title ?? step.offer.offerType)}</h3>${step.def.message ? `<p>${esc(step.def.message)}</p>` : ''}
<p>${esc(describe(step))}</p>${optionField(step)}
<button type="submit" data-accept="${esc(step.def.id)}">Accept</button></form>`,
    )
    .join('\n');
  const choices = s.flow.choices
    .map(
      (c) =>
        `<label><input type="radio" name="choice" value="${esc(c.id)}"> ${esc(c.value)}</label><br>`,
    )
    .join('\n');
  return layout(
    'Cancel subscription',
    `<h1>Before you go</h1>
<p id="customer" data-customer="${esc(s.customerId)}">Subscription ${esc(s.subscriptionId)}</p>
${offers || '<p id="no-offers">No offers for you right now.</p>'}
<form method="post" action="${action('cancel')}" id="cancel-form">
<h2>Why are you leaving?</h2>
${choices}
<p><textarea name="feedback" rows="3" cols="40" placeholder="Anything else? (optional)"></textarea></p>
<button type="submit" id="confirm-cancel">Cancel my subscription</button></form>
<form method="post" action="${action('abort')}"><button type="submit" id="abort">Never mind, keep my subscription</button></form>`,
  );
}

function donePage(s: HostedSession): string {
  const f = s.finished;
  return layout(
    'Done',
    `<h1 id="result" data-result="${esc(f?.result ?? '')}">${f?.result === 'cancel' ? 'Your subscription is cancelled' : f?.result === 'abort' ? 'Nothing changed' : 'Thanks for staying'}</h1>
<p>Session <code id="session-id">${esc(f?.sessionId ?? '')}</code></p>`,
  );
}

const fail = (res: Response, status: number, message: string) =>
  void res
    .status(status)
    .type('html')
    .send(layout('Cancel flow', `<h1>${esc(message)}</h1>`));

function endingOf(s: HostedSession, what: string, body: Record<string, unknown>): Ending | string {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  if (what === 'abort') return { kind: 'abort' };
  if (what === 'cancel') {
    const choice = s.flow.choices.find((c) => c.id === str('choice')) ?? null;
    if (str('choice') && !choice) return MESSAGES.unknownChoice;
    const feedback = str('feedback').trim().slice(0, 5000) || null;
    return { kind: 'cancel', choice, feedback };
  }
  const step = s.steps.find((x) => x.offer.guid === str('offer'));
  if (!step) return MESSAGES.offerNotShown;
  const option = str('option');
  const c = step.offer.config;
  if (step.offer.offerType === 'PAUSE') {
    const n = Number(option || c.maxPauseLength);
    if (!Number.isInteger(n) || n < 1 || n > Number(c.maxPauseLength)) return MESSAGES.pickPause;
    return { kind: 'accept', step, option: String(n) };
  }
  if (step.offer.offerType === 'PLAN_CHANGE') {
    const plans = c.planIds as string[];
    const plan = option || plans[0] || '';
    if (!plans.includes(plan)) return MESSAGES.pickPlan;
    return { kind: 'accept', step, option: plan };
  }
  return { kind: 'accept', step, option: null };
}

/**
 * `GET /churnkey/flow?customerId=&authHash=` runs a session (the Customer Data Endpoint is
 * called before the page renders); its forms accept an offer, cancel or abort, then 303 to
 * the session's result page.
 */
export function mountHostedFlow(app: Express, sim: HostedFlowSimulator): void {
  // The control plane may have read the body ahead (journal, stub patterns): readAhead.
  const form = readAhead(express.urlencoded({ extended: false, limit: '16kb' }));
  app.get(HOSTED_FLOW_PATH, async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
    const started = await sim.start(str('customerId'), str('authHash'));
    if (!started.ok) return fail(res, started.status, started.message);
    const d = started.session.customerData;
    res.setHeader(
      'x-churnmock-customer-data',
      d.status === 'failed' ? `failed; ${d.code}` : d.status,
    );
    res.type('html').send(flowPage(started.session));
  });
  app.get(`${HOSTED_FLOW_PATH}/:id`, (req: Request, res: Response) => {
    const s = sim.session(String(req.params.id));
    if (!s) return fail(res, 404, MESSAGES.noSession);
    res.type('html').send(s.finished ? donePage(s) : flowPage(s));
  });
  app.post(`${HOSTED_FLOW_PATH}/:id/:what`, form, (req: Request, res: Response) => {
    const what = String(req.params.what);
    if (!['accept', 'cancel', 'abort'].includes(what)) return fail(res, 404, MESSAGES.noAction);
    const s = sim.session(String(req.params.id));
    if (!s) return fail(res, 404, MESSAGES.noSession);
    if (s.finished) return fail(res, 409, MESSAGES.sessionEnded);
    const ending = endingOf(s, what, (req.body ?? {}) as Record<string, unknown>);
    if (typeof ending === 'string') return fail(res, 400, ending);
    // Refused before anything is recorded, so the page never fails after an outcome.
    if (sim.full) return fail(res, 507, MESSAGES.storeFull);
    sim.finish(s.id, ending);
    res.redirect(303, `${HOSTED_FLOW_PATH}/${encodeURIComponent(s.id)}`);
  });
}
