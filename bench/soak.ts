import autocannon from 'autocannon';
import { percentile } from '../mock/core/stats.ts';
import { CK_HEADERS } from './http-client.ts';
import { type Child, rssBytes, stop } from './servers.ts';
import { startChurnmock } from './start-servers.ts';
import { fmtBytes, fmtMs } from './stats.ts';
import { failed, info, type Row, target } from './table.ts';

/** How long the soak runs (BENCH_SOAK_SECONDS; the hardening issue's soak ran 600 s). */
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const WINDOW_SECONDS = 10;
/** Writers running side by side, each as fast as the mock answers it (a flow retained and a session recorded per round). */
const WRITERS = 3;
const CC_HEADERS = { authorization: 'Bearer cc_test_churnmock' };

interface Window {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

/** Uncached reads for one window: Churnkey lists with a varying skip, and aggregations. */
function readWindow(base: string, seconds: number): Promise<Window> {
  let n = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: 10,
        duration: seconds,
        headers: { ...CK_HEADERS },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              const k = n++;
              const month = String((k % 12) + 1).padStart(2, '0');
              // Churnkey lists and aggregations, ChurnCut retention analytics (which read every
              // live flow) and customer lists, each URL distinct so no answer is cached.
              const kind = k % 4;
              req.path =
                kind === 0
                  ? `/v1/data/sessions?limit=100&skip=${(k * 37) % 5000}`
                  : kind === 1
                    ? `/v1/data/session-aggregation?breakdown=month-saveType&startDate=2024-${month}-01`
                    : kind === 2
                      ? `/v1/analytics/retention?start_date=2025-${month}-01&end_date=2026-12-31`
                      : `/v1/customers?limit=20&offset=${(k * 7) % 1000}`;
              req.headers = kind >= 2 ? { ...CC_HEADERS } : { ...CK_HEADERS };
              return req;
            },
          },
        ],
      },
      (err, r) =>
        err
          ? reject(err)
          : resolve({
              rps: r.requests.total / r.duration,
              p50: percentile(
                latencies.sort((a, b) => a - b),
                50,
              ) as number,
              p99: percentile(latencies, 99) as number,
              non2xx: r.non2xx,
            }),
    );
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  });
}

/** Writes until `stopAt`: ChurnCut flows retained on the page, hosted-flow sessions recorded. */
async function writer(
  base: string,
  stopAt: number,
): Promise<{ flows: number; sessions: number; errors: number }> {
  const counts = { flows: 0, sessions: 0, errors: 0 };
  const customers = (
    (await (
      await fetch(`${base}/v1/customers?limit=100&status=active`, { headers: CC_HEADERS })
    ).json()) as {
      data: { customers: { id: string; subscription_id: string }[] };
    }
  ).data.customers;
  const ckIds = [
    ...new Set(
      (
        (await (
          await fetch(`${base}/v1/data/sessions?limit=500`, { headers: CK_HEADERS })
        ).json()) as {
          customer: { id: string };
        }[]
      ).map((s) => s.customer.id),
    ),
  ];
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let k = 0;
  const one = async (): Promise<void> => {
    const c = customers[k % customers.length];
    const ck = ckIds[k % ckIds.length];
    k++;
    if (!c || !ck) return;
    const started = await fetch(`${base}/v1/cancellation-flows`, {
      method: 'POST',
      headers: { ...CC_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer_id: c.id,
        subscription_id: c.subscription_id,
        reason: 'too_expensive',
        redirect_url: 'https://example.com/back',
      }),
    });
    const flowId = ((await started.json()) as { data?: { flow_id?: string } }).data?.flow_id;
    if (flowId) {
      const page = await (await fetch(`${base}/flow/${flowId}`)).text();
      const offer = /name="offer" value="([^"]+)"/.exec(page)?.[1];
      const done = await fetch(`${base}/flow/${flowId}/accept`, {
        method: 'POST',
        headers: form,
        body: `offer=${encodeURIComponent(offer ?? '')}`,
        redirect: 'manual',
      });
      await done.arrayBuffer();
      if (done.status < 400) counts.flows++;
      else counts.errors++;
    } else counts.errors++;
    const link = (await (
      await fetch(`${base}/__admin/churnkey/flow-url?customerId=${encodeURIComponent(ck)}`)
    ).json()) as { url: string };
    const html = await (await fetch(link.url.replace(/^http:\/\/[^/]+/, base))).text();
    const session = /\/churnkey\/flow\/(chs_[A-Za-z0-9_-]+)\/abort/.exec(html)?.[1];
    if (!session) {
      counts.errors++;
      return;
    }
    const ended = await fetch(`${base}/churnkey/flow/${session}/abort`, {
      method: 'POST',
      headers: form,
      body: '',
      redirect: 'manual',
    });
    await ended.arrayBuffer();
    if (ended.status < 400) counts.sessions++;
    else counts.errors++;
  };
  const loop = async (): Promise<void> => {
    while (Date.now() < stopAt)
      await one().catch((e: unknown) => {
        if (!counts.errors) console.error('soak write failed:', e);
        counts.errors++;
      });
  };
  await Promise.all(Array.from({ length: WRITERS }, loop));
  return counts;
}

