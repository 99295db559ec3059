import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { CHURNCUT_STATES } from '../../mock/vendors/churncut/states.ts';
import { CHURNKEY_DATA_STATES } from '../../mock/vendors/churnkey-data/states.ts';
import { REBILLY_REPORTS_STATES } from '../../mock/vendors/rebilly-reports/states.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, ckPost, customMock } from '../helpers/mock.ts';
import {
  activeCustomer,
  CC_AUTH,
  ccGet,
  FLOWS,
  startFlowFor,
} from '../vendors/churncut/helpers.ts';

const CC = { authorization: 'Bearer cc_test_churnmock' };

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

const setState = async (state: string, extra: object = {}) => {
  const res = await request(mock.app)
    .post('/__admin/states')
    .send({ state, ...extra });
  await expectContract('setProviderState', res);
  return res;
};

describe('/__admin/states', () => {
  it('lists every state of every API, each name once', async () => {
    const res = await request(mock.app).get('/__admin/states');
    await expectContract('listProviderStates', res);
    const names = (res.body.states as { name: string }[]).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      [
        ...Object.values(CHURNKEY_DATA_STATES),
        ...Object.values(CHURNCUT_STATES),
        ...Object.values(REBILLY_REPORTS_STATES),
      ].sort(),
    );
  });

  it.each([
    ...Object.values(CHURNKEY_DATA_STATES),
    ...Object.values(CHURNCUT_STATES),
    ...Object.values(REBILLY_REPORTS_STATES),
  ])('sets "%s" up on the default data', async (state) => {
    const res = await setState(state);
    expect(res.status).toBe(200);
  });

  it('clears before it seeds: a delete and a clock move are undone', async () => {
    const person = (await setState(CHURNKEY_DATA_STATES.personWithRecords)).body.email as string;
    await request(mock.app).post('/v1/data/dsr/delete').set(CK_HEADERS).send({ email: person });
    await request(mock.app).post('/__admin/clock').send({ advance: 'P400D' });
    const again = await setState(CHURNKEY_DATA_STATES.personWithRecords);
    expect(again.body.email).toBe(person);
    const access = await ckPost(mock, 'dsrAccess', '/v1/data/dsr/access', { email: person });
    expect(access.body.counts.sessions).toBeGreaterThan(0);
    expect((await request(mock.app).get('/__admin/clock')).body.now).toBe(
      '2025-12-31T00:00:00.000Z',
    );
  });

  it('hands out ids that the API then answers for', async () => {
    const active = (await setState(CHURNCUT_STATES.activeSubscription)).body;
    const customer = await request(mock.app).get(`/v1/customers/${active.customerId}`).set(CC);
    await expectContract('getCustomer', customer);
    expect(customer.body.data.status).toBe('active');
    expect(customer.body.data.subscription).toMatchObject({
      id: active.subscriptionId,
      status: 'active',
    });

    const churned = (await setState(CHURNCUT_STATES.churnedCustomer)).body;
    const gone = await request(mock.app).get(`/v1/customers/${churned.customerId}`).set(CC);
    await expectContract('getCustomer', gone);
    expect(gone.body.data.status).toBe('churned');

    const sessions = (await setState(CHURNKEY_DATA_STATES.customerWithSessions)).body;
    const listed = await request(mock.app)
      .get('/v1/data/sessions')
      .query({ customerId: sessions.customerId })
      .set(CK_HEADERS);
    await expectContract('listSessions', listed);
    expect(listed.body.length).toBeGreaterThan(0);

    const big = (await setState(CHURNKEY_DATA_STATES.personOverDeletionLimit)).body;
    const refused = await request(mock.app)
      .post('/v1/data/dsr/delete')
      .set(CK_HEADERS)
      .send({ email: big.email });
    await expectContract('dsrDelete', refused);
    expect(refused.body.deleted).toBe(false);
  });

  it('starts flows through the lifecycle: pending, or completed and retained', async () => {
    const pending = (await setState(CHURNCUT_STATES.pendingFlow)).body;
    const flow = await request(mock.app).get(`/v1/cancellation-flows/${pending.flowId}`).set(CC);
    await expectContract('getCancellationFlow', flow);
    expect(flow.body.data).toMatchObject({ status: 'pending', customer_id: pending.customerId });
    expect(flow.body.data.flow_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/flow\/flow_/);

    const retained = (await setState(CHURNCUT_STATES.retainedFlow)).body;
    const done = await request(mock.app).get(`/v1/cancellation-flows/${retained.flowId}`).set(CC);
    await expectContract('getCancellationFlow', done);
    expect(done.body.data).toMatchObject({ status: 'completed', outcome: 'retained' });
  });

  it('teardown changes nothing and answers no values', async () => {
    const res = await setState(CHURNCUT_STATES.pendingFlow, { action: 'teardown' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it.each([
    [{ state: 'customer has a pony' }, /Unknown provider state "customer has a pony"/],
    [{}, /state/],
    [{ state: CHURNCUT_STATES.noCustomer, action: 'explode' }, /action/],
  ])('%j is a 400 that says what is wrong', async (body, message) => {
    const res = await request(mock.app).post('/__admin/states').send(body);
    await expectContract('setProviderState', res);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('a state the data cannot provide is a 400 naming it', async () => {
    const res = await setState(CHURNCUT_STATES.noCustomer, {
      params: { customerId: 'cus_RDWqvFpLY56L7p' },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Customer cus_RDWqvFpLY56L7p exists');
  });

  // A refused state changes nothing: no reset, every write before it survives.
  const ERASED = 'delljenkins@gmail.com';

  /** Writes a reset would undo: the clock a day on, a person erased, a ChurnCut flow started. */
  async function writeSomething(): Promise<string> {
    const moved = await request(mock.app).post('/__admin/clock').send({ advance: 'P1D' });
    await expectContract('setClock', moved);
    expect(moved.status).toBe(200);
    const erased = await ckPost(mock, 'dsrDelete', '/v1/data/dsr/delete', { email: ERASED });
    expect(erased.body.deleted).toBe(true);
    return startFlowFor(mock, activeCustomer(mock));
  }

  async function expectWritesSurvived(flowId: string): Promise<void> {
    const clock = await request(mock.app).get('/__admin/clock');
    await expectContract('getClock', clock);
    expect(clock.body.now).toBe('2026-01-01T00:00:00.000Z');
    const access = await ckPost(mock, 'dsrAccess', '/v1/data/dsr/access', { email: ERASED });
    expect(access.body.counts.sessions).toBe(0);
    const flow = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${flowId}`);
    expect(flow.status).toBe(200);
    expect(flow.body.data.status).toBe('pending');
  }

  it.each([
    'hasOwnProperty',
    'constructor',
    'toString',
    '__proto__',
    'valueOf',
    'isPrototypeOf',
    'propertyIsEnumerable',
    'toLocaleString',
    '__defineGetter__',
  ])(
    '"%s" (an Object.prototype name) is an unknown state: a 400 that resets nothing',
    async (state) => {
      mock.reset();
      const flowId = await writeSomething();
      const res = await setState(state);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: `Unknown provider state "${state}"; GET /__admin/states lists the known ones`,
      });
      await expectWritesSurvived(flowId);
    },
  );

  it.each([
    [
      CHURNCUT_STATES.noCustomer,
      { customerId: 'cus_RDWqvFpLY56L7p' },
      'Customer cus_RDWqvFpLY56L7p exists',
    ],
    [CHURNCUT_STATES.noFlow, { flowId: 'flow_123456' }, 'Flow flow_123456 exists'],
    [
      CHURNCUT_STATES.noCustomer,
      { customerId: 42 },
      `Param "customerId" of provider state "${CHURNCUT_STATES.noCustomer}" must be a string, got 42`,
    ],
    [
      CHURNCUT_STATES.noCustomer,
      { customer: 'cus_x' },
      `Provider state "${CHURNCUT_STATES.noCustomer}" takes the params "customerId" (string), not "customer"`,
    ],
    [
      CHURNCUT_STATES.activeSubscription,
      { customerId: 'cus_abc123' },
      `Provider state "${CHURNCUT_STATES.activeSubscription}" takes no params, not "customerId"`,
    ],
    [
      CHURNKEY_DATA_STATES.sessionsInMay2023,
      { hasOwnProperty: 'x' },
      `Provider state "${CHURNKEY_DATA_STATES.sessionsInMay2023}" takes no params, not "hasOwnProperty"`,
    ],
  ])(
    '"%s" with params %j is refused before the reset: a 400 that resets nothing',
    async (state, params, message) => {
      mock.reset();
      const flowId = await writeSomething();
      const res = await setState(state, { params });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message });
      await expectWritesSurvived(flowId);
    },
  );

  it('checks the seed, not what was written since: the state finds what the reset restores', async () => {
    mock.reset();
    const first = (await setState(CHURNCUT_STATES.activeSubscription)).body;
    // The customer the state names churns, and the person it names is erased …
    const flowId = await startFlowFor(mock, { id: first.customerId, sub: first.subscriptionId });
    expect(mock.vendors.churncut.flows.cancel(flowId).ok).toBe(true);
    const gone = await ccGet(mock, 'getCustomer', `/v1/customers/${first.customerId}`);
    expect(gone.body.data.status).toBe('churned');
    // … and the same states still name them, as they are again after the reset.
    const again = await setState(CHURNCUT_STATES.activeSubscription);
    expect(again.body).toEqual(first);
    const customer = await ccGet(mock, 'getCustomer', `/v1/customers/${first.customerId}`);
    expect(customer.body.data.status).toBe('active');
    const pending = (await setState(CHURNCUT_STATES.pendingFlow)).body;
    expect(pending.customerId).toBe(first.customerId);
    const flow = await request(mock.app).get(`${FLOWS}/${pending.flowId}`).set(CC_AUTH);
    await expectContract('getCancellationFlow', flow);
    expect(flow.body.data.status).toBe('pending');
  });
});
