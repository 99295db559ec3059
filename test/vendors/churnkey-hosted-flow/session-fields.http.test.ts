import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { ckGet, customMock, SESSIONS } from '../../helpers/mock.ts';
import { type SessionJson, sessionProblems } from '../churnkey-data/session-checks.ts';
import { act, openFlow, proCustomer } from './helpers.ts';

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});
beforeEach(() => mock.reset());

/** The customer's newest session, as the Data API lists it (contract-checked). */
async function newest(
  customerId: string,
  query: Record<string, string> = {},
): Promise<SessionJson> {
  const res = await ckGet(mock, 'listSessions', SESSIONS, { customerId, limit: 1, ...query });
  expect(res.status).toBe(200);
  return res.body[0];
}

const choicesOn = (html: string) => [...html.matchAll(/name="choice" value="/g)].length;
const types = (j: SessionJson) => j.stepsViewed.map((v) => v.stepType);

describe('a session the hosted flow records carries consistent connector-schema fields', () => {
  it('an accepted pause: saveType PAUSE, offer steps as presented, no confirmation', async () => {
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    await act(mock, flow.sessionId, 'accept', { offer: flow.guid('pause'), option: '2' });
    const j = await newest(c.id);
    expect(sessionProblems(j, choicesOn(flow.html))).toEqual([]);
    expect(j.saveType).toBe('PAUSE');
    expect(j.acceptedOffer).toMatchObject({ offerType: 'PAUSE', autoOptimize: false });
    expect(types(j)).toEqual(j.presentedOffers.map(() => 'OFFER'));
    expect(j.feedbackAnalysis).toBeNull();
    expect(j.customer.onTrial).toBe(false);
  });

  it('a cancel with an answer and feedback: survey, free text, analysis of that feedback', async () => {
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    const choice = /name="choice" value="([0-9a-f]{24})"> Missing Features/.exec(flow.html)?.[1];
    expect(choice).toBeDefined();
    await act(mock, flow.sessionId, 'cancel', { choice: choice ?? '', feedback: 'No CRM sync.' });
    const j = await newest(c.id);
    expect(choicesOn(flow.html)).toBeGreaterThan(1);
    expect(sessionProblems(j, choicesOn(flow.html))).toEqual([]);
    expect(j.saveType).toBeNull();
    expect(types(j)).toEqual(expect.arrayContaining(['SURVEY', 'FREEFORM']));
    expect(j.stepsViewed.find((v) => v.stepType === 'SURVEY')?.numChoices).toBe(
      choicesOn(flow.html),
    );
    expect(j.feedbackAnalysis).toMatchObject({ sessionId: j._id, response: 'No CRM sync.' });
  });

  it('an abandoned session shows ABANDON, and the saveType filter finds it', async () => {
    const c = proCustomer(mock);
    const flow = await openFlow(mock, c.id);
    await act(mock, flow.sessionId, 'abort');
    const j = await newest(c.id);
    expect(sessionProblems(j, choicesOn(flow.html))).toEqual([]);
    expect(j.saveType).toBe('ABANDON');
    expect((await newest(c.id, { saveType: 'ABANDON' }))._id).toBe(j._id);
    expect(types(j)).not.toContain('CONFIRM');
  });
});
