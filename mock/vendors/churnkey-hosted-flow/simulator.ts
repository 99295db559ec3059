import { randomBytes } from 'node:crypto';
import type { SurveyChoice } from '../../../generators/churnkey-flows.ts';
import { SEED_EXAMPLE_IDS } from '../../../generators/seed-examples.ts';
import { hmacHex, safeEqual } from '../../core/crypto.ts';
import type { PersistentPart, WriteSink } from '../../core/persist/part.ts';
import type { MockClock } from '../../core/time/clock.ts';
import { type Clock, realScheduler } from '../../core/time/scheduler.ts';
import type { Triggered, TriggerInput, TriggerRefusal } from '../../core/vendor.ts';
import type { Signing, WebhookDispatcher } from '../../core/webhooks/dispatcher.ts';
import { deepMerge } from '../../core/webhooks/trigger.ts';
import { callCustomerDataEndpoint } from '../churnkey-customer-data/client.ts';
import type { ChurnkeyDataStore } from '../churnkey-data/store.ts';
import { type FlowDefinition, loadFlowFile, packagedDefaultFlow } from './definition.ts';
import { MESSAGES } from './errors.ts';
import {
  builtInAttributes,
  type CompiledFlow,
  compileFlow,
  type FlowStep,
  stepsFor,
} from './flow.ts';
import { CHURNKEY_WEBHOOK_HEADERS, type HostedFlowOptions } from './options.ts';
import { type Ending, resultOf, sessionRecord, sessionWebhook } from './record.ts';
import type { Attributes } from './targeting.ts';

/** What became of the Customer Data Endpoint call of a session (for the admin log). */
export type CustomerDataOutcome =
  | { readonly status: 'used'; readonly ms: number; readonly httpStatus: number }
  | { readonly status: 'not-configured' }
  | {
      readonly status: 'failed';
      readonly code: string;
      readonly reason: string;
      readonly ms: number;
      readonly httpStatus: number | null;
    };

/** A hosted-flow session from page load to its end. */
export interface HostedSession {
  readonly id: string;
  readonly requestedCustomerId: string;
  readonly customerId: string;
  readonly subscriptionId: string;
  readonly customerAttributes: Attributes;
  readonly customerData: CustomerDataOutcome;
  readonly flow: CompiledFlow;
  readonly steps: readonly FlowStep[];
  readonly startedAtWall: number;
  /** Set when the customer leaves: the Data API session id and the webhook's result. */
  finished: { readonly sessionId: string; readonly result: string } | null;
}

/** The editable part of the configuration (`PUT /__admin/churnkey/flow`). */
export interface HostedFlowConfig {
  customerDataUrl: string | null;
  apiKey: string;
  timeoutMs: number;
  flow: FlowDefinition;
}

export type StartResult =
  | { readonly ok: true; readonly session: HostedSession }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404; readonly message: string };

const KEEP = 10_000;

/** How long a triggered session says the customer spent on the page. */
const TRIGGERED_SESSION_MS = 90_000;

/** hex HMAC-SHA256 of the customer id keyed with the API key (authHash: docs/decisions/006). */
export const authHashOf = (customerId: string, apiKey: string): string =>
  hmacHex(apiKey, customerId);

/**
 * Plays Churnkey's hosted cancel flow: checks the page's authHash, calls your Customer Data
 * Endpoint once per session (Churnkey docs, Customer Data Endpoint: Configuration), targets the
 * flow's steps at the attributes, and writes the finished session into the Data API store and
 * the `session` webhook.
 */
export class HostedFlowSimulator implements PersistentPart {
  readonly #sessions = new Map<string, HostedSession>();
  #sink: WriteSink | null = null;
  readonly #initial: HostedFlowConfig;
  #config: HostedFlowConfig;
  #flow: CompiledFlow;

  constructor(
    private readonly store: ChurnkeyDataStore,
    private readonly clock: MockClock,
    private readonly webhooks: WebhookDispatcher,
    private readonly seeded: { choices: readonly SurveyChoice[]; segmentId: string },
    private readonly options: HostedFlowOptions,
    /** Wall time, for how long a session took (the mock clock stands still meanwhile). */
    private readonly scheduler: Clock = realScheduler,
  ) {
    const flow = options.flowFile ? loadFlowFile(options.flowFile) : packagedDefaultFlow();
    const { customerDataUrl, apiKey, timeoutMs } = options;
    this.#initial = { customerDataUrl, apiKey, timeoutMs, flow };
    this.#config = { ...this.#initial };
    this.#flow = compileFlow(flow, seeded);
  }

  config(): Readonly<HostedFlowConfig> {
    return this.#config;
  }

