import type { Operation } from '../contract.ts';
import { type ResponseValidators, toProblems } from '../validation.ts';
import { bodyValue } from './raw-json.ts';
import type { HandlerResult, VendorModule } from './types.ts';

/**
 * Stage (with `--validate-responses`): the handler's answer against the contract; a status the
 * operation does not document, or a body it does not allow, becomes a 500 naming the violation.
 */
export function checkResponse(
  validators: ResponseValidators | null,
  vendor: VendorModule,
  op: Operation,
  result: HandlerResult,
): HandlerResult {
  if (!validators) return result;
  const validator = validators.get(String(result.status)) ?? validators.get('default');
  if (!validator)
    return {
      status: 500,
      body: vendor.errorBody(
        500,
        `Response violates the contract: ${op.id} does not document status ${result.status}`,
      ),
    };
  if (validator(bodyValue(result.body))) return result;
  const problems = toProblems(validator.errors, 'body');
  const detail = problems.map((p) => `${p.name} ${p.message}`).join('; ');
  return {
    status: 500,
    body: vendor.errorBody(
      500,
      `Response violates the contract (${op.id} ${result.status}): ${detail}`,
      problems,
    ),
  };
}
