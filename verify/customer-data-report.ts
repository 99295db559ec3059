import type { CustomerDataReport } from './customer-data-run.ts';

const COLUMNS = ['STATUS', 'CHECK', 'CUSTOMER', 'HTTP', 'MS', 'DETAIL'] as const;

/** Pads every column but the last to its widest cell. */
function aligned(rows: readonly (readonly string[])[]): string[] {
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable report: a header, one aligned row per check, a verdict. */
export function formatCustomerDataReport(r: CustomerDataReport): string {
  const rows = r.checks.map((c) => [
    c.status.toUpperCase(),
    c.id,
    c.customerId ?? '-',
    c.httpStatus === null ? '-' : String(c.httpStatus),
    c.ms === null ? '-' : String(c.ms),
    c.message,
  ]);
  const { pass, fail, info, skip } = r.summary;
  const counts = [`${pass} passed`, `${fail} failed`, `${info} info`, `${skip} skipped`].join(', ');
  const latency =
    r.latency.samples > 0
      ? `latency over ${r.latency.samples} calls: p50 ${r.latency.p50Ms} ms, p95 ${r.latency.p95Ms} ms, max ${r.latency.maxMs} ms`
      : 'latency: not measured';
  return [
    `churnmock verify customer-data ${r.url}`,
    `  budget ${r.budgetMs} ms (p95 of ${r.calls} calls), timeout ${r.timeoutMs} ms per call, unknown customer ${r.unknownCustomerId}`,
    '',
    ...aligned([[...COLUMNS], ...rows]),
    '',
    `  ${latency}`,
    `${r.ok ? 'PASS' : 'FAIL'}: ${counts} in ${r.durationMs} ms${r.deadlineReached ? " (the run's deadline was reached)" : ''}`,
  ].join('\n');
}

/** The `--json` report: the CustomerDataReport itself, documented in the README. */
export function customerDataReportJson(r: CustomerDataReport): string {
  return JSON.stringify(r, null, 2);
}
