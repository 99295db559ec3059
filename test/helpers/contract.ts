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

let loaded: Promise<Map<string, Map<string, ValidateFunction>>> | null = null;

async function validators(): Promise<Map<string, Map<string, ValidateFunction>>> {
  loaded ??= (async () => {
    const byOperation = new Map<string, Map<string, ValidateFunction>>();
    const ajv = makeAjv(false);
    for (const file of CONTRACT_FILES) {
      const contract: Contract = await loadContract(file);
      for (const op of contract.operations)
        byOperation.set(op.id, compileResponseValidators(ajv, op));
    }
    return byOperation;
  })();
  return loaded;
}

/**
 * Asserts that a response body is what the contract documents for that operation and status.
 * Every HTTP test passes its responses through here.
 */
export async function expectContract(
  operationId: string,
  res: { status: number; body: unknown },
): Promise<void> {
  const ops = await validators();
  const byStatus = ops.get(operationId);
  expect(byStatus, `operation ${operationId} is in a contract`).toBeDefined();
  const validate = byStatus?.get(String(res.status)) ?? byStatus?.get('default');
  expect(validate, `${operationId} documents status ${res.status}`).toBeDefined();
  const ok = validate?.(res.body);
  expect(validate?.errors ?? [], `${operationId} ${res.status} body matches the contract`).toEqual(
    [],
  );
  expect(ok).toBe(true);
}
