import { describe, expect, it } from 'vitest';
import {
  containsCardNumber,
  findSensitive,
  keyWords,
  luhnValid,
  type SensitiveKind,
} from '../../../mock/vendors/churnkey-customer-data/sensitive.ts';

/** Stripe's documented test card numbers (Luhn-valid). */
const VISA = '4242424242424242';
const AMEX = '378282246310005';
const MASTERCARD_DASHED = '5555-5555-5555-4444';

describe('keyWords', () => {
  it.each([
    ['creditCardNumber', ['credit', 'card', 'number']],
    ['credit_card-number', ['credit', 'card', 'number']],
    ['SSNLast4', ['ssn', 'last4']],
    ['userSSN', ['user', 'ssn']],
    ['API_KEY', ['api', 'key']],
    ['plan', ['plan']],
  ])('%s → %j', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});

describe('luhnValid and containsCardNumber', () => {
  it.each([
    [VISA, true, true],
    ['4242424242424241', false, false],
    [AMEX, true, true],
    [MASTERCARD_DASHED, false, true],
    ['4242 4242 4242 4242', false, true],
    ['card 4242 4242 4242 4242 on file', false, true],
    // An epoch-millisecond timestamp that happens to be Luhn-valid: starts with 1, not a card.
    ['1735689600005', true, false],
    // Part of a longer number is not a card number.
    [`9${VISA}9999`, false, false],
    ['12345', false, false],
  ])('%s: luhn %s, card %s', (text, luhn, card) => {
    if (/^\d+$/.test(text)) expect(luhnValid(text)).toBe(luhn);
    expect(containsCardNumber(text)).toBe(card);
  });
});

const FLAGGED: [string, Record<string, unknown>, [string, SensitiveKind][]][] = [
  ['the docs example', { plan: 'pro', monthlyActiveUsers: 47, isOnPaymentRetry: false }, []],
  ['a password key', { password: 'hunter2' }, [['password', 'key']]],
  ['password in a longer key', { userPasswordHash: 'x' }, [['userPasswordHash', 'key']]],
  [
    'card keys',
    { cardBrand: 'visa', credit_card: 'x' },
    [
      ['cardBrand', 'key'],
      ['credit_card', 'key'],
    ],
  ],
  ['ssn, upper case', { SSN: 'x' }, [['SSN', 'key']]],
  [
    'tokens and secrets',
    { authToken: 'x', clientSecret: 'y' },
    [
      ['authToken', 'key'],
      ['clientSecret', 'key'],
    ],
  ],
  [
    'api keys and cvv, pin',
    { apiKey: 'x', cvv: 1, PIN: 2 },
    [
      ['apiKey', 'key'],
      ['cvv', 'key'],
      ['PIN', 'key'],
    ],
  ],
  [
    'words that only contain a sensitive word',
    { isPinned: true, discarded: 1, tokenizer: 'x' },
    [],
  ],
  ['a card number value', { note: `paid with ${VISA}` }, [['note', 'card-number']]],
  ['a card number as a JSON number', { ref: Number(VISA) }, [['ref', 'card-number']]],
  ['a timestamp is not a card', { lastSeenMs: 1735689600005 }, []],
  ['an SSN value', { taxId: '123-45-6789' }, [['taxId', 'ssn']]],
  ['not an SSN (area 000)', { code: '000-45-6789' }, []],
  ['a phone-like dashed number', { phone: '555-123-4567' }, []],
  ['a secret key value', { stripe: 'sk_live_51HabcdefGHIJKLmn' }, [['stripe', 'secret-key']]],
  [
    'a JWT value',
    { session: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3IifQ.abcdefghijklmnop' },
    [['session', 'jwt']],
  ],
  [
    'key and value both',
    { cardNumber: AMEX },
    [
      ['cardNumber', 'key'],
      ['cardNumber', 'card-number'],
    ],
  ],
];

describe('findSensitive', () => {
  it.each(FLAGGED)('%s', (_name, attributes, expected) => {
    const found = findSensitive(attributes);
    expect(found.map((p) => [p.attribute, p.kind])).toEqual(expected);
    for (const p of found) expect(p.message).toContain(p.attribute);
  });
});
