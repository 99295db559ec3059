import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../mock/core/time/scheduler.ts';
import {
  MAX_RESPONSE_BYTES,
  MAX_WEBHOOK_TARGETS,
  readAtMost,
  WebhookDispatcher,
  WebhookTargetLimitError,
} from '../../mock/core/webhooks/dispatcher.ts';
import { expectContract } from '../helpers/contract.ts';
import { until } from '../helpers/wait.ts';

// What the webhook dispatcher spends on receivers: how much of an answer it reads, and how many
// targets one event can fan out to. The dispatcher runs on a fake clock (its per-attempt timeout
// never fires unless the test moves it), with real requests to receivers on 127.0.0.1.

const START = Date.parse('2030-01-01T00:00:00.250Z');
const SIGNING = {
  secret: 'whsec_limits',
  headers: { signature: 'X-Sig', delivery: 'X-Delivery', timestamp: 'X-Timestamp' },
} as const;
const MiB = 1024 * 1024;

const servers: Server[] = [];
const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const d of dispatchers.splice(0)) {
    d.reset();
    await d.idle();
  }
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

function fakeDispatcher(urls: readonly string[]) {
  const clock = new FakeScheduler(START);
  const hooks = new WebhookDispatcher(
    { urls, maxAttempts: 3, backoffMs: 1000, timeoutMs: 5000 },
    clock,
  );
  dispatchers.push(hooks);
  return { clock, hooks };
}

async function listening(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

/** The delivery log as GET /__admin/webhooks/deliveries answers it, checked against the contract. */
async function logInContract(hooks: WebhookDispatcher) {
  const body = JSON.parse(JSON.stringify({ deliveries: hooks.deliveries() }));
  await expectContract('listWebhookDeliveries', { status: 200, body });
  return body.deliveries as { status: string; history: unknown[] }[];
}

/**
 * A receiver answering 200 with a body far larger than any memory it should cost (`offer`
 * bytes) that never ends: it writes only as fast as the connection takes it (back-pressure),
 * then holds the response open. Counts what it handed to the connection and sees it close.
 */
async function hugeAnswer(offer: number) {
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const seen = { sent: 0, closed: false, endedBeforeClose: false };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => {
        seen.closed = true;
        seen.endedBeforeClose = res.writableEnded;
      });
      const pump = () => {
        while (!res.destroyed && seen.sent < offer) {
          seen.sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        // Everything offered is written; the body still does not end.
      };
      pump();
    });
  });
  return { url: await listening(server), seen };
}

describe('a receiver’s answer: at most MAX_RESPONSE_BYTES of it is read', () => {
  it('a 200 with a 256 MiB body that never ends is recorded as 200 at once, and the dispatcher hangs up after a few KB', async () => {
    expect(MAX_RESPONSE_BYTES).toBe(4096);
    const offer = 256 * MiB;
    const r = await hugeAnswer(offer);
    const { clock, hooks } = fakeDispatcher([r.url]);
    hooks.send('cancellation.started', { event: 'cancellation.started' }, SIGNING);
    expect(clock.runNext()).toBe(START);
    // Reading the whole body would never end (it has none) and the attempt's timeout is on the
    // fake clock, which stands still: only the dispatcher letting go closes the connection.
    await until(() => r.seen.closed, 10_000);
    await hooks.idle();
    expect(r.seen.endedBeforeClose).toBe(false);
    // What reached the connection is what the kernel buffers of both ends hold once the
    // dispatcher stops reading (a few MiB), far from the 256 MiB offered.
    expect(r.seen.sent).toBeLessThan(64 * MiB);
    const [d] = await logInContract(hooks);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
    expect(d?.history).toEqual([
      { at: new Date(START).toISOString(), status_code: 200, error: null },
    ]);
    // Nothing waits on the clock: the timeout was cleared and no retry is due.
    expect(clock.pending()).toEqual([]);
  });
});

/** A body of `chunk`-byte chunks, produced only when read (`total` bytes, or endless). */
function counted(chunk: number, total = Number.POSITIVE_INFINITY) {
  const seen = { produced: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (seen.produced >= total) return c.close();
        const n = Math.min(chunk, total - seen.produced);
        seen.produced += n;
        c.enqueue(new Uint8Array(n));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

describe('readAtMost', () => {
  it('reads an endless body up to MAX_RESPONSE_BYTES, then cancels it', async () => {
    const { body, seen } = counted(1024);
    expect(await readAtMost(body)).toBe(MAX_RESPONSE_BYTES);
    expect(seen).toEqual({ produced: MAX_RESPONSE_BYTES, cancelled: true });
  });

  it('a chunk that crosses the limit is the last one read', async () => {
    const { body, seen } = counted(64 * 1024);
    expect(await readAtMost(body)).toBe(64 * 1024);
    expect(seen).toEqual({ produced: 64 * 1024, cancelled: true });
  });

  // Read to its end, a short answer leaves the connection fit for the next request.
  it('a body under the limit is read to its end and not cancelled', async () => {
    const { body, seen } = counted(1024, 2500);
    expect(await readAtMost(body)).toBe(2500);
    expect(seen).toEqual({ produced: 2500, cancelled: false });
  });

  it('no body is nothing to read; a body that breaks resolves with what came', async () => {
    expect(await readAtMost(null)).toBe(0);
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          if (pulls++ === 0) c.enqueue(new Uint8Array(100));
          else c.error(new Error('connection reset'));
        },
      },
      { highWaterMark: 0 },
    );
    expect(await readAtMost(broken)).toBe(100);
  });
});

describe('webhook targets: at most MAX_WEBHOOK_TARGETS', () => {
  const urls = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `http://127.0.0.1:9/t${from + i}`);

  it('configured targets: a repeat counts once (one delivery per URL); more than the cap is refused', () => {
    expect(MAX_WEBHOOK_TARGETS).toBe(20);
    const twenty = urls(20);
    const { hooks } = fakeDispatcher([...twenty, twenty[0] as string, twenty[5] as string]);
    expect(hooks.targets()).toEqual(twenty);
    hooks.send('cancellation.started', {}, SIGNING);
    expect(hooks.deliveries().map((d) => d.url)).toEqual(twenty);
    expect(() => fakeDispatcher(urls(21))).toThrow(WebhookTargetLimitError);
    expect(() => fakeDispatcher(urls(21))).toThrow(
      'Webhook targets are capped at 20 (each event is one delivery per target): 21 different URLs were given',
    );
  });

  it('addTarget: one already there is unchanged, even at the cap; a new one past it throws and adds nothing', () => {
    const configured = urls(2);
    const { hooks } = fakeDispatcher(configured);
    for (const url of urls(18, 2)) hooks.addTarget(url);
    hooks.addTarget(configured[0] as string);
    expect(hooks.targets()).toEqual(urls(20));
    const extra = 'http://127.0.0.1:9/one-too-many';
    expect(() => hooks.addTarget(extra)).toThrow(
      `Webhook targets are capped at 20 (each event is one delivery per target): there are 20 already, ${extra} was not added`,
    );
    expect(hooks.targets()).toEqual(urls(20));
    // Dropping the added ones makes room again.
    hooks.reset({ targets: true });
    expect(hooks.targets()).toEqual(configured);
    hooks.addTarget(extra);
    expect(hooks.targets()).toEqual([...configured, extra]);
  });
});
