import { MAX_RECORDED_SESSIONS } from '../churnkey-data/store.ts';

/** Every message the hosted flow answers with (the page's errors and the session start's). */
export const MESSAGES = {
  noCustomerId: 'customerId is required.',
  noAuthHash: 'authHash is required.',
  wrongAuthHash: 'authHash does not match this customer.',
  unknownCustomer: (id: string) => `No customer ${id} in the billing data.`,
  unknownChoice: 'Unknown survey answer.',
  offerNotShown: 'That offer was not shown in this session.',
  pickPause: 'Pick a pause length from the list.',
  pickPlan: 'Pick a plan from the list.',
  noSession: 'No such cancel-flow session.',
  noAction: 'No such action.',
  sessionEnded: 'This session has already ended.',
  storeFull: `The Data API holds ${MAX_RECORDED_SESSIONS} recorded sessions, its most; POST /__admin/reset starts over.`,
} as const;
