import { describe, expect, it } from 'vitest';
import type { Operation } from '../../mock/core/contract.ts';
import { cacheKey, cacheVersionOf } from '../../mock/core/pipeline/cache.ts';
import {
  ANSWERED_URLS,
  fingerprint,
  ResponseCache,
} from '../../mock/core/pipeline/response-cache.ts';
import type { VendorModule } from '../../mock/core/pipeline/types.ts';

const body = (bytes: number, fill = 'x') => Buffer.from(fill.repeat(bytes));
const keys = (cache: ResponseCache, all: string[]) => all.filter((k) => cache.get(k));
/** Answers `key` twice: the second answer is kept. */
const keep = (cache: ResponseCache, key: string, status: number, b: Buffer, h = {}) => {
  cache.set(key, status, b, h);
  return cache.set(key, status, b, h);
};

describe('ResponseCache', () => {
  it('set returns the entry with a quoted ETag naming its key in this process; get finds it', () => {
    const cache = new ResponseCache();
    const entry = keep(cache, 'k', 200, body(3), { 'content-type': 'application/json' });
    expect(entry).toEqual({
      status: 200,
      body: body(3),
      etag: expect.stringMatching(new RegExp(`^"[\\w-]{8}${fingerprint('k')}"$`)),
      headers: { 'content-type': 'application/json' },
    });
    // The same key (the same answer) has the same tag, in any cache of the process; another
    // key another, whatever the bytes.
    expect(new ResponseCache().set('k', 200, body(5), {}).etag).toBe(entry.etag);
    expect(cache.set('k2', 200, body(3), {}).etag).not.toBe(entry.etag);
    expect(cache.get('k')).toBe(entry);
    expect(cache.get('other')).toBeUndefined();
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new ResponseCache(2, 1000);
    keep(cache, 'a', 200, body(1));
    keep(cache, 'b', 200, body(1));
    cache.get('a');
    keep(cache, 'c', 200, body(1));
    expect(keys(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
  });

  it('keeps at most maxBytes of bodies (an empty one counts as 1), none over a quarter of them', () => {
    const cache = new ResponseCache(100, 100);
    for (const k of ['a', 'b', 'c', 'd', 'e']) keep(cache, k, 200, body(25));
    expect(keys(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['b', 'c', 'd', 'e']);
    const big = keep(cache, 'big', 200, body(26));
    expect(big.etag).toMatch(/^"[\w-]+"$/);
    expect(cache.get('big')).toBeUndefined();
    expect(keys(cache, ['b', 'c', 'd', 'e'])).toEqual(['b', 'c', 'd', 'e']);
    keep(cache, 'empty', 204, body(0));
    expect(cache.get('empty')?.status).toBe(204);
    expect(keys(cache, ['b', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
  });

  it('keeps an answer only for a URL answered before; the first time only gives its entry', () => {
    const cache = new ResponseCache();
    const first = cache.set('once', 200, body(3), {});
    expect(first.status).toBe(200);
    expect(cache.get('once')).toBeUndefined();
    const second = cache.set('once', 200, body(3), {});
    expect(second.etag).toBe(first.etag);
    expect(cache.get('once')).toBe(second);
    // Cleared (a reset): the key is a first sight again.
    cache.clear();
    expect(cache.get('once')).toBeUndefined();
    cache.set('once', 200, body(3), {});
    expect(cache.get('once')).toBeUndefined();
  });

  it('knows a URL across versions: after a write, its first answer is kept', () => {
    const cache = new ResponseCache();
    cache.set('listThings|/v1/things|"limit":"20",|3@100', 200, body(1), {});
    expect(cache.get('listThings|/v1/things|"limit":"20",|3@100')).toBeUndefined();
    const after = cache.set('listThings|/v1/things|"limit":"20",|4@100', 200, body(1), {});
    expect(cache.get('listThings|/v1/things|"limit":"20",|4@100')).toBe(after);
    // Another URL under the same version is a first sight.
    cache.set('listThings|/v1/things|"limit":"21",|4@100', 200, body(1), {});
    expect(cache.get('listThings|/v1/things|"limit":"21",|4@100')).toBeUndefined();
  });

  it(`remembers up to ${ANSWERED_URLS} URLs, then forgets them all at once (bounded)`, () => {
    const full = new ResponseCache();
    full.set('early', 200, body(1), {});
    for (let i = 1; i < ANSWERED_URLS; i++) full.set(`k${i}`, 200, body(1), {});
    full.set('early', 200, body(1), {});
    expect(full.get('early')).toBeDefined();
    const past = new ResponseCache();
    past.set('early', 200, body(1), {});
    for (let i = 1; i <= ANSWERED_URLS; i++) past.set(`k${i}`, 200, body(1), {});
    past.set('early', 200, body(1), {});
    expect(past.get('early')).toBeUndefined();
    // The key that found the set full is remembered after the clearing.
    past.set(`k${ANSWERED_URLS}`, 200, body(1), {});
    expect(past.get(`k${ANSWERED_URLS}`)).toBeDefined();
  });
});

describe('cacheKey', () => {
  const vendor = { cacheVersion: () => 'v7' } as unknown as VendorModule;
  const op = { id: 'listThings', method: 'get' } as unknown as Operation;
  const key = (query: Record<string, unknown>, version?: string) =>
    cacheKey(vendor, op, '/v1/things', query, version);

  it('is the same for the same parameters in any order, under the vendor’s version', () => {
    expect(key({ limit: '20', offset: '40', status: 'active' })).toBe(
      key({ status: 'active', offset: '40', limit: '20' }),
    );
    expect(key({ limit: '20' })).toContain('v7');
    expect(key({ limit: '20' }, 'v8')).not.toBe(key({ limit: '20' }));
    // The version is the last field: the rest names the URL, the same across versions.
    const urlOf = (k: string | null) => String(k).slice(0, String(k).lastIndexOf('|'));
    expect(key({ limit: '20' })?.endsWith('|v7')).toBe(true);
    expect(urlOf(key({ limit: '20' }, 'v8'))).toBe(urlOf(key({ limit: '20' })));
    expect(urlOf(key({ limit: '21' }))).not.toBe(urlOf(key({ limit: '20' })));
  });

  it('tells apart values, names, repeated parameters and separators inside values', () => {
    const distinct = [
      {},
      { limit: '20' },
      { limit: '2' },
      { limit: ['20'] },
      { limit: ['20', '30'] },
      { limit: '20,30' },
      { limit2: '0' },
      { limit: '20', offset: '0' },
      { limit: '20","offset":"0' },
      { 'limit":"20",': '' },
      { a: 'b:c' },
      { 'a:b': 'c' },
      { a: 'x"y' },
      { a: 'x\\"y' },
      { a: 'x\\y' },
      { a: 'x\ny' },
      { a: 'x\u0000y' },
      { a: 'x\u{1f600}y' },
      { a: 'x\ud83dy' },
      { a: 'x\ude00y' },
    ].map((q) => key(q));
    expect(new Set(distinct).size).toBe(distinct.length);
  });

  it('writes each name and value as JSON.stringify does, escapes and surrogates included', () => {
    const values = [
      'plain',
      'x"y',
      'x\\y',
      'tab\tnl\n',
      'nul\u0000',
      '\u{1f600}',
      'lone\ud83d',
      'é',
    ];
    for (const v of values) {
      const query = { [`n${v}`]: v, list: [v, 'b'] };
      const json = Object.keys(query)
        .sort()
        .map((n) => `${JSON.stringify(n)}:${JSON.stringify(query[n as keyof typeof query])},`)
        .join('');
      expect(key(query)).toBe(`listThings|/v1/things|${json}|v7`);
    }
  });

  it('is null for other methods and for vendors without a version', () => {
    expect(cacheKey(vendor, { ...op, method: 'post' } as Operation, '/v1/things', {})).toBeNull();
    expect(cacheKey({} as VendorModule, op, '/v1/things', {})).toBeNull();
  });
});

describe('cacheVersionOf', () => {
  it('is "version@now", the same string until the version or the clock changes', () => {
    let version = 3;
    let now = 1_700_000_000_000;
    const v = cacheVersionOf(
      () => version,
      () => now,
    );
    const first = v();
    expect(first).toBe('3@1700000000000');
    expect(v()).toBe(first);
    version = 4;
    expect(v()).toBe('4@1700000000000');
    now += 1;
    expect(v()).toBe('4@1700000000001');
    // Back to an earlier pair: its text again, not the last one kept.
    version = 3;
    now -= 1;
    expect(v()).toBe(first);
  });
});

describe('fingerprint', () => {
  it('is 14 base-36 digits, the same for the same text, different for near texts', () => {
    const texts = [
      '',
      'a',
      'b',
      'ab',
      'ba',
      'listCustomers|/v1/customers|"limit":"20","offset":"0",|1@0',
      'listCustomers|/v1/customers|"limit":"20","offset":"1",|1@0',
      'listCustomers|/v1/customers|"limit":"20","offset":"0",|2@0',
      'caf\u00e9 \u{1f600}',
    ];
    const prints = texts.map(fingerprint);
    for (const p of prints) expect(p).toMatch(/^[0-9a-z]{14}$/);
    expect(new Set(prints).size).toBe(texts.length);
    expect(texts.map(fingerprint)).toEqual(prints);
    // No collision among 200,000 keys that differ in one parameter (64 bits: none expected).
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(fingerprint(`op|/v1/x|"offset":"${i}",|7@0`));
    expect(seen.size).toBe(200_000);
  });
});
