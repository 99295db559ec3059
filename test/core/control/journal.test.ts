import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  headersOf,
  Journal,
  JournalEntry,
  PACK_BATCH,
} from '../../../mock/core/control/journal.ts';

/** A request as the control plane sees it (no socket needed beyond its address). */
function request(url: string, rawHeaders: string[], method = 'GET'): IncomingMessage {
  return {
    method,
    url,
    rawHeaders,
    headers: headersOf(rawHeaders),
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

/** A response that was written: its status and Node's head. */
const written = (status: number, head: string) =>
  ({ headersSent: true, statusCode: status, _header: head }) as unknown as ServerResponse;

/** What readers see of an entry. */
const view = (e: JournalEntry) => ({
  id: e.id,
  seq: e.seq,
  method: e.method,
  url: e.url,
  path: e.path,
  headers: e.headers,
  rawHeaders: e.rawHeaders,
  clientIp: e.clientIp,
  loggedDate: e.loggedDate,
  mockTime: e.mockTime,
  vendor: e.vendor,
  operation: e.operation,
  unmatched: e.unmatched,
  reason: e.reason,
  status: e.status,
  stub: e.stub,
  fault: e.fault,
  addedDelayMs: e.addedDelayMs,
  durationMs: e.durationMs,
  responseHeaders: e.responseHeaders(),
  body: e.body.toString('base64'),
  bodyBytes: e.bodyBytes,
  bodyTruncated: e.bodyTruncated,
  recorded: { ...e.recorded(), body: e.recorded().body },
});

function finishedEntry(
  journal: Journal,
  i: number,
  body?: Buffer,
): { e: JournalEntry; before: ReturnType<typeof view> } {
  const raw = ['Host', 'localhost', 'X-Name', `caf\u00e9 ${i}`, 'Cookie', 'a=1', 'Cookie', 'b=2'];
  const e = JournalEntry.of(
    request(`/v1/x?i=${i}&q=%C3%A9`, raw, body ? 'POST' : 'GET'),
    1000 + i,
    5000 + i,
  );
  journal.add(e);
  if (body) journal.setBody(e, [body], body.length);
  e.vendor = i % 2 ? 'churncut' : null;
  e.operation = i % 3 ? 'listCustomers' : null;
  e.unmatched = i % 5 === 0;
  e.reason = i % 4 ? null : `refused \u2014 ${i} 😀`;
  e.stub = i % 7 ? null : 'stub-1';
  e.fault = i % 11 ? null : 'EMPTY_RESPONSE';
  e.addedDelayMs = i % 3;
  e.finish(
    written(200 + (i % 3), `HTTP/1.1 200 OK\r\nx-a: ${i}\r\ncontent-length: 2\r\n\r\n`),
    1010 + i,
  );
  const before = view(e);
  journal.finished(e);
  return { e, before };
}

describe('the request journal keeps finished entries as bytes', () => {
  it('reads back every field of a finished entry as it was', () => {
    const journal = new Journal(100);
    const kept = Array.from({ length: 40 }, (_, i) =>
      finishedEntry(journal, i, i % 6 === 0 ? Buffer.from(`{"n":${i},"t":"ü"}`) : undefined),
    );
    for (const { e, before } of kept) {
      const back = journal.get(e.id);
      expect(back).toBeDefined();
      expect(back).not.toBe(e); // read back from its record, not the object
      expect(view(back as JournalEntry)).toEqual(before);
    }
    expect(journal.list().map((e) => e.id)).toEqual(kept.map((k) => k.e.id).reverse());
    expect(journal.unmatched().map((e) => e.seq)).toEqual(
      kept
        .filter((k) => k.before.unmatched)
        .map((k) => k.e.seq)
        .reverse(),
    );
  });

  it('reads back an entry with as many header lines as Node lets in (2,000), and a null status', () => {
    const journal = new Journal(10);
    const raw = Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, `v\u00e9${i}`]).flat();
    const e = JournalEntry.of(request('/v1/many', raw), 3, 4);
    journal.add(e);
    e.finish({ headersSent: false } as unknown as ServerResponse, 7);
    const before = view(e);
    journal.finished(e);
    const back = journal.get(e.id) as JournalEntry;
    expect(back).not.toBe(e);
    expect(view(back)).toEqual(before);
    expect(back.rawHeaders).toHaveLength(4000);
    expect(back.status).toBeNull();
  });

  it('keeps an unfinished entry as its object and packs it once finished', () => {
    const journal = new Journal(10);
    const e = JournalEntry.of(request('/v1/slow', ['Host', 'h']), 1, 2);
    journal.add(e);
    expect(journal.get(e.id)).toBe(e);
    e.finish(written(201, 'HTTP/1.1 201 Created\r\nx-b: 1\r\n\r\n'), 9);
    journal.finished(e);
    const back = journal.get(e.id) as JournalEntry;
    expect(back).not.toBe(e);
    expect([back.status, back.durationMs, back.responseHeaders()]).toEqual([
      201,
      8,
      { 'x-b': '1' },
    ]);
  });

  it('drops the oldest by count and by bytes, reusing its memory, and removes by id', () => {
    const journal = new Journal(50, 200_000);
    const all = Array.from({ length: 3000 }, (_, i) =>
      finishedEntry(journal, i, i % 10 === 0 ? Buffer.alloc(20_000, 65) : undefined),
    );
    expect(journal.size).toBeLessThanOrEqual(50);
    expect(journal.bytes).toBeLessThanOrEqual(200_000);
    expect(journal.evicted).toBe(3000 - journal.size);
    const ids = journal.list().map((e) => e.id);
    expect(ids).toEqual(
      all
        .slice(-journal.size)
        .map((k) => k.e.id)
        .reverse(),
    );
    expect(journal.get(all[0]?.e.id as string)).toBeUndefined();
    const newest = all.at(-1)?.e as JournalEntry;
    expect(view(journal.get(newest.id) as JournalEntry)).toEqual(all.at(-1)?.before);
    expect(journal.remove(newest.id)).toBe(true);
    expect(journal.remove(newest.id)).toBe(false);
    expect(journal.get(newest.id)).toBeUndefined();
    expect(journal.size).toBe(ids.length - 1);
    journal.clear();
    expect([journal.size, journal.bytes, journal.list().length]).toEqual([0, 0, 0]);
    const again = finishedEntry(journal, 1);
    expect(view(journal.get(again.e.id) as JournalEntry)).toEqual(again.before);
  });
});

