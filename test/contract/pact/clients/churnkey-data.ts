import { query, requestJson } from './http.ts';

/** The parts of a session this app reads (the API sends more). */
export interface Session {
  _id: string;
  customer: {
    id: string;
    email: string;
    planId: string;
    currency: string;
    billingInterval: 'WEEK' | 'MONTH' | 'YEAR';
  };
  acceptedOffer: { offerType: string } | null;
  aborted: boolean;
  canceled: boolean;
  bounced: boolean;
  createdAt: string;
}

export interface SessionFilters {
  limit?: number;
  skip?: number;
  startDate?: string;
  endDate?: string;
  customerId?: string;
  offerType?: string;
  billingInterval?: 'WEEK' | 'MONTH' | 'YEAR';
  canceled?: boolean;
  bounced?: boolean;
}

/** One row of a session aggregation: `count` plus one key per breakdown dimension. */
export type AggregationRow = { count: number } & Record<string, string | number | boolean | null>;

export interface DsrCounts {
  events: number;
  sessions: number;
}

export interface DsrAccess {
  customer: { email: string };
  counts: DsrCounts;
  profile: { sessions: Session[] };
}

export type DsrDelete =
  | { customer: { email: string }; deleted: true; deletedCounts: DsrCounts; counts: DsrCounts }
  | { customer: { email: string }; deleted: false; reasonForRejection: string; counts: DsrCounts };

/** A Churnkey Data API client as an app would write it: typed, small, errors as ApiError. */
export class ChurnkeyDataClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { apiKey: string; appId: string } | null,
  ) {}

  #headers(json = false): Record<string, string> {
    return {
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.credentials
        ? { 'x-ck-api-key': this.credentials.apiKey, 'x-ck-app': this.credentials.appId }
        : {}),
    };
  }

  async #get<T>(
    path: string,
    params: Readonly<Record<string, string | number | boolean | undefined>>,
  ) {
    const res = await requestJson<T>(
      `${this.baseUrl}${path}${query(params)}`,
      { headers: this.#headers() },
      (status, body) => `Churnkey ${status}: ${(body as { message?: string })?.message}`,
    );
    return res.body;
  }

  async #post<T>(path: string, body: unknown) {
    const res = await requestJson<T>(
      `${this.baseUrl}${path}`,
      { method: 'POST', headers: this.#headers(true), body: JSON.stringify(body) },
      (status, b) => `Churnkey ${status}: ${(b as { message?: string })?.message}`,
    );
    return res.body;
  }

  /** Sessions, newest first. */
  listSessions(filters: SessionFilters = {}): Promise<Session[]> {
    return this.#get('/v1/data/sessions', { ...filters });
  }

  /** Session counts grouped by `breakdown` (dimensions joined with '-'). */
  aggregateSessions(
    filters: Omit<SessionFilters, 'limit' | 'skip'> & { breakdown?: string } = {},
  ): Promise<AggregationRow[]> {
    return this.#get('/v1/data/session-aggregation', { ...filters });
  }

  /** GDPR access: everything held about the person with this e-mail. */
  accessPersonalData(email: string): Promise<DsrAccess> {
    return this.#post('/v1/data/dsr/access', { email });
  }

  /** GDPR erasure; `deleted: false` when Churnkey refuses (too many events). */
  deletePersonalData(email: string): Promise<DsrDelete> {
    return this.#post('/v1/data/dsr/delete', { email });
  }
}
