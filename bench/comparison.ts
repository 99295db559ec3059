import { REGISTRY } from '../mock/registry.ts';
import { HttpClient } from './http-client.ts';
import { type Child, stop } from './servers.ts';
import { startBare, startChurnmock, startPrism } from './start-servers.ts';
import { fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';
import { fmtThroughput, LOAD, measureThroughput, type Throughput } from './throughput.ts';

/** One list endpoint per vendor API, with the demo credentials and the contract Prism serves. */
interface Endpoint {
  readonly api: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly contract: string;
}

/** Every registered vendor with a sample request: its main list, as its users call it. */
const ENDPOINTS: readonly Endpoint[] = REGISTRY.vendors.flatMap((v) =>
  v.sample ? [{ api: v.title, ...v.sample, contract: `contracts/${v.id}.openapi.yaml` }] : [],
);

/** Fetches an endpoint once; throws unless the server answers 200. */
async function fetchOnce(child: Child, e: Endpoint) {
  const client = new HttpClient(child.base);
  try {
    const reply = await client.get(e.path, 60_000, e.headers);
    if (reply.status !== 200)
      throw new Error(
        `${child.name} answered ${reply.status}: ${reply.body.toString().slice(0, 200)}`,
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

function ratioRow(a: Throughput, b: Throughput | undefined, min: number): Row {
  const name = `throughput ${a.name} / ${b?.name ?? '?'}`;
  if (!b) return failed(name, new Error('baseline not measured'));
  const ratio = a.rps / b.rps;
  const rounds = a.perRound.map((r, i) => r / (b.perRound[i] ?? Number.NaN));
  const range = `${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}`;
  return target(name, `${ratio.toFixed(3)}× (per round ${range})`, `≥ ${min}×`, ratio >= min);
}

/** Req/s of one list endpoint: churnmock vs Prism (same contract) vs bare node:http (same bytes). */
async function compare(mock: Child, e: Endpoint): Promise<Row[]> {
  console.log(
    `\n== ${e.api}: throughput of GET ${e.path.split('?')[0]} (scale 1): ${LOAD.connections} connections, ` +
      `${LOAD.warmupSeconds} s warm-up, then ${LOAD.rounds} interleaved rounds of ${LOAD.roundSeconds} s each ==`,
  );
  const rows: Row[] = [];
  const children: Child[] = [];
  try {
    const prism = await startPrism(e.contract);
    children.push(prism);
    const reply = await fetchOnce(mock, e);
    await fetchOnce(prism, e); // Prism checks security: a 401 here means the headers are wrong.
    const bare = await startBare(reply.body, reply.contentType);
    children.push(bare);
    console.log(
      `body: ${reply.body.length} bytes (${reply.contentType}); churnmock and Prism answer 200`,
    );
    const results = await measureThroughput([
      { name: `${e.api} churnmock`, url: `${mock.base}${e.path}`, headers: e.headers },
      { name: `${e.api} prism`, url: `${prism.base}${e.path}`, headers: e.headers },
      { name: `${e.api} bare node:http`, url: `${bare.base}${e.path}`, headers: e.headers },
    ]);
    for (const t of results) {
      console.log(fmtThroughput(t));
      rows.push(serverRow(t));
    }
    const [cm, pr, bh] = results;
    if (cm) rows.push(ratioRow(cm, pr, 5), ratioRow(cm, bh, 0.5));
  } catch (err) {
    console.error(`${e.api} throughput phase failed:`, err);
    rows.push(failed(`${e.api} throughput`, err));
  } finally {
    await Promise.all(children.map((c) => stop(c)));
  }
  return rows;
}

/** The throughput comparison for every vendor API, against one churnmock on default data. */
export async function runComparison(): Promise<Row[]> {
  // ChurnCut's 1000 requests/minute limit would turn a load test into 429s.
  const mock = await startChurnmock(1, undefined, ['--no-rate-limit']);
  try {
    const rows: Row[] = [];
    for (const e of ENDPOINTS) rows.push(...(await compare(mock, e)));
    return rows;
  } finally {
    await stop(mock);
  }
}
