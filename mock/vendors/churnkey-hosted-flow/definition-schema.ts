import { parseContractFile } from '../../core/contract.ts';
import { contractFile } from '../../core/paths.ts';

type Schemas = Readonly<Record<string, unknown>>;

/** The hosted-flow contract's component schemas (`FlowDefinition` and what it refers to). */
export const FLOW_CONTRACT_SCHEMAS: Schemas = (
  parseContractFile(contractFile('churnkey-hosted-flow')) as {
    components: { schemas: Schemas };
  }
).components.schemas;

/**
 * JSON Schema of a Cancel Flow definition file: the contract's `FlowDefinition`, so the file
 * format, `PUT /__admin/churnkey/flow` and the contract's readers cannot drift apart. Its
 * `#/components/schemas/…` references resolve inside this object (Ajv follows JSON pointers
 * from the root; the unknown `components` keyword is only a container).
 */
export const FLOW_SCHEMA = {
  $ref: '#/components/schemas/FlowDefinition',
  components: { schemas: FLOW_CONTRACT_SCHEMAS },
} as const;
