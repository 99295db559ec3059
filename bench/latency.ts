import type { HttpClient } from './http-client.ts';
import { type Summary, summarise } from './stats.ts';

/** Pages of all sessions (bounced included) the customer ids are sampled from. */
const ID_PAGE_SKIPS = [0, 330_000, 660_000];
const ID_PAGE_SIZE = 10_000;

/**
 * A `startDate` that is unique per request `i` but older than every session: it changes the
 * cache key (defeating the response cache) without changing the result.
 */
export function cacheBuster(i: number): string {
  const s = String(Math.floor(i / 1000) % 60).padStart(2, '0');
  const ms = String(i % 1000).padStart(3, '0');
  return `startDate=2021-01-01T00:00:${s}.${ms}Z`;
}

/** Distinct real customer ids, `count` of them, taken every k-th from pages across the data. */
export async function collectCustomerIds(client: HttpClient, count: number): Promise<string[]> {
  const seen = new Set<string>();
  for (const skip of ID_PAGE_SKIPS) {
    const page = await client.json(
      `/v1/data/sessions?bounced=true&limit=${ID_PAGE_SIZE}&skip=${skip}`,
    );
    if (!Array.isArray(page)) throw new Error('sessions page is not an array');
    for (const s of page as { customer?: { id?: unknown } }[])
      if (typeof s.customer?.id === 'string') seen.add(s.customer.id);
  }
  const all = [...seen];
  if (all.length < count) return all;
  const step = all.length / count;
  return Array.from({ length: count }, (_, i) => all[Math.floor(i * step)] as string);
}

/** Options of one latency series. */
export interface SeriesOptions {
  /** Requests measured. */
  readonly count: number;
  /** Requests sent first and not measured (JIT warm-up). */
  readonly warmup: number;
  /** Stop early (keeping what was measured) once the series has taken this long. */
  readonly budgetMs: number;
  /** Every reply must equal the first one's body (checks that the cache-buster is harmless). */
  readonly sameBody?: boolean;
}

/** Collects the bench's own garbage first (when run with --expose-gc), so it is not timed. */
function collectOwnGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Sends `pathFor(0..)` one after another and summarises the wall times of the measured ones. */
export async function series(
  client: HttpClient,
  pathFor: (i: number) => string,
  { count, warmup, budgetMs, sameBody = false }: SeriesOptions,
): Promise<Summary> {
  const times: number[] = [];
  let non200 = 0;
  let mismatched = 0;
  let first: Buffer | undefined;
  collectOwnGarbage();
  const started = performance.now();
  for (let i = 0; i < warmup + count; i++) {
    const reply = await client.get(pathFor(i));
    first ??= reply.body;
    if (i < warmup) continue;
    times.push(reply.ms);
    if (reply.status !== 200) non200++;
    if (sameBody && !reply.body.equals(first)) mismatched++;
    if (performance.now() - started > budgetMs && times.length >= 5) break;
  }
  return { ...summarise(times, non200), mismatched };
}

/** `GET /v1/data/sessions?customerId=X`, each id asked once (so never from the cache). */
export function customerLatency(client: HttpClient, ids: readonly string[]): Promise<Summary> {
  const warmup = Math.min(100, Math.floor(ids.length / 10));
  return series(client, (i) => `/v1/data/sessions?customerId=${encodeURIComponent(ids[i] ?? '')}`, {
    count: ids.length - warmup,
    warmup,
    budgetMs: 30_000,
  });
}

/**
 * A query run uncached: the first (warm-up) request as given, then each with its own
 * cache-busting `startDate`; every reply must equal the first.
 */
export function uncachedLatency(
  client: HttpClient,
  path: string,
  options: SeriesOptions,
): Promise<Summary> {
  const sep = path.includes('?') ? '&' : '?';
  const pathFor = (i: number) => (i === 0 ? path : `${path}${sep}${cacheBuster(i)}`);
  return series(client, pathFor, {
    ...options,
    sameBody: true,
    warmup: Math.max(1, options.warmup),
  });
}
