import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SwaggerMockValidatorFactory,
  type ValidationOutcome,
  type ValidationResult,
} from '@pactflow/swagger-mock-validator';
import { parse } from 'yaml';

/**
 * The contract as swagger-mock-validator can read it: without `discriminator`. The validator
 * compiles it with ajv's discriminator support, which rejects `mapping` and, once the
 * validator has dropped `required` from response schemas (a pact shows a subset of fields),
 * every discriminator. It is an annotation: the `oneOf` beside it still validates.
 */
export function contractForValidator(contract: string, dir: string): string {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k]) => k !== 'discriminator')
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  const file = join(dir, `${contract.split('/').pop()}.json`);
  writeFileSync(file, JSON.stringify(strip(parse(readFileSync(contract, 'utf8')))));
  return file;
}

/** Checks every interaction of a pact against a contract (request and response). */
export async function checkPact(contractJson: string, pact: string): Promise<ValidationOutcome> {
  return SwaggerMockValidatorFactory.create().validate({
    specPathOrUrl: contractJson,
    mockPathOrUrl: pact,
  });
}

/** One line per finding: interaction, code, message. */
export function findings(results: readonly ValidationResult[]): string[] {
  return results.map(
    (r) => `${r.mockDetails?.interactionDescription ?? '?'}: ${r.code}: ${r.message}`,
  );
}
