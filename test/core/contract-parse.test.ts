import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  dereferencedContract,
  parseContractFile,
  writeParsedContracts,
} from '../../mock/core/contract.ts';
import { PACKAGE_ROOT } from '../../mock/core/paths.ts';

/**
 * The build writes each contract parsed to JSON (dist/contracts/) so a start reads JSON instead
 * of parsing YAML. The copy must be the YAML's own value, and an edited contract must never be
 * answered from a stale copy.
 */
const CONTRACTS = join(PACKAGE_ROOT, 'contracts');
const names = readdirSync(CONTRACTS).filter((f) => f.endsWith('.openapi.yaml'));
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'churnmock-parsed-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Edits a contract's title in place (its copy goes stale). */
const editTitle = (file: string) =>
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/^info:\n {2}title: .*$/m, 'info:\n  title: Edited title'),
  );

/** A contract copied into a folder of its own, with the build's copies of it in `into`. */
async function builtCopy(): Promise<{ file: string; into: string; copyFile: string }> {
  const into = tmp();
  const source = tmp();
  const name = names[0] as string;
  copyFileSync(join(CONTRACTS, name), join(source, name));
  await writeParsedContracts(source, into);
  return {
    file: join(source, name),
    into,
    copyFile: join(into, name.replace(/\.yaml$/, '.parsed.json')),
  };
}

describe('parsed contract copies', () => {
  it('writes one copy per contract, each equal to the YAML parsed', async () => {
    const into = tmp();
    const written = await writeParsedContracts(CONTRACTS, into);
    expect(written.map((f) => f.slice(into.length + 1)).sort()).toEqual(
      names.map((n) => n.replace(/\.yaml$/, '.parsed.json')).sort(),
    );
    for (const name of names) {
      const file = join(CONTRACTS, name);
      const fresh = parse(readFileSync(file, 'utf8'));
      expect(parseContractFile(file, into)).toEqual(fresh);
    }
  });

  it('reads the copy when the hash matches (a planted copy with the right hash is what comes back)', async () => {
    const into = tmp();
    await writeParsedContracts(CONTRACTS, into);
    const name = names[0] as string;
    const copyFile = join(into, name.replace(/\.yaml$/, '.parsed.json'));
    const copy = JSON.parse(readFileSync(copyFile, 'utf8'));
    writeFileSync(copyFile, JSON.stringify({ ...copy, document: { planted: true } }));
    expect(parseContractFile(join(CONTRACTS, name), into)).toEqual({ planted: true });
  });

  it('parses the YAML again once the contract is edited (the copy is stale)', async () => {
    const { file, into } = await builtCopy();
    editTitle(file);
    const doc = parseContractFile(file, into) as { info: { title: string } };
    expect(doc.info.title).toBe('Edited title');
  });

  it('parses the YAML when there is no copy, or the copy is not JSON', () => {
    const into = tmp();
    const name = names[0] as string;
    const file = join(CONTRACTS, name);
    const fresh = parse(readFileSync(file, 'utf8'));
    expect(parseContractFile(file, into)).toEqual(fresh);
    writeFileSync(join(into, name.replace(/\.yaml$/, '.parsed.json')), '{not json');
    expect(parseContractFile(file, into)).toEqual(fresh);
  });

  it('keeps each contract dereferenced, equal to the ref parser run on the YAML now', async () => {
    const into = tmp();
    await writeParsedContracts(CONTRACTS, into);
    for (const name of names) {
      const file = join(CONTRACTS, name);
      const fresh = await $RefParser.dereference(parse(readFileSync(file, 'utf8')));
      const copy = JSON.parse(
        readFileSync(join(into, name.replace(/\.yaml$/, '.parsed.json')), 'utf8'),
      );
      expect(copy.dereferenced).toEqual(fresh);
      expect(JSON.stringify(copy.dereferenced)).not.toContain('"$ref"');
      expect(await dereferencedContract(file, into)).toEqual(fresh);
    }
  });

  it('reads the dereferenced copy while the hash matches, and dereferences an edited contract anew', async () => {
    const { file, into, copyFile } = await builtCopy();
    const copy = JSON.parse(readFileSync(copyFile, 'utf8'));
    writeFileSync(copyFile, JSON.stringify({ ...copy, dereferenced: { planted: true } }));
    expect(await dereferencedContract(file, into)).toEqual({ planted: true });
    editTitle(file);
    const doc = (await dereferencedContract(file, into)) as {
      info: { title: string };
    };
    expect(doc.info.title).toBe('Edited title');
    expect(JSON.stringify(doc)).not.toContain('"$ref"');
    // No copy at all: parsed and dereferenced from the YAML.
    expect(await dereferencedContract(file, tmp())).toEqual(doc);
  });
});
