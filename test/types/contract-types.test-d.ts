/**
 * Type test of the clients generated from the contracts: `npm run typecheck` generates
 * test/types/generated/<id>.d.ts (scripts/contract-types.mjs, openapi-typescript) and tsc checks
 * this file against them. Every valid payload below must type-check, and every line under
 * `@ts-expect-error` must not: if a contract changes a type used here, tsc fails (an unused
 * `@ts-expect-error` is an error too). Never run: the openapi-fetch calls are only type-checked.
 *
 * Formats are not types: openapi-typescript spells `format: date-time` (and `date`, `email`, …)
 * as `string`, so an unparseable date string such as '2025-02-30' type-checks; the contract
 * validators (test/core, the vendors' tests) reject those at run time. What a type can reject
 * is tested here: a date that is not a string (a number, a `Date`), a missing required field,
 * a value outside an enum.
 */
import createClient from 'openapi-fetch';
import type * as churncut from './generated/churncut.js';
import type * as customerData from './generated/churnkey-customer-data.js';
import type * as churnkeyData from './generated/churnkey-data.js';
import type * as hostedFlow from './generated/churnkey-hosted-flow.js';
import type * as admin from './generated/churnmock-admin.js';
import type * as rebilly from './generated/rebilly-reports.js';

type Query<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Json<Op, Status extends number> = Op extends {
  responses: { [S in Status]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;
type Body<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } }
  ? B
  : never;

// ---- ChurnCut -----------------------------------------------------------------------------
type ChurnQuery = Query<churncut.operations['getChurnAnalytics']>;
type ChurnCutSchemas = churncut.components['schemas'];

export const churnQuery = {
  start_date: '2024-01-01',
  end_date: '2024-01-31T00:00:00Z',
  granularity: 'week',
} satisfies ChurnQuery;
// @ts-expect-error a date parameter is a string, not a number (DateParam is `string`)
export const churnQueryNumber: ChurnQuery = { start_date: 20240101 };
// @ts-expect-error nor a Date
export const churnQueryDate: ChurnQuery = { end_date: new Date('2024-01-31') };
// @ts-expect-error granularity is day, week or month
export const churnQueryYear: ChurnQuery = { granularity: 'year' };

// DateParam is one `type: string` with a pattern (it was an anyOf of formats, which generators
// typed `unknown` unless helped): exactly `string`, so any other type is refused.
type ExactlyString<T> = [T] extends [string] ? ([string] extends [T] ? true : false) : false;
export const dateParamIsString: ExactlyString<ChurnCutSchemas['DateParam']> = true;
export const dateParamDay: ChurnCutSchemas['DateParam'] = '2024-01-01';
export const dateParamTime: ChurnCutSchemas['DateParam'] = '2024-01-31T23:59:59+02:00';
// @ts-expect-error a DateParam is not a number
export const dateParamNumber: ChurnCutSchemas['DateParam'] = 20240101;
// @ts-expect-error nor a Date
export const dateParamDate: ChurnCutSchemas['DateParam'] = new Date('2024-01-01');
// @ts-expect-error nor null
export const dateParamNull: ChurnCutSchemas['DateParam'] = null;

export const createFlow = {
  customer_id: 'cus_8f3k2m9x',
  subscription_id: 'sub_4h7j1n5p',
  reason: 'too_expensive',
  redirect_url: 'https://example.com/account',
} satisfies Body<churncut.operations['createCancellationFlow']>;
export const createFlowReason: ChurnCutSchemas['CreateFlowRequest'] = {
  ...createFlow,
  // @ts-expect-error reason is one of the contract's reasons
  reason: 'bored',
};
// @ts-expect-error redirect_url is required
export const createFlowNoRedirect: ChurnCutSchemas['CreateFlowRequest'] = {
  customer_id: 'cus_8f3k2m9x',
  subscription_id: 'sub_4h7j1n5p',
  reason: 'too_expensive',
};

export const flowCreated = {
  success: true,
  data: {
    flow_id: 'flow_9k2m4x7p',
    flow_url: 'https://app.churncut.com/flow/flow_9k2m4x7p',
    expires_at: '2024-02-15T01:00:00Z',
  },
} satisfies Json<churncut.operations['createCancellationFlow'], 201>;
export const flowCreatedDate: ChurnCutSchemas['FlowCreated'] = {
  ...flowCreated.data,
  // @ts-expect-error expires_at (date-time) is a string, not a Date
  expires_at: new Date(),
};

export const churncutCall = (client = createClient<churncut.paths>({ baseUrl: 'http://x' })) =>
  client.GET('/v1/analytics/churn', { params: { query: churnQuery } });
export const churncutBadCall = (client = createClient<churncut.paths>({ baseUrl: 'http://x' })) =>
  // @ts-expect-error the typed client refuses a number for start_date
  client.GET('/v1/analytics/churn', { params: { query: { start_date: 1704067200000 } } });

