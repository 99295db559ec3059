import { HttpClient } from './http-client.ts';
import { collectCustomerIds, customerLatency, uncachedLatency } from './latency.ts';
import { peakRssBytes, stop } from './servers.ts';
import { type Churnmock, startChurnmock } from './start-servers.ts';
import { fmtBytes, fmtMs, fmtSummary, type Summary } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';

const SCALE = 100;
const CUSTOMER_IDS = 4000;
const GIB = 2 ** 30;

/** The ~1M-session queries timed uncached, each against "under 250 ms". */
const HEAVY: readonly { name: string; path: string }[] = [
  {
    name: 'filtered list (common match)',
    path: '/v1/data/sessions?offerType=DISCOUNT&billingInterval=MONTH&limit=100',
  },
  {
    name: 'filtered list (rare match, full scan)',
    path: '/v1/data/sessions?offerType=TRIAL_EXTENSION&billingInterval=WEEK&sessionCurrency=cad&limit=100',
  },
  {
    name: 'aggregation month-saveType, all sessions',
    path: '/v1/data/session-aggregation?breakdown=month-saveType&bounced=true',
  },
];

function heavyRow(name: string, s: Summary): Row {
  return target(
    `${name} (uncached)`,
    `p50 ${fmtMs(s.p50)} p99 ${fmtMs(s.p99)} max ${fmtMs(s.max)} n=${s.n}`,
    'max < 250 ms',
    s.max < 250 && s.non200 === 0 && !s.mismatched,
  );
}

async function measure(mock: Churnmock, rows: Row[]): Promise<void> {
  const client = new HttpClient(mock.base);
  try {
    process.stdout.write(`collecting ${CUSTOMER_IDS} customer ids… `);
    const ids = await collectCustomerIds(client, CUSTOMER_IDS);
    console.log(`${ids.length} distinct`);
    const perCustomer = await customerLatency(client, ids);
    console.log(`customerId=X            ${fmtSummary(perCustomer)}`);
    rows.push(
      target(
        `GET /sessions?customerId=X p99 (${perCustomer.n} distinct ids)`,
        `${fmtMs(perCustomer.p99)} (p50 ${fmtMs(perCustomer.p50)}, max ${fmtMs(perCustomer.max)})`,
        'p99 < 5 ms',
        perCustomer.p99 < 5 && perCustomer.non200 === 0,
      ),
    );
    for (const { name, path } of HEAVY) {
      try {
        const s = await uncachedLatency(client, path, { count: 20, warmup: 2, budgetMs: 30_000 });
        console.log(`${name.padEnd(42)} ${fmtSummary(s)}\n  ${path}&startDate=…`);
        rows.push(heavyRow(name, s));
      } catch (err) {
        rows.push(failed(name, err));
      }
    }
    const health = (await client.json('/__admin/health')) as {
      memory?: { heapUsedBytes?: number; rssBytes?: number };
    };
    const heap = health.memory?.heapUsedBytes ?? Number.NaN;
    const peak = peakRssBytes(mock.proc.pid);
    console.log(
      `memory after the load: heapUsed ${fmtBytes(heap)}, rss ${fmtBytes(health.memory?.rssBytes ?? null)}, peak rss ${fmtBytes(peak)}`,
    );
    rows.push(
      Number.isFinite(heap)
        ? target('heap used after the load', fmtBytes(heap), '< 2 GiB', heap < 2 * GIB)
        : failed('heap used after the load', new Error('/__admin/health has no memory')),
    );
    rows.push(info('peak RSS of the mock (VmHWM)', fmtBytes(peak), '(for reference)'));
  } finally {
    client.close();
  }
}

/** Start-up, latency and memory of churnmock with ~1M sessions (scale 100). */
export async function runLargeData(): Promise<Row[]> {
  console.log(`\n== ~1M sessions: churnmock --scale ${SCALE} ==`);
  const rows: Row[] = [];
  let mock: Churnmock | undefined;
  try {
    // Without the data cache: a first start with a cache writes its 340 MB in slices between
    // requests for the few seconds after it answers (its cost to requests is in the README),
    // which is not what a lookup costs. The start-up phase times the cached starts.
    mock = await startChurnmock(SCALE, process.env.BENCH_CPU_PROF || undefined, [
      '--no-data-cache',
    ]);
    console.log(
      `ready: ${fmtMs(mock.startupMs)} from spawn to the listening line (the mock says ` +
        `${fmtMs(mock.readyMs)}); ${mock.customers} customers, ${mock.sessions} sessions`,
    );
    rows.push(
      target(
        `start-up incl. generation (scale ${SCALE})`,
        `${fmtMs(mock.startupMs)} (mock's own: ${fmtMs(mock.readyMs)})`,
        '< 20 s',
        mock.startupMs < 20_000,
      ),
    );
    await measure(mock, rows);
  } catch (err) {
    console.error(`scale ${SCALE} phase failed:`, err);
    rows.push(failed(`scale ${SCALE} phase`, err));
  } finally {
    await stop(mock, process.env.BENCH_CPU_PROF ? 60_000 : 5000);
  }
  return rows;
}
