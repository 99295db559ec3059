import type { ValidateFunction } from 'ajv';
import { loadContract } from '../../core/contract.ts';
import { contractFile } from '../../core/paths.ts';
import { sharedAjv } from '../../core/validation.ts';
import { defineVendor } from '../../core/vendor.ts';

/** The contract of the endpoint *your* backend serves (Churnkey docs, Customer Data Endpoint). */
export const CUSTOMER_DATA_CONTRACT = contractFile('churnkey-customer-data');

/** Its one operation; the path in the contract is only the docs' example (Configuration). */
export const CUSTOMER_DATA_OPERATION = 'postCustomerData';

/** The demo Churnkey API key the reference endpoint and the simulator default to. */
export const DEMO_CHURNKEY_API_KEY = 'ck_test_churnmock';

/** A flat attribute value: Churnkey's docs allow strings, numbers and booleans only. */
export type AttributeValue = string | number | boolean;
export type CustomerAttributes = Record<string, AttributeValue>;

let validator: Promise<ValidateFunction> | null = null;

/**
 * The 200-body validator, compiled once from the contract, so the response rules live in the
 * contract and nowhere else.
 */
export function customerDataValidator(): Promise<ValidateFunction> {
  validator ??= loadContract(CUSTOMER_DATA_CONTRACT).then((contract) => {
    const op = contract.operations.find((o) => o.id === CUSTOMER_DATA_OPERATION);
    const schema = op?.responses.get('200');
    if (!schema)
      throw new Error(`${CUSTOMER_DATA_CONTRACT} has no 200 body for ${CUSTOMER_DATA_OPERATION}`);
    return sharedAjv(false).compile(schema);
  });
  return validator;
}

/**
 * The Churnkey Customer Data Endpoint (Churnkey docs, Customer Data Endpoint): served by *your*
 * backend and called by Churnkey's hosted flow, so the mock builds nothing for it; its contract
 * checks the simulator's calls and `churnmock verify customer-data`, and its pact is verified
 * against your endpoint.
 */
export const churnkeyCustomerData = defineVendor({
  id: 'churnkey-customer-data',
  title: 'Churnkey Customer Data Endpoint',
  defaults: {},
  pact: {
    provider: 'customer-data-endpoint',
    consumer: 'churnkey-hosted-flow',
    signed: true,
    title: 'Customer Data Endpoint (your backend, called by Churnkey)',
  },
});
