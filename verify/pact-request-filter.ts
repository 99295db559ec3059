import type { NextFunction, Request, Response } from 'express';
import { headerValues, type PactFile } from './pact-file.ts';

/** A `--header 'Name: value'` option. */
export interface HeaderOption {
  readonly name: string;
  readonly value: string;
}

/** Parses `Name: value`; throws on anything else. */
export function parseHeaderOption(text: string): HeaderOption {
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (colon < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw new Error(`--header must look like 'Name: value', got ${JSON.stringify(text)}`);
  return { name, value };
}

/**
 * How one `--header` applies. Where the pacts send that header in interactions that do not
 * expect a 401 or 403, its values there are the demo credentials: they are swapped, and only
 * they, so the interactions about a wrong credential or a missing one still send theirs. A
 * header no such interaction sends is added to every request.
 */
export interface HeaderRule extends HeaderOption {
  /** The values to replace; null: add to every request. */
  readonly replaces: ReadonlySet<string> | null;
}

export function headerRules(pacts: readonly PactFile[], options: readonly HeaderOption[]) {
  return options.map((o): HeaderRule => {
    const values = new Set<string>();
    for (const p of pacts)
      for (const i of p.interactions)
        if (i.response.status !== 401 && i.response.status !== 403)
          for (const v of headerValues(i, o.name)) values.add(v);
    return { ...o, replaces: values.size ? values : null };
  });
}

/** Rewrites a JSON body before it goes to the provider (e.g. signs it); null: unchanged. */
export type BodyRewrite = (
  body: Readonly<Record<string, unknown>>,
) => Record<string, unknown> | null;

/**
 * Express middleware for Pact's verification proxy: applies the header rules, the body rewrite
 * and the endpoint path to every request bound for the provider (not to the proxy's
 * state-change calls).
 */
export function requestFilter(
  rules: readonly HeaderRule[],
  rewrite: BodyRewrite | null,
  endpointPath: string | null = null,
) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.path === '/_pactSetup') {
      next();
      return;
    }
    if (endpointPath) {
      const q = req.url.indexOf('?');
      req.url = endpointPath + (q < 0 ? '' : req.url.slice(q));
    }
    for (const rule of rules) {
      const key = rule.name.toLowerCase();
      const current = req.headers[key];
      if (rule.replaces === null || (typeof current === 'string' && rule.replaces.has(current)))
        req.headers[key] = rule.value;
    }
    const body: unknown = req.body;
    if (rewrite && body && typeof body === 'object' && !Buffer.isBuffer(body)) {
      const changed = rewrite(body as Record<string, unknown>);
      if (changed) {
        req.body = changed;
        req.headers['content-length'] = String(Buffer.byteLength(JSON.stringify(changed)));
      }
    }
    next();
  };
}
