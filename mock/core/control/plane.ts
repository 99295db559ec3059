import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { hasBody, readBody } from '../pipeline/body.ts';
import { BODY_LIMIT_BYTES } from '../pipeline/router.ts';
import { JSON_TYPE } from '../pipeline/send.ts';
import { attachTrace } from '../pipeline/trace.ts';
import type { HandlerResult, HeaderList } from '../pipeline/types.ts';
import type { Scheduler, TimerHandle } from '../time/scheduler.ts';
import { applyFault, type FaultName, sampleDelay, seededRandom } from './faults.ts';
import { Journal, JournalEntry, recordedRequest } from './journal.ts';
import type { Logger } from './log.ts';
import type { RecordedRequest } from './pattern.ts';
import { type StubMapping, StubStore } from './stubs.ts';

/** What the control plane needs of the vendor whose path a request is under. */
export interface StubVendor {
  readonly name: string;
  /** The vendor's own answer for an error status (its envelope, and headers such as a 429's). */
  stubError(status: number, message: string): HandlerResult;
}

export interface ControlPlaneOptions {
  /** Entries the request journal keeps; 0 turns it off. */
  readonly journalSize: number;
  /** Seeds the delays' and random faults' random source (the same on every reset). */
  readonly seed: number;
  readonly scheduler: Scheduler;
  /** The mock clock's now, recorded beside wall time. */
  readonly mockNow: () => number;
  /** The vendor whose prefix a path is under. */
  vendorFor(path: string): StubVendor | undefined;
  /** Headers every vendor answer carries (CORS), put on stub answers too. */
  readonly common: HeaderList;
  /** The access log (and what else a user would not see), if any. */
  readonly logger?: Logger;
}

/**
 * The stage before the pipeline: journals every request (but the admin API's), reads its body
 * ahead so patterns see it, and lets a matching stub mapping answer, delay or break the call;
 * everything else goes on to the stateful mock unchanged (`next`). With no journal and no
 * mappings it costs one branch.
 */
export class ControlPlane {
  readonly journal: Journal | null;
  readonly stubs = new StubStore();
  readonly #options: ControlPlaneOptions;
  #random: () => number;
  readonly #timers = new Set<TimerHandle>();

  constructor(options: ControlPlaneOptions) {
    this.#options = options;
    this.journal = options.journalSize > 0 ? new Journal(options.journalSize) : null;
    this.#random = seededRandom(options.seed);
  }

