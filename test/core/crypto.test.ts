import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcceptedValues, hmacHex, safeEqual } from '../../mock/core/crypto.ts';
import { churncutAuthenticator } from '../../mock/vendors/churncut/auth.ts';
import { rebillyAuthenticator } from '../../mock/vendors/rebilly-reports/auth.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../mock/vendors/rebilly-reports/options.ts';

describe('hmacHex', () => {
  it('is hex HMAC-SHA256 (RFC 4231 test case 2), of text or of bytes alike', () => {
    const want = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmacHex('Jefe', 'what do ya want for nothing?')).toBe(want);
    expect(hmacHex('Jefe', Buffer.from('what do ya want for nothing?'))).toBe(want);
  });
});

describe('safeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ABC', false],
    ['abc', 'ab', false],
    ['', '', true],
    ['', 'a', false],
    ['é', 'e\u0301', false],
  ])('%j vs %j → %s (never throws)', (a, b, want) => {
    expect(safeEqual(a, b)).toBe(want);
  });
});

describe('credential checks', () => {
  // Timing cannot be asserted in a test; what can be is that every vendor's authenticator
  // compares the credentials it is given with safeEqual and never with === or !==.
  const vendors = join(import.meta.dirname, '..', '..', 'mock', 'vendors');
  const authFiles = readdirSync(vendors)
    .map((id) => join(vendors, id, 'auth.ts'))
    .filter((f) => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    });

  it('covers the vendors that check an API key', () => {
    expect(authFiles.length).toBeGreaterThanOrEqual(3);
  });

  it.each(authFiles.map((f) => [f.slice(vendors.length + 1)]))(
    '%s compares credentials in constant time',
    (rel) => {
      const text = readFileSync(join(vendors, rel), 'utf8');
      expect(text).toContain('safeEqual(');
      expect(text).not.toMatch(/[!=]==\s*(creds|options|credentials)\.\w+/);
      expect(text).not.toMatch(/(creds|options|credentials)\.\w+\s*[!=]==/);
    },
  );
});

describe('AcceptedValues: credentials accepted before, by their exact text', () => {
  it('knows only what was added, and forgets everything past 64 values', () => {
    const a = new AcceptedValues();
    a.add('Bearer k');
    expect([a.has('Bearer k'), a.has('Bearer K'), a.has('')]).toEqual([true, false, false]);
    for (let i = 0; i < 64; i++) a.add(`v${i}`);
    expect(a.has('Bearer k')).toBe(false);
    expect(a.has('v63')).toBe(true);
  });

  it('lets an authenticator accept a good key again and still refuse every other', () => {
    const check = churncutAuthenticator({ apiKey: 'cc_good' });
    const status = (authorization?: string) =>
      (check(authorization === undefined ? {} : { authorization }) as { status: number } | null)
        ?.status ?? 200;
    expect([status('Bearer cc_good'), status('Bearer cc_good'), status('bearer cc_good')]).toEqual([
      200, 200, 200,
    ]);
    expect([
      status('Bearer cc_bad'),
      status('Bearer cc_goodx'),
      status(),
      status('cc_good'),
    ]).toEqual([401, 401, 401, 401]);
    const rebilly = rebillyAuthenticator(DEFAULT_REBILLY_CREDENTIALS);
    const key = (k: string) =>
      (rebilly({ 'reb-apikey': k }) as { status: number } | null)?.status ?? 200;
    const good = DEFAULT_REBILLY_CREDENTIALS.apiKey;
    expect([
      key(good),
      key(good),
      key(`${good}x`),
      key(DEFAULT_REBILLY_CREDENTIALS.restrictedApiKey),
    ]).toEqual([200, 200, 401, 403]);
  });
});
