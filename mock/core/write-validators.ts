import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import standalone from 'ajv/dist/standalone/index.js';
import { contractFiles, type JsonSchema, loadContract } from './contract.ts';
import { type ValidatorMode, validatorFile } from './precompiled-validators.ts';
import { makeAjv, requestSchemas } from './validation.ts';

/**
 * Writes the standalone validator of every operation's request in the contracts of `from`
 * into `into` (run by `npm run build`); returns the files written.
 */
export async function writePrecompiledValidators(from: string, into: string): Promise<string[]> {
  mkdirSync(into, { recursive: true });
  const ajv = { coercing: makeAjv(true, false, true), strict: makeAjv(false, false, true) };
  const written = new Set<string>();
  for (const name of contractFiles(from)) {
    const contract = await loadContract(join(from, name));
    for (const op of contract.operations) {
      const schemas = requestSchemas(op);
      const todo: [ValidatorMode, JsonSchema | null][] = [
        ['coercing', schemas.params],
        ['strict', schemas.body],
      ];
      for (const [mode, schema] of todo) {
        const file = schema && validatorFile(mode, schema);
        if (!schema || !file || written.has(file)) continue;
        const code = standalone.default(ajv[mode], ajv[mode].compile(schema));
        writeFileSync(join(into, file), `${code}\n`);
        written.add(file);
      }
    }
  }
  return [...written].map((f) => join(into, f));
}
