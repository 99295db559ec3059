/** How log lines are written: for people (`pretty`), for tools (`json`, one object a line), or not. */
export type LogFormat = 'pretty' | 'json' | 'off';
/** Severity, least first: `debug` shows everything, `error` only failures. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json', 'off'];
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One answered request, as the access log shows it. */
export interface AccessFields {
  readonly method: string;
  readonly url: string;
  /** Null when a fault replaced the answer or the client left first. */
  readonly status: number | null;
  readonly durationMs: number;
  readonly vendor: string | null;
  readonly operation: string | null;
  readonly stub: string | null;
  readonly fault: string | null;
  readonly delayMs: number;
  /** Why a request was refused (a validation 400, a 401, a 404), from the answer's message. */
  readonly reason: string | null;
}

/**
 * The mock's log: an access line per request (at `info`; refusals at `warn`), and what a user
 * would otherwise not see (a webhook attempt that failed and when it retries, a stub or fault
 * that answered). Lines go to `sink` (stderr for `serve`), timestamped with `now` (wall time).
 */
export class Logger {
  readonly #min: number;

  constructor(
    readonly format: LogFormat,
    readonly level: LogLevel,
    private readonly sink: (line: string) => void,
    private readonly now: () => number,
  ) {
    this.#min = RANK[level];
  }

  /** Whether a line of this level would be written. */
  enabled(level: LogLevel): boolean {
    return this.format !== 'off' && RANK[level] >= this.#min;
  }

  /** Writes one line: a message and its fields. */
  log(level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (!this.enabled(level)) return;
    const time = new Date(this.now()).toISOString();
    if (this.format === 'json') {
      this.sink(`${JSON.stringify({ time, level, msg, ...fields })}\n`);
      return;
    }
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    this.sink(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}\n`);
  }

  /** The access line of an answered request. */
  access(a: AccessFields): void {
    const refused = a.status === null || a.status >= 400;
    const level: LogLevel = a.fault || (a.status !== null && a.status >= 500) ? 'warn' : 'info';
    if (!this.enabled(level)) return;
    if (this.format === 'json') {
      this.log(level, 'request', { ...a });
      return;
    }
    const parts = [
      `${a.method} ${a.url}`,
      a.fault ? `fault ${a.fault}` : String(a.status ?? 'no answer'),
      `${Math.round(a.durationMs)}ms`,
    ];
    if (a.operation) parts.push(`${a.vendor ?? ''} ${a.operation}`.trim());
    else if (a.vendor) parts.push(a.vendor);
    if (a.stub) parts.push(`stub ${a.stub}`);
    if (a.delayMs > 0) parts.push(`delayed ${Math.round(a.delayMs)}ms`);
    if (refused && a.reason) parts.push(`— ${a.reason}`);
    this.log(level, parts.join(' '));
  }
}

/** The message of an error answer in any vendor's shape (`message`, `error.message`, `detail`). */
export function reasonOf(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const error = b.error as Record<string, unknown> | undefined;
  for (const v of [b.message, error?.message, b.detail, b.title])
    if (typeof v === 'string' && v) return v.length > 300 ? `${v.slice(0, 300)}…` : v;
  return null;
}
