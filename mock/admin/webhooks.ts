import type { Handler, HandlerInput, HandlerResult } from '../core/pipeline/types.ts';
import type { Delivery, WebhookDispatcher } from '../core/webhooks/dispatcher.ts';
import { isRefusal, type TriggerTable } from '../core/webhooks/trigger.ts';

/** What the webhook endpoints work on: the one dispatcher, and every vendor's triggers. */
export interface WebhookHooks {
  /** Webhook targets and delivery log (every vendor's events). */
  readonly webhooks: WebhookDispatcher;
  /** Every event type that can be triggered (`triggerTable` of the built vendors); none when absent. */
  readonly triggers?: TriggerTable;
}

/** The longest a `GET /__admin/webhooks/deliveries?wait=` holds the request. */
export const MAX_WAIT_MS = 30_000;

const bad = (message: string): HandlerResult => ({ status: 400, body: { message } });

/**
 * `wait`: milliseconds (`500`, `500ms`) or seconds (`5s`), whole numbers, at most 30 s; an
 * error message otherwise. The contract's pattern refuses other spellings before this runs.
 */
export function parseWait(value: string): number | string {
  const m = /^([0-9]{1,9})(ms|s)?$/.exec(value);
  if (!m)
    return `"wait" must be a duration such as 500ms, 5s or 2000 (milliseconds), got "${value}"`;
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  if (ms > MAX_WAIT_MS) return `"wait" must be at most 30s (${MAX_WAIT_MS} ms), got "${value}"`;
  return ms;
}

/**
 * `/__admin/webhooks/trigger`, `/__admin/webhooks/deliveries` (filters and long poll) and
 * `/__admin/webhooks/deliveries/{id}/redeliver` (contracts/churnmock-admin.openapi.yaml).
 */
export function webhookHandlers(hooks: WebhookHooks): Record<string, Handler> {
  const table: TriggerTable = hooks.triggers ?? new Map();

  /** Builds a vendor's event from the seeded world and sends it; changes no vendor state. */
  const triggerWebhook = ({ body }: HandlerInput): HandlerResult => {
    const { event, customerId, data } = body as {
      event: string;
      customerId?: string;
      data?: Record<string, unknown>;
    };
    const entry = table.get(event);
    if (!entry)
      return bad(
        `Unknown webhook event "${event}"; the events that can be triggered: ${[...table.keys()].join(', ') || 'none'}`,
      );
    const r = entry.trigger({ customerId, data });
    if (isRefusal(r)) return { status: r.refused, body: { message: r.message } };
    return {
      status: 202,
      body: {
        event,
        vendor: entry.vendor,
        customerId: r.customerId,
        emitted_at: r.event.emitted_at,
        payload: r.event.payload,
        deliveries: r.event.deliveries,
      },
    };
  };

  const redeliverWebhook = ({ path }: HandlerInput): HandlerResult => {
    const d = hooks.webhooks.redeliver(path.id as string);
    if (!d)
      return {
        status: 404,
        body: {
          message: `No webhook delivery ${path.id} (the log keeps the newest 10,000; a reset empties it)`,
        },
      };
    return { status: 202, body: d };
  };

  /** Filtered by `event`, `status` and `since`; with `wait`, held until one matches. */
  const listWebhookDeliveries = ({
    query,
    signal,
  }: HandlerInput): HandlerResult | Promise<HandlerResult> => {
    const { event, status, since, wait } = query as {
      event?: string;
      status?: Delivery['status'];
      since?: string;
      wait?: string;
    };
    const from = since === undefined ? null : Date.parse(since);
    if (from !== null && Number.isNaN(from))
      return bad(
        `"since" must be a time JavaScript can hold (a leap second, 23:59:60, is not one), got "${since}"`,
      );
    const waitMs = wait === undefined ? 0 : parseWait(wait);
    if (typeof waitMs === 'string') return bad(waitMs);
    const match = (d: Delivery) =>
      (event === undefined || d.event === event) &&
      (status === undefined || d.status === status) &&
      (from === null || Date.parse(d.created_at) >= from);
    const answer = (deliveries: readonly Delivery[]): HandlerResult => ({
      status: 200,
      body: { deliveries },
    });
    const all = hooks.webhooks.deliveries();
    const filtered = event !== undefined || status !== undefined || from !== null;
    if (waitMs === 0) return answer(filtered ? all.filter(match) : all);
    return hooks.webhooks.waitForDeliveries(match, { waitMs, signal }).then(answer);
  };

  return { triggerWebhook, redeliverWebhook, listWebhookDeliveries };
}