  /**
   * Takes a request before the pipeline; `next` hands it on untouched. `stubbable` false: it
   * is journaled and logged but no mapping may answer it (the admin API's own calls).
   */
  handle(req: IncomingMessage, res: ServerResponse, next: () => void, stubbable = true): void {
    const journal = this.journal;
    const logging = this.#options.logger?.enabled('warn') ?? false;
    const stubs = stubbable && this.stubs.size > 0;
    if (journal === null && !stubs && !logging) return void next();
    const { scheduler } = this.#options;
    let entry: JournalEntry | undefined;
    if (journal || logging) {
      entry = JournalEntry.of(req, scheduler.now(), this.#options.mockNow());
      attachTrace(req, entry);
      journal?.add(entry);
    }
    const announced = Number(req.headers['content-length']);
    // Without a journal nothing needs the body before the pipeline (a stub pattern may).
    if (!hasBody(req) || announced > BODY_LIMIT_BYTES || (!journal && !stubs)) {
      try {
        if (stubs) this.#dispatch(req, res, entry, next, () => '');
        else next();
      } finally {
        // Answered at once (a cached page, most GETs): the entry is complete now, with no
        // listener on the response; otherwise it is once the response closes. (A response
        // closes once: `on` without `once`'s wrapper.)
        if (entry) {
          const e = entry;
          if (res.writableEnded) this.#finished(e, res, logging);
          else res.on('close', () => this.#finished(e, res, logging));
        }
      }
      return;
    }
    if (entry) {
      const e = entry;
      res.on('close', () => this.#finished(e, res, logging));
    }
    readBody(req, BODY_LIMIT_BYTES).then((body) => {
      if (!body) return;
      if (entry && journal) journal.setBody(entry, body.chunks, body.bytes);
      const text = () => Buffer.concat(body.chunks as Buffer[]).toString('utf8');
      if (stubs) this.#dispatch(req, res, entry, next, text);
      else next();
    });
  }

  /** A journaled request's answer is complete: the entry finished, kept, and logged. */
  #finished(e: JournalEntry, res: ServerResponse, logging: boolean): void {
    e.finish(res, this.#options.scheduler.now());
    this.journal?.finished(e);
    if (logging) this.#logAccess(e);
  }

  #dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    entry: JournalEntry | undefined,
    next: () => void,
    body: () => string,
  ): void {
    if (this.stubs.size === 0) return void next();
    const recorded: RecordedRequest = entry
      ? entry.recorded()
      : recordedRequest(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    const mapping = this.stubs.match(recorded);
    if (!mapping) return void next();
    if (entry) entry.stub = mapping.id;
    const r = mapping.response;
    const delay = sampleDelay(r, this.#random);
    if (entry) entry.addedDelayMs = delay;
    const answer = () => {
      if (res.destroyed || res.writableEnded) return;
      if (r.fromMock) {
        if (r.fault) this.#faultAfterMock(res, r.fault, entry);
        return void next();
      }
      if (r.fault) {
        if (entry) entry.fault = r.fault;
        return void applyFault(res, r.fault, this.#random);
      }
      this.#write(req, res, mapping);
    };
    if (delay <= 0) return void answer();
    const timer = this.#options.scheduler.setTimeout(() => {
      this.#timers.delete(timer);
      answer();
    }, delay);
    this.#timers.add(timer);
  }

  /** The mock runs (and changes state); what it would send is replaced by the fault. */
  #faultAfterMock(res: ServerResponse, fault: FaultName, entry: JournalEntry | undefined): void {
    const random = this.#random;
    const swallow = res as unknown as Record<string, unknown>;
    swallow.writeHead = () => res;
    swallow.write = () => true;
    swallow.end = () => {
      if (entry) entry.fault = fault;
      applyFault(res, fault, random);
      return res;
    };
  }

  /** A stub's own answer; an error status without a body gets the vendor's error shape. */
  #write(req: IncomingMessage, res: ServerResponse, mapping: StubMapping): void {
    const r = mapping.response;
    const status = r.status ?? 200;
    const headers: string[] = [...this.#options.common];
    let body: string | Buffer | undefined;
    let type: string | undefined;
    if (r.jsonBody !== undefined) {
      body = JSON.stringify(r.jsonBody);
      type = JSON_TYPE;
    } else if (r.body !== undefined) body = r.body;
    else if (r.base64Body !== undefined) body = Buffer.from(r.base64Body, 'base64');
    else if (status >= 400) {
      const path = (req.url ?? '/').split('?')[0] as string;
      const vendor = this.#options.vendorFor(path);
      const message = `${STATUS_CODES[status] ?? 'Error'} (stub ${mapping.name ?? mapping.id})`;
      const error = vendor?.stubError(status, message) ?? { status, body: { message } };
      body = JSON.stringify(error.body);
      type = JSON_TYPE;
      for (const [k, v] of Object.entries(error.headers ?? {})) headers.push(k, v);
    }
    // The stub's own headers win over the vendor's and CORS's of the same name.
    const own = new Map<string, string[]>();
    for (const [k, v] of Object.entries(r.headers ?? {})) own.set(k, [v].flat() as string[]);
    const mine = new Set([...own.keys()].map((k) => k.toLowerCase()));
    if (type && !mine.has('content-type')) headers.push('content-type', type);
    const list: string[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] as string;
      if (!mine.has(name.toLowerCase())) list.push(name, headers[i + 1] as string);
    }
    for (const [k, values] of own) for (const v of values) list.push(k, v);
    if (r.statusMessage !== undefined) res.writeHead(status, r.statusMessage, list);
    else res.writeHead(status, list);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #logAccess(e: JournalEntry): void {
    const stub = e.stub === null ? undefined : this.stubs.get(e.stub);
    this.#options.logger?.access({
      method: e.method,
      url: e.url,
      status: e.status,
      durationMs: e.durationMs ?? 0,
      vendor: e.vendor ?? this.#options.vendorFor(e.path)?.name ?? null,
      operation: e.operation,
      stub: stub ? (stub.name ?? stub.id) : e.stub,
      fault: e.fault,
      delayMs: e.addedDelayMs,
      reason: e.reason,
    });
  }

  /** Clears the journal, the mappings and the scenarios, and restarts the random source. */
  reset(): void {
    this.journal?.clear();
    this.stubs.reset();
    this.#random = seededRandom(this.#options.seed);
  }

  /** Cancels delayed stub answers (before the process or the test ends). */
  stop(): void {
    for (const t of this.#timers) this.#options.scheduler.clearTimeout(t);
    this.#timers.clear();
  }
}
