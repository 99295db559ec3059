import { afterEach, describe, expect, it } from 'vitest';
import { hmacHex } from '../../../mock/core/crypto.ts';
import { type Signing, WebhookDispatcher } from '../../../mock/core/webhooks/dispatcher.ts';
import { freePort } from '../../helpers/wait.ts';
import { closeReceivers, startReceiver } from '../../helpers/webhook-receiver.ts';

const SIGN: Signing = {
  secret: 'whsec_test',
  headers: { signature: 'x-sig', delivery: 'x-delivery', timestamp: 'x-ts' },
};
const OPTIONS = { urls: [], maxAttempts: 8, backoffMs: 40, timeoutMs: 1000 };

afterEach(closeReceivers);

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('webhook dispatcher persistence', () => {
  it('pending deliveries resume after a restart with their ids and attempt counts, signed', async () => {
    const port = await freePort(); // nothing listens there yet: the receiver is down
    const url = `http://127.0.0.1:${port}/hooks`;
    const journal: { kind: string; data: unknown }[] = [];
    const first = new WebhookDispatcher(OPTIONS);
    first.persistTo((kind, data) => journal.push({ kind, data: viaJson(data) }));
    first.addTarget(url);
    const sent = [
      first.send('cancellation.started', { n: 1 }, SIGN),
      first.send('cancellation.completed', { n: 2 }, SIGN),
    ];
    const ids = sent.flatMap((e) => e.deliveries.map((d) => d.id));
    // Let a few attempts fail, then "kill" it: nothing more is attempted or recorded.
    await new Promise((r) => setTimeout(r, 150));
    await first.idle();
    first.stop();
    const attemptsBefore = first.deliveries().map((d) => d.attempts);
    expect(Math.min(...attemptsBefore)).toBeGreaterThan(0);
    expect(first.deliveries().every((d) => d.status === 'pending')).toBe(true);

    const second = new WebhookDispatcher(OPTIONS);
    for (const j of journal) second.apply(j.kind, j.data);
    expect(second.targets()).toEqual([url]);
    expect(second.deliveries().map((d) => [d.id, d.attempts, d.status])).toEqual(
      first.deliveries().map((d) => [d.id, d.attempts, d.status]),
    );
    const receiver = await startReceiver({ port });
    second.resume();
    const got = await receiver.waitFor(2, 5000);
    await second.idle();
    expect(got.map((r) => r.headers['x-delivery']).sort()).toEqual([...ids].sort());
    for (const r of got) expect(r.headers['x-sig']).toBe(hmacHex(SIGN.secret, r.body));
    expect(got.map((r) => JSON.parse(r.body))).toEqual(
      expect.arrayContaining([{ n: 1 }, { n: 2 }]),
    );
    for (const d of second.deliveries()) {
      expect(d.status).toBe('delivered');
      expect(d.attempts).toBe((attemptsBefore[second.deliveries().indexOf(d)] as number) + 1);
    }
    // Export/import carries the same log.
    const third = new WebhookDispatcher(OPTIONS);
    third.importState(viaJson(second.exportState()));
    expect(viaJson(third.deliveries())).toEqual(viaJson(second.deliveries()));
    expect(third.events().map((e) => e.payload)).toEqual(second.events().map((e) => e.payload));
    second.stop();
  });

  it('a redelivery replays as a redelivery of the same original', async () => {
    const receiver = await startReceiver();
    const journal: { kind: string; data: unknown }[] = [];
    const d1 = new WebhookDispatcher({ ...OPTIONS, urls: [receiver.url] });
    d1.persistTo((kind, data) => journal.push({ kind, data: viaJson(data) }));
    const e = d1.send('offer.accepted', { x: 1 }, SIGN);
    await receiver.waitFor(1);
    await d1.idle();
    const again = d1.redeliver(e.deliveries[0]?.id as string);
    await receiver.waitFor(2);
    await d1.idle();
    const d2 = new WebhookDispatcher({ ...OPTIONS, urls: [receiver.url] });
    for (const j of journal) d2.apply(j.kind, j.data);
    expect(
      d2.deliveries().map((d) => [d.id, d.status, d.attempts, d.redelivery_of ?? null]),
    ).toEqual([
      [e.deliveries[0]?.id, 'delivered', 1, null],
      [again?.id, 'delivered', 1, e.deliveries[0]?.id],
    ]);
    d1.stop();
  });
});
