import { plainErrorBody } from '../core/errors.ts';
import { baseUrlOf } from '../core/http.ts';
import { contractFile } from '../core/paths.ts';
import { type Snapshot, SnapshotError, WorldMismatchError } from '../core/persist/persistence.ts';
import type { HandlerInput, HandlerResult, VendorModule } from '../core/pipeline/types.ts';
import { ProviderStateError, type StateParams } from '../core/provider-state.ts';
import { ClockError, type MockClock } from '../core/time/clock.ts';
import { DurationError } from '../core/time/duration.ts';
import { type WebhookDispatcher, WebhookTargetLimitError } from '../core/webhooks/dispatcher.ts';
import type { ApiInfo } from './apis.ts';
import { type ControlHooks, controlHandlers } from './control.ts';
import { type ProviderStates, setUpState } from './states.ts';
import { type WebhookHooks, webhookHandlers } from './webhooks.ts';

export const ADMIN_CONTRACT = contractFile('churnmock-admin');

export interface AdminHooks extends ControlHooks, WebhookHooks {
  readonly clock: MockClock;
  /** Restores every store's seeded snapshot and the clock's start (`webhookTargets`: drop added ones). */
  reset(options?: { readonly webhookTargets?: boolean }): void;
  /** Every served vendor API, its base URL on `base` (`GET /__admin/apis`). */
  apis(base: string): readonly ApiInfo[];
  /** What the health check reports beside `status`. */
  info(): Record<string, unknown>;
  /** Webhook targets and delivery log (every vendor's events). */
  readonly webhooks: WebhookDispatcher;
  /** Pact provider states (`POST /__admin/states`). */
  readonly states?: ProviderStates;
  /** Every write since the seed (`GET /__admin/snapshot`). */
  snapshot(): Snapshot;
  /** Replaces every write with a snapshot's; throws SnapshotError or WorldMismatchError. */
  restore(value: unknown): Promise<void>;
}

/** The largest snapshot `POST /__admin/snapshot` takes. */
export const SNAPSHOT_BODY_LIMIT = 256 * 1024 * 1024;

/** Where the admin API lives (the hosted flow's controls too, under `/__admin/churnkey`). */
export const ADMIN_PREFIX = '/__admin';

const bad = (message: string): HandlerResult => ({ status: 400, body: { message } });

/**
 * `/__admin/*` (contracts/churnmock-admin.openapi.yaml): health, reset, the mock clock, webhook
 * targets and Pact provider states.
 */
