import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from './contract.ts';
import { COMPILED, codeDir } from './paths.ts';

// Request validators compiled at build time, as Ajv's standalone validation code: the first
// request of an operation otherwise compiles its validator (~40 ms for a Churnkey list's
// parameters, most of a default start's first answer after generation). Each file is named by
// a hash of what it validates (Ajv's version, the coercion mode, the schema's JSON), so a
// schema changed since the build (an edited contract, an option) finds none and is compiled
// at run time as before: a file is never used for a schema it was not made from.

const require = createRequire(import.meta.url);

/** How a schema is validated: query and path coerced from strings, or a body as sent. */
export type ValidatorMode = 'coercing' | 'strict';

let ajvVersion: string | undefined;

/** The name of the file holding the validator of `schema` in `mode`; null when it has no JSON. */
export function validatorFile(mode: ValidatorMode, schema: JsonSchema): string | null {
  ajvVersion ??= (require('ajv/package.json') as { version: string }).version;
  let json: string;
  try {
    json = JSON.stringify(schema);
  } catch {
    return null; // a cyclic schema: compiled at run time
  }
  const hash = createHash('sha256').update(`${ajvVersion}\0${mode}\0${json}`).digest('hex');
  return `${mode}-${hash.slice(0, 32)}.cjs`;
}

/** Where the build writes them: beside the compiled code. Null when running the sources. */
export const PRECOMPILED_DIR: string | null = COMPILED ? codeDir('validators') : null;

/** The build's validator of `schema` in `mode` from `dir`, or null when it has none. */
export function precompiledValidator(
  mode: ValidatorMode,
  schema: JsonSchema,
  dir: string | null = PRECOMPILED_DIR,
): ValidateFunction | null {
  if (dir === null) return null;
  const name = validatorFile(mode, schema);
  if (name === null) return null;
  const file = join(dir, name);
  return existsSync(file) ? (require(file) as ValidateFunction) : null;
}
