import { iso } from '../../../generators/time.ts';
import { baseUrlOf } from '../../core/http.ts';
import { cacheVersionOf } from '../../core/pipeline/cache.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import { invalidRequestMessage } from '../../core/pipeline/validate.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { Problem } from '../../core/validation.ts';
import type { VendorApi } from '../../core/vendor.ts';
import { analyticsHandlers } from './analytics-handlers.ts';
import { churncutAuthenticator } from './auth.ts';
import { ccError, churncutError, MESSAGES } from './errors.ts';
import type { FlowLifecycle, StartFlow } from './lifecycle.ts';
import {
  CustomerFragments,
  liveFlowJson,
  seededFlowJson,
  toCustomerDetail,
} from './materialize.ts';
import type { ChurnCutOptions } from './options.ts';
import { type CustomerQuery, pageCustomers } from './query.ts';
import { redirectUrlProblem } from './redirect.ts';
import type { ChurnCutStore } from './store.ts';

/** Path prefixes of the ChurnCut API (errors under them use its envelope). */
export const CHURNCUT_PREFIXES = ['/v1/customers', '/v1/cancellation-flows', '/v1/analytics'];

const ok = (data: unknown, status = 200): HandlerResult => ({
  status,
  body: { success: true, data },
});

/** The ChurnCut API (ChurnCut API docs) over its store, the mock clock and the flow lifecycle. */
export function churncutModule(
  store: ChurnCutStore,
  clock: MockClock,
  flows: FlowLifecycle,
  options: ChurnCutOptions,
): VendorApi {
  const fragments = new CustomerFragments(store);
  const listCustomers = ({ query }: HandlerInput): HandlerResult => {
    const q = query as unknown as { limit: number; offset: number } & Partial<CustomerQuery>;
    const cq: CustomerQuery = {
      limit: q.limit,
      offset: q.offset,
      riskLevel: query.risk_level as CustomerQuery['riskLevel'],
      status: query.status as CustomerQuery['status'],
    };
    const found = pageCustomers(store.data.order, store.data.probability, store.statusCodes, cq);
    const hasMore = cq.offset + found.indices.length < found.total;
    return { status: 200, body: fragments.list(found.indices, found.total, hasMore) };
  };

  const getCustomer = ({ path }: HandlerInput): HandlerResult => {
    const i = store.index.get(path.id ?? '');
    if (i < 0) return ccError(404, 'customer_not_found', MESSAGES.customerNotFound(path.id ?? ''));
    return ok(toCustomerDetail(store, i, clock.now()));
  };

  const createCancellationFlow = ({ body, headers }: HandlerInput): HandlerResult => {
    const start = body as StartFlow;
    // Refused here, before anything is created: the hosted page could not redirect to it.
    const why = redirectUrlProblem(start.redirect_url);
    if (why !== null) {
      const problems: Problem[] = [
        { in: 'body', name: 'redirect_url', message: MESSAGES.badRedirect(why) },
      ];
      return ccError(400, 'invalid_request', invalidRequestMessage(problems), problems);
    }
    const result = flows.start(start, baseUrlOf(headers));
    if (!result.ok) return ccError(result.status, result.code, result.message);
    const { flow } = result;
    return ok(
      { flow_id: flow.id, flow_url: flow.flowUrl, expires_at: iso(flow.expiresAt) },
      result.created ? 201 : 200,
    );
  };

  const getCancellationFlow = ({ path }: HandlerInput): HandlerResult => {
    const id = path.id ?? '';
    const live = flows.find(id);
    if (live) return ok(liveFlowJson(store, live));
    const k = store.seededFlowIndex(id);
    if (k >= 0) return ok(seededFlowJson(store, k));
    return ccError(404, 'flow_not_found', MESSAGES.flowNotFound(id));
  };

  return {
    prefixes: CHURNCUT_PREFIXES,
    authenticate: churncutAuthenticator(options),
    errorBody: churncutError,
    handlers: {
      listCustomers,
      getCustomer,
      createCancellationFlow,
      getCancellationFlow,
      ...analyticsHandlers(store, clock),
    },
    cacheVersion: cacheVersionOf(
      () => store.version,
      () => clock.now(),
    ),
  };
}
