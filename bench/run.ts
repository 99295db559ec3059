// `npm run bench`: churnmock's performance targets, one table at the end.
//   BENCH_ONLY=large|throughput|mixed|startup|journal|soak|persist   run one phase only (startup needs npm run build)
//   BENCH_SOAK_SECONDS=600        how long the soak runs (default 60)
//   BENCH_CPU_PROF=<dir>          write a --cpu-prof of the scale-100 mock into <dir>
// Exits 0 when every figure was measured (targets missed or not); 1 when one could not be.
import { availableParallelism, loadavg } from 'node:os';
import { runComparison } from './comparison.ts';
import { runJournalCost } from './journal.ts';
import { runLargeData } from './large-data.ts';
import { runMixed } from './mixed.ts';
import { runPersistCost } from './persist.ts';
import { installCleanup } from './servers.ts';
import { runSoak } from './soak.ts';
import { runStartup } from './startup.ts';
import { fmtMs } from './stats.ts';
import { printTable, type Row } from './table.ts';

/** The machine's load: other work on this 2-core box skews every figure, so say how busy it was. */
function load(): string {
  const [one, five] = loadavg().map((l) => l.toFixed(2));
  return `${availableParallelism()} cores, load average ${one} (1 min) / ${five} (5 min)`;
}

/** Runs the selected phases one after another (never concurrently: 2 cores) and prints the table. */
async function main(): Promise<number> {
  installCleanup();
  // Servers the phases start generate their data unless a phase says otherwise (start-up
  // measures the data cache in directories of its own, never ~/.cache/churnmock).
  process.env.CHURNMOCK_DATA_CACHE = 'off';
  const only = process.env.BENCH_ONLY;
  const started = performance.now();
  console.log(`machine: ${load()}`);
  const [busy = 0] = loadavg();
  if (busy > 1)
    console.log('WARNING: the machine is already busy: every figure below will be pessimistic');
  const rows: Row[] = [];
  if (!only || only === 'startup') rows.push(...(await runStartup()));
  if (!only || only === 'large') rows.push(...(await runLargeData()));
  if (!only || only === 'throughput') rows.push(...(await runComparison()));
  if (!only || only === 'mixed') rows.push(...(await runMixed()));
  if (!only || only === 'journal') rows.push(...(await runJournalCost()));
  if (!only || only === 'soak') rows.push(...(await runSoak()));
  if (!only || only === 'persist') rows.push(...(await runPersistCost()));
  printTable(rows);
  console.log(`bench took ${fmtMs(performance.now() - started)}; machine at the end: ${load()}`);
  return rows.some((r) => r.status === 'ERROR') ? 1 : 0;
}

process.exitCode = await main();
