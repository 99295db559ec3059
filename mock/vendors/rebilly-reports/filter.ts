import { parseTime, RFC3339 } from '../../../generators/time.ts';
import { MESSAGES } from './errors.ts';
import type { FieldSpec } from './fields.ts';

/** A string (lower case), a number, or a date-time as epoch milliseconds. */
export type Scalar = string | number;

/** One comma-separated value of a clause. */
export type Term =
  | { readonly negated: boolean; readonly kind: 'eq'; readonly value: Scalar }
  | {
      readonly negated: boolean;
      readonly kind: 'range';
      readonly from: number | null;
      readonly to: number | null;
    };

/** `field:term,term,…` — the terms are OR'ed, negated ones AND'ed (see matchTerms). */
export interface Clause {
  readonly field: string;
  readonly terms: readonly Term[];
}

/** A parsed filter: clauses (AND'ed) when `problems` is empty, otherwise every problem found. */
export interface ParsedFilter {
  readonly clauses: readonly Clause[];
  readonly problems: readonly string[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const F = MESSAGES.filter;

function scalar(field: string, spec: FieldSpec, text: string): number | string {
  if (spec.type === 'number') return NUMBER.test(text) ? Number(text) : F.notNumber(field, text);
  const t = parseTime(text, RFC3339);
  return typeof t === 'number' ? t : F.notDateTime(field, text);
}

function parseTerm(field: string, spec: FieldSpec, item: string): Term | string {
  const negated = item.startsWith('!');
  const text = (negated ? item.slice(1) : item).trim();
  if (text === '') return F.emptyValue(field);
  if (text.startsWith('!')) return F.doubleNegation(field, item);
  if (text.startsWith('@')) return F.valueList(field, text);
  const dots = text.indexOf('..');
  if (dots >= 0) {
    if (spec.type === 'string') return F.rangeOnText(field);
    const lo = text.slice(0, dots).trim();
    const hi = text.slice(dots + 2).trim();
    if (!lo && !hi) return F.emptyRange(field);
    const from = lo ? scalar(field, spec, lo) : null;
    const to = hi ? scalar(field, spec, hi) : null;
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    if (from !== null && to !== null && from > to) return F.reversedRange(field, text);
    return { negated, kind: 'range', from, to };
  }
  if (spec.type !== 'string') {
    const value = scalar(field, spec, text);
    return typeof value === 'string' ? value : { negated, kind: 'eq', value };
  }
  // Values compare case-insensitively (docs/decisions/002, filter), so both sides are lower-cased.
  const value = text.toLowerCase();
  if (spec.values && !spec.values.includes(value)) return F.notAllowed(field, text, spec.values);
  return { negated, kind: 'eq', value };
}

/**
 * Parses Rebilly's search-filter grammar (docs/decisions/002): `field:value` clauses joined by `;`
 * (AND), values joined by `,` (OR), `!` negates a value, `a..b` / `a..` / `..b` are inclusive
 * ranges on numbers and date-times, sub-fields are dotted. Whitespace around separators is
 * ignored; there is no escaping, so a value cannot contain `,` or `;`, and `..` always means a
 * range. An empty filter has no clauses. Every problem is reported, not only the first.
 */
export function parseFilter(
  text: string,
  fields: Readonly<Record<string, FieldSpec>>,
): ParsedFilter {
  const clauses: Clause[] = [];
  const problems: string[] = [];
  if (text.trim() === '') return { clauses, problems };
  for (const raw of text.split(';')) {
    const clause = raw.trim();
    const colon = clause.indexOf(':');
    if (clause === '') problems.push(F.emptyClause);
    else if (colon < 0) problems.push(F.notFieldValue(clause));
    else {
      const field = clause.slice(0, colon).trim();
      const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (!spec) {
        problems.push(field ? F.unknownField(field, Object.keys(fields)) : F.notFieldValue(clause));
        continue;
      }
      const terms: Term[] = [];
      for (const item of clause.slice(colon + 1).split(',')) {
        const term = parseTerm(field, spec, item.trim());
        if (typeof term === 'string') problems.push(term);
        else terms.push(term);
      }
      clauses.push({ field, terms });
    }
  }
  return problems.length
    ? { clauses: [], problems: [...new Set(problems)] }
    : { clauses, problems };
}

function hits(term: Term, value: Scalar): boolean {
  if (term.kind === 'eq') return value === term.value;
  return (
    typeof value === 'number' &&
    (term.from === null || value >= term.from) &&
    (term.to === null || value <= term.to)
  );
}

/**
 * True when a field's value satisfies a clause's terms: at least one positive term matches (or
 * there are none) and no negated term does. `planId:!a,!b` is "neither a nor b". A missing
 * value (null) matches no term, so it fails positive clauses and passes negated ones.
 */
export function matchTerms(terms: readonly Term[], value: Scalar | null): boolean {
  let positives = false;
  let matched = false;
  for (const t of terms) {
    const hit = value !== null && hits(t, value);
    if (t.negated) {
      if (hit) return false;
    } else {
      positives = true;
      matched ||= hit;
    }
  }
  return !positives || matched;
}
