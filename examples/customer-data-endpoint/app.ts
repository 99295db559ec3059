// Self-contained on purpose (you copy it into your app): no import from churnmock's mock/core.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type CustomerRecord, DEMO_CUSTOMERS } from './customers.ts';

export interface ReferenceEndpointOptions {
  /** Your Churnkey API key: the signature is keyed with it. */
  readonly apiKey: string;
  /** Who exists and what to return for them; defaults to DEMO_CUSTOMERS. */
  readonly customers?: Readonly<Record<string, CustomerRecord>>;
  /** Where to serve; the path is whatever you configure in Churnkey. */
  readonly path?: string;
}

/** The Churnkey docs' verifySignature, plus the length guard it lacks (timingSafeEqual throws). */
function verifySignature(customerId: unknown, signature: unknown, apiKey: string): boolean {
  if (typeof customerId !== 'string' || typeof signature !== 'string') return false;
  const expected = Buffer.from(createHmac('sha256', apiKey).update(customerId).digest('hex'));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A Customer Data Endpoint as Churnkey's docs describe it: POST {customerId, signature}; a missing
 * or wrong signature is a 401 before anything is looked up; a known customer gets 200 with
 * flat customerAttributes; an unknown one 404 (Churnkey carries on without attributes).
 */
export function createReferenceEndpoint(options: ReferenceEndpointOptions): Express {
  const customers = options.customers ?? DEMO_CUSTOMERS;
  const app = express();
  app.disable('x-powered-by');
  app.post(
    options.path ?? '/churnkey/customer-data',
    express.json({ limit: '10kb' }),
    (req, res) => {
      const { customerId, signature } = (req.body ?? {}) as Record<string, unknown>;
      if (!verifySignature(customerId, signature, options.apiKey)) {
        res.status(401).json({ message: 'Invalid signature.' });
        return;
      }
      const id = customerId as string;
      const customer = Object.hasOwn(customers, id) ? customers[id] : undefined;
      if (!customer) {
        res.status(404).json({ message: `No customer ${id}.` });
        return;
      }
      res.json({
        customerId: id,
        ...(customer.subscriptionId ? { subscriptionId: customer.subscriptionId } : {}),
        customerAttributes: customer.customerAttributes,
      });
    },
  );
  // express.json answers malformed JSON with an HTML 400; keep it JSON.
  app.use((err: { status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status < 500 ? err.status : 500;
    res
      .status(status)
      .json({ message: status === 400 ? 'The request body must be JSON.' : 'Error.' });
  });
  return app;
}
