import { query, requestJson } from './http.ts';

export type RiskLevel = 'low' | 'medium' | 'high';
export type CustomerStatus = 'active' | 'churned' | 'retained';

export interface CustomerSummary {
  id: string;
  email: string;
  risk_level: RiskLevel;
  churn_probability: number;
  status: CustomerStatus;
  subscription_id: string;
  created_at: string;
}

export interface CustomerPage {
  customers: CustomerSummary[];
  total: number;
  has_more: boolean;
}

export interface CustomerDetail {
  id: string;
  email: string;
  risk_level: RiskLevel;
  churn_probability: number;
  status: CustomerStatus;
  subscription: { id: string; plan: string; amount: number; currency: string; status: string };
  factors: { type: string; weight: number }[];
}

export interface StartFlow {
  customer_id: string;
  subscription_id: string;
  reason: string;
  redirect_url: string;
}

export interface FlowCreated {
  flow_id: string;
  flow_url: string;
  expires_at: string;
}

export interface Flow {
  id: string;
  status: 'pending' | 'completed' | 'expired';
  outcome: 'retained' | 'cancelled' | null;
  offer_accepted: { type: string } | null;
  completed_at: string | null;
  customer_id: string;
  expires_at: string;
}

export interface Period {
  start: string;
  end: string;
}

export interface ChurnAnalytics {
  period: Period;
  summary: { total_customers: number; churned: number; churn_rate: number; mrr_lost: number };
  by_period: { date: string; churned: number; churn_rate: number }[];
}

export interface RetentionAnalytics {
  period: Period;
  summary: { cancellation_attempts: number; retained: number; retention_rate: number };
  by_offer_type: { type: string; attempts: number; retained: number; rate: number }[];
}

/** ChurnCut's error envelope, surfaced on ApiError.body. */
export interface ChurnCutError {
  success: false;
  error: { code: string; message: string };
}

type Params = Readonly<Record<string, string | number | boolean | undefined>>;

/** A ChurnCut API client as an app would write it: unwraps `{success, data}`. */
export class ChurnCutClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | null,
  ) {}

  async #call<T>(method: 'GET' | 'POST', path: string, params: Params = {}, body?: unknown) {
    const res = await requestJson<{ success: true; data: T }>(
      `${this.baseUrl}${path}${query(params)}`,
      {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      (status, b) => {
        const e = (b as Partial<ChurnCutError>)?.error;
        return `ChurnCut ${status} ${e?.code}: ${e?.message}`;
      },
    );
    return { status: res.status, data: res.body.data };
  }

  async listCustomers(
    filters: {
      limit?: number;
      offset?: number;
      risk_level?: RiskLevel;
      status?: CustomerStatus;
    } = {},
  ): Promise<CustomerPage> {
    return (await this.#call<CustomerPage>('GET', '/v1/customers', filters)).data;
  }

  async getCustomer(id: string): Promise<CustomerDetail> {
    return (await this.#call<CustomerDetail>('GET', `/v1/customers/${encodeURIComponent(id)}`))
      .data;
  }

  /** Starts a flow; `created` is false when ChurnCut returned the subscription's open flow. */
  async startCancellationFlow(start: StartFlow): Promise<FlowCreated & { created: boolean }> {
    const res = await this.#call<FlowCreated>('POST', '/v1/cancellation-flows', {}, start);
    return { ...res.data, created: res.status === 201 };
  }

  async getCancellationFlow(id: string): Promise<Flow> {
    return (await this.#call<Flow>('GET', `/v1/cancellation-flows/${encodeURIComponent(id)}`)).data;
  }

  async churnAnalytics(
    range: { start_date?: string; end_date?: string; granularity?: 'day' | 'week' | 'month' } = {},
  ): Promise<ChurnAnalytics> {
    return (await this.#call<ChurnAnalytics>('GET', '/v1/analytics/churn', range)).data;
  }

  async retentionAnalytics(
    range: { start_date?: string; end_date?: string } = {},
  ): Promise<RetentionAnalytics> {
    return (await this.#call<RetentionAnalytics>('GET', '/v1/analytics/retention', range)).data;
  }
}
