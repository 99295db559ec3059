import type { ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import { ADMIN_CONTRACT } from '../../mock/admin/index.ts';
import { type Contract, loadContract } from '../../mock/core/contract.ts';
import { contractFile } from '../../mock/core/paths.ts';
import { compileResponseValidators, makeAjv } from '../../mock/core/validation.ts';
import { VENDORS } from '../../mock/registry.ts';

/**
 * Every vendor's contract (the Customer Data Endpoint's included, served by your backend) and
 * the admin API's; a test names the operation, the helper finds it.
 */
const CONTRACT_FILES = [ADMIN_CONTRACT, ...VENDORS.map((v) => contractFile(v.id))];

/** Per operation: a validator per status with a body, and the statuses declared without one. */
interface OperationChecks {
  readonly validators: Map<string, ValidateFunction>;
  readonly bodiless: ReadonlySet<string>;
}

let loaded: Promise<Map<string, OperationChecks>> | null = null;

async function validators(): Promise<Map<string, OperationChecks>> {
  loaded ??= (async () => {
    const byOperation = new Map<string, OperationChecks>();
    const ajv = makeAjv(false);
    for (const file of CONTRACT_FILES) {
      const contract: Contract = await loadContract(file);
      for (const op of contract.operations) {
        const bodiless = [...op.responses].filter(([, schema]) => schema === null);
        byOperation.set(op.id, {
          validators: compileResponseValidators(ajv, op),
          bodiless: new Set(bodiless.map(([status]) => status)),
        });
      }
    }
    return byOperation;
  })();
  return loaded;
}

/**
 * Asserts that a response body is what the contract documents for that operation and status
 * (none, for a status declared without content, such as a 304). Every HTTP test passes its
 * responses through here.
 */
export async function expectContract(
  operationId: string,
  res: { status: number; body: unknown; text?: string },
): Promise<void> {
  const ops = await validators();
  const checks = ops.get(operationId);
  expect(checks, `operation ${operationId} is in a contract`).toBeDefined();
  if (checks?.bodiless.has(String(res.status))) {
    const empty =
      res.body === undefined ||
      res.body === null ||
      res.body === '' ||
      (typeof res.body === 'object' && Object.keys(res.body).length === 0);
    expect(empty && (res.text ?? '') === '', `${operationId} ${res.status} has no body`).toBe(true);
    return;
  }
  const byStatus = checks?.validators;
  const validate = byStatus?.get(String(res.status)) ?? byStatus?.get('default');
  expect(validate, `${operationId} documents status ${res.status}`).toBeDefined();
  const ok = validate?.(res.body);
  expect(validate?.errors ?? [], `${operationId} ${res.status} body matches the contract`).toEqual(
    [],
  );
  expect(ok).toBe(true);
}
