import { DEFAULT_CC_OPTIONS } from '../mock/vendors/churncut/options.ts';
import { DEFAULT_CK_CREDENTIALS } from '../mock/vendors/churnkey-data/options.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../mock/vendors/rebilly-reports/options.ts';
import { HttpClient } from './http-client.ts';
import { type Child, stop } from './servers.ts';
import { startBare, startChurnmock, startPrism } from './start-servers.ts';
import { fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';
import { fmtThroughput, LOAD, measureThroughput, type Throughput } from './throughput.ts';

// Throughput where real clients are: a distinct URL per request ("uncached": a connector paging
// with `skip`, a dashboard moving its date range), and one URL repeated ("cached"), against a
// bare node:http server returning the same bytes, headers and body (the machine's ceiling for
// that response), and `prism mock` on the same contract and the same distinct URLs. Every
// server in its own process, rounds interleaved so drift in the machine's load hits all alike.

const CK = {
  'x-ck-api-key': DEFAULT_CK_CREDENTIALS.apiKey,
  'x-ck-app': DEFAULT_CK_CREDENTIALS.appId,
};
const CC = { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` };
const RB = { 'reb-apikey': DEFAULT_REBILLY_CREDENTIALS.apiKey };

const DAY = 86_400_000;
const day = (from: string, k: number) =>
  new Date(Date.parse(from) + k * DAY).toISOString().slice(0, 10);
/**
 * An aggregation's end date: the last day of 2025, then a day earlier every 2,000 requests, so
 * with its start date (k mod 2,000 days from 2020) each of the first 730,000 URLs is distinct.
 */
const endDay = (k: number) => day('2025-12-31', -(Math.floor(k / 2000) % 365));

/** An endpoint loaded with a distinct URL per request. */
interface Endpoint {
  readonly name: string;
  readonly kind: 'list' | 'aggregation';
  readonly contract: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The k-th request's path (k = 0, 1, …): an aggregation's is distinct for every k a run
   * reaches; a list cycles through its pages (9,900 skips, 7,400 offsets), each asked again
   * later than the response cache remembers a URL it answered (ANSWERED_URLS, 4,096), so no
   * page is ever answered from it.
   */
  readonly path: (k: number) => string;
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'Churnkey sessions?limit=100 (varying skip)',
    kind: 'list',
    contract: 'churnkey-data',
    headers: CK,
    path: (k) => `/v1/data/sessions?limit=100&skip=${k % 9900}`,
  },
  {
    name: 'ChurnCut customers?limit=20 (varying offset)',
    kind: 'list',
    contract: 'churncut',
    headers: CC,
    path: (k) => `/v1/customers?limit=20&offset=${k % 7400}`,
  },
  {
    name: 'Churnkey aggregation month-saveType (varying startDate)',
    kind: 'aggregation',
    contract: 'churnkey-data',
    headers: CK,
    path: (k) =>
      `/v1/data/session-aggregation?breakdown=month-saveType&startDate=${day('2020-01-01', k % 2000)}&endDate=${endDay(k)}`,
  },
  {
    name: 'Rebilly report by planId (varying period)',
    kind: 'aggregation',
    contract: 'rebilly-reports',
    headers: RB,
    path: (k) =>
      `/experimental/reports/subscription-cancellation?periodStart=${day('2020-01-01', k % 2000)}T00:00:00Z&periodEnd=${endDay(k)}T23:59:59Z&aggregationField=planId&limit=100`,
  },
  {
    name: 'ChurnCut churn analytics (varying range)',
    kind: 'aggregation',
    contract: 'churncut',
    headers: CC,
    path: (k) =>
      `/v1/analytics/churn?start_date=${day('2020-01-01', k % 2000)}&end_date=${endDay(k)}`,
  },
];

/** The targets of issue 14, by kind: uncached vs bare and vs Prism; cached vs bare. */
const GOALS = {
  list: { bare: 0.5, prism: 10 },
  aggregation: { bare: 0.2, prism: 5 },
  cached: 0.8,
} as const;

async function fetchOnce(child: Child, e: Endpoint, path: string) {
  const client = new HttpClient(child.base);
  try {
    const reply = await client.get(path, 60_000, e.headers);
    if (reply.status !== 200)
      throw new Error(
        `${child.name} answered ${reply.status} to ${path}: ${reply.body.toString().slice(0, 200)}`,
      );
    return reply;
  } finally {
    client.close();
  }
}

function serverRow(t: Throughput): Row {
  const measured = `${t.rps.toFixed(0)} req/s, p50 ${fmtMs(t.p50)}, p99 ${fmtMs(t.p99)}, non-2xx ${t.non2xx}`;
  const name = `throughput ${t.name}`;
  if (t.non2xx || t.errors) return target(name, measured, 'all 2xx, no errors', false);
  return info(name, measured, 'all 2xx');
}

function ratioRow(name: string, a: Throughput, b: Throughput | undefined, min: number): Row {
  if (!b) return failed(name, new Error('baseline not measured'));
  const ratio = a.rps / b.rps;
  const rounds = a.perRound.map((r, i) => r / (b.perRound[i] ?? Number.NaN));
  const range = `${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}`;
  const shown = ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2);
  return target(name, `${shown}× (per round ${range})`, `≥ ${min}×`, ratio >= min);
}

/** A counter shared by a server's rounds, so no URL repeats across them. */
const distinct = (e: Endpoint) => {
  let k = 0;
  return () => e.path(k++);
};

async function compare(mock: Child, prism: Child, e: Endpoint): Promise<Row[]> {
  console.log(
    `\n== ${e.name}: ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up, then ` +
      `${LOAD.rounds} interleaved rounds of ${LOAD.roundSeconds} s each ==`,
  );
  const rows: Row[] = [];
  let bare: Child | undefined;
  try {
    const reply = await fetchOnce(mock, e, e.path(0));
    await fetchOnce(prism, e, e.path(0)); // a 401 or 422 here: the request is wrong for Prism
    bare = await startBare(reply.body, reply.rawHeaders);
    console.log(`body: ${reply.body.length} bytes; churnmock and Prism answer 200`);
    const short = e.name.split(' (')[0] ?? e.name;
    const results = await measureThroughput([
      {
        name: `${short} churnmock uncached`,
        url: `${mock.base}${e.path(0)}`,
        headers: e.headers,
        next: distinct(e),
      },
      { name: `${short} churnmock cached`, url: `${mock.base}${e.path(0)}`, headers: e.headers },
      {
        name: `${short} prism uncached`,
        url: `${prism.base}${e.path(0)}`,
        headers: e.headers,
        next: distinct(e),
      },
      { name: `${short} bare node:http`, url: `${bare.base}${e.path(0)}`, headers: e.headers },
    ]);
    for (const t of results) {
      console.log(fmtThroughput(t));
      rows.push(serverRow(t));
    }
    const [uncached, cached, pr, bh] = results;
    const goal = GOALS[e.kind];
    if (uncached && cached)
      rows.push(
        ratioRow(`${short}: uncached / bare node:http`, uncached, bh, goal.bare),
        ratioRow(`${short}: uncached / prism (same URLs)`, uncached, pr, goal.prism),
        ratioRow(`${short}: cached / bare node:http`, cached, bh, GOALS.cached),
      );
  } catch (err) {
    console.error(`${e.name} throughput phase failed:`, err);
    rows.push(failed(`${e.name} throughput`, err));
  } finally {
    await stop(bare);
  }
  return rows;
}

/** Cached and uncached throughput of every endpoint, against one churnmock on default data. */
export async function runComparison(): Promise<Row[]> {
  // ChurnCut's 1000 requests/minute limit would turn a load test into 429s.
  const mock = await startChurnmock(1, undefined, ['--no-rate-limit']);
  const prisms = new Map<string, Child>();
  try {
    const rows: Row[] = [];
    for (const e of ENDPOINTS) {
      let prism = prisms.get(e.contract);
      if (!prism) {
        prism = await startPrism(`contracts/${e.contract}.openapi.yaml`);
        prisms.set(e.contract, prism);
      }
      rows.push(...(await compare(mock, prism, e)));
    }
    return rows;
  } finally {
    await Promise.all([stop(mock), ...[...prisms.values()].map((p) => stop(p))]);
  }
}
