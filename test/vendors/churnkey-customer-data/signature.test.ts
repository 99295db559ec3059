import { describe, expect, it } from 'vitest';
import { hmacHex } from '../../../mock/core/crypto.ts';
import {
  signCustomerId,
  verifySignature,
} from '../../../mock/vendors/churnkey-customer-data/signature.ts';

const KEY = 'ck_test_churnmock';
/** cus_abc123 (the docs' example) signed with the demo key, computed independently. */
const ABC123_SIGNATURE = '7f9fe789c9c1335f72c51d60e9098a73f8801ee923742eca8e62d63fe7949f0a';

describe('signCustomerId', () => {
  it('is the hex HMAC-SHA256 of the customer id keyed with the API key', () => {
    expect(signCustomerId('cus_abc123', KEY)).toBe(ABC123_SIGNATURE);
    expect(signCustomerId('cus_other', 'another_key')).toBe(hmacHex('another_key', 'cus_other'));
  });

  it('depends on both the id and the key', () => {
    expect(signCustomerId('cus_abc124', KEY)).not.toBe(ABC123_SIGNATURE);
    expect(signCustomerId('cus_abc123', `${KEY}x`)).not.toBe(ABC123_SIGNATURE);
  });
});

const CASES: [string, unknown, unknown, boolean][] = [
  ['the correct signature', 'cus_abc123', ABC123_SIGNATURE, true],
  [
    'upper-case hex (the docs compare the hex text as is)',
    'cus_abc123',
    ABC123_SIGNATURE.toUpperCase(),
    false,
  ],
  ['a signature for another customer', 'cus_abc124', ABC123_SIGNATURE, false],
  ['one character changed', 'cus_abc123', `${ABC123_SIGNATURE.slice(0, -1)}b`, false],
  ['too short (timingSafeEqual would throw)', 'cus_abc123', ABC123_SIGNATURE.slice(0, 10), false],
  ['too long', 'cus_abc123', `${ABC123_SIGNATURE}00`, false],
  ['empty', 'cus_abc123', '', false],
  ['missing', 'cus_abc123', undefined, false],
  ['not a string', 'cus_abc123', 42, false],
  ['a customer id that is not a string', 123, ABC123_SIGNATURE, false],
  ['multi-byte text of the same length in characters', 'cus_abc123', 'é'.repeat(64), false],
];

describe('verifySignature', () => {
  it.each(CASES)('%s → %s', (_name, customerId, signature, expected) => {
    expect(verifySignature(customerId, signature, KEY)).toBe(expected);
  });
});
