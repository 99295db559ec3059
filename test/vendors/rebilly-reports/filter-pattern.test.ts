import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { keyedStream } from '../../../generators/random.ts';
import { contractFile } from '../../../mock/core/paths.ts';
import { FILTER_FIELDS } from '../../../mock/vendors/rebilly-reports/fields.ts';
import { parseFilter } from '../../../mock/vendors/rebilly-reports/filter.ts';

/** The `filter` parameter's pattern, as the contract declares it (ajv compiles it with `u`). */
const contract = parse(readFileSync(contractFile('rebilly-reports'), 'utf8'));
const PATTERN = new RegExp(contract.components.parameters.filter.schema.pattern, 'u');
const parses = (f: string) => parseFilter(f, FILTER_FIELDS).problems.length === 0;

// Accepted by both: the Rebilly docs' forms (API-NOTES, "search filters") and edge cases.
const VALID = [
  '',
  '   ',
  'planId:pro_monthly',
  'leadSource.source:google',
  'canceledBy:!merchant',
  'planId:!a,!b',
  'planId:pro,basic;canceledBy:customer',
  'canceledBy:customer;leadSource.source:google,facebook',
  'quantity:2..5',
  'quantity:2..,..1.5',
  'quantity:-3..-1',
  'quantity:!2..5',
  'quantity:+5,.5,5.',
  'quantity:0...5',
  'quantity:5. ..',
  'canceledTime:2023-01-01T00:00:00Z..2023-02-01T00:00:00Z',
  'startTime:..2025-01-01t00:00:00z',
  'endTime:2025-01-01 00:00:00+0200..',
  'canceledTime:2025-01-01T00:00:00.123456-05:00',
  ' planId : a , b ; quantity: 2 ',
  'leadSource.term:video editor',
  'id:a:b',
  'planId:a.b.',
  'planId:! a',
  'websiteId:İstanbul',
  'customerId:\u00a0x\u00a0',
];
// Refused by both: the grammar (clauses, values, negation, ranges, types, field names).
const INVALID = [
  ';',
  'planId:a;',
  ';planId:a',
  'planId:a;;quantity:1',
  'planIdpro',
  ':x',
  'colour:red',
  'planid:a',
  '__proto__:x',
  'planId:',
  'planId:a,',
  'planId:,a',
  'planId:!',
  'planId:!!a',
  'planId:! !a',
  'planId:@vip',
  'planId:!@vip',
  'planId:a..z',
  'planId:a..',
  'quantity:two',
  'quantity:..',
  'quantity:1..2..3',
  'quantity:1....5',
  'quantity:1e3',
  'quantity:0x10',
  'quantity:5 . ..',
  'canceledTime:2025-01-01..',
  'canceledTime:2025-01-01T00:00Z',
  'canceledTime:2025-01-01T00:00:00',
  'canceledTime:2025-01-01T00:00:00+02',
  'canceledTime:2025-01-01T00:00:00.Z',
  'canceledTime:20250-01-01T00:00:00Z',
  'x'.repeat(8000),
];
// Accepted by the pattern, refused by the parser: what a regular expression cannot check.
const BEYOND_THE_PATTERN = [
  'canceledBy:robot',
  'cancelCategory:bored',
  'quantity:5..2',
  'quantity:1...5',
  'canceledTime:2016-12-31T23:59:60Z..',
  'startTime:..2025-02-30T00:00:00Z',
  'canceledTime:2025-02-01T00:00:00Z..2025-01-01T00:00:00Z',
];

describe('the contract’s filter pattern and the parser', () => {
  it.each(VALID.map((f) => [JSON.stringify(f), f]))('both accept %s', (_shown, f) => {
    expect(parses(f)).toBe(true);
    expect(PATTERN.test(f)).toBe(true);
  });

  it.each(INVALID.map((f) => [JSON.stringify(f).slice(0, 60), f]))('both refuse %s', (_s, f) => {
    expect(parses(f)).toBe(false);
    expect(PATTERN.test(f)).toBe(false);
  });

  it.each(BEYOND_THE_PATTERN)('%s: the pattern lets it through, the parser refuses it', (f) => {
    expect(PATTERN.test(f)).toBe(true);
    expect(parses(f)).toBe(false);
  });

  it('agree on 20,000 random filters built from the grammar’s pieces', () => {
    const random = keyedStream(2024);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const FIELDS = ['planId', ' planId ', 'quantity', 'canceledTime', 'leadSource.source', 'x', ''];
    // No reversed ranges and no impossible days: those are the parser's alone (above).
    const VALUES = [
      'a',
      ' b ',
      'a b',
      '!a',
      '! a',
      '!!a',
      '@l',
      '',
      ' ',
      '.',
      '..',
      '...',
      'a..',
      '..a',
      '1',
      '-2.5',
      '5.',
      '.5',
      '+1',
      '1..2',
      '1..',
      '..2',
      '0...5',
      '1....5',
      '1..2..3',
      '1e3',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z..',
      '..2025-01-01 00:00:00+01:00',
      '2025-01-01T00:00:00.5z..2025-01-02T00:00:00Z',
      '2025-01-01',
      '2025-01-01T00:00:00',
      ':',
    ];
    const clause = () => {
      const values = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(VALUES));
      return random() < 0.05 ? pick(VALUES) : `${pick(FIELDS)}:${values.join(',')}`;
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const f = Array.from({ length: 1 + Math.floor(random() * 3) }, clause).join(';');
      const ok = parses(f);
      expect(PATTERN.test(f), f).toBe(ok);
      if (ok) accepted++;
    }
    // Both outcomes are exercised, not only refusals.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19_000);
  });

  it('answers at once on long hostile input (no catastrophic backtracking)', () => {
    const inputs = [
      `planId:${' '.repeat(60_000)}a${' '.repeat(60_000)};`,
      `quantity: !${' '.repeat(60_000)}1${' '.repeat(60_000)}..${' '.repeat(60_000)};`,
      `planId:${'a.'.repeat(30_000)}.`,
      `${'planId:a;'.repeat(6000)};`,
    ];
    for (const f of inputs) expect(PATTERN.test(f)).toBe(parses(f));
  });
});
