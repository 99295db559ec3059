import { DEFAULT_CC_OPTIONS } from '../mock/vendors/churncut/options.ts';
import { type Child, stop } from './servers.ts';
import { startChurnmock } from './start-servers.ts';
import { failed, info, type Row, target } from './table.ts';
import { fmtThroughput, LOAD, measureThroughput } from './throughput.ts';

// Reads while flows are created: ChurnCut's retention analytics (a flow changes its answer, so
// every write invalidates the cached one) and its customers list, loaded as in the throughput
// phase, once alone and once beside a writer creating cancellation flows, rounds interleaved.
// Invalidating per write is fine; recomputing everything per write would collapse the reads.

const CC = { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` };
/** A flow for one customer (a second one for a customer with an open flow returns that one). */
const flow = (c: Subscriber) =>
  JSON.stringify({
    customer_id: c.id,
    subscription_id: c.subscription_id,
    reason: 'too_expensive',
    redirect_url: 'https://your-app.com/subscription/cancelled',
  });

interface Subscriber {
  readonly id: string;
  readonly subscription_id: string;
  readonly status: string;
}

/** Active customers from the list, enough for every write of the phase to be a new flow. */
async function subscribers(base: string, wanted: number): Promise<Subscriber[]> {
  const out: Subscriber[] = [];
  for (let offset = 0; out.length < wanted; offset += 100) {
    const res = await fetch(`${base}/v1/customers?limit=100&offset=${offset}`, { headers: CC });
    const page = (await res.json()) as { data: { customers: Subscriber[]; has_more: boolean } };
    out.push(...page.data.customers.filter((c) => c.status === 'active'));
    if (!page.data.has_more) break;
  }
  return out;
}
/** How fast the writer creates flows (one connection, paced). */
const WRITES_PER_SECOND = 100;
/** The reads must keep at least this share of their rate alone. */
const GOAL = 0.5;

interface WriterTally {
  created: number;
  refused: number;
  seconds: number;
}

/** A writer creating flows at WRITES_PER_SECOND until stopped; counts what it got. */
function writer(base: string, tally: WriterTally, people: Subscriber[]) {
  return () => {
    let running = true;
    const started = performance.now();
    const loop = (async () => {
      let n = 0;
      while (running) {
        const due = started + (n * 1000) / WRITES_PER_SECOND;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!running) break;
        n++;
        const person = people.pop();
        if (!person) throw new Error('the writer ran out of active customers');
        const res = await fetch(`${base}/v1/cancellation-flows`, {
          method: 'POST',
          headers: { ...CC, 'content-type': 'application/json' },
          body: flow(person),
        });
        await res.arrayBuffer();
        if (res.status === 201) tally.created++;
        else tally.refused++;
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        tally.seconds += (performance.now() - started) / 1000;
      },
    };
  };
}

const READS = [
  {
    name: 'ChurnCut retention analytics',
    path: '/v1/analytics/retention?start_date=2024-01-01&end_date=2025-12-31',
  },
  { name: 'ChurnCut customers?limit=20', path: '/v1/customers?limit=20' },
] as const;

/** Read throughput alone and beside flow creation, on one churnmock (default data). */
export async function runMixed(): Promise<Row[]> {
  console.log(
    `\n== mixed reads and writes: ${LOAD.connections} reading connections, a writer creating ${WRITES_PER_SECOND} flows/s, rounds interleaved ==`,
  );
  let mock: Child | undefined;
  const rows: Row[] = [];
  try {
    mock = await startChurnmock(1, undefined, ['--no-rate-limit']);
    const base = mock.base;
    // Warm-up and rounds beside writes, for each read: (2 + 6) s × 100 flows/s, and spare.
    const people = await subscribers(base, 2 * 1000 + READS.length * 1000);
    for (const read of READS) {
      const tally: WriterTally = { created: 0, refused: 0, seconds: 0 };
      const [alone, mixed] = await measureThroughput([
        { name: `${read.name}, reads only`, url: `${base}${read.path}`, headers: CC },
        {
          name: `${read.name}, beside writes`,
          url: `${base}${read.path}`,
          headers: CC,
          alongside: writer(base, tally, people),
        },
      ]);
      if (!alone || !mixed) throw new Error('no throughput measured');
      console.log(fmtThroughput(alone));
      console.log(fmtThroughput(mixed));
      const writes = tally.created / tally.seconds;
      console.log(
        `writer: ${tally.created} flows created (${writes.toFixed(0)}/s), ${tally.refused} refused`,
      );
      rows.push(
        info(
          `mixed: ${read.name} reads alone / beside writes`,
          `${alone.rps.toFixed(0)} / ${mixed.rps.toFixed(0)} req/s; ${writes.toFixed(0)} flows/s created, ${tally.refused} refused`,
        ),
        target(
          `mixed: ${read.name} read rate beside writes / alone`,
          `${(mixed.rps / alone.rps).toFixed(2)}×`,
          `≥ ${GOAL}×, every write created`,
          mixed.rps / alone.rps >= GOAL && tally.refused === 0 && mixed.non2xx === 0,
        ),
      );
    }
  } catch (err) {
    rows.push(failed('mixed reads and writes', err));
  } finally {
    await stop(mock);
  }
  return rows;
}
