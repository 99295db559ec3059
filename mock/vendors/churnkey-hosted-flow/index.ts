import type { SeededData } from '../../../generators/dataset.ts';
import { type BuildContext, defineVendor, type VendorInstance } from '../../core/vendor.ts';
import type { ChurnkeyDataInstance } from '../churnkey-data/index.ts';
import { HOSTED_FLOW_CLI } from './cli.ts';
import { hostedFlowModule } from './handlers.ts';
import { DEFAULT_HOSTED_FLOW_OPTIONS, type HostedFlowOptions } from './options.ts';
import { HOSTED_FLOW_PATH, mountHostedFlow } from './page.ts';
import { authHashOf, HostedFlowSimulator } from './simulator.ts';

/** A built hosted flow: the simulator of Churnkey's hosted cancel page. */
export interface HostedFlow extends VendorInstance {
  readonly simulator: HostedFlowSimulator;
}

/**
 * Churnkey's hosted cancel flow, played by the mock: the page calls your Customer Data
 * Endpoint, its finished sessions land in the Data API's store, and its `session` webhook goes
 * through the engine's webhook targets (docs/decisions/006). Built after `churnkey-data`.
 */
export const churnkeyHostedFlow = defineVendor({
  id: 'churnkey-hosted-flow',
  title: 'Churnkey hosted flow simulator',
  defaults: DEFAULT_HOSTED_FLOW_OPTIONS,
  cli: HOSTED_FLOW_CLI,
  webhookEvents: [{ event: 'session', summary: 'a hosted cancel-flow session ended (Churnkey)' }],
  build(
    { data, clock, scheduler, webhooks, vendor }: BuildContext<SeededData>,
    options: HostedFlowOptions,
  ): HostedFlow {
    const { store } = vendor<ChurnkeyDataInstance & VendorInstance>('churnkey-data');
    const simulator = new HostedFlowSimulator(
      store,
      clock,
      webhooks,
      { choices: data.churnkey.flows.choices, segmentId: data.churnkey.flows.segments.default },
      options,
      scheduler,
    );
    return {
      simulator,
      persistent: simulator,
      api: hostedFlowModule(simulator),
      mount: (app) => mountHostedFlow(app, simulator),
      reset: () => simulator.reset(),
      triggers: { session: (input) => simulator.trigger(input) },
      credentials: () => [
        {
          label: 'API key (authHash = HMAC-SHA256 of the customer id)',
          value: simulator.config().apiKey,
        },
        {
          label: 'Session webhook signing secret (X-Churnkey-Signature)',
          value: options.webhookSecret,
        },
      ],
      banner(base) {
        const { customerDataUrl, apiKey, flow } = simulator.config();
        const example = data.world.customers[0]?.id ?? 'cus_x';
        const url = `${base}${HOSTED_FLOW_PATH}?customerId=${example}&authHash=${authHashOf(example, apiKey)}`;
        return [
          `  Churnkey hosted flow ${url}`,
          `    customer data endpoint: ${customerDataUrl ?? 'none (--customer-data-url)'}   flow: ${flow.name ?? 'custom'} (${flow.steps.length} steps)   other customers: GET /__admin/churnkey/flow-url?customerId=ID`,
        ];
      },
    };
  },
});
