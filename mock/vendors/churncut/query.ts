import { STATUSES } from './store.ts';

/** What `GET /v1/customers` filters and pages by. */
export interface CustomerQuery {
  readonly limit: number;
  readonly offset: number;
  readonly riskLevel?: 'low' | 'medium' | 'high';
  readonly status?: (typeof STATUSES)[number];
}

const RISK_RANGE = { low: [0, 40], medium: [40, 70], high: [70, 100] } as const;

/** One page of customer indices plus the exact total. */
export interface CustomerPage {
  readonly indices: number[];
  readonly total: number;
}

/**
 * Filters customers in list order and cuts one page. One pass over typed arrays: the total
 * must be exact, so every customer is looked at (a few ms for 750k).
 */
export function pageCustomers(
  order: Int32Array,
  probability: Uint8Array,
  status: Uint8Array,
  q: CustomerQuery,
): CustomerPage {
  const wantStatus = q.status === undefined ? -1 : STATUSES.indexOf(q.status);
  const indices: number[] = [];
  if (wantStatus < 0 && q.riskLevel === undefined) {
    for (let j = q.offset; j < order.length && indices.length < q.limit; j++)
      indices.push(order[j] as number);
    return { indices, total: order.length };
  }
  // riskOf's thresholds as a numeric range, so the scan compares numbers only.
  const [lo, hi] = q.riskLevel ? RISK_RANGE[q.riskLevel] : [0, 100];
  let total = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j] as number;
    if (wantStatus >= 0 && status[i] !== wantStatus) continue;
    const p = probability[i] as number;
    if (p < lo || p >= hi) continue;
    if (total >= q.offset && indices.length < q.limit) indices.push(i);
    total++;
  }
  return { indices, total };
}