// ---- Churnkey Data API --------------------------------------------------------------------
type SessionsQuery = Query<churnkeyData.operations['listSessions']>;
type Session = churnkeyData.components['schemas']['Session'];

export const sessionsQuery = {
  startDate: '2023-05-01',
  endDate: '2023-06-01T00:00:00.000Z',
  limit: 100,
  skip: 0,
} satisfies SessionsQuery;
// @ts-expect-error startDate is a string, not a number
export const sessionsQueryNumber: SessionsQuery = { startDate: 1682899200000 };
// @ts-expect-error nor a Date
export const sessionsQueryDate: SessionsQuery = { endDate: new Date('2023-06-01') };
// @ts-expect-error limit is a number
export const sessionsQueryLimit: SessionsQuery = { limit: '100' };

// @ts-expect-error a session has a mode, a createdAt, … (required fields)
export const sessionPartial: Session = { _id: 'ses_1', org: 'org_1', mode: 'LIVE' };
export const sessionMode = (s: Session): Session => ({
  ...s,
  mode: 'TEST',
  createdAt: '2023-05-01T12:00:00.000Z',
});
// @ts-expect-error mode is LIVE or TEST
export const sessionModeBad = (s: Session): Session => ({ ...s, mode: 'live' });
// @ts-expect-error createdAt (date-time) is a string, not a Date
export const sessionCreatedDate = (s: Session): Session => ({ ...s, createdAt: new Date() });

type AggregationQuery = Query<churnkeyData.operations['aggregateSessions']>;
export const aggregationQuery = {
  startDate: '2023-01-01',
  endDate: '2024-01-01T00:00:00Z',
  breakdown: 'month-saveType',
} satisfies AggregationQuery;
// @ts-expect-error the aggregation's startDate is a string (JsDate), not a number
export const aggregationQueryNumber: AggregationQuery = { startDate: 20230101 };
// @ts-expect-error nor a Date
export const aggregationQueryDate: AggregationQuery = { endDate: new Date('2024-01-01') };
// @ts-expect-error breakdown is a string
export const aggregationQueryBreakdown: AggregationQuery = { breakdown: ['month', 'saveType'] };
export const sessionWebhook = (s: Session) =>
  ({
    event: 'session',
    data: { customer: s.customer, session: { ...s, result: 'cancel' } },
  }) satisfies churnkeyData.components['schemas']['SessionWebhook'];
export const sessionWebhookResult = (
  s: Session,
): churnkeyData.components['schemas']['SessionWebhook'] => ({
  event: 'session',
  // @ts-expect-error result is one of the endings (pause, discount, cancel, abort, …)
  data: { customer: s.customer, session: { ...s, result: 'paused' } },
});

export const churnkeyDataCall = (
  client = createClient<churnkeyData.paths>({ baseUrl: 'http://x' }),
) => client.GET('/v1/data/sessions', { params: { query: sessionsQuery } });

// ---- Churnkey Customer Data Endpoint (the contract a customer's server implements) ---------
type CustomerDataRequest = customerData.components['schemas']['CustomerDataRequest'];
type CustomerData = customerData.components['schemas']['CustomerData'];

export const customerDataRequest = {
  customerId: 'cus_churnmock_0a1b2c3d4e5f',
  signature: '5d41402abc4b2a76b9719d911017c592',
} satisfies Body<customerData.operations['postCustomerData']>;
// @ts-expect-error signature is required
export const customerDataUnsigned: CustomerDataRequest = { customerId: 'cus_1' };
export const customerDataAnswer = {
  customerId: 'cus_churnmock_0a1b2c3d4e5f',
  customerAttributes: { plan: 'pro', seats: 5, beta: true },
} satisfies CustomerData;
// @ts-expect-error an attribute is a string, number or boolean, not a Date
export const customerDataDate: CustomerData = { customerAttributes: { since: new Date() } };
// @ts-expect-error customerAttributes is required
export const customerDataEmpty: CustomerData = { customerId: 'cus_1' };

export const customerDataCall = (
  client = createClient<customerData.paths>({ baseUrl: 'http://x' }),
) => client.POST('/churnkey/customer-data', { body: customerDataRequest });

// ---- Churnkey hosted flow (its /__admin endpoints) -----------------------------------------
type HostedFlowChange = hostedFlow.components['schemas']['HostedFlowChange'];

