/**
 * Churnkey docs, Customer Data Endpoint (Latency and reliability): "Never include sensitive
 * data — passwords, full credit card numbers, social-security numbers, internal tokens — in
 * customerAttributes", because the customer can read every attribute in the browser. These are
 * the heuristics churnmock applies.
 */

/** Why an attribute looks sensitive. */
export type SensitiveKind = 'key' | 'card-number' | 'ssn' | 'secret-key' | 'jwt';

export interface SensitiveProblem {
  readonly attribute: string;
  readonly kind: SensitiveKind;
  readonly message: string;
}

/** Words that make a key sensitive on their own (a trailing plural "s" is ignored). */
const SENSITIVE_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passcode',
  'passphrase',
  'secret',
  'token',
  'ssn',
  'cvv',
  'cvc',
  'cvv2',
  'pin',
  'card',
  'iban',
  'apikey',
]);

/** Runs of words that are sensitive together (matched on the key with separators removed). */
const SENSITIVE_PHRASES = [
  'password',
  'creditcard',
  'cardnumber',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'socialsecurity',
];

/** `creditCardNumber`, `credit_card-number`, `SSNLast4` → lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function sensitiveKey(key: string): boolean {
  const words = keyWords(key);
  const joined = words.join('');
  return (
    words.some((w) => SENSITIVE_WORDS.has(w) || SENSITIVE_WORDS.has(w.replace(/s$/, ''))) ||
    SENSITIVE_PHRASES.some((p) => joined.includes(p))
  );
}

/** The Luhn checksum every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 13–19 digits, optionally grouped by single spaces or dashes, not inside a longer number. */
const CARD_LIKE = /(?<!\d[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;
/** US SSN, dashed or spaced: never area 000, 666 or 9xx, group 00 or serial 0000. */
const SSN = /(?<!\d)(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?!\d)/;
const SECRET_KEY = /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/;
const JWT = /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]{10,}/;

/**
 * Whether a value contains a card number: Luhn-valid and starting with 2–6 (the payment-card
 * industries: Mastercard, Amex, Visa, Discover…), which keeps epoch-millisecond timestamps
 * and similar ids from counting.
 */
export function containsCardNumber(text: string): boolean {
  for (const m of text.matchAll(CARD_LIKE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (/^[2-6]/.test(digits) && luhnValid(digits)) return true;
  }
  return false;
}

function valueProblem(value: string): { kind: SensitiveKind; what: string } | null {
  if (containsCardNumber(value)) return { kind: 'card-number', what: 'a card number' };
  if (SSN.test(value)) return { kind: 'ssn', what: 'a social-security number' };
  if (SECRET_KEY.test(value)) return { kind: 'secret-key', what: 'a secret API key' };
  if (JWT.test(value)) return { kind: 'jwt', what: 'a JWT (an internal token)' };
  return null;
}

/**
 * Every attribute that looks sensitive, by key name or by value. Pure; an empty list means
 * nothing was found (heuristics, not a proof).
 */
export function findSensitive(attributes: Readonly<Record<string, unknown>>): SensitiveProblem[] {
  const out: SensitiveProblem[] = [];
  for (const [attribute, value] of Object.entries(attributes)) {
    if (sensitiveKey(attribute))
      out.push({
        attribute,
        kind: 'key',
        message: `${attribute}: the name suggests a password, card, SSN, token or secret`,
      });
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : null;
    const found = text === null ? null : valueProblem(text);
    if (found)
      out.push({
        attribute,
        kind: found.kind,
        message: `${attribute}: the value looks like ${found.what}`,
      });
  }
  return out;
}
