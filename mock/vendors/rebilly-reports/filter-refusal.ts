import { AsyncLocalStorage } from 'node:async_hooks';
import type { Express, NextFunction, Request, Response } from 'express';
import { FILTER_FIELDS } from './fields.ts';
import { parseFilter } from './filter.ts';

/** The `filter` of the request being answered, for the error hook (which sees only problems). */
const current = new AsyncLocalStorage<string>();

/**
 * The contract's `filter` pattern refuses a filter before the handler parses it, and a pattern
 * says only "must match pattern": the error hook asks the parser why, through the request's
 * filter kept here (it names the clause, the field or the value, as the handler would).
 */
export function keepFilter(prefixes: readonly string[]) {
  return (app: Express): void => {
    app.use([...prefixes], (req: Request, _res: Response, next: NextFunction) => {
      const filter = req.query.filter;
      if (typeof filter === 'string') current.run(filter, next);
      else next();
    });
  };
}

/** Why the request's filter is refused, in the parser's words; empty when none is known. */
export function filterProblems(): readonly string[] {
  const filter = current.getStore();
  return filter === undefined ? [] : parseFilter(filter, FILTER_FIELDS).problems;
}
