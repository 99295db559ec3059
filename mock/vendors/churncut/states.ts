import {
  ProviderStateError,
  type StateContext,
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

/** Where flows started by a state send the customer afterwards. */
const REDIRECT_URL = 'https://your-app.com/subscription/cancelled';

/**
 * ChurnCut's states: seeded customers found by status, and flows started (and completed)
 * through the same lifecycle the API uses, so webhooks and statuses follow as they would.
 */
export function churncutStates(cc: {
  readonly store: ChurnCutStore;
  readonly flows: FlowLifecycle;
}): StateTable {
  const { store, flows } = cc;
  const customers = store.data.world.customers;

  const findCustomer = (status: 'active' | 'churned'): number => {
    const i = customers.findIndex(
      (_, k) =>
        store.status(k) === status && (status === 'churned') === (store.endedAt(k) !== null),
    );
    if (i < 0) throw new ProviderStateError(`The seeded data has no ${status} customer`);
    return i;
  };
  const ids = (i: number): StateValues => {
    const c = store.customer(i);
    return { customerId: c.id, subscriptionId: c.subscription.id, email: c.email };
  };
  const startFlow = (context: StateContext) => {
    const i = findCustomer('active');
    const c = store.customer(i);
    const started = flows.start(
      {
        customer_id: c.id,
        subscription_id: c.subscription.id,
        reason: 'too_expensive',
        redirect_url: REDIRECT_URL,
      },
      context.baseUrl,
    );
    if (!started.ok) throw new ProviderStateError(`Could not start a flow: ${started.message}`);
    return { flow: started.flow, values: ids(i) };
  };

  function customersAtHighRiskExist(): StateValues {
    const page = pageCustomers(store.data.order, store.data.probability, store.statusCodes, {
      limit: 1,
      offset: 0,
      riskLevel: 'high',
    });
    if (page.total === 0) throw new ProviderStateError('The seeded data has no high-risk customer');
    return { total: page.total };
  }

  function customerHasActiveSubscription(): StateValues {
    return ids(findCustomer('active'));
  }

  function customerHasChurned(): StateValues {
    return ids(findCustomer('churned'));
  }

  function customerDoesNotExist(params: Readonly<Record<string, unknown>>): StateValues {
    const id = typeof params.customerId === 'string' ? params.customerId : 'cus_nope';
    if (store.index.get(id) >= 0) throw new ProviderStateError(`Customer ${id} exists`);
    return { customerId: id };
  }

  function flowIsPending(_: unknown, context: StateContext): StateValues {
    const { flow, values } = startFlow(context);
    return { ...values, flowId: flow.id };
  }

  function flowEndedWithCustomerRetained(_: unknown, context: StateContext): StateValues {
    const { flow, values } = startFlow(context);
    const offer = flow.offers[0];
    const accepted = offer && flows.accept(flow.id, offer.type);
    if (!accepted?.ok) throw new ProviderStateError(`Could not accept an offer of ${flow.id}`);
    return { ...values, flowId: flow.id };
  }

  function flowDoesNotExist(params: Readonly<Record<string, unknown>>): StateValues {
    const id = typeof params.flowId === 'string' ? params.flowId : 'flow_nope';
    if (flows.find(id)) throw new ProviderStateError(`Flow ${id} exists`);
    return { flowId: id };
  }

  const inJanuary2024 = (times: Float64Array, what: string): StateValues => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 1, 1);
    if (!times.some((t) => t >= from && t < to))
      throw new ProviderStateError(`The seeded data has no ${what} in January 2024`);
    return { startDate: '2024-01-01', endDate: '2024-01-31' };
  };

  function customersChurnedInJanuary2024(): StateValues {
    return inJanuary2024(store.churnTimes, 'cancellation');
  }

  function customersTriedToCancelInJanuary2024(): StateValues {
    return inJanuary2024(store.data.flows.created, 'cancellation flow');
  }

  const S = CHURNCUT_STATES;
  return {
    [S.highRiskCustomers]: customersAtHighRiskExist,
    [S.activeSubscription]: customerHasActiveSubscription,
    [S.churnedCustomer]: customerHasChurned,
    [S.noCustomer]: customerDoesNotExist,
    [S.pendingFlow]: flowIsPending,
    [S.retainedFlow]: flowEndedWithCustomerRetained,
    [S.noFlow]: flowDoesNotExist,
    [S.churnInJanuary2024]: customersChurnedInJanuary2024,
    [S.attemptsInJanuary2024]: customersTriedToCancelInJanuary2024,
  };
}
