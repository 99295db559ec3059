import { describe, expect, it } from 'vitest';
import { hmacHex, safeEqual } from '../../mock/core/crypto.ts';

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
