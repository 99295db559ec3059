import request from 'supertest';
import type { Mock } from '../../../mock/index.ts';
import { REBILLY_OPERATIONS } from '../../../mock/vendors/rebilly-reports/handlers.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../../mock/vendors/rebilly-reports/options.ts';
import { expectContract } from '../../helpers/contract.ts';

/** The demo API key's header. */
export const RB_KEY = { 'REB-APIKEY': DEFAULT_REBILLY_CREDENTIALS.apiKey } as const;

export type PathForm = keyof typeof REBILLY_OPERATIONS;

/** The report's three paths (docs/decisions/002), by the form's name. */
export const PATHS: Record<PathForm, string> = {
  experimental: '/experimental/reports/subscription-cancellation',
  organization: '/organizations/org_churnmock/experimental/reports/subscription-cancellation',
  stable: '/reports/subscription-cancellation',
};

/** A valid query for all of 2025 grouped by cancelCategory. */
export const YEAR_2025 = {
  periodStart: '2025-01-01T00:00:00Z',
  periodEnd: '2025-12-31T23:59:59Z',
  aggregationField: 'cancelCategory',
} as const;

/** GETs the report and checks the body against the contract for that path's operation. */
export async function rbGet(
  mock: Mock,
  query: Record<string, string | number>,
  headers: Record<string, string> = RB_KEY,
  form: PathForm = 'experimental',
) {
  const res = await request(mock.app).get(PATHS[form]).query(query).set(headers);
  await expectContract(REBILLY_OPERATIONS[form], res);
  return res;
}
