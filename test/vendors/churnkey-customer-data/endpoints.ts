import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import { parse } from 'yaml';
import { contractFile } from '../../../mock/core/paths.ts';
import { verifySignature } from '../../../mock/vendors/churnkey-customer-data/signature.ts';
import { listen as listenLocally } from '../../helpers/wait.ts';

export const API_KEY = 'ck_test_churnmock';
export const PATH = '/churnkey/customer-data';

/** The body of a 200 from a Customer Data Endpoint. */
export interface CustomerData {
  customerId?: string;
  subscriptionId?: string;
  customerAttributes: Record<string, string | number | boolean>;
}

/**
 * The docs' example answer for cus_abc123, as the contract documents it (the 200 example of
 * `postCustomerData`): what the reference endpoint serves, and what a client reads.
 */
export const DOCS_EXAMPLE: CustomerData = documentedExample();

function documentedExample(): CustomerData {
  const { paths } = parse(readFileSync(contractFile('churnkey-customer-data'), 'utf8'));
  const example =
    paths[PATH]?.post?.responses?.['200']?.content?.['application/json']?.examples?.cusAbc123
      ?.value;
  if (!example) throw new Error(`the contract documents no 200 example for POST ${PATH}`);
  return example;
}

const servers: Server[] = [];

/** Serves a handler (an Express app or a plain one) on an ephemeral port of 127.0.0.1. */
export async function listen(
  handler: Express | ((req: IncomingMessage, res: ServerResponse) => void),
): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return `${await listenLocally(server)}${PATH}`;
}

/** Closes every server, hung connections included (afterAll). */
export function closeAll(): void {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
}

/** What a broken endpoint does with a request whose JSON body has been read. */
type Behaviour = (
  body: { customerId?: unknown; signature?: unknown },
  valid: boolean,
  res: ServerResponse,
) => void;

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A deliberately broken endpoint: reads the body, checks the signature, then misbehaves. */
export function broken(behaviour: Behaviour) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      let body: { customerId?: unknown; signature?: unknown } = {};
      try {
        body = JSON.parse(raw);
      } catch {}
      behaviour(body, verifySignature(body.customerId, body.signature, API_KEY), res);
    });
  };
}

const attrs = (customerAttributes: Record<string, unknown>) => (res: ServerResponse) =>
  json(res, 200, { customerAttributes });

/** The broken endpoints of issue 5, each wrong in one way. */
export const BROKEN = {
  /** Never checks the signature: anyone who guesses the URL reads the data. */
  acceptsForged: (body, _valid, res) =>
    json(res, 200, { customerId: body.customerId, customerAttributes: { plan: 'pro' } }),
  /** Signature checked, but the attributes of its one customer nest (others are a 404). */
  nested: (body, valid, res) =>
    !valid
      ? json(res, 401, { message: 'no' })
      : body.customerId === 'cus_abc123'
        ? attrs({ plan: { name: 'pro', seats: 5 }, tags: ['beta'] })(res)
        : json(res, 404, { message: 'unknown' }),
  /** Signature checked, but a password and a card number go to the customer's browser. */
  leaksPassword: (_b, valid, res) =>
    valid
      ? attrs({ plan: 'pro', password: 'hunter2', billingNote: 'card 4242 4242 4242 4242' })(res)
      : json(res, 401, { message: 'no' }),
  /** The docs' snippet as written: timingSafeEqual throws on a missing signature ⇒ 500. */
  unguarded: (body, valid, res) =>
    typeof body.signature !== 'string'
      ? json(res, 500, { message: 'TypeError: The first argument must be of type string' })
      : valid
        ? attrs({ plan: 'pro' })(res)
        : json(res, 401, { message: 'no' }),
  /** Never answers at all. */
  silent: () => {},
} satisfies Record<string, Behaviour>;

/** Correct, but takes `ms` to answer anything. */
export const slow =
  (ms: number): Behaviour =>
  (_b, valid, res) => {
    setTimeout(() => (valid ? attrs({ plan: 'pro' })(res) : json(res, 401, { message: 'no' })), ms);
  };
