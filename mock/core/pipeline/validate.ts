import type { Operation } from '../contract.ts';
import type { Problem, RequestInput, RequestValidator } from '../validation.ts';
import type { HandlerResult, VendorModule } from './types.ts';

/** The one "Invalid request" message: every problem, `in name message`, joined by `; `. */
export function invalidRequestMessage(problems: readonly Problem[]): string {
  return `Invalid request: ${problems.map((p) => `${p.in} ${p.name} ${p.message}`).join('; ')}`;
}

/** A 400 in the vendor's shape listing every problem (of `input`, when it is the request's). */
export function invalidRequest(
  vendor: VendorModule,
  problems: readonly Problem[],
  input?: Readonly<RequestInput>,
): HandlerResult {
  return {
    status: 400,
    body: vendor.errorBody(400, invalidRequestMessage(problems), problems, input),
  };
}

/** Stage: an operation whose contract requires a JSON body gets one. */
export function requireBody(
  vendor: VendorModule,
  op: Operation,
  body: unknown,
  isJson: boolean,
): HandlerResult | null {
  if (!op.body?.required || (body !== undefined && isJson)) return null;
  return invalidRequest(vendor, [
    {
      in: 'body',
      name: 'body',
      message: 'a JSON body is required (Content-Type: application/json)',
    },
  ]);
}

/** Stage: query, path and body against the contract, every problem at once (coerced, defaulted). */
export function validateRequest(
  vendor: VendorModule,
  validate: RequestValidator,
  input: RequestInput,
): HandlerResult | null {
  const problems = validate(input);
  return problems.length ? invalidRequest(vendor, problems, input) : null;
}
