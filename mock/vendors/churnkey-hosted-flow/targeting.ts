/**
 * Cancel Flow targeting (docs/decisions/006): a condition names an attribute, an operand, an
 * array `value` and a `type`. Churnkey docs, Customer Data Endpoint (Latency and reliability):
 * "Any targeting rules that depended on missing attributes
 * simply won't match" — so every operand, NOT_INCLUDES and NOT_BETWEEN included, is false
 * when the attribute is missing or cannot be read as the condition's type.
 */

export const OPERANDS = [
  'INCLUDES',
  'NOT_INCLUDES',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'BETWEEN',
  'NOT_BETWEEN',
] as const;
export type Operand = (typeof OPERANDS)[number];

export const CONDITION_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATE'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export type AttributeValue = string | number | boolean;
export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface Condition {
  readonly attribute: string;
  readonly operand: Operand;
  readonly value: readonly AttributeValue[];
  readonly type: ConditionType;
}

/** A value read as the condition's type: strings lower-cased, dates as epoch ms; null = unreadable. */
function read(v: AttributeValue, type: ConditionType): string | number | boolean | null {
  switch (type) {
    case 'STRING':
      return typeof v === 'boolean' ? null : String(v).toLowerCase();
    case 'NUMBER': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
      return Number.isFinite(n) ? n : null;
    }
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return null;
    case 'DATE': {
      const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isFinite(t) ? t : null;
    }
  }
}

/** Whether one condition holds for `attrs`. */
export function matches(c: Condition, attrs: Attributes): boolean {
  if (!Object.hasOwn(attrs, c.attribute)) return false;
  const actual = read(attrs[c.attribute] as AttributeValue, c.type);
  if (actual === null) return false;
  const wanted = c.value.map((v) => read(v, c.type));
  if (wanted.some((w) => w === null)) return false;
  const [a, b] = wanted as (string | number | boolean)[];
  switch (c.operand) {
    case 'INCLUDES':
      return wanted.includes(actual);
    case 'NOT_INCLUDES':
      return !wanted.includes(actual);
    case 'GT':
      return a !== undefined && actual > a;
    case 'GTE':
      return a !== undefined && actual >= a;
    case 'LT':
      return a !== undefined && actual < a;
    case 'LTE':
      return a !== undefined && actual <= a;
    case 'BETWEEN':
      return a !== undefined && b !== undefined && actual >= a && actual <= b;
    case 'NOT_BETWEEN':
      return a !== undefined && b !== undefined && (actual < a || actual > b);
  }
}

/** Every condition holds (an empty list always does). */
export const allMatch = (conditions: readonly Condition[], attrs: Attributes): boolean =>
  conditions.every((c) => matches(c, attrs));
