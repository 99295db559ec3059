import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES } from '../../mock/core/http-server.ts';
import { type RunningMock, startMock } from '../../mock/index.ts';
import { expectContract } from '../helpers/contract.ts';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ logFormat: 'off' });
});
afterAll(() => mock.close());

interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Sends a raw request over a socket and reads the whole answer (the server closes it). */
function raw(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(mock.port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [line = '', ...fields] = head.split('\r\n');
      const headers = Object.fromEntries(
        fields.map((f) => [
          f.slice(0, f.indexOf(':')).toLowerCase(),
          f.slice(f.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(line.split(' ')[1]), headers, body: JSON.parse(body) });
    });
  });
}

/** A GET of `path` with `bytes` of one oversized header. */
const oversized = (path: string, bytes: number) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(bytes)}\r\n\r\n`;

const MESSAGE = 'The URL and headers exceed 64 KB.';
const REPORT = '/experimental/reports/subscription-cancellation';

describe('431: too much header, answered in the owning vendor’s error shape', () => {
  const over = MAX_HEADER_BYTES + 6 * 1024;

  it('ChurnCut: its error envelope, code headers_too_large', async () => {
    const res = await raw(oversized('/v1/customers?limit=2', over));
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.connection).toBe('close');
    expect(res.body).toEqual({
      success: false,
      error: { code: 'headers_too_large', message: MESSAGE },
    });
    await expectContract('listCustomers', res);
    await expectContract('createCancellationFlow', res);
  });

  it('Rebilly: its problem document, on every path form', async () => {
    for (const [path, op] of [
      [REPORT, 'GetSubscriptionCancellationReport'],
      [`/organizations/org_1${REPORT}`, 'GetOrganizationSubscriptionCancellationReport'],
      ['/reports/subscription-cancellation', 'GetStableSubscriptionCancellationReport'],
    ] as const) {
      const res = await raw(oversized(path, over));
      expect(res.status).toBe(431);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Request Header Fields Too Large',
        status: 431,
        detail: MESSAGE,
      });
      await expectContract(op, res);
    }
  });

  it('Rebilly: a URL over the limit (a very long filter) is the same problem document', async () => {
    const res = await raw(`GET ${REPORT}?filter=${'x'.repeat(over)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.body).toMatchObject({ status: 431, detail: MESSAGE });
    await expectContract('GetSubscriptionCancellationReport', res);
  });

  it('the admin API: its {message} error', async () => {
    const res = await raw(oversized('/__admin/health', over));
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ message: MESSAGE });
    await expectContract('getHealth', res);
    await expectContract('setClock', res);
  });

  it('just under the limit is served as usual', async () => {
    const res = await fetch(`${mock.url}/__admin/health`, {
      headers: { 'x-padding': 'a'.repeat(MAX_HEADER_BYTES - 1024) },
    });
    expect(res.status).toBe(200);
    await expectContract('getHealth', { status: res.status, body: await res.json() });
  });

  it('past twice the limit Node refuses the headers itself: still a JSON 431, the generic {message}', async () => {
    // Node's parser fails on a later packet than the request line's, so no vendor is known.
    const res = await raw(oversized('/v1/customers', 3 * MAX_HEADER_BYTES));
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: MESSAGE });
  });
});
