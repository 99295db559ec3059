import { plainErrorBody } from '../../core/errors.ts';
import { baseUrlOf } from '../../core/http.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import type { VendorApi } from '../../core/vendor.ts';
import { FlowDefinitionError, validateFlow } from './definition.ts';
import { HOSTED_FLOW_PATH } from './page.ts';
import { authHashOf, type HostedFlowConfig, type HostedFlowSimulator } from './simulator.ts';

const json = (body: unknown, status = 200): HandlerResult => ({ status, body });

/** `/__admin/churnkey/*` (contracts/churnkey-hosted-flow.openapi.yaml): configure and inspect. */
export function hostedFlowModule(sim: HostedFlowSimulator): VendorApi {
  const config = (): HandlerResult => json(sim.config());

  const setConfig = ({ body }: HandlerInput): HandlerResult => {
    const change = body as Partial<HostedFlowConfig> & { flow?: unknown };
    try {
      const flow =
        change.flow === undefined ? undefined : validateFlow(change.flow, 'request body');
      sim.configure({ ...change, ...(flow ? { flow } : {}) } as Partial<HostedFlowConfig>);
    } catch (e) {
      if (!(e instanceof FlowDefinitionError)) throw e;
      const errors = e.problems.map((message) => ({ in: 'body', name: 'flow', message }));
      return json({ message: e.message, errors }, 400);
    }
    return config();
  };

  const flowUrl = ({ query, headers }: HandlerInput): HandlerResult => {
    const customerId = String(query.customerId);
    const authHash = authHashOf(customerId, sim.config().apiKey);
    const url = new URL(HOSTED_FLOW_PATH, baseUrlOf(headers));
    url.searchParams.set('customerId', customerId);
    url.searchParams.set('authHash', authHash);
    return json({ customerId, authHash, url: url.toString() });
  };

  const sessions = (): HandlerResult =>
    json({
      sessions: sim.sessions().map((s) => ({
        id: s.id,
        requestedCustomerId: s.requestedCustomerId,
        customerId: s.customerId,
        subscriptionId: s.subscriptionId,
        customerData: s.customerData,
        customerAttributes: s.customerAttributes,
        steps: s.steps.map((x) => ({
          id: x.def.id,
          offerType: x.offer.offerType,
          guid: x.offer.guid,
        })),
        finished: s.finished,
      })),
    });

  return {
    prefixes: ['/__admin/churnkey'],
    authenticate: () => null,
    errorBody: plainErrorBody,
    handlers: {
      getHostedFlowConfig: config,
      setHostedFlowConfig: setConfig,
      getHostedFlowUrl: flowUrl,
      listHostedSessions: sessions,
    },
  };
}
