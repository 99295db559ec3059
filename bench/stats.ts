import { percentile } from '../mock/core/stats.ts';

/** Latency figures of one series of requests. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Responses whose status was not 200. */
  readonly non200: number;
  /** Replies that differed from the first one (only counted when they must be equal). */
  readonly mismatched?: number;
}

/** Summarises a series of wall times (ms). */
export function summarise(ms: readonly number[], non200: number): Summary {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: sorted.length,
    // NaN when there are no samples: the tables print n/a.
    p50: percentile(sorted, 50) ?? Number.NaN,
    p99: percentile(sorted, 99) ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    non200,
  };
}

/** `12.3 ms` below ten seconds, `12.3 s` above. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** Bytes as GiB or MiB. */
export function fmtBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'n/a';
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** `p50 / p99 / max` of a summary, for one line of output. */
export function fmtSummary(s: Summary): string {
  const bad =
    (s.non200 ? `, ${s.non200} non-200!` : '') +
    (s.mismatched ? `, ${s.mismatched} different bodies!` : '');
  return `p50 ${fmtMs(s.p50)} / p99 ${fmtMs(s.p99)} / max ${fmtMs(s.max)} (n=${s.n}${bad})`;
}
