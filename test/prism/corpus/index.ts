import { ADMIN_CORPUS } from './admin.ts';
import type { Corpus } from './case.ts';
import { CHURNCUT_CORPUS } from './churncut.ts';
import { CHURNKEY_DATA_CORPUS } from './churnkey-data.ts';
import { REBILLY_REPORTS_CORPUS } from './rebilly-reports.ts';

export type { Case, Corpus } from './case.ts';

/** One corpus per contract the mock serves. */
export const CORPORA: readonly Corpus[] = [
  CHURNKEY_DATA_CORPUS,
  CHURNCUT_CORPUS,
  REBILLY_REPORTS_CORPUS,
  ADMIN_CORPUS,
];
