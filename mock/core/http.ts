import type { IncomingHttpHeaders } from 'node:http';

/**
 * `http://<Host>` of a request, for URLs the mock hands out that point back at itself (flow
 * pages, provider states); the default address when the Host header is absent or odd.
 */
export function baseUrlOf(headers: IncomingHttpHeaders): string {
  const host = headers.host ?? '';
  return /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host) ? `http://${host}` : 'http://127.0.0.1:4010';
}
