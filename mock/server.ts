import { createServer, type Server } from 'node:http';
import { createMock, type Mock } from './app.ts';
import { HOSTED_FLOW_PATH } from './churnkey-flow/page.ts';
import { authHashOf } from './churnkey-flow/simulator.ts';
import type { MockOptions } from './config.ts';
import { rebillyBanner } from './rebilly-reports/banner.ts';

function hostedFlowBanner(base: string, mock: Mock): string[] {
  const { customerDataUrl, apiKey, flow } = mock.hostedFlow.config();
  const example = mock.world.customers[0]?.id ?? 'cus_x';
  const url = `${base}${HOSTED_FLOW_PATH}?customerId=${example}&authHash=${authHashOf(example, apiKey)}`;
  return [
    `  Churnkey hosted flow ${url}`,
    `    customer data endpoint: ${customerDataUrl ?? 'none (--customer-data-url)'}   flow: ${flow.name ?? 'custom'} (${flow.steps.length} steps)   other customers: GET /__admin/churnkey/flow-url?customerId=ID`,
  ];
}

/** Builds the mock, listens, and prints where it is and how to call it. */
export async function startServer(
  options: MockOptions,
  port: number,
  host: string,
): Promise<{ mock: Mock; server: Server }> {
  const started = performance.now();
  const mock = await createMock(options);
  const server = createServer(mock.app).listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const ms = Math.round(performance.now() - started);
  const sessions = mock.churnkey.size(mock.clock.now());
  console.log(
    [
      `churnmock listening on ${base}  (seed ${options.seed}, as-of ${options.asOf}, scale ${options.scale}; ready in ${ms} ms)`,
      `  Churnkey Data API   ${base}/v1/data/*   ${mock.world.customers.length} customers, ${sessions} sessions`,
      `    headers: x-ck-api-key: ${options.churnkey.apiKey}   x-ck-app: ${options.churnkey.appId}`,
      `  ChurnCut API        ${base}/v1/customers | /v1/cancellation-flows | /v1/analytics/*   ${mock.world.customers.length} customers, ${mock.churncut.store.data.flows.count} past flows`,
      `    header: Authorization: Bearer ${options.churncut.apiKey}   webhooks: ${options.churncut.webhookUrls.join(', ') || 'none yet (POST /__admin/webhooks)'}`,
      ...(await rebillyBanner(base, options.rebilly, mock.rebilly.canceledUntil(mock.clock.now()))),
      ...hostedFlowBanner(base, mock),
      `  Admin               ${base}/__admin/health | /__admin/reset | /__admin/clock`,
      options.validateResponses
        ? '  Responses are validated against the contracts (--validate-responses).'
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  // Lookup tables for e-mails and ids are built after listening, so readiness is not delayed.
  setImmediate(() => mock.churnkey.warm());
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { mock, server };
}