export function adminModule(hooks: AdminHooks): VendorModule {
  const clockBody = (): HandlerResult => ({
    status: 200,
    body: { now: new Date(hooks.clock.now()).toISOString() },
  });

  /**
   * Exactly one of `advance` or `now` (the contract refuses other bodies before this runs). A
   * refused change (a bad duration, a time outside the years 0000 to 9999) changes nothing.
   */
  const setClock = ({ body }: HandlerInput): HandlerResult => {
    const change = body as { advance?: string; now?: string };
    if ((change.advance === undefined) === (change.now === undefined))
      return bad('The body takes exactly one of "advance" (an ISO 8601 duration) or "now"');
    try {
      if (change.advance !== undefined) hooks.clock.advance(change.advance);
      else {
        const t = new Date(change.now as string).getTime();
        if (Number.isNaN(t))
          return bad(
            `"now" must be a time JavaScript can hold (a leap second, 23:59:60, is not one), got ${JSON.stringify(change.now)}`,
          );
        hooks.clock.set(t);
      }
    } catch (e) {
      if (e instanceof DurationError || e instanceof ClockError)
        return bad(`"${change.advance !== undefined ? 'advance' : 'now'}": ${e.message}`);
      throw e;
    }
    return clockBody();
  };

  /**
   * Pact's state-change call: `{state, params?, action?}`; teardown changes nothing. A state
   * that is unknown, given params it does not take, or that the seeded data cannot provide is
   * a 400 that changes nothing (no reset).
   */
  const setState = ({ body, headers }: HandlerInput): HandlerResult => {
    const change = body as { state: string; params?: StateParams; action?: string };
    if (change.action === 'teardown') return { status: 200, body: {} };
    try {
      const values = setUpState(
        hooks.states?.table ?? new Map(),
        hooks.reset,
        change.state,
        change.params ?? {},
        { baseUrl: baseUrlOf(headers) },
      );
      return { status: 200, body: values };
    } catch (e) {
      if (e instanceof ProviderStateError) return bad(e.message);
      throw e;
    }
  };

  /** The snapshot as a download named after its world (`curl -OJ`). */
  const getSnapshot = (): HandlerResult => {
    const s = hooks.snapshot();
    const name = `churnmock-snapshot-seed${s.world.seed}-scale${s.world.scale}-${s.seq}.json`;
    return {
      status: 200,
      body: s,
      headers: { 'content-disposition': `attachment; filename="${name}"` },
    };
  };

  /** Not a snapshot: 400; one of another world: 409; either way nothing changes. */
  const restoreSnapshot = async ({ body }: HandlerInput): Promise<HandlerResult> => {
    try {
      await hooks.restore(body);
    } catch (e) {
      if (e instanceof SnapshotError) return bad(e.message);
      if (e instanceof WorldMismatchError) return { status: 409, body: { message: e.message } };
      throw e;
    }
    const s = hooks.snapshot();
    return {
      status: 200,
      body: {
        restored: true,
        parts: Object.keys((body as Snapshot).parts),
        seq: s.seq,
        now: new Date(hooks.clock.now()).toISOString(),
      },
    };
  };

  return {
    name: 'churnmock admin',
    contractFile: ADMIN_CONTRACT,
    prefixes: [ADMIN_PREFIX],
    bodyLimits: { restoreSnapshot: SNAPSHOT_BODY_LIMIT },
    authenticate: () => null,
    errorBody: plainErrorBody,
    handlers: {
      ...controlHandlers(hooks),
      getHealth: () => ({ status: 200, body: { status: 'ok', ...hooks.info() } }),
      reset: ({ query }: HandlerInput) => {
        hooks.reset({ webhookTargets: query.webhookTargets === 'drop' });
        return {
          status: 200,
          body: { reset: true, now: new Date(hooks.clock.now()).toISOString() },
        };
      },
      getSnapshot,
      restoreSnapshot,
      getClock: clockBody,
      setClock,
      listWebhooks: () => ({ status: 200, body: { urls: hooks.webhooks.targets() } }),
      // One already there is unchanged (200); a new one past MAX_WEBHOOK_TARGETS is a 400.
      addWebhook: ({ body }: HandlerInput): HandlerResult => {
        const { url } = body as { url: string };
        try {
          hooks.webhooks.addTarget(url);
        } catch (e) {
          if (e instanceof WebhookTargetLimitError)
            return bad(
              `${e.message} (POST /__admin/reset?webhookTargets=drop drops those added since start)`,
            );
          throw e;
        }
        return { status: 200, body: { urls: hooks.webhooks.targets() } };
      },
      removeWebhook: ({ query }: HandlerInput): HandlerResult => {
        const url = query.url as string;
        if (!hooks.webhooks.removeTarget(url))
          return {
            status: 404,
            body: { message: `${url} is not a webhook target (GET /__admin/webhooks lists them)` },
          };
        return { status: 200, body: { urls: hooks.webhooks.targets() } };
      },
      listApis: ({ headers }: HandlerInput) => ({
        status: 200,
        body: { apis: hooks.apis(baseUrlOf(headers)) },
      }),
      listProviderStates: () => ({ status: 200, body: { states: hooks.states?.list ?? [] } }),
      setProviderState: setState,
      // triggerWebhook, redeliverWebhook, listWebhookDeliveries (filters, long poll).
      ...webhookHandlers(hooks),
    },
  };
}
