import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../mock/core/contract.ts';
import { PACKAGE_ROOT } from '../../mock/core/paths.ts';
import {
  compileRequestValidator,
  compileResponseValidators,
  makeAjv,
} from '../../mock/core/validation.ts';
import { FLOW_SCHEMA } from '../../mock/vendors/churnkey-hosted-flow/definition-schema.ts';

// The mock's shared Ajv instances skip checking schemas against the 2020-12 meta-schema
// (validation.ts, sharedAjv): every schema they compile is checked here instead.
const CONTRACTS = readdirSync(`${PACKAGE_ROOT}contracts`).filter((f) =>
  f.endsWith('.openapi.yaml'),
);

describe('every schema churnmock compiles is valid JSON Schema 2020-12', () => {
  it('covers every contract', () => {
    expect(CONTRACTS.length).toBeGreaterThanOrEqual(6);
  });

  it.each(CONTRACTS)('%s: every request and response schema', async (file) => {
    const { operations } = await loadContract(`${PACKAGE_ROOT}contracts/${file}`);
    expect(operations.length).toBeGreaterThan(0);
    const coercing = makeAjv(true, true);
    const strict = makeAjv(false, true);
    for (const op of operations) {
      expect(() => compileRequestValidator(coercing, strict, op), op.id).not.toThrow();
      expect(() => compileResponseValidators(strict, op), op.id).not.toThrow();
    }
  });

  it('the hosted flow definition schema', () => {
    expect(() => makeAjv(false, true).compile(FLOW_SCHEMA)).not.toThrow();
  });

  it('a schema the meta-schema refuses is refused when the check is on', () => {
    expect(() => makeAjv(false, true).compile({ type: 'no-such-type' })).toThrow();
    expect(() =>
      makeAjv(false, false).compile({ type: 'object', minProperties: -1 }),
    ).not.toThrow();
    expect(() => makeAjv(false, true).compile({ type: 'object', minProperties: -1 })).toThrow();
  });
});
