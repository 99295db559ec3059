import express, { type Express, type Request, type Response } from 'express';
import type { Offer } from '../../../generators/churncut-offers.ts';
import { esc, layout } from '../../core/html.ts';
import { readAhead } from '../../core/pipeline/body.ts';
import type { FlowLifecycle, LifecycleResult } from './lifecycle.ts';
import { redirectTarget } from './redirect.ts';
import type { ChurnCutStore, LiveFlow } from './store.ts';

const money = (cents: number, currency: string): string =>
  `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

function describeOffer(o: Offer): string {
  if (o.type === 'discount') return `${o.value}% off for ${o.duration_months} months`;
  if (o.type === 'pause') return `Pause your subscription for ${o.duration_months} months`;
  return `Switch to the ${o.plan} plan`;
}

function flowPage(store: ChurnCutStore, flow: LiveFlow): string {
  const c = store.customer(flow.customer);
  const s = c.subscription;
  const price = money(s.plan.prices[s.currency] * s.quantity, s.currency);
  const action = (path: string) => `/flow/${encodeURIComponent(flow.id)}/${path}`;
  if (flow.status !== 'pending')
    return layout(
      'Cancellation',
      `<h1>This cancellation flow is ${esc(flow.status)}</h1>
<p id="status" data-status="${esc(flow.status)}">Outcome: ${esc(flow.outcome ?? 'none')}</p>
<p><a href="${esc(flow.redirectUrl)}">Continue</a></p>`,
    );
  const offers = flow.offers
    .map(
      (o) => `<form class="offer" method="post" action="${action('accept')}">
<input type="hidden" name="offer" value="${o.type}"><p>${esc(describeOffer(o))}</p>
<button type="submit" data-offer="${o.type}">Accept ${o.type} offer</button></form>`,
    )
    .join('\n');
  return layout(
    'Before you go',
    `<h1>Before you go, ${esc(c.name)}</h1>
<p id="plan">Your plan: <strong>${esc(s.plan.tier)}</strong> (${esc(price)} every ${s.plan.intervalCount} ${s.plan.interval.toLowerCase()})</p>
<h2>We'd like to keep you</h2>
${offers}
<form method="post" action="${action('cancel')}">
<button type="submit" id="confirm-cancel">No thanks, cancel my subscription</button></form>`,
  );
}

/**
 * After the outcome is recorded, nothing may fail: a redirect_url the page cannot follow (only
 * a flow not created through the API has one) shows the outcome instead of redirecting.
 */
function redirectAfter(res: Response, flow: LiveFlow): void {
  const outcome = flow.outcome ?? flow.status;
  const to = redirectTarget(flow.redirectUrl, flow.id, outcome);
  if (to !== null) return void res.redirect(303, to);
  res.status(200).type('html');
  res.send(
    layout(
      'Cancellation',
      `<h1>Thank you: your answer is recorded</h1>
<p id="status" data-status="${esc(flow.status)}">Outcome: ${esc(outcome)}</p>
<p>This flow's redirect URL cannot be followed, so you stay on this page.</p>`,
    ),
  );
}

function answer(res: Response, result: LifecycleResult): void {
  if (result.ok) {
    redirectAfter(res, result.flow);
    return;
  }
  res.status(result.status).type('html');
  res.send(layout('Cancellation', `<h1>${esc(result.message)}</h1>`));
}

/** The hosted flow page at `flow_url` and its two actions (form posts, then a 303 to redirect_url). */
export function mountFlowPage(app: Express, store: ChurnCutStore, flows: FlowLifecycle): void {
  // The control plane may have read the body ahead (journal, stub patterns): readAhead.
  const form = readAhead(express.urlencoded({ extended: false, limit: '16kb' }));
  app.get('/flow/:id', (req: Request, res: Response) => {
    const flow = flows.find(String(req.params.id));
    res.type('html');
    if (!flow)
      return void res.status(404).send(layout('Not found', '<h1>No such cancellation flow</h1>'));
    res.send(flowPage(store, flow));
  });
  app.post('/flow/:id/accept', form, (req: Request, res: Response) => {
    const offer = (req.body as Record<string, unknown> | undefined)?.offer;
    answer(res, flows.accept(String(req.params.id), typeof offer === 'string' ? offer : ''));
  });
  app.post('/flow/:id/cancel', form, (req: Request, res: Response) => {
    answer(res, flows.cancel(String(req.params.id)));
  });
}