/**
 * The soak: uncached reads in consecutive windows while a writer records ChurnCut flows and
 * Churnkey sessions at a steady rate, against one churnmock in its own process. Writes must
 * not wear the read rate down: the last window is compared with the first (the same process
 * before the writes had piled up), and the resident set before and after is printed.
 */
export async function runSoak(): Promise<Row[]> {
  const windows = Math.max(2, Math.round(SOAK_SECONDS / WINDOW_SECONDS));
  console.log(
    `\n== soak: ${windows} windows of ${WINDOW_SECONDS} s of uncached Churnkey reads (10 connections) ` +
      `while ${WRITERS} writers each retain ChurnCut flows and record Churnkey hosted-flow sessions as fast as answered ==`,
  );
  let child: Child | undefined;
  try {
    child = await startChurnmock(1, undefined, ['--no-rate-limit', '--log', 'off']);
    const base = child.base;
    const rssBefore = rssBytes(child.proc.pid);
    const stopAt = Date.now() + windows * WINDOW_SECONDS * 1000 + 2000;
    const writing = writer(base, stopAt);
    const measured: Window[] = [];
    for (let w = 0; w < windows; w++) {
      const r = await readWindow(base, WINDOW_SECONDS);
      measured.push(r);
      console.log(
        `window ${w + 1}: ${r.rps.toFixed(0)} req/s, p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}, non-2xx ${r.non2xx}`,
      );
    }
    const writes = await writing;
    const rssAfter = rssBytes(child.proc.pid);
    const first = measured[0] as Window;
    const last = measured[measured.length - 1] as Window;
    const ratio = last.rps / first.rps;
    console.log(
      `writes: ${writes.flows} flows retained, ${writes.sessions} sessions recorded, ${writes.errors} errors; ` +
        `RSS ${fmtBytes(rssBefore)} → ${fmtBytes(rssAfter)}`,
    );
    return [
      target(
        `soak ${windows * WINDOW_SECONDS} s: read rate last / first window`,
        `${last.rps.toFixed(0)} / ${first.rps.toFixed(0)} req/s = ${ratio.toFixed(2)}× ` +
          `(p50 ${fmtMs(last.p50)} vs ${fmtMs(first.p50)})`,
        '≥ 0.80×',
        ratio >= 0.8 &&
          writes.flows > 0 &&
          writes.sessions > 0 &&
          writes.errors === 0 &&
          measured.every((m) => m.non2xx === 0),
      ),
      info(
        'soak writes and memory',
        `${writes.flows} flows + ${writes.sessions} sessions; RSS ${fmtBytes(rssBefore)} → ${fmtBytes(rssAfter)}`,
      ),
    ];
  } catch (err) {
    console.error('soak phase failed:', err);
    return [failed('soak', err)];
  } finally {
    if (child) await stop(child);
  }
}
