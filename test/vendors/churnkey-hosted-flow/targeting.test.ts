import { describe, expect, it } from 'vitest';
import {
  type Attributes,
  type Condition,
  matches,
} from '../../../mock/vendors/churnkey-hosted-flow/targeting.ts';

const ATTRS: Attributes = {
  plan: 'Pro',
  tenureMonths: 18,
  mau: '47',
  isOnPaymentRetry: false,
  flag: 'true',
  since: '2024-03-01T00:00:00Z',
  nan: 'abc',
};

const c = (
  attribute: string,
  operand: Condition['operand'],
  value: Condition['value'],
  type: Condition['type'],
): Condition => ({ attribute, operand, value, type });

// [condition, expected]: each operand and type, boundaries, and the missing-attribute rule.
const CASES: [string, Condition, boolean][] = [
  ['INCLUDES string, case-insensitive', c('plan', 'INCLUDES', ['pro'], 'STRING'), true],
  ['INCLUDES any of several', c('plan', 'INCLUDES', ['starter', 'PRO'], 'STRING'), true],
  ['INCLUDES no match', c('plan', 'INCLUDES', ['business'], 'STRING'), false],
  ['NOT_INCLUDES match', c('plan', 'NOT_INCLUDES', ['business'], 'STRING'), true],
  ['NOT_INCLUDES excluded', c('plan', 'NOT_INCLUDES', ['pro'], 'STRING'), false],
  ['GT above', c('tenureMonths', 'GT', [6], 'NUMBER'), true],
  ['GT equal is not greater', c('tenureMonths', 'GT', [18], 'NUMBER'), false],
  ['GTE equal', c('tenureMonths', 'GTE', [18], 'NUMBER'), true],
  ['LT below', c('tenureMonths', 'LT', [19], 'NUMBER'), true],
  ['LT equal', c('tenureMonths', 'LT', [18], 'NUMBER'), false],
  ['LTE equal', c('tenureMonths', 'LTE', [18], 'NUMBER'), true],
  ['numeric string read as NUMBER', c('mau', 'GT', [40], 'NUMBER'), true],
  ['non-numeric string never matches NUMBER', c('nan', 'LT', [1e9], 'NUMBER'), false],
  ['BETWEEN inclusive low', c('tenureMonths', 'BETWEEN', [18, 24], 'NUMBER'), true],
  ['BETWEEN inclusive high', c('tenureMonths', 'BETWEEN', [12, 18], 'NUMBER'), true],
  ['BETWEEN outside', c('tenureMonths', 'BETWEEN', [1, 12], 'NUMBER'), false],
  ['NOT_BETWEEN outside', c('tenureMonths', 'NOT_BETWEEN', [1, 12], 'NUMBER'), true],
  ['NOT_BETWEEN inside', c('tenureMonths', 'NOT_BETWEEN', [12, 24], 'NUMBER'), false],
  ['BOOLEAN false', c('isOnPaymentRetry', 'INCLUDES', [false], 'BOOLEAN'), true],
  ['BOOLEAN from "true"', c('flag', 'INCLUDES', [true], 'BOOLEAN'), true],
  ['BOOLEAN NOT_INCLUDES', c('isOnPaymentRetry', 'NOT_INCLUDES', [true], 'BOOLEAN'), true],
  ['DATE after', c('since', 'GT', ['2024-01-01'], 'DATE'), true],
  ['DATE before', c('since', 'LT', ['2024-01-01'], 'DATE'), false],
  ['DATE BETWEEN', c('since', 'BETWEEN', ['2024-01-01', '2024-12-31'], 'DATE'), true],
  ['unparseable DATE attribute', c('plan', 'GT', ['2024-01-01'], 'DATE'), false],
  ['missing attribute: INCLUDES', c('absent', 'INCLUDES', ['x'], 'STRING'), false],
  ['missing attribute: NOT_INCLUDES', c('absent', 'NOT_INCLUDES', ['x'], 'STRING'), false],
  ['missing attribute: NOT_BETWEEN', c('absent', 'NOT_BETWEEN', [1, 2], 'NUMBER'), false],
  ['inherited keys are not attributes', c('toString', 'INCLUDES', ['x'], 'STRING'), false],
  [
    'boolean attribute is not a STRING',
    c('isOnPaymentRetry', 'INCLUDES', ['false'], 'STRING'),
    false,
  ],
];

describe('targeting conditions', () => {
  it.each(CASES)('%s', (_name, condition, expected) => {
    expect(matches(condition, ATTRS)).toBe(expected);
  });
});
