import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMock, type Mock } from '../app.ts';
import type { MockOptions } from '../config.ts';
import { HOSTED_FLOW_PATH } from '../vendors/churnkey-hosted-flow/page.ts';
import { authHashOf } from '../vendors/churnkey-hosted-flow/simulator.ts';
import { rebillyBanner } from '../vendors/rebilly-reports/banner.ts';

function hostedFlowBanner(base: string, mock: Mock): string[] {
  const { customerDataUrl, apiKey, flow } = mock.hostedFlow.config();
  const example = mock.world.customers[0]?.id ?? 'cus_x';
  const url = `${base}${HOSTED_FLOW_PATH}?customerId=${example}&authHash=${authHashOf(example, apiKey)}`;
  return [
    `  Churnkey hosted flow ${url}`,
    `    customer data endpoint: ${customerDataUrl ?? 'none (--customer-data-url)'}   flow: ${flow.name ?? 'custom'} (${flow.steps.length} steps)   other customers: GET /__admin/churnkey/flow-url?customerId=ID`,
  ];
}

/** How much URL and headers a request may carry (Node's default is 16 KB; long filters need more). */
export const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Answers a request Node could not parse (too much header, a malformed request line) with a
 * JSON body instead of Node's empty one, so clients see why.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, phrase, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          `The URL and headers exceed ${MAX_HEADER_BYTES / 1024} KB.`,
        ]
      : [400, 'Bad Request', 'The request could not be parsed as HTTP.'];
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The HTTP server of a mock: larger header limit, JSON answers to unparseable requests. */
export function createHttpServer(app: RequestListener): Server {
  return createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app).on(
    'clientError',
    answerClientError,
  );
}

/** Builds the mock, listens, and prints where it is and how to call it. */
export async function startServer(
  options: MockOptions,
  port: number,
  host: string,
): Promise<{ mock: Mock; server: Server }> {
  const started = performance.now();
  const mock = await createMock(options);
  const server = createHttpServer(mock.app).listen(port, host);
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
