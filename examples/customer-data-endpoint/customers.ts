/** A flat attribute value (Churnkey's docs: strings, numbers and booleans only). */
export type AttributeValue = string | number | boolean;

/** What the endpoint returns for one customer. */
export interface CustomerRecord {
  readonly subscriptionId?: string;
  readonly customerAttributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * Demo customers. `cus_abc123` is the example of Churnkey's Customer Data Endpoint docs; the
 * others exercise their three targeting examples (Pro with long tenure, paused twice this year,
 * an open support ticket).
 */
export const DEMO_CUSTOMERS: Readonly<Record<string, CustomerRecord>> = {
  cus_abc123: {
    subscriptionId: 'sub_xyz789',
    customerAttributes: {
      plan: 'pro',
      monthlyActiveUsers: 47,
      tenureMonths: 18,
      isOnPaymentRetry: false,
      supportTicketsLastMonth: 2,
    },
  },
  cus_demo_starter: {
    subscriptionId: 'sub_demo_starter',
    customerAttributes: {
      plan: 'starter',
      monthlyActiveUsers: 3,
      tenureMonths: 2,
      pausesThisYear: 0,
      activeSupportTickets: 0,
    },
  },
  cus_demo_paused_twice: {
    customerAttributes: {
      plan: 'pro',
      tenureMonths: 9,
      pausesThisYear: 2,
      activeSupportTickets: 0,
    },
  },
  cus_demo_support: {
    customerAttributes: {
      plan: 'business',
      tenureMonths: 30,
      activeSupportTickets: 1,
      hasDedicatedManager: true,
    },
  },
};
