import type { Mock } from '../../../mock/create.ts';
import { REBILLY_OPERATIONS } from '../../../mock/vendors/rebilly-reports/handlers.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../../mock/vendors/rebilly-reports/options.ts';
import { getChecked } from '../../helpers/mock.ts';

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
export const rbGet = (
  mock: Mock,
  query: Record<string, string | number>,
  headers: Record<string, string> = RB_KEY,
  form: PathForm = 'experimental',
) => getChecked(mock, headers, REBILLY_OPERATIONS[form], PATHS[form], query);

/** The problem document (RFC 9457) of a refused request, as the mock sends it. */
export const problem = (status: number, title: string, detail: string) => ({
  type: 'about:blank',
  title,
  status,
  detail,
});
