/**
 * WireMock-compatible response faults and delays for stub mappings: the `fault` and the
 * `fixedDelayMilliseconds` / `delayDistribution` fields of a WireMock response definition
 * (wiremock.org/docs/simulating-faults), checked from user JSON, sampled from a seeded random
 * source (so a run can be replayed), and faults applied to a Node `ServerResponse`'s connection.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { realScheduler } from '../time/scheduler.ts';

/** A WireMock fault: what the connection does instead of answering. */
export type FaultName =
  | 'CONNECTION_RESET_BY_PEER'
  | 'EMPTY_RESPONSE'
  | 'MALFORMED_RESPONSE_CHUNK'
  | 'RANDOM_DATA_THEN_CLOSE';

/** Every fault name, in WireMock's spelling. */
export const FAULTS: readonly FaultName[] = Object.freeze([
  'CONNECTION_RESET_BY_PEER',
  'EMPTY_RESPONSE',
  'MALFORMED_RESPONSE_CHUNK',
  'RANDOM_DATA_THEN_CLOSE',
]);

/** WireMock's delay fields of a response definition. */
export interface DelaySpec {
  readonly fixedDelayMilliseconds?: number;
  readonly delayDistribution?:
    | { readonly type: 'uniform'; readonly lower: number; readonly upper: number }
    | {
        readonly type: 'lognormal';
        readonly median: number;
        readonly sigma: number;
        readonly maxValue?: number;
      }
    | { readonly type: 'fixed'; readonly milliseconds: number };
}

/** The longest delay one response may get, ms: longer specs are refused, samples are capped. */
export const MAX_DELAY_MS = 60_000;

/** A fault or delay spec from user JSON that cannot be used; the message says why. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

/** The fields each distribution type takes (besides `type`), in the order messages name them. */
const DISTRIBUTION_FIELDS = {
  uniform: ['lower', 'upper'],
  lognormal: ['median', 'sigma', 'maxValue'],
  fixed: ['milliseconds'],
} as const;

type DistributionType = keyof typeof DISTRIBUTION_FIELDS;
type Distribution = NonNullable<DelaySpec['delayDistribution']>;

const DISTRIBUTION_TYPES = Object.keys(DISTRIBUTION_FIELDS) as DistributionType[];

