import { describe, expect, it } from 'vitest';
import { parseTime, RFC3339 } from '../../../generators/time.ts';
import { FILTER_FIELDS } from '../../../mock/vendors/rebilly-reports/fields.ts';
import {
  type Clause,
  matchTerms,
  parseFilter,
  type Term,
} from '../../../mock/vendors/rebilly-reports/filter.ts';

const JAN_1 = Date.parse('2023-01-01T00:00:00Z');
const FEB_1 = Date.parse('2023-02-01T00:00:00Z');
const eq = (value: string | number, negated = false): Term => ({ negated, kind: 'eq', value });
const range = (from: number | null, to: number | null, negated = false): Term => ({
  negated,
  kind: 'range',
  from,
  to,
});
const parse = (text: string) => parseFilter(text, FILTER_FIELDS);

describe("parseFilter: Rebilly's search-filter grammar", () => {
  const VALID: [string, string, Clause[]][] = [
    ['empty filter', '', []],
    ['blank filter', '   ', []],
    ['one value', 'planId:pro_monthly', [{ field: 'planId', terms: [eq('pro_monthly')] }]],
    [
      'values are lower-cased',
      'planId:Pro_Monthly',
      [{ field: 'planId', terms: [eq('pro_monthly')] }],
    ],
    ['"," is OR', 'planId:a,b', [{ field: 'planId', terms: [eq('a'), eq('b')] }]],
    [
      '";" is AND',
      'canceledBy:customer;planId:a',
      [
        { field: 'canceledBy', terms: [eq('customer')] },
        { field: 'planId', terms: [eq('a')] },
      ],
    ],
    [
      '"!" negates',
      'canceledBy:!merchant',
      [{ field: 'canceledBy', terms: [eq('merchant', true)] }],
    ],
    [
      'negations in a list',
      'planId:!a,!b',
      [{ field: 'planId', terms: [eq('a', true), eq('b', true)] }],
    ],
    [
      'dotted sub-field',
      'leadSource.source:google',
      [{ field: 'leadSource.source', terms: [eq('google')] }],
    ],
    [
      'spaces inside a value stay',
      'leadSource.term:video editor',
      [{ field: 'leadSource.term', terms: [eq('video editor')] }],
    ],
    [
      'whitespace around separators',
      ' planId : a , b ; quantity: 2 ',
      [
        { field: 'planId', terms: [eq('a'), eq('b')] },
        { field: 'quantity', terms: [eq(2)] },
      ],
    ],
    ['number range', 'quantity:2..5', [{ field: 'quantity', terms: [range(2, 5)] }]],
    [
      'open-ended ranges',
      'quantity:2..,..1.5',
      [{ field: 'quantity', terms: [range(2, null), range(null, 1.5)] }],
    ],
    ['negative numbers', 'quantity:-3..-1', [{ field: 'quantity', terms: [range(-3, -1)] }]],
    ['a one-point range', 'quantity:3..3', [{ field: 'quantity', terms: [range(3, 3)] }]],
    ['negated range', 'quantity:!2..5', [{ field: 'quantity', terms: [range(2, 5, true)] }]],
    [
      'date-time range (colons inside values)',
      'canceledTime:2023-01-01T00:00:00Z..2023-02-01T00:00:00Z',
      [{ field: 'canceledTime', terms: [range(JAN_1, FEB_1)] }],
    ],
    [
      'date-time offsets are honoured',
      'startTime:2023-01-01T02:00:00+02:00',
      [{ field: 'startTime', terms: [eq(JAN_1)] }],
    ],
    [
      'date-time from',
      'endTime:2023-01-01T00:00:00Z..',
      [{ field: 'endTime', terms: [range(JAN_1, null)] }],
    ],
    [
      'enum value in another case',
      'cancelCategory:Too-Expensive',
      [{ field: 'cancelCategory', terms: [eq('too-expensive')] }],
    ],
    [
      'a field twice',
      'planId:a;planId:!b',
      [
        { field: 'planId', terms: [eq('a')] },
        { field: 'planId', terms: [eq('b', true)] },
      ],
    ],
    [
      'a value with a colon',
      'leadSource.campaign:a:b',
      [{ field: 'leadSource.campaign', terms: [eq('a:b')] }],
    ],
  ];
  it.each(VALID)('%s: %s', (_name, text, clauses) => {
    expect(parse(text)).toEqual({ clauses, problems: [] });
  });

  const INVALID: [string, string, RegExp[]][] = [
    ['double negation on text', 'planId:!!a', [/planId: "!!a" negates more than once/]],
    ['double negation on a listed value', 'canceledBy:!!merchant', [/negates more than once/]],
    ['double negation on a number', 'quantity:!!1', [/quantity: "!!1" negates more than once/]],
    ['negation after spaces', 'planId:! !a', [/negates more than once/]],
    ['no colon', 'planIdpro', [/clause "planIdpro" is not field:value/]],
    ['no field name', ':pro', [/clause ":pro" is not field:value/]],
    [
      'unknown field, listing the known ones',
      'colour:red',
      [/unknown field "colour"; filterable fields: id, customerId, planId/],
    ],
    ['field names are case-sensitive', 'planid:a', [/unknown field "planid"/]],
    ['an object is not a field', 'leadSource:google', [/unknown field "leadSource"/]],
    ['empty value', 'planId:', [/planId: empty value/]],
    ['empty list item', 'planId:a,,b', [/planId: empty value/]],
    ['lone "!"', 'planId:!', [/planId: empty value/]],
    ['empty clause', 'planId:a;;quantity:1', [/empty clause/]],
    ['trailing ";"', 'planId:a;', [/empty clause/]],
    ['stored list', 'planId:@vip', [/"@vip" refers to a stored value list/]],
    ['negated stored list', 'planId:!@vip', [/"@vip" refers to a stored value list/]],
    ['range on text', 'planId:a..b', [/planId: ranges .* apply only to numbers and date-times/]],
    ['range without ends', 'quantity:..', [/quantity: a range needs at least one end/]],
    ['reversed range', 'quantity:5..1', [/quantity: range "5..1" starts after it ends/]],
    ['number of the wrong type', 'quantity:two', [/quantity: "two" is not a number/]],
    ['number in exponent form', 'quantity:1e3', [/"1e3" is not a number/]],
    [
      'date that is no date-time',
      'canceledTime:yesterday',
      [/canceledTime: "yesterday" is not an RFC 3339 date-time/],
    ],
    ['date without a time', 'startTime:2023-01-01', [/is not an RFC 3339 date-time/]],
    ['impossible date', 'startTime:2023-02-30T00:00:00Z', [/is not an RFC 3339 date-time/]],
    ['mixed types in a range', 'canceledTime:2023-01-01T00:00:00Z..5', [/"5" is not an RFC 3339/]],
    [
      'enum value not allowed',
      'canceledBy:robot',
      [/canceledBy: "robot" is not one of merchant, customer, rebilly/],
    ],
    [
      'every problem is reported',
      'colour:red;quantity:two;canceledBy:robot',
      [/colour/, /two/, /robot/],
    ],
  ];
  it.each(INVALID)('%s: %s is rejected', (_name, text, messages) => {
    const got = parse(text);
    expect(got.clauses).toEqual([]);
    expect(got.problems.length).toBe(messages.length);
    for (const [i, m] of messages.entries()) expect(got.problems[i]).toMatch(m);
  });
});

