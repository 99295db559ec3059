import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, MAX_HEADER_BYTES } from '../../mock/core/http-server.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createHttpServer((await customMock({})).app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const REPORT = '/experimental/reports/subscription-cancellation';
const PERIOD = 'periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z';

/** Sends raw bytes and returns the raw answer (the server closes the connection). */
function raw(text: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the HTTP server', () => {
  it('takes a long filter (18 KB of encoded non-ASCII) that Node’s 16 KB default refuses', async () => {
    const filter = encodeURIComponent(`planId:${'İ'.repeat(3000)}`);
    expect(filter.length).toBeGreaterThan(16 * 1024);
    const res = await fetch(`${base}${REPORT}?${PERIOD}&aggregationField=planId&filter=${filter}`, {
      headers: { 'REB-APIKEY': 'sk_test_churnmock' },
    });
    const body = (await res.json()) as { data: unknown[] };
    await expectContract('GetSubscriptionCancellationReport', { status: res.status, body });
    expect(res.status).toBe(200);
    expect(body.data).toEqual([]);
    expect(res.headers.get('pagination-total')).toBe('0');
  });

  it('answers a URL over the limit with a JSON 431 that says why', async () => {
    const res = await fetch(`${base}${REPORT}?filter=${'x'.repeat(MAX_HEADER_BYTES + 1024)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ message: 'The URL and headers exceed 64 KB.' });
  });

  it('answers a request that is not HTTP with a JSON 400, and keeps serving', async () => {
    const answer = await raw('HELLO /\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('{"message":"The request could not be parsed as HTTP."}');
    const health = await fetch(`${base}/__admin/health`);
    const body = await health.json();
    await expectContract('getHealth', { status: health.status, body });
    expect(health.status).toBe(200);
  });
});