export const hostedFlowChange = {
  customerDataUrl: null,
  timeoutMs: 2000,
  flow: {
    mode: 'TEST',
    survey: { choices: ['Too expensive'] },
    steps: [
      { id: 'pause', offer: { type: 'PAUSE', maxPauseLength: 2, pauseInterval: 'MONTH' } },
      {
        id: 'half-off',
        offer: {
          type: 'DISCOUNT',
          couponId: 'HALF',
          couponType: 'PERCENT',
          couponAmount: 50,
          couponDuration: null,
        },
        conditions: [{ attribute: 'plan', operand: 'INCLUDES', value: ['pro'], type: 'STRING' }],
        exclusive: true,
      },
    ],
  },
} satisfies HostedFlowChange;
type FlowDefinition = hostedFlow.components['schemas']['FlowDefinition'];
export const flowChoiceObjects: FlowDefinition = {
  // @ts-expect-error survey choices are strings (FlowDefinition is typed in full)
  survey: { choices: [{ value: 'x' }] },
  steps: [],
};
export const flowStepNoOffer: FlowDefinition = {
  survey: { choices: ['x'] },
  // @ts-expect-error a step has an id and an offer
  steps: [{ id: 'a' }],
};
export const flowOfferType: FlowDefinition = {
  survey: { choices: ['x'] },
  // @ts-expect-error an offer's type is one of the six
  steps: [{ id: 'a', offer: { type: 'FREE_MONTH' } }],
};
export const flowOperand: FlowDefinition = {
  survey: { choices: ['x'] },
  steps: [
    {
      id: 'a',
      offer: { type: 'CONTACT' },
      // @ts-expect-error a condition's operand is one of Churnkey's
      conditions: [{ attribute: 'plan', operand: 'EQUALS', value: ['pro'], type: 'STRING' }],
    },
  ],
};
// @ts-expect-error timeoutMs is a number
export const hostedFlowTimeout: HostedFlowChange = { timeoutMs: '2000' };
// @ts-expect-error a flow's mode is LIVE or TEST
export const hostedFlowMode: HostedFlowChange = { flow: { mode: 'DEMO', survey: {}, steps: [] } };
// @ts-expect-error a flow has steps
export const hostedFlowNoSteps: HostedFlowChange = { flow: { survey: {} } };

export const hostedFlowCall = (client = createClient<hostedFlow.paths>({ baseUrl: 'http://x' })) =>
  client.PUT('/__admin/churnkey/flow', { body: hostedFlowChange });

// ---- churnmock /__admin ----------------------------------------------------------------------
type ClockChange = admin.components['schemas']['ClockChange'];
type Clock = admin.components['schemas']['Clock'];

export const clockMove = { advance: 'PT25H' } satisfies Body<admin.operations['setClock']>;
export const clockSet = { now: '2024-03-01T00:00:00.000Z' } satisfies ClockChange;
// @ts-expect-error now (date-time) is a string, not a Date
export const clockSetDate: ClockChange = { now: new Date('2024-03-01') };
// @ts-expect-error nor epoch milliseconds
export const clockSetNumber: ClockChange = { now: 1709251200000 };
export const clock = { now: '2024-02-15T00:00:00.000Z' } satisfies Json<
  admin.operations['getClock'],
  200
>;
// @ts-expect-error the clock's answer always has now
export const clockEmpty: Clock = {};
export const stateChangeBad: admin.components['schemas']['StateChange'] = {
  state: 'x',
  // @ts-expect-error a state change is setup or teardown
  action: 'run',
};
export const stateChange = {
  state: 'a customer at high risk',
  params: { api: 'churncut' },
  action: 'setup',
} satisfies Body<admin.operations['setProviderState']>;

export const adminCall = (client = createClient<admin.paths>({ baseUrl: 'http://x' })) =>
  client.POST('/__admin/clock', { body: clockSet });

// ---- Rebilly reports ------------------------------------------------------------------------
type ReportQuery = Query<rebilly.operations['GetSubscriptionCancellationReport']>;

export const reportQuery = {
  periodStart: '2024-01-01T00:00:00Z',
  periodEnd: '2024-01-31T23:59:59Z',
  aggregationField: 'planId',
} satisfies ReportQuery;
// @ts-expect-error periodStart (date-time) is a string, not a Date
export const reportQueryDate: ReportQuery = { ...reportQuery, periodStart: new Date() };
// @ts-expect-error periodEnd is required
export const reportQueryNoEnd: ReportQuery = {
  periodStart: '2024-01-01T00:00:00Z',
  aggregationField: 'planId',
};
// @ts-expect-error aggregationField has no "day" (the vendor's outdated sample)
export const reportQueryDay: ReportQuery = { ...reportQuery, aggregationField: 'day' };
export const report = {
  data: [{ aggregationValue: 'plan-gold', count: 3, averageLength: 42, medianLength: 30 }],
} satisfies Json<rebilly.operations['GetSubscriptionCancellationReport'], 200>;
// @ts-expect-error a row has a count
export const reportRowNoCount: rebilly.components['schemas']['SubscriptionCancellationReportData'] =
  {
    aggregationValue: null,
    averageLength: 0,
    medianLength: 0,
  };

export const rebillyCall = (client = createClient<rebilly.paths>({ baseUrl: 'http://x' })) =>
  client.GET('/experimental/reports/subscription-cancellation', {
    params: { query: reportQuery },
  });
export const rebillyBadCall = (client = createClient<rebilly.paths>({ baseUrl: 'http://x' })) =>
  client.GET('/experimental/reports/subscription-cancellation', {
    // @ts-expect-error the typed client wants periodEnd
    params: { query: { periodStart: '2024-01-01T00:00:00Z', aggregationField: 'planId' } },
  });
