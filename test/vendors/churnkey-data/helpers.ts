/** The record kinds of a DSR answer (its `counts` and `profile`), as the contract lists them. */
export const DSR_KINDS = [
  'events',
  'sessions',
  'campaigns',
  'invoices',
  'failedPayments',
  'subscriptions',
  'charges',
  'emails',
] as const;