describe('matchTerms: OR of positives, AND of negations, missing values', () => {
  const CASES: [string, Term[], string | number | null, boolean][] = [
    ['equal', [eq('a')], 'a', true],
    ['not equal', [eq('a')], 'b', false],
    ['one of a list', [eq('a'), eq('b')], 'b', true],
    ['negated, other value', [eq('a', true)], 'b', true],
    ['negated, same value', [eq('a', true)], 'a', false],
    ['neither a nor b', [eq('a', true), eq('b', true)], 'c', true],
    ['neither a nor b, is b', [eq('a', true), eq('b', true)], 'b', false],
    ['a or c but not b', [eq('a'), eq('b', true)], 'c', false],
    ['missing fails a positive term', [eq('a')], null, false],
    ['missing passes a negated term', [eq('a', true)], null, true],
    ['missing fails a range', [range(1, null)], null, false],
    ['range lower bound inclusive', [range(2, 5)], 2, true],
    ['range upper bound inclusive', [range(2, 5)], 5, true],
    ['below range', [range(2, 5)], 1.99, false],
    ['open range', [range(null, 5)], -100, true],
    ['negated range, inside', [range(2, 5, true)], 3, false],
    ['negated range, outside', [range(2, 5, true)], 6, true],
    ['a range never matches text', [range(2, 5)], '3', false],
  ];
  it.each(CASES)('%s', (_name, terms, value, expected) => {
    expect(matchTerms(terms, value)).toBe(expected);
  });
});

describe('parseTime(RFC3339), what filters and the period read: RFC 3339 with a zone, nothing else', () => {
  it.each([
    ['2023-01-01T00:00:00Z', JAN_1],
    ['2023-01-01t00:00:00z', JAN_1],
    ['2023-01-01 00:00:00Z', JAN_1],
    ['2023-01-01T01:30:00+01:30', JAN_1],
    ['2022-12-31T19:00:00-05:00', JAN_1],
    ['2023-01-01T00:00:00.5Z', JAN_1 + 500],
    ['2023-01-01T00:00:00.123456Z', JAN_1 + 123],
    ['2024-02-29T00:00:00Z', Date.parse('2024-02-29T00:00:00Z')],
    ['0050-01-01T00:00:00Z', Date.parse('0050-01-01T00:00:00Z')],
  ])('%s', (text, expected) => {
    expect(parseTime(text, RFC3339)).toBe(expected);
  });
  it.each([
    '2023-01-01',
    '2023-01-01T00:00:00',
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-12-31T23:59:60Z',
    '2023-01-01T00:00:00+24:00',
    '2023-01-01T00:00:00 02:00',
    'yesterday',
    '',
  ])('%s is not one', (text) => {
    expect(parseTime(text, RFC3339)).toBeTypeOf('string');
  });
});
