import { liveOffers } from '../../../generators/churncut-offers.ts';
import {
  ProviderStateError,
  type StateContext,
  type StateParams,
  type StateTable,
  type StateValues,
} from '../../core/provider-state.ts';
import type { FlowLifecycle } from './lifecycle.ts';
import { pageCustomers } from './query.ts';
import type { ChurnCutStore } from './store.ts';

/** ChurnCut's provider states, by the names consumers give them in their pacts. */
export const CHURNCUT_STATES = {
  highRiskCustomers: 'customers at high risk of churning exist',
  activeSubscription: 'customer cus_abc123 has an active subscription',
  churnedCustomer: 'customer cus_abc123 has churned',
  noCustomer: 'customer cus_nope does not exist',
  pendingFlow: 'cancellation flow flow_123456 is pending',
  retainedFlow: 'cancellation flow flow_123456 ended with the customer retained',
  noFlow: 'cancellation flow flow_nope does not exist',
  churnInJanuary2024: 'customers churned in January 2024',
  attemptsInJanuary2024: 'customers tried to cancel in January 2024',
} as const;

/** Where flows started by a state send the customer afterwards, and why they started. */
const REDIRECT_URL = 'https://your-app.com/subscription/cancelled';
const REASON = 'too_expensive';

/**
 * ChurnCut's states: seeded customers found by their seeded status (what a reset restores, so
 * the check before the reset finds the customer the state then uses), and flows started (and
 * completed) after the reset through the same lifecycle the API uses, so webhooks and statuses
 * follow as they would.
 */
export function churncutStates(cc: {
  readonly store: ChurnCutStore;
  readonly flows: FlowLifecycle;
}): StateTable {
  const { store, flows } = cc;
  const customers = store.data.world.customers;

  /** The first seeded customer with this status (a running subscription for `active`). */
  const findCustomer = (status: 'active' | 'churned'): number => {
    const i = customers.findIndex(
      (_, k) =>
        store.seededStatus(k) === status &&
        (status === 'churned') === (store.seededEndedAt(k) !== null),
    );
    if (i < 0) throw new ProviderStateError(`The seeded data has no ${status} customer`);
    return i;
  };
  const ids = (i: number): StateValues => {
    const c = store.customer(i);
    return { customerId: c.id, subscriptionId: c.subscription.id, email: c.email };
  };
  /** Starts a flow for the customer `check` found (after the reset: it cannot be refused). */
  const startFlow = (checked: StateValues, context: StateContext) => {
    const c = store.customer(store.index.get(String(checked.customerId)));
    const started = flows.start(
      {
        customer_id: c.id,
        subscription_id: c.subscription.id,
        reason: REASON,
        redirect_url: REDIRECT_URL,
      },
      context.baseUrl,
    );
    if (!started.ok) throw new Error(`Could not start a flow: ${started.message}`);
    return started.flow;
  };

  function customersAtHighRiskExist(): StateValues {
    const page = pageCustomers(store.data.order, store.data.probability, store.seededStatusCodes, {
      limit: 1,
      offset: 0,
      riskLevel: 'high',
    });
    if (page.total === 0) throw new ProviderStateError('The seeded data has no high-risk customer');
    return { total: page.total };
  }

  /** The seeded customers are all there is (the API adds none). */
  function customerDoesNotExist(params: StateParams): StateValues {
    const id = typeof params.customerId === 'string' ? params.customerId : 'cus_nope';
    if (store.index.get(id) >= 0) throw new ProviderStateError(`Customer ${id} exists`);
    return { customerId: id };
  }

  /** After a reset the only flows are the seeded ones (GET answers those by id). */
  function flowDoesNotExist(params: StateParams): StateValues {
    const id = typeof params.flowId === 'string' ? params.flowId : 'flow_nope';
    if (store.seededFlowIndex(id) >= 0) throw new ProviderStateError(`Flow ${id} exists`);
    return { flowId: id };
  }

  /** An active customer whose flow offers something to accept. */
  function retainableCustomer(): StateValues {
    const i = findCustomer('active');
    if (liveOffers(REASON, store.customer(i).subscription.plan.tier).length === 0)
      throw new ProviderStateError(`A flow of ${store.customer(i).id} would offer nothing`);
    return ids(i);
  }

  const inJanuary2024 = (times: Float64Array, what: string): StateValues => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 1, 1);
    if (!times.some((t) => t >= from && t < to))
      throw new ProviderStateError(`The seeded data has no ${what} in January 2024`);
    return { startDate: '2024-01-01', endDate: '2024-01-31' };
  };

  const S = CHURNCUT_STATES;
  return {
    [S.highRiskCustomers]: { check: customersAtHighRiskExist },
    [S.activeSubscription]: { check: () => ids(findCustomer('active')) },
    [S.churnedCustomer]: { check: () => ids(findCustomer('churned')) },
    [S.noCustomer]: { params: { customerId: 'string' }, check: customerDoesNotExist },
    [S.pendingFlow]: {
      check: () => ids(findCustomer('active')),
      setUp: (checked, context) => ({ ...checked, flowId: startFlow(checked, context).id }),
    },
    [S.retainedFlow]: {
      check: retainableCustomer,
      setUp(checked, context) {
        const flow = startFlow(checked, context);
        const offer = flow.offers[0];
        const accepted = offer && flows.accept(flow.id, offer.type);
        if (!accepted?.ok) throw new Error(`Could not accept an offer of ${flow.id}`);
        return { ...checked, flowId: flow.id };
      },
    },
    [S.noFlow]: { params: { flowId: 'string' }, check: flowDoesNotExist },
    // The seeded cancellations and flows (a reset restores them; the API only adds live ones).
    [S.churnInJanuary2024]: { check: () => inJanuary2024(store.churnTimes, 'cancellation') },
    [S.attemptsInJanuary2024]: {
      check: () => inJanuary2024(store.data.flows.created, 'cancellation flow'),
    },
  };
}
