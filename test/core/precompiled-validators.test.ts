import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonSchema, loadContract, type Operation } from '../../mock/core/contract.ts';
import { PACKAGE_ROOT } from '../../mock/core/paths.ts';
import {
  precompiledValidator,
  type ValidatorMode,
  validatorFile,
} from '../../mock/core/precompiled-validators.ts';
import {
  compileRequestValidator,
  type RequestInput,
  requestSchemas,
  sharedAjv,
} from '../../mock/core/validation.ts';
import { writePrecompiledValidators } from '../../mock/core/write-validators.ts';

// The build writes every operation's request validator as Ajv's standalone code
// (write-validators.ts); the mock uses one only for the very schema it was made from. Here the
// build's step runs into a folder of its own, and every operation's validator from it must
// answer what the one compiled at run time answers: the same problems, the same coerced and
// defaulted input.

const CONTRACTS = readdirSync(`${PACKAGE_ROOT}contracts`).filter((f) =>
  f.endsWith('.openapi.yaml'),
);

let dir: string;
let written: string[];
const operations: Operation[] = [];

beforeAll(async () => {
  // Inside the project, as dist/validators is: the standalone code requires ajv's runtime,
  // which Node resolves from the file's own folder up (a folder under /tmp finds none).
  const cache = `${PACKAGE_ROOT}node_modules/.cache`;
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'churnmock-validators-'));
  written = await writePrecompiledValidators(`${PACKAGE_ROOT}contracts`, dir);
  for (const file of CONTRACTS)
    operations.push(...(await loadContract(`${PACKAGE_ROOT}contracts/${file}`)).operations);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fromDir = (mode: ValidatorMode, schema: JsonSchema) =>
  precompiledValidator(mode, schema, dir);
const none = () => null;

/** Values a parameter may be sent as: its own (enum, default, example) and awkward ones. */
function valuesOf(schema: JsonSchema): string[] {
  const s = schema as {
    enum?: unknown[];
    default?: unknown;
    example?: unknown;
    examples?: unknown[];
  };
  const own = [...(s.enum ?? []), s.default, s.example, ...(s.examples ?? [])]
    .filter((v) => v !== undefined)
    .map(String);
  const awkward = ['', 'x', '-1', '0', '1', '2.5', '1e3', '99999999999', 'true', 'a,b'];
  const times = ['2024-01-01', '2024-02-30', '2024-01-01T00:00:00Z', '2024-01-01T25:00:00Z'];
  return [...own, ...awkward, ...times];
}

/** Request inputs for an operation: nothing, then each parameter with each of its values. */
function inputsOf(op: Operation): RequestInput[] {
  const base = (): RequestInput => ({ query: {}, path: {}, body: undefined });
  const inputs: RequestInput[] = [base()];
  for (const p of op.params) {
    if (p.in !== 'query' && p.in !== 'path') continue;
    for (const value of valuesOf(p.schema)) {
      const input = base();
      input[p.in][p.name] = value;
      inputs.push(input);
    }
  }
  if (op.body) {
    const props = Object.keys((op.body.schema as { properties?: object }).properties ?? {});
    const bodies: unknown[] = [{}, null, 'text', [1], { unknown: 1 }];
    for (const name of props)
      for (const value of ['x', 1, -1, true, null, [], {}, '2024-01-01T00:00:00Z'])
        bodies.push({ [name]: value });
    for (const body of bodies) inputs.push({ ...base(), body });
  }
  return inputs;
}

describe('precompiled request validators (the build step)', () => {
  it('writes one file per distinct schema, for every operation of every contract', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(written.length).toBeGreaterThan(20);
    for (const op of operations) {
      const { params, body } = requestSchemas(op);
      expect(fromDir('coercing', params), op.id).toBeTypeOf('function');
      if (body) expect(fromDir('strict', body), op.id).toBeTypeOf('function');
    }
  });

  it('every operation answers every input as the validator compiled at run time does', () => {
    let checked = 0;
    let refused = 0;
    for (const op of operations) {
      const built = compileRequestValidator(sharedAjv(true), sharedAjv(false), op, fromDir);
      const compiled = compileRequestValidator(sharedAjv(true), sharedAjv(false), op, none);
      for (const input of inputsOf(op)) {
        const a = structuredClone(input);
        const b = structuredClone(input);
        const problems = built(a);
        expect(problems, `${op.id} ${JSON.stringify(input)}`).toEqual(compiled(b));
        // Coerced and defaulted alike.
        expect(a, op.id).toEqual(b);
        checked++;
        if (problems.length) refused++;
      }
    }
    // Both kinds of answer were compared, many times.
    expect(checked).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(300);
    expect(checked - refused).toBeGreaterThan(100);
  });

  it('a schema changed since the build finds no file (it is compiled at run time)', () => {
    const op = operations.find((o) => o.params.some((p) => p.in === 'query'));
    if (!op) throw new Error('no operation with a query parameter');
    const { params } = requestSchemas(op);
    expect(fromDir('coercing', params)).toBeTypeOf('function');
    const edited = structuredClone(params) as { properties: { query: { required: string[] } } };
    edited.properties.query.required = [...edited.properties.query.required, 'nothing'];
    expect(fromDir('coercing', edited as JsonSchema)).toBeNull();
    // The mode is part of the name: the coercing file is not the strict one.
    expect(fromDir('strict', params)).toBeNull();
  });

  it('a schema without JSON (a cycle) has no file; no folder means none', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(validatorFile('coercing', cyclic as JsonSchema)).toBeNull();
    const op = operations[0];
    if (!op) throw new Error('no operations');
    expect(precompiledValidator('coercing', requestSchemas(op).params, null)).toBeNull();
  });
});
