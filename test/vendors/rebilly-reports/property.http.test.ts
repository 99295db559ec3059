import { base, en, Faker } from '@faker-js/faker';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSeededData } from '../../../generators/dataset.ts';
import { generateRebillyReports } from '../../../generators/rebilly-reports.ts';
import { parseAsOf } from '../../../generators/time.ts';
import type { Mock } from '../../../mock/create.ts';
import { DEFAULT_OPTIONS } from '../../../mock/create.ts';
import { AGGREGATION_FIELDS } from '../../../mock/vendors/rebilly-reports/fields.ts';
import type { ReportRow } from '../../../mock/vendors/rebilly-reports/report.ts';
import {
  RebillyReportsStore,
  type RebillySubscription,
} from '../../../mock/vendors/rebilly-reports/store.ts';
import { customMock } from '../../helpers/mock.ts';
import { rbGet } from './http.ts';

/**
 * The report recomputed naively from the raw subscriptions (their JSON shape, not the store's
 * columns), for random periods, filters and aggregation fields.
 */
type Value = string | number | null;
type Check = (v: Value) => boolean;
interface Clause {
  text: string;
  read: (s: RebillySubscription) => Value;
  terms: { negated: boolean; test: Check }[];
}

const f = new Faker({ locale: [en, base], seed: 4004 });
// The raw data, generated here as the mock generates it (the same seed, the documents' example
// people placed in it); the cases are drawn from it.
const { world } = generateSeededData({
  seed: DEFAULT_OPTIONS.seed,
  asOf: parseAsOf(DEFAULT_OPTIONS.asOf),
  scale: 1,
});
const subs = [...new RebillyReportsStore(world, generateRebillyReports(world)).subscriptions()];
let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

const fieldValue = (s: RebillySubscription, field: string): Value => {
  if (field.startsWith('leadSource.')) return s.leadSource?.[field.slice(11) as 'source'] ?? null;
  return (s as unknown as Record<string, Value>)[field] ?? null;
};
const textField = (field: string): Clause => {
  const seen = [
    ...new Set(subs.map((s) => fieldValue(s, field)).filter((v) => v !== null)),
  ] as string[];
  // Enum fields reject unknown values (a 400); other fields simply match nothing.
  const closed = field === 'canceledBy' || field === 'cancelCategory';
  const picks = f.helpers.arrayElements(closed ? seen : [...seen, 'no-such-value'], {
    min: 1,
    max: 3,
  });
  const terms = picks.map((p) => ({ negated: f.datatype.boolean(0.3), p }));
  const mangle = (p: string) => (f.datatype.boolean() ? p.toUpperCase() : p);
  return {
    text: `${field}:${terms.map((t) => `${t.negated ? '!' : ''}${mangle(t.p)}`).join(',')}`,
    read: (s) => fieldValue(s, field),
    terms: terms.map((t) => ({
      negated: t.negated,
      test: (v) => typeof v === 'string' && v.toLowerCase() === t.p.toLowerCase(),
    })),
  };
};
const timeField = (field: 'startTime' | 'canceledTime' | 'endTime'): Clause => {
  const [a, b] = [
    f.date.between({ from: '2021-06-01', to: '2025-12-31' }),
    f.date.between({ from: '2021-06-01', to: '2025-12-31' }),
  ].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date];
  const from = f.datatype.boolean(0.8) ? a : null;
  const to = f.datatype.boolean(0.8) || from === null ? b : null;
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  return {
    text: `${field}:${from ? iso(from) : ''}..${to ? iso(to) : ''}`,
    read: (s) => Date.parse(s[field]),
    terms: [
      {
        negated: false,
        test: (v) =>
          typeof v === 'number' && (!from || v >= from.getTime()) && (!to || v <= to.getTime()),
      },
    ],
  };
};
const quantity = (): Clause => {
  const min = f.number.int({ min: 1, max: 6 });
  return {
    text: `quantity:${min}..`,
    read: (s) => s.quantity,
    terms: [{ negated: false, test: (v) => typeof v === 'number' && v >= min }],
  };
};
const TEXT_FIELDS = [...AGGREGATION_FIELDS, 'currency'];
const randomClause = (): Clause =>
  f.helpers.weightedArrayElement([
    { weight: 6, value: () => textField(f.helpers.arrayElement(TEXT_FIELDS)) },
    {
      weight: 2,
      value: () =>
        timeField(f.helpers.arrayElement(['startTime', 'canceledTime', 'endTime'] as const)),
    },
    { weight: 1, value: quantity },
  ])();

/** The spec, naively: positives OR'ed (if any), negations AND'ed; missing fails positives. */
const passes = (c: Clause, s: RebillySubscription): boolean => {
  const v = c.read(s);
  const pos = c.terms.filter((t) => !t.negated);
  const neg = c.terms.filter((t) => t.negated);
  return (
    (pos.length === 0 || pos.some((t) => v !== null && t.test(v))) &&
    neg.every((t) => v === null || !t.test(v))
  );
};

function expected(field: string, from: number, to: number, clauses: Clause[]): ReportRow[] {
  const groups = new Map<string | null, number[]>();
  for (const s of subs) {
    const at = Date.parse(s.canceledTime);
    if (at < from || at > to || !clauses.every((c) => passes(c, s))) continue;
    const key = fieldValue(s, field) as string | null;
    groups.set(key, [...(groups.get(key) ?? []), (at - Date.parse(s.startTime)) / 1000]);
  }
  return [...groups].map(([aggregationValue, lengths]) => {
    const sorted = lengths.sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    return {
      aggregationValue,
      count: sorted.length,
      averageLength: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      medianLength: median,
    };
  });
}

const CASES = Array.from({ length: 40 }, (_, i) => {
  const field = AGGREGATION_FIELDS[i % AGGREGATION_FIELDS.length] as string;
  const [a, b] = [
    f.date.between({ from: '2021-10-01', to: '2026-01-31' }),
    f.date.between({ from: '2021-10-01', to: '2026-01-31' }),
  ].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date];
  const clauses = Array.from({ length: f.number.int({ min: 0, max: 3 }) }, randomClause);
  return { field, periodStart: a.toISOString(), periodEnd: b.toISOString(), clauses };
});

describe('property: the report equals a naive recomputation from the raw subscriptions', () => {
  it.each(
    CASES.map((c) => [`${c.field} ${c.clauses.map((x) => x.text).join(';') || '(no filter)'}`, c]),
  )('%s', async (_name, c) => {
    const res = await rbGet(mock, {
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      aggregationField: c.field,
      filter: c.clauses.map((x) => x.text).join(';'),
      limit: 1000,
    });
    expect(res.status).toBe(200);
    const want = expected(c.field, Date.parse(c.periodStart), Date.parse(c.periodEnd), c.clauses);
    const got = res.body.data as ReportRow[];
    expect(res.headers['pagination-total']).toBe(String(want.length));
    const byValue = new Map(want.map((r) => [r.aggregationValue, r]));
    expect(got.map((r) => r.aggregationValue).sort()).toEqual([...byValue.keys()].sort());
    for (const r of got) {
      const w = byValue.get(r.aggregationValue) as ReportRow;
      expect(r.count).toBe(w.count);
      expect(r.averageLength).toBeCloseTo(w.averageLength, 6);
      expect(r.medianLength).toBe(w.medianLength);
    }
    for (let i = 1; i < got.length; i++)
      expect((got[i - 1] as ReportRow).count).toBeGreaterThanOrEqual((got[i] as ReportRow).count);
  });
});
