import { query, requestJson } from './http.ts';

export type AggregationField =
  | 'planId'
  | 'websiteId'
  | 'canceledBy'
  | 'cancelCategory'
  | 'leadSource.source'
  | 'leadSource.medium'
  | 'leadSource.campaign'
  | 'leadSource.content'
  | 'leadSource.term'
  | 'leadSource.affiliate'
  | 'leadSource.subAffiliate'
  | 'leadSource.salesAgent';

export interface ReportRequest {
  aggregationField: AggregationField;
  periodStart: string;
  periodEnd: string;
  limit?: number;
  offset?: number;
  filter?: string;
}

export interface ReportRow {
  aggregationValue: string | null;
  count: number;
  averageLength: number;
  medianLength: number;
}

export interface Report {
  rows: ReportRow[];
  /** From the Pagination-* headers. */
  total: number;
  limit: number;
  offset: number;
}

/** Rebilly's RFC 9457 problem document, surfaced on ApiError.body. */
export interface Problem {
  title: string;
  status: number;
  detail: string;
  invalidFields?: { field: string; message: string }[];
}

export type RebillyAuth = { apiKey: string } | { jwt: string } | null;

/** Where the report lives: Rebilly serves it at three paths. */
export type ReportPath = 'experimental' | { organizationId: string } | 'stable';

const PATHS = {
  experimental: '/experimental/reports/subscription-cancellation',
  stable: '/reports/subscription-cancellation',
} as const;

/** A Rebilly subscription-cancellation report client as an app would write it. */
export class RebillyReportsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly auth: RebillyAuth,
    private readonly path: ReportPath = 'experimental',
  ) {}

  #path(): string {
    if (typeof this.path === 'object')
      return `/organizations/${encodeURIComponent(this.path.organizationId)}${PATHS.experimental}`;
    return PATHS[this.path];
  }

  #headers(): Record<string, string> {
    if (this.auth === null) return { accept: 'application/json' };
    return 'apiKey' in this.auth
      ? { accept: 'application/json', 'REB-APIKEY': this.auth.apiKey }
      : { accept: 'application/json', authorization: `Bearer ${this.auth.jwt}` };
  }

  async subscriptionCancellationReport(request: ReportRequest): Promise<Report> {
    const res = await requestJson<{ data: ReportRow[] }>(
      `${this.baseUrl}${this.#path()}${query({ ...request })}`,
      { headers: this.#headers() },
      (status, b) => `Rebilly ${status}: ${(b as Partial<Problem>)?.detail}`,
    );
    const header = (name: string) => Number(res.headers.get(name) ?? Number.NaN);
    return {
      rows: res.body.data,
      total: header('Pagination-Total'),
      limit: header('Pagination-Limit'),
      offset: header('Pagination-Offset'),
    };
  }
}
