import autocannon from 'autocannon';
import { percentile } from '../mock/core/stats.ts';
import { CK_HEADERS } from './http-client.ts';

/** Identical load for every server; rounds are interleaved (A B C, A B C, …). */
export const LOAD = { connections: 20, warmupSeconds: 2, rounds: 6, roundSeconds: 1 } as const;

/** What autocannon measured for one server over all its rounds. */
export interface Throughput {
  readonly name: string;
  /** Completed requests per second over all measured rounds. */
  readonly rps: number;
  readonly perRound: readonly number[];
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

/** A server to load. */
export interface LoadTarget {
  readonly name: string;
  readonly url: string;
  /** Request headers (default: the Churnkey demo credentials). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The path of each request in turn (a distinct URL per request); default `url`'s. */
  readonly next?: () => string;
  /** Work started with each of this target's loads and stopped after it (writes, say). */
  readonly alongside?: () => { stop(): Promise<void> };
}

/** Runs one load of a target with its `alongside` work, if any, for exactly that long. */
async function load(
  t: LoadTarget,
  seconds: number,
  latencies?: number[],
): Promise<autocannon.Result> {
  const side = t.alongside?.();
  try {
    return await run(t.url, seconds, latencies, t.headers, t.next);
  } finally {
    await side?.stop();
  }
}

function run(
  url: string,
  seconds: number,
  latencies?: number[],
  headers: Readonly<Record<string, string>> = CK_HEADERS,
  next?: () => string,
): Promise<autocannon.Result> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`not local: ${url}`);
  return new Promise((resolve, reject) => {
    const opts = {
      url,
      connections: LOAD.connections,
      duration: seconds,
      headers: { ...headers },
      timeout: 10,
      ...(next
        ? {
            requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: next() }) }],
          }
        : {}),
    };
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies) instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/** Warms every server up, then loads them in interleaved rounds so machine drift hits all alike. */
export async function measureThroughput(targets: readonly LoadTarget[]): Promise<Throughput[]> {
  for (const t of targets) await load(t, LOAD.warmupSeconds);
  const acc = targets.map(() => ({
    requests: 0,
    seconds: 0,
    non2xx: 0,
    errors: 0,
    perRound: [] as number[],
    latencies: [] as number[],
  }));
  for (let round = 0; round < LOAD.rounds; round++) {
    for (const [i, t] of targets.entries()) {
      const a = acc[i];
      if (!a) continue;
      const r = await load(t, LOAD.roundSeconds, a.latencies);
      a.requests += r.requests.total;
      a.seconds += r.duration;
      a.non2xx += r.non2xx;
      a.errors += r.errors;
      a.perRound.push(r.requests.total / r.duration);
    }
  }
  return targets.map((t, i) => {
    const a = acc[i] ?? {
      requests: 0,
      seconds: 0,
      non2xx: 0,
      errors: 0,
      perRound: [],
      latencies: [],
    };
    const sorted = a.latencies.sort((x, y) => x - y);
    return {
      name: t.name,
      rps: a.requests / a.seconds,
      perRound: a.perRound,
      p50: percentile(sorted, 50) ?? Number.NaN,
      p99: percentile(sorted, 99) ?? Number.NaN,
      total: a.requests,
      non2xx: a.non2xx,
      errors: a.errors,
    };
  });
}

/** One line of output for a server. */
export function fmtThroughput(t: Throughput): string {
  const bad = t.non2xx || t.errors ? '  <<< not all 2xx' : '';
  const rounds = t.perRound.map((r) => r.toFixed(0)).join(' / ');
  return (
    `${t.name.padEnd(15)} ${t.rps.toFixed(0).padStart(6)} req/s  (rounds ${rounds})  ` +
    `p50 ${t.p50.toFixed(2)} ms  p99 ${t.p99.toFixed(2)} ms  ` +
    `${t.total} requests, non-2xx ${t.non2xx}, errors ${t.errors}${bad}`
  );
}
