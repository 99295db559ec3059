import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { uuidOfHex } from '../../../generators/random.ts';
import { ConfigurationError } from '../../core/errors.ts';
import { parseYaml, readParsedYaml } from '../../core/parsed-yaml.ts';
import { codeDir } from '../../core/paths.ts';
import { sharedAjv } from '../../core/validation.ts';
import { FLOW_SCHEMA } from './definition-schema.ts';
import type { Condition } from './targeting.ts';

/** An offer as a Cancel Flow definition configures it (the session's config object). */
export type OfferSpec =
  | { type: 'PAUSE'; maxPauseLength: number; pauseInterval: 'MONTH' | 'WEEK' }
  | {
      type: 'DISCOUNT';
      couponId: string;
      couponType: 'PERCENT' | 'AMOUNT';
      couponAmount: number;
      couponDuration: number | null;
    }
  | { type: 'CONTACT' }
  | { type: 'PLAN_CHANGE'; planIds: string[] }
  | { type: 'REDIRECT'; redirectUrl: string; redirectLabel: string }
  | { type: 'TRIAL_EXTENSION'; trialExtensionDays: number };

/** One step of the flow: an offer, with the targeting that decides whether it is shown. */
export interface StepDef {
  readonly id: string;
  readonly title?: string;
  readonly message?: string;
  readonly offer: OfferSpec;
  readonly conditions?: readonly Condition[];
  readonly skipWhen?: readonly Condition[];
  readonly exclusive?: boolean;
}

/** A Cancel Flow definition (`--flow FILE`, JSON or YAML). */
export interface FlowDefinition {
  readonly name?: string;
  readonly blueprintId?: string;
  readonly segmentId?: string;
  readonly mode?: 'LIVE' | 'TEST';
  readonly survey: { readonly id?: string; readonly choices: readonly string[] };
  readonly steps: readonly StepDef[];
}

/** A definition that failed validation, with every problem. */
export class FlowDefinitionError extends ConfigurationError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid Cancel Flow definition (${source}): ${problems.join('; ')}`);
  }
}

const FLOW_DIR = codeDir('mock/vendors/churnkey-hosted-flow');
export const DEFAULT_FLOW_FILE = pathToFileURL(`${FLOW_DIR}default-flow.yaml`);
/** Its JSON copy, written by the build beside it (read at start while its hash matches). */
export const DEFAULT_FLOW_PARSED = pathToFileURL(`${FLOW_DIR}default-flow.parsed.json`);

const ORDERED = new Set(['GT', 'GTE', 'LT', 'LTE', 'BETWEEN', 'NOT_BETWEEN']);
const ARITY: Record<string, number> = { GT: 1, GTE: 1, LT: 1, LTE: 1, BETWEEN: 2, NOT_BETWEEN: 2 };

let flowValidator: ValidateFunction | null = null;

/** The flow schema's validator, compiled on first use (in the shared instance). */
function flowSchema(): ValidateFunction {
  flowValidator ??= sharedAjv(false).compile(FLOW_SCHEMA);
  return flowValidator;
}

/** Rules a JSON schema cannot say: operand/type pairs, value counts, unique step ids. */
function semanticProblems(def: FlowDefinition): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  def.steps.forEach((step, i) => {
    if (ids.has(step.id)) problems.push(`/steps/${i}/id "${step.id}" is used twice`);
    ids.add(step.id);
    for (const key of ['conditions', 'skipWhen'] as const)
      step[key]?.forEach((c, j) => {
        const at = `/steps/${i}/${key}/${j}`;
        if (ORDERED.has(c.operand) && c.type !== 'NUMBER' && c.type !== 'DATE')
          problems.push(`${at}: ${c.operand} compares NUMBER or DATE values, not ${c.type}`);
        const arity = ARITY[c.operand];
        if (arity !== undefined && c.value.length !== arity)
          problems.push(`${at}: ${c.operand} takes ${arity} value(s), got ${c.value.length}`);
      });
  });
  return problems;
}

const schemaProblems = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);

/** Checks a parsed definition; throws FlowDefinitionError listing every problem. */
export function validateFlow(value: unknown, source: string): FlowDefinition {
  const validateSchema = flowSchema();
  if (!validateSchema(value))
    throw new FlowDefinitionError(source, schemaProblems(validateSchema.errors));
  const def = value as FlowDefinition;
  const problems = semanticProblems(def);
  if (problems.length) throw new FlowDefinitionError(source, problems);
  return def;
}

/**
 * The package's own default flow (`default-flow.yaml`): parsed, with the checks a schema cannot
 * make, but not run through the schema at start (the first schema compile cost a default
 * start 65 ms). Its tests hold it to the schema and the contract
 * (test/vendors/churnkey-hosted-flow/definition-schema.test.ts); a flow file given with
 * `--flow-file` is checked whole by loadFlowFile.
 */
export function packagedDefaultFlow(): FlowDefinition {
  const source = DEFAULT_FLOW_FILE.pathname;
  const def = readParsedYaml(DEFAULT_FLOW_FILE, DEFAULT_FLOW_PARSED) as FlowDefinition;
  const problems = semanticProblems(def);
  if (problems.length) throw new FlowDefinitionError(source, problems);
  return def;
}

/** Reads a definition from a JSON or YAML file (YAML is a superset of JSON). */
export function loadFlowFile(file: string | URL): FlowDefinition {
  const source = String(file instanceof URL ? file.pathname : file);
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FlowDefinitionError(source, [(e as Error).message]);
  }
  return validateFlow(parsed, source);
}

/** A stable 24-hex id (Mongo ObjectId-shaped, as Churnkey's ids are) derived from `parts`. */
export function derivedObjectId(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** A stable UUID-shaped offer guid derived from `parts`. */
export function derivedGuid(...parts: string[]): string {
  return uuidOfHex(createHash('sha1').update(parts.join('\u0000')).digest('hex'));
}
