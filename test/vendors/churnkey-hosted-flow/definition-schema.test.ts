import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadContract } from '../../../mock/core/contract.ts';
import { contractFile } from '../../../mock/core/paths.ts';
import { makeAjv } from '../../../mock/core/validation.ts';
import {
  DEFAULT_FLOW_FILE,
  FlowDefinitionError,
  packagedDefaultFlow,
  validateFlow,
} from '../../../mock/vendors/churnkey-hosted-flow/definition.ts';
import { FLOW_SCHEMA } from '../../../mock/vendors/churnkey-hosted-flow/definition-schema.ts';
import { CONDITION_TYPES, OPERANDS } from '../../../mock/vendors/churnkey-hosted-flow/targeting.ts';

// The contract, dereferenced as the mock serves it: what Prism, Specmatic and typed clients read.
const contract = await loadContract(contractFile('churnkey-hosted-flow'));
const schemas = (contract.document.components as { schemas: Record<string, object> }).schemas;
const contractValidate = makeAjv(false).compile(schemas.FlowDefinition as object);
const defaultFlow: unknown = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8'));

const codeRefuses = (flow: unknown): boolean => {
  try {
    validateFlow(flow, 'test');
    return false;
  } catch (e) {
    if (e instanceof FlowDefinitionError) return true;
    throw e;
  }
};

const survey = { choices: ['Too expensive'] };
const step = (offer: object, extra: object = {}) => ({
  survey,
  steps: [{ id: 's', offer, ...extra }],
});

describe('FlowDefinition: the contract’s schema is the one the mock validates flows with', () => {
  it('the code compiles the contract’s own FlowDefinition (no second copy)', () => {
    expect(FLOW_SCHEMA.$ref).toBe('#/components/schemas/FlowDefinition');
    const raw = parse(readFileSync(contractFile('churnkey-hosted-flow'), 'utf8'));
    expect(FLOW_SCHEMA.components.schemas).toEqual(raw.components.schemas);
  });

  it('the built-in default flow (default-flow.yaml) is valid for both', () => {
    expect(contractValidate(defaultFlow), JSON.stringify(contractValidate.errors)).toBe(true);
    expect(codeRefuses(defaultFlow)).toBe(false);
    // What the mock starts with unless --flow-file is given (it skips the schema at start).
    expect(packagedDefaultFlow()).toEqual(validateFlow(defaultFlow, 'default'));
  });

  it('the contract’s condition enums are targeting.ts’s operands and types', () => {
    const condition = schemas.FlowCondition as {
      properties: { operand: { enum: string[] }; type: { enum: string[] } };
    };
    expect(condition.properties.operand.enum).toEqual([...OPERANDS]);
    expect(condition.properties.type.enum).toEqual([...CONDITION_TYPES]);
  });

  it.each([
    ['no steps', { survey, steps: [] }],
    ['choices that are not strings', { survey: { choices: [{ value: 'x' }] }, steps: [] }],
    ['a PAUSE without maxPauseLength', step({ type: 'PAUSE', pauseInterval: 'MONTH' })],
    ['a CONTACT offer with a coupon', step({ type: 'CONTACT', couponId: 'X' })],
    ['an unknown offer type', step({ type: 'FREE_MONTH' })],
    ['a REDIRECT to ftp', step({ type: 'REDIRECT', redirectUrl: 'ftp://x', redirectLabel: 'x' })],
    [
      'an unknown operand',
      step(
        { type: 'CONTACT' },
        { conditions: [{ attribute: 'plan', operand: 'EQ', value: ['pro'], type: 'STRING' }] },
      ),
    ],
    [
      'an unknown top-level field',
      { survey, steps: [{ id: 's', offer: { type: 'CONTACT' } }], x: 1 },
    ],
  ])('%s is refused by both', (_name, flow) => {
    expect(contractValidate(flow)).toBe(false);
    expect(codeRefuses(flow)).toBe(true);
  });

  it('what a schema cannot say (a step id used twice) only the code refuses', () => {
    const twice = {
      survey,
      steps: [
        { id: 's', offer: { type: 'CONTACT' } },
        { id: 's', offer: { type: 'CONTACT' } },
      ],
    };
    expect(contractValidate(twice)).toBe(true);
    expect(codeRefuses(twice)).toBe(true);
  });
});
