import { HttpClient } from './http-client.ts';
import { type Child, stop } from './servers.ts';
import { startBare, startChurnmock, startPrism } from './start-servers.ts';
import { fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';
import { fmtThroughput, LOAD, measureThroughput, type Throughput } from './throughput.ts';

const PATH = '/v1/data/sessions?limit=100';

/** Fetches PATH once; throws unless the server answers 200. */
async function fetchOnce(child: Child) {
  const client = new HttpClient(child.base);
  try {
    const reply = await client.get(PATH);
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

/** Req/s of `GET /v1/data/sessions?limit=100` (scale 1): churnmock vs Prism vs bare node:http. */
export async function runComparison(): Promise<Row[]> {
  console.log(
    `\n== throughput of GET ${PATH} (scale 1): ${LOAD.connections} connections, ` +
      `${LOAD.warmupSeconds} s warm-up, then ${LOAD.rounds} interleaved rounds of ${LOAD.roundSeconds} s each ==`,
  );
  const rows: Row[] = [];
  const children: (Child | undefined)[] = [];
  try {
    const started = await Promise.allSettled([startChurnmock(1), startPrism()]);
    for (const s of started) children.push(s.status === 'fulfilled' ? s.value : undefined);
    const [mock, prism] = children;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (!mock || !prism) throw new Error('a server did not start');
    const reply = await fetchOnce(mock);
    await fetchOnce(prism); // Prism checks security: a 401 here means the headers are wrong.
    const bare = await startBare(reply.body, reply.contentType);
    children.push(bare);
    console.log(
      `body: ${reply.body.length} bytes (${reply.contentType}); churnmock and Prism answer 200`,
    );
    const results = await measureThroughput([
      { name: 'churnmock', url: `${mock.base}${PATH}` },
      { name: 'prism', url: `${prism.base}${PATH}` },
      { name: 'bare node:http', url: `${bare.base}${PATH}` },
    ]);
    for (const t of results) {
      console.log(fmtThroughput(t));
      rows.push(serverRow(t));
    }
    const [cm, pr, bh] = results;
    if (cm) rows.push(ratioRow(cm, pr, 5), ratioRow(cm, bh, 0.5));
  } catch (err) {
    console.error('throughput phase failed:', err);
    rows.push(failed('throughput phase', err));
  } finally {
    await Promise.all(children.map((c) => stop(c)));
  }
  return rows;
}
