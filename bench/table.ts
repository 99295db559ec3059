/** PASS/FAIL for targets, INFO for context, ERROR when the figure could not be measured. */
export type Status = 'PASS' | 'FAIL' | 'INFO' | 'ERROR';

/** One line of the final table. */
export interface Row {
  readonly target: string;
  readonly measured: string;
  readonly threshold: string;
  readonly status: Status;
}

/** A target row: PASS when `ok`, FAIL otherwise. */
export function target(name: string, measured: string, threshold: string, ok: boolean): Row {
  return { target: name, measured, threshold, status: ok ? 'PASS' : 'FAIL' };
}

/** A context row that is not judged. */
export function info(name: string, measured: string, threshold = ''): Row {
  return { target: name, measured, threshold, status: 'INFO' };
}

/** A row for a target whose measurement failed. */
export function failed(name: string, error: unknown): Row {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    target: name,
    measured: `error: ${message ?? ''}`.slice(0, 70),
    threshold: '',
    status: 'ERROR',
  };
}

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (status: Status, text: string): string => {
  if (!useColour) return text;
  const code = { PASS: 32, FAIL: 31, INFO: 2, ERROR: 35 }[status];
  return `\x1b[${code}m${text}\x1b[0m`;
};
const mark = (s: Status): string => (s === 'FAIL' ? 'FAIL  <<<' : s === 'ERROR' ? 'ERROR <<<' : s);

/** Prints the rows as an aligned table, then a one-line verdict. */
export function printTable(rows: readonly Row[]): void {
  const head = { target: 'target', measured: 'measured', threshold: 'threshold' };
  const w = (k: keyof typeof head) => Math.max(head[k].length, ...rows.map((r) => r[k].length));
  const [wt, wm, wh] = [w('target'), w('measured'), w('threshold')];
  const line = (t: string, m: string, h: string, s: string) =>
    `| ${t.padEnd(wt)} | ${m.padEnd(wm)} | ${h.padEnd(wh)} | ${s.padEnd(9)} |`;
  const rule = `|${'-'.repeat(wt + 2)}|${'-'.repeat(wm + 2)}|${'-'.repeat(wh + 2)}|${'-'.repeat(11)}|`;
  console.log(`\n${line(head.target, head.measured, head.threshold, 'result')}`);
  console.log(rule);
  for (const r of rows)
    console.log(paint(r.status, line(r.target, r.measured, r.threshold, mark(r.status))));
  const judged = rows.filter((r) => r.status === 'PASS' || r.status === 'FAIL');
  const missed = rows.filter((r) => r.status === 'FAIL').length;
  const errors = rows.filter((r) => r.status === 'ERROR').length;
  const parts = [
    missed ? `${missed} of ${judged.length} targets MISSED` : `${judged.length} targets met`,
    errors ? `${errors} measurement(s) FAILED (ERROR)` : '',
  ];
  const verdict = parts.filter(Boolean).join('; ');
  console.log(`\n${missed || errors ? '!!! ' : ''}${verdict}`);
}