/** A value as a message shows it: strings quoted, objects by kind. */
function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as a delay in ms: a finite number ≥ 0, else a FaultSpecError naming `field`. */
function milliseconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FaultSpecError(`${field} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

function checkDistribution(value: unknown): Distribution {
  const allowed = DISTRIBUTION_TYPES.map((t) => JSON.stringify(t)).join(', ');
  if (!isRecord(value)) {
    throw new FaultSpecError(
      `delayDistribution must be an object with a type (one of ${allowed}), got ${show(value)}`,
    );
  }
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(DISTRIBUTION_FIELDS, type)) {
    throw new FaultSpecError(`delayDistribution.type must be one of ${allowed}, got ${show(type)}`);
  }
  const fields: readonly string[] = DISTRIBUTION_FIELDS[type as DistributionType];
  for (const key of Object.keys(value)) {
    if (key !== 'type' && !fields.includes(key)) {
      throw new FaultSpecError(
        `delayDistribution of type "${type}" has an unknown field ${JSON.stringify(key)}; its fields are type, ${fields.join(', ')}`,
      );
    }
  }
  if (type === 'uniform') {
    const lower = milliseconds(value.lower, 'delayDistribution.lower');
    const upper = milliseconds(value.upper, 'delayDistribution.upper');
    if (upper < lower) {
      throw new FaultSpecError(
        `delayDistribution.upper (${upper}) must be >= delayDistribution.lower (${lower})`,
      );
    }
    return { type, lower, upper };
  }
  if (type === 'lognormal') {
    const median = milliseconds(value.median, 'delayDistribution.median');
    const sigma = value.sigma;
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma < 0) {
      throw new FaultSpecError(
        `delayDistribution.sigma must be a finite number >= 0, got ${show(sigma)}`,
      );
    }
    if (value.maxValue === undefined) return { type, median, sigma };
    return {
      type,
      median,
      sigma,
      maxValue: milliseconds(value.maxValue, 'delayDistribution.maxValue'),
    };
  }
  return {
    type: 'fixed',
    milliseconds: milliseconds(value.milliseconds, 'delayDistribution.milliseconds'),
  };
}

/** The most a distribution adds: a lognormal without `maxValue` counts its median (its tail is capped). */
function distributionBound(d: Distribution): number {
  if (d.type === 'uniform') return d.upper;
  if (d.type === 'fixed') return d.milliseconds;
  return d.maxValue ?? d.median;
}

/**
 * Checks the delay fields of a WireMock response definition from user JSON and returns just
 * those (other fields of `spec` are ignored; a missing or null field means no such delay).
 * Throws a FaultSpecError for a negative or non-finite number, `upper` < `lower`, an unknown
 * distribution type or field, `chunkedDribbleDelay` (not supported), or a delay that can exceed
 * 60 000 ms in total (fixed + the distribution's upper bound, or its median for a lognormal
 * without `maxValue`).
 */
export function checkDelay(spec: unknown): DelaySpec {
  if (!isRecord(spec)) {
    throw new FaultSpecError(`a delay spec must be an object, got ${show(spec)}`);
  }
  if (spec.chunkedDribbleDelay !== undefined && spec.chunkedDribbleDelay !== null) {
    throw new FaultSpecError(
      'chunkedDribbleDelay is not supported; use fixedDelayMilliseconds or delayDistribution',
    );
  }
  const fixed =
    spec.fixedDelayMilliseconds === undefined || spec.fixedDelayMilliseconds === null
      ? undefined
      : milliseconds(spec.fixedDelayMilliseconds, 'fixedDelayMilliseconds');
  const distribution =
    spec.delayDistribution === undefined || spec.delayDistribution === null
      ? undefined
      : checkDistribution(spec.delayDistribution);
  const most = (fixed ?? 0) + (distribution ? distributionBound(distribution) : 0);
  if (most > MAX_DELAY_MS) {
    const parts = [
      fixed === undefined ? undefined : `fixedDelayMilliseconds ${fixed}`,
      distribution && `delayDistribution up to ${distributionBound(distribution)}`,
    ].filter(Boolean);
    throw new FaultSpecError(
      `the delay can reach ${most} ms (${parts.join(' + ')}), more than the ${MAX_DELAY_MS} ms allowed`,
    );
  }
  return {
    ...(fixed === undefined ? {} : { fixedDelayMilliseconds: fixed }),
    ...(distribution === undefined ? {} : { delayDistribution: distribution }),
  };
}

/** Checks a fault name from user JSON (exact WireMock spelling); a FaultSpecError names the allowed ones. */
export function checkFault(name: unknown): FaultName {
  if (typeof name === 'string' && (FAULTS as readonly string[]).includes(name)) {
    return name as FaultName;
  }
  const allowed = FAULTS.join(', ');
  if (typeof name !== 'string') {
    throw new FaultSpecError(`a fault must be a string, one of ${allowed}; got ${show(name)}`);
  }
  const near = FAULTS.find((f) => f === name.trim().toUpperCase().replaceAll(/[\s-]/g, '_'));
  throw new FaultSpecError(
    `unknown fault ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}; the faults are ${allowed}`,
  );
}

/**
 * A seeded random source returning numbers in [0, 1) (mulberry32; the seed is taken as a
 * 32-bit unsigned integer, so seeds equal modulo 2^32 give the same sequence).
 */
export function seededRandom(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `ms` within [0, MAX_DELAY_MS]; NaN counts as 0. */
function capDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_DELAY_MS);
}

/** One standard normal sample (Box-Muller), from two draws of `random`. */
function standardNormal(random: () => number): number {
  const u1 = 1 - random(); // (0, 1]: the logarithm stays finite
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function sampleDistribution(d: Distribution, random: () => number): number {
  if (d.type === 'uniform') return d.lower + random() * (d.upper - d.lower);
  if (d.type === 'fixed') return d.milliseconds;
  const sample = d.median * Math.exp(d.sigma * standardNormal(random));
  return d.maxValue === undefined ? sample : Math.min(sample, d.maxValue);
}

/**
 * The delay in ms for one response: `fixedDelayMilliseconds` plus a sample of
 * `delayDistribution` (WireMock adds both); uniform in [lower, upper], lognormal as
 * median·e^(sigma·Z) with Z drawn by Box-Muller from `random` and capped by `maxValue` when
 * given; the total is capped at 60 000 ms.
 */
export function sampleDelay(spec: DelaySpec, random: () => number): number {
  const fixed = spec.fixedDelayMilliseconds ?? 0;
  const sample = spec.delayDistribution ? sampleDistribution(spec.delayDistribution, random) : 0;
  return capDelay(capDelay(fixed) + capDelay(sample));
}

/** How long a faulted connection that ends gracefully is still read (and dropped) before it is destroyed. */
const LINGER_MS = 2_000;

const noop = () => {};

/** The random payload of RANDOM_DATA_THEN_CLOSE / the garbage chunk: `min`..`max` bytes. */
function randomBytes(random: () => number, min: number, max: number): Buffer {
  const length = min + Math.floor(random() * (max - min + 1));
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  // A first byte with the high bit set is neither a status line's start ("HTTP/"), nor a
  // hex digit of a chunk size, nor the CR/LF a parser may skip: the client fails to parse
  // it whatever the rest of the bytes are.
  bytes[0] = (bytes[0] ?? 0) | 0x80;
  return bytes;
}

/**
 * Writes `bytes` (maybe none) on the raw socket and half-closes it (FIN); the socket is then
 * read and dropped (so an unread request body does not turn the close into a reset that could
 * destroy the bytes before the client reads them) until the client closes or LINGER_MS passes.
 */
function endGracefully(res: ServerResponse, socket: Socket, bytes: Buffer | undefined): void {
  res.req?.resume();
  socket.resume();
  if (bytes !== undefined) socket.write(bytes);
  socket.end();
  const timer = realScheduler.setTimeout(() => res.destroy(), LINGER_MS);
  socket.once('close', () => realScheduler.clearTimeout(timer));
}

/**
 * Applies a fault to the response's connection, bypassing Node's HTTP framing: the client sees
 * the fault and nothing else, and the connection is gone afterwards (no keep-alive). Call it
 * before anything is written to `res`; what is written to it afterwards is dropped (the
 * response emits 'close' and is destroyed once the connection closes). CONNECTION_RESET_BY_PEER resets the
 * connection (TCP RST, falling back to a plain close on a non-TCP socket); EMPTY_RESPONSE
 * closes it with no bytes; MALFORMED_RESPONSE_CHUNK sends `HTTP/1.1 200 OK` with
 * `Transfer-Encoding: chunked` then a garbage chunk and closes; RANDOM_DATA_THEN_CLOSE sends
 * 1–2 KB of random bytes and closes.
 */
export function applyFault(res: ServerResponse, fault: FaultName, random: () => number): void {
  checkFault(fault);
  const socket = res.socket as Socket | null;
  if (socket === null || socket.destroyed) {
    res.destroy();
    return;
  }
  // Whatever the peer does now (a reset, a broken pipe) is the fault's own doing.
  socket.on('error', noop);
  switch (fault) {
    case 'CONNECTION_RESET_BY_PEER':
      if (typeof socket.resetAndDestroy === 'function') {
        try {
          socket.resetAndDestroy();
        } catch {
          // Not a TCP socket (a TLS one, say): a close is the nearest thing.
        }
      }
      res.destroy();
      return;
    case 'EMPTY_RESPONSE':
      endGracefully(res, socket, undefined);
      return;
    case 'MALFORMED_RESPONSE_CHUNK': {
      const head = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1');
      endGracefully(res, socket, Buffer.concat([head, randomBytes(random, 32, 256)]));
      return;
    }
    case 'RANDOM_DATA_THEN_CLOSE':
      endGracefully(res, socket, randomBytes(random, 1024, 2048));
      return;
  }
}
