import { describe, expect, it } from 'vitest';
import { JS_DATE, parseTime } from '../../../generators/time.ts';
import { loadContract } from '../../../mock/core/contract.ts';
import { contractFile } from '../../../mock/core/paths.ts';
import { makeAjv } from '../../../mock/core/validation.ts';
import { DIMENSIONS } from '../../../mock/vendors/churnkey-data/fields.ts';
import { parseBreakdown } from '../../../mock/vendors/churnkey-data/query.ts';

// The contract's patterns are what tools (Prism, Specmatic, generators) read; the mock's parsers
// are what it answers by. These sweeps hold the two to the same set of inputs.
const contract = await loadContract(contractFile('churnkey-data'));
const paramSchema = (op: string, name: string) => {
  const p = contract.operations.find((o) => o.id === op)?.params.find((x) => x.name === name);
  if (!p) throw new Error(`${op} has no ${name}`);
  return p.schema as { type: string; pattern: string };
};
// Ajv reads `pattern` as `new RegExp(pattern, 'u')`; so do ECMA-262 tools.
const ajv = makeAjv(false);
const matcher = (schema: object) => {
  const validate = ajv.compile(schema);
  return (v: string) => validate(v) === true;
};

const YEARS = ['0000', '0004', '0100', '0400', '1900', '1996', '2000', '2023', '2024', '2100'];
const TIMES = [
  ...['T00:00', 'T23:59', 'T24:00', 'T00:60', 'T12:30:59', 'T12:30:60', 'T12:30:59.1'],
  ...['T12:30:59.123456', 't01:02', ' 01:02', '  01:02', 'T01:02Z', 'T01:02z', 'T01:02+02:00'],
  ...['T01:02-0230', 'T01:02+24:00', 'T01:02+23:59', 'T01:02+23:60', 'T01:02+2', 'T1:02'],
  ...['T01:02:03.Z', 'T01:02:03+02', 'T', 'Z'],
];
const OTHERS = ['', '1', '20234', '+002023-01-01', '2023-1', '2023-01-1', 'May 1, 2023', 'now'];

/** Every year, month 00-13 and day 00-32 of YEARS; the times on a leap day and on 02-30. */
function dateSweep(): string[] {
  const out = [...OTHERS];
  for (const y of YEARS) {
    out.push(y);
    for (let m = 0; m <= 13; m++) {
      const mm = String(m).padStart(2, '0');
      out.push(`${y}-${mm}`);
      for (let d = 0; d <= 32; d++) out.push(`${y}-${mm}-${String(d).padStart(2, '0')}`);
    }
  }
  for (const t of TIMES) out.push(`2024-02-29${t}`, `2025-02-30${t}`, `2023-12-31${t}`);
  return out;
}

describe('startDate/endDate: the contract’s JsDate pattern is the strict parser (JS_DATE)', () => {
  const schema = paramSchema('listSessions', 'startDate');
  const accepts = matcher(schema);

  it('both date parameters of both listing operations use the one schema', () => {
    for (const op of ['listSessions', 'aggregateSessions'])
      for (const name of ['startDate', 'endDate']) expect(paramSchema(op, name)).toEqual(schema);
    expect(schema.type).toBe('string');
    expect(schema).not.toHaveProperty('x-churnmock-js-date');
    expect(schema.pattern).toMatch(/^\^.*\$$/);
  });

  it.each([
    ['2023', true],
    ['2023-01-01T10:00:00.000Z', true],
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2025-02-30', false],
    ['2016-12-31T23:59:60Z', false],
    ['2025-01-01T24:00:00Z', false],
    ['300000-01-01', false],
    ['May 1, 2023', false],
  ])('%s: %s', (text, ok) => {
    expect(accepts(text)).toBe(ok);
    expect(typeof parseTime(text, JS_DATE) === 'number').toBe(ok);
  });

  it('agrees with the parser on every input of a sweep of dates and times', () => {
    const sweep = dateSweep();
    expect(sweep.length).toBeGreaterThan(4000);
    const disagree = sweep.filter(
      (t) => accepts(t) !== (typeof parseTime(t, JS_DATE) === 'number'),
    );
    expect(disagree).toEqual([]);
    // Neither side is trivial: the sweep has both answers.
    expect(sweep.filter(accepts).length).toBeGreaterThan(1000);
    expect(sweep.filter((t) => !accepts(t)).length).toBeGreaterThan(1000);
  });
});

describe('breakdown: the contract’s pattern is parseBreakdown', () => {
  const accepts = matcher(paramSchema('aggregateSessions', 'breakdown'));
  const ok = (b: string) => b !== '' && parseBreakdown(b).problems.length === 0;
  const dims = Object.keys(DIMENSIONS);

  it.each([
    ['month-saveType', true],
    ['month-surveyResponse-billingInterval', true],
    ['response', true],
    ['month-month', false],
    ['month-planId-month', false],
    ['response-surveyResponse', false],
    ['surveyResponse-month-response', false],
    ['month-quarter', false],
    ['month--planId', false],
    ['', false],
  ])('%s: %s', (breakdown, expected) => {
    expect(accepts(breakdown)).toBe(expected);
    expect(ok(breakdown)).toBe(expected);
  });

  it('agrees with parseBreakdown on every single dimension, pair and triple (and repeats)', () => {
    const words = [...dims, 'quarter', '', 'Month', 'months'];
    const sweep: string[] = [];
    for (const a of words)
      for (const b of words) {
        sweep.push(a, `${a}-${b}`);
        for (const c of words) sweep.push(`${a}-${b}-${c}`);
      }
    const widest = dims.filter((d) => d !== 'response');
    sweep.push(widest.join('-'), dims.join('-'), [...widest, 'month'].join('-'));
    expect(sweep.filter((b) => accepts(b) !== ok(b))).toEqual([]);
    expect(sweep.filter(accepts).length).toBeGreaterThan(5000);
    expect(accepts(widest.join('-'))).toBe(true);
    expect(accepts(dims.join('-'))).toBe(false);
  });

  it('answers a long hostile value at once (no catastrophic backtracking)', () => {
    const values = [
      `month-${'x-'.repeat(8000)}`,
      `${dims.slice(0, 18).join('-')}-${'planIdx-'.repeat(1500)}`,
    ];
    for (const v of values) expect(accepts(v)).toBe(false);
  });
});
