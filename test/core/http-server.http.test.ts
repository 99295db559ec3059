import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpServer,
  MAX_HEADER_BYTES,
  type ServerLimits,
} from '../../mock/core/http-server.ts';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';

let server: Server;
let base: string;
let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
  server = createHttpServer(mock.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const REPORT = '/experimental/reports/subscription-cancellation';
const PERIOD = 'periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z';

/** Sends raw bytes and returns the raw answer (the server closes the connection). */
function raw(text: string | Buffer, on: Server = server): Promise<string> {
  const { port } = on.address() as AddressInfo;
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

  it('answers a malformed request followed by a large body with the 400, never a reset (20 tries)', async () => {
    const junk = Buffer.concat([
      Buffer.from('HELLO /\r\n\r\n'),
      Buffer.alloc(2 * 1024 * 1024, 120),
    ]);
    for (let i = 0; i < 20; i++) {
      const answer = await raw(junk);
      expect(answer, `try ${i}`).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    }
  });

  it('refuses a body announced over 1 MB from its Content-Length, before any of it is sent', async () => {
    const answer = await raw(
      'POST /v1/data/dsr/delete HTTP/1.1\r\nHost: x\r\nx-ck-api-key: data_test_churnmock\r\nx-ck-app: app_churnmock\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"email":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    const body = JSON.parse(
      answer
        .slice(answer.indexOf('{'))
        .replace(/\r\n0\r\n\r\n$/, '')
        .split('\r\n')[0] ?? '',
    );
    await expectContract('dsrDelete', { status: 413, body });
    expect(body).toEqual({ message: 'Request body too large (limit 1 MB)' });
  });

  it('answers CONNECT with a JSON 405 (it is not a proxy)', async () => {
    const answer = await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answer).toContain(
      '{"message":"Method CONNECT not allowed on example.com:443; churnmock is not a proxy"}',
    );
  });
});

describe("the HTTP server's own limits and close", () => {
  const FAST: Partial<ServerLimits> = {
    headersTimeoutMs: 300,
    requestTimeoutMs: 600,
    checkIntervalMs: 50,
  };
  let quick: Server;
  beforeAll(async () => {
    quick = createHttpServer(mock.app, FAST);
    await new Promise<void>((resolve) => quick.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => quick.close(() => resolve())));

  it('answers headers that never end with a JSON 408', async () => {
    const answer = await raw('GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n', quick);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('{"message":"The request did not arrive in time."}');
  });

  it('answers a body that trickles in too slowly with a JSON 408', async () => {
    const answer = await raw(
      'POST /__admin/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      quick,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('closing lets a response being written to a slow reader finish, whole', async () => {
    const closing = createHttpServer(mock.app);
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const { port } = closing.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'GET /v1/data/sessions?limit=10000 HTTP/1.1\r\nHost: x\r\nx-ck-api-key: data_test_churnmock\r\nx-ck-app: app_churnmock\r\n\r\n',
    );
    // A slow reader: nothing is read until the server has been told to close.
    socket.pause();
    await new Promise((r) => setTimeout(r, 500));
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    await closed;
    const answer = Buffer.concat(chunks);
    const head = answer.subarray(0, answer.indexOf('\r\n\r\n')).toString();
    expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
    // Whole: every byte its Content-Length announced.
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    const body = answer.subarray(answer.indexOf('\r\n\r\n') + 4);
    expect(length).toBeGreaterThan(4 * 1024 * 1024);
    expect(body.length).toBe(length);
    const sessions = JSON.parse(body.toString()) as unknown[];
    await expectContract('listSessions', { status: 200, body: sessions });
    expect(sessions.length).toBeGreaterThan(1000);
  }, 30_000);
});
