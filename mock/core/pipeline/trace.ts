import type { IncomingMessage } from 'node:http';

/**
 * What the pipeline learnt about a request, for whoever records it (the request journal): the
 * vendor and operation that answered, or that nothing did. A request nobody records carries
 * no trace, and marking it costs one property read.
 */
export interface Trace {
  vendor: string | null;
  operation: string | null;
  /** No operation, page or stub took the request (the pipeline's 404 and 405). */
  unmatched: boolean;
  /** Why the request was refused: the message of the error answer. */
  reason: string | null;
}

const TRACE = Symbol('churnmock.trace');

type Traced = IncomingMessage & { [TRACE]?: Trace };

/** Attaches the record the pipeline's marks go to. */
export function attachTrace(req: IncomingMessage, trace: Trace): void {
  (req as Traced)[TRACE] = trace;
}

/** The vendor's operation took the request. */
export function markOperation(req: IncomingMessage, vendor: string, operation: string): void {
  const t = (req as Traced)[TRACE];
  if (t) {
    t.vendor = vendor;
    t.operation = operation;
  }
}

/** No route took the request (`vendor`: whose prefix it was under, if any). */
export function markUnmatched(req: IncomingMessage, vendor: string | null): void {
  const t = (req as Traced)[TRACE];
  if (t) {
    t.vendor = vendor;
    t.unmatched = true;
  }
}

/** The vendor whose page or route (outside its contract) took the request. */
export function markVendor(req: IncomingMessage, vendor: string): void {
  const t = (req as Traced)[TRACE];
  if (t && t.vendor === null) t.vendor = vendor;
}

/** The request was refused with this message (a 4xx or 5xx answer's). */
export function markReason(req: IncomingMessage | undefined, reason: string | null): void {
  const t = req && (req as Traced)[TRACE];
  if (t) t.reason = reason;
}
