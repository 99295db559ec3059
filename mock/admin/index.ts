import { plainErrorBody } from '../core/errors.ts';
import { baseUrlOf } from '../core/http.ts';
import { contractFile } from '../core/paths.ts';
import type { HandlerInput, HandlerResult, VendorModule } from '../core/pipeline/types.ts';
import { ProviderStateError, type StateParams } from '../core/provider-state.ts';
import type { MockClock } from '../core/time/clock.ts';
import type { WebhookDispatcher } from '../core/webhooks/dispatcher.ts';
import { type ProviderStates, setUpState } from './states.ts';

export const ADMIN_CONTRACT = contractFile('churnmock-admin');

export interface AdminHooks {
  readonly clock: MockClock;
  /** Restores every store's seeded snapshot and the clock's start (`webhookTargets`: drop added ones). */
  reset(options?: { readonly webhookTargets?: boolean }): void;
  /** What the health check reports beside `status`. */
  info(): Record<string, unknown>;
  /** Webhook targets and delivery log (every vendor's events). */
  readonly webhooks: WebhookDispatcher;
  /** Pact provider states (`POST /__admin/states`). */
  readonly states?: ProviderStates;
}

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

  const setClock = ({ body }: HandlerInput): HandlerResult => {
    const change = body as { advance?: string; now?: string };
    if (change.advance !== undefined) {
      try {
        hooks.clock.advance(change.advance);
      } catch {
        return bad(
          `"advance" must be an ISO 8601 duration such as PT25H or P1D, got ${JSON.stringify(change.advance)}`,
        );
      }
    } else if (change.now !== undefined) {
      hooks.clock.set(new Date(change.now).getTime());
    }
    return clockBody();
  };

  /** Pact's state-change call: `{state, params?, action?}`; teardown changes nothing. */
  const setState = ({ body, headers }: HandlerInput): HandlerResult => {
    const change = body as { state: string; params?: StateParams; action?: string };
    if (change.action === 'teardown') return { status: 200, body: {} };
    try {
      const values = setUpState(
        hooks.states?.table ?? {},
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

  return {
    name: 'churnmock admin',
    contractFile: ADMIN_CONTRACT,
    prefixes: ['/__admin'],
    authenticate: () => null,
    errorBody: plainErrorBody,
    handlers: {
      getHealth: () => ({ status: 200, body: { status: 'ok', ...hooks.info() } }),
      reset: ({ query }: HandlerInput) => {
        hooks.reset({ webhookTargets: query.webhookTargets === 'drop' });
        return {
          status: 200,
          body: { reset: true, now: new Date(hooks.clock.now()).toISOString() },
        };
      },
      getClock: clockBody,
      setClock,
      listWebhooks: () => ({ status: 200, body: { urls: hooks.webhooks.targets() } }),
      addWebhook: ({ body }: HandlerInput): HandlerResult => {
        const { url } = body as { url: string };
        hooks.webhooks.addTarget(url);
        return { status: 200, body: { urls: hooks.webhooks.targets() } };
      },
      listProviderStates: () => ({ status: 200, body: { states: hooks.states?.list ?? [] } }),
      setProviderState: setState,
      listWebhookDeliveries: () => ({
        status: 200,
        body: { deliveries: hooks.webhooks.deliveries() },
      }),
    },
  };
}
