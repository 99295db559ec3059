import { ADMIN_CORPUS } from './admin.ts';
import type { Corpus } from './case.ts';
import { CHURNCUT_CORPUS } from './churncut.ts';
import { CHURNKEY_DATA_CORPUS } from './churnkey-data.ts';
import { HOSTED_FLOW_CORPUS } from './churnkey-hosted-flow.ts';
import { CUSTOMER_DATA_CORPUS } from './customer-data.ts';
import { REBILLY_REPORTS_CORPUS } from './rebilly-reports.ts';

export type { Case, Corpus } from './case.ts';

/** One corpus per contract: the mock's, and the Customer Data Endpoint's (reference endpoint). */
export const CORPORA: readonly Corpus[] = [
  CHURNKEY_DATA_CORPUS,
  CHURNCUT_CORPUS,
  REBILLY_REPORTS_CORPUS,
  ADMIN_CORPUS,
  HOSTED_FLOW_CORPUS,
  CUSTOMER_DATA_CORPUS,
];