  /** Changes the configuration; the flow must already be valid (validateFlow). */
  configure(change: Partial<HostedFlowConfig>): void {
    this.#config = { ...this.#config, ...change };
    if (change.flow) this.#flow = compileFlow(change.flow, this.seeded);
    this.#sink?.('config', change);
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a `config` change (the flow in it was valid when it was made). */
  apply(kind: string, data: unknown): void {
    if (kind !== 'config') throw new Error(`journal: unknown hosted-flow write ${kind}`);
    this.configure(data as Partial<HostedFlowConfig>);
  }

  /** The configuration (pages in progress are not kept: a restart ends them). */
  exportState(): unknown {
    return { config: this.#config };
  }

  importState(state: unknown): void {
    this.reset();
    this.configure((state as { config: HostedFlowConfig }).config);
  }

  /** True when the Data API store can record no more sessions (until a reset). */
  get full(): boolean {
    return this.store.full;
  }

  sessions(): HostedSession[] {
    return [...this.#sessions.values()];
  }

  session(id: string): HostedSession | undefined {
    return this.#sessions.get(id);
  }

  /** Starts a session for the hosted page, calling the Customer Data Endpoint first. */
  async start(customerId: string, authHash: string): Promise<StartResult> {
    if (!customerId) return { ok: false, status: 400, message: MESSAGES.noCustomerId };
    if (!authHash) return { ok: false, status: 401, message: MESSAGES.noAuthHash };
    if (!safeEqual(authHash.toLowerCase(), authHashOf(customerId, this.#config.apiKey)))
      return { ok: false, status: 403, message: MESSAGES.wrongAuthHash };
    const billing = this.store.customer(customerId);
    if (!billing) return { ok: false, status: 404, message: MESSAGES.unknownCustomer(customerId) };
    const { outcome, body } = await this.#customerData(customerId);
    const customer = this.store.customerFor(
      body?.customerId ?? customerId,
      billing,
      body?.subscriptionId,
    );
    const now = this.clock.now();
    const attrs = body?.attributes ?? {};
    const session: HostedSession = {
      id: `chs_${randomBytes(12).toString('base64url')}`,
      requestedCustomerId: customerId,
      customerId: customer.id,
      subscriptionId: customer.subscription.id,
      customerAttributes: attrs,
      customerData: outcome,
      flow: this.#flow,
      steps: stepsFor(this.#flow, { ...attrs, ...builtInAttributes(customer, now) }),
      startedAtWall: this.scheduler.now(),
      finished: null,
    };
    this.#sessions.set(session.id, session);
    if (this.#sessions.size > KEEP)
      this.#sessions.delete(this.#sessions.keys().next().value as string);
    return { ok: true, session };
  }

  async #customerData(customerId: string) {
    const { customerDataUrl: url, apiKey, timeoutMs } = this.#config;
    if (!url) return { outcome: { status: 'not-configured' } as const, body: null };
    const r = await callCustomerDataEndpoint({ url, apiKey, customerId, timeoutMs });
    if (!r.ok) {
      const outcome = {
        status: 'failed',
        code: r.code,
        reason: r.reason,
        ms: r.ms,
        httpStatus: r.status ?? null,
      } as const;
      return { outcome, body: null };
    }
    return { outcome: { status: 'used', ms: r.ms, httpStatus: r.status } as const, body: r };
  }

  /**
   * Ends a session: records it in the Data API store and sends the `session` webhook.
   * Null when there is no such open session.
   */
  finish(id: string, ending: Ending): HostedSession | null {
    const s = this.#sessions.get(id);
    if (!s || s.finished) return null;
    const billing = this.store.customer(s.customerId);
    if (!billing) return null;
    const record = sessionRecord(
      s.flow,
      this.store.customerFor(s.customerId, billing, s.subscriptionId),
      s.steps,
      ending,
      this.clock.now(),
      this.scheduler.now() - s.startedAtWall,
    );
    this.store.add(record);
    s.finished = { sessionId: record.id, result: resultOf(ending) };
    this.webhooks.send('session', sessionWebhook(record, this.store.org, ending), this.#signing());
    return s;
  }

  #signing(): Signing {
    return { secret: this.options.webhookSecret, headers: CHURNKEY_WEBHOOK_HEADERS };
  }

  /**
   * The `session` webhook on demand (`POST /__admin/webhooks/trigger`): the session a customer
   * who cancels on the current flow would leave (the steps it shows them, the first survey
   * answer, 90 s on the page, ending at the mock clock's now), sent as `finish` sends it, with
   * `data` deep-merged over the payload's `data` (`{customer, session}`). Nothing is recorded:
   * the session is in neither the Data API nor the simulator's list. Default customer:
   * `cus_abc123` (the same person in every API), else the first seeded one.
   */
  trigger({ customerId, data }: TriggerInput): Triggered | TriggerRefusal {
    const id =
      customerId ??
      (this.store.customer(SEED_EXAMPLE_IDS.customerId)
        ? SEED_EXAMPLE_IDS.customerId
        : (this.store.world.customers[0]?.id ?? ''));
    const customer = this.store.customer(id);
    if (!customer) return { refused: 404, message: `Churnkey: ${MESSAGES.unknownCustomer(id)}` };
    const now = this.clock.now();
    const flow = this.#flow;
    const steps = stepsFor(flow, builtInAttributes(customer, now));
    const ending: Ending = { kind: 'cancel', choice: flow.choices[0] ?? null, feedback: null };
    const record = sessionRecord(flow, customer, steps, ending, now, TRIGGERED_SESSION_MS);
    const payload = sessionWebhook(record, this.store.org, ending);
    const event = this.webhooks.send(
      'session',
      { ...payload, data: deepMerge(payload.data, data) },
      this.#signing(),
    );
    return { customerId: customer.id, event };
  }

  /** Forgets every session and restores the start-up configuration. */
  reset(): void {
    this.#sessions.clear();
    this.configure(this.#initial);
  }
}