describe('finished entries are packed in batches', () => {
  it(`packs ${PACK_BATCH} at a time; a read packs the rest first; removal and eviction before packing`, () => {
    // Fewer slots than a batch: slots are reused before their batch is packed.
    const journal = new Journal(PACK_BATCH / 4);
    const all = Array.from({ length: PACK_BATCH * 3 + 7 }, (_, i) => finishedEntry(journal, i));
    // Removed while finished but not packed (the batch has 7 waiting).
    const gone = all.at(-2) as (typeof all)[number];
    expect(journal.remove(gone.e.id)).toBe(true);
    const kept = all.slice(-PACK_BATCH / 4).filter((k) => k !== gone);
    expect(journal.list().map((e) => e.id)).toEqual(kept.map((k) => k.e.id).reverse());
    for (const { e, before } of kept) {
      const back = journal.get(e.id) as JournalEntry;
      expect(back).not.toBe(e);
      expect(view(back)).toEqual(before);
    }
    expect(journal.get(gone.e.id)).toBeUndefined();
    expect(journal.size).toBe(kept.length);
    // Cleared with finished entries waiting: none comes back, later ones are kept.
    const waiting = finishedEntry(journal, 1);
    journal.clear();
    expect(journal.get(waiting.e.id)).toBeUndefined();
    const after = finishedEntry(journal, 2);
    expect(journal.list().map((e) => e.id)).toEqual([after.e.id]);
    expect(view(journal.get(after.e.id) as JournalEntry)).toEqual(after.before);
  });
});

describe('headersOf', () => {
  it("gives a request's headers as Node's server does, from its raw list", async () => {
    let seen: { headers: unknown; raw: string[] } | undefined;
    const server = createServer((req, res) => {
      seen = { headers: req.headers, raw: req.rawHeaders };
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const head =
      'GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\nCookie: a=1\r\nCookie: b=2\r\nX-Y: 1\r\nx-y: 2\r\n' +
      'Set-Cookie: s=1\r\nSet-Cookie: s=2\r\nContent-Type: text/plain\r\nContent-Type: x/y\r\n' +
      'X-Bytes: caf\xe9\r\nConnection: close\r\n\r\n';
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(head, 'latin1')));
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    server.close();
    expect(seen).toBeDefined();
    const { headers, raw } = seen as { headers: unknown; raw: string[] };
    expect(headersOf(raw)).toEqual(headers);
    expect(headersOf(raw)).toMatchObject({ cookie: 'a=1; b=2', 'x-y': '1, 2', host: 'a' });
  });
});
