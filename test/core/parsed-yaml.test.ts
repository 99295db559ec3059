import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParsedYaml, writeParsedYaml } from '../../mock/core/parsed-yaml.ts';

const dir = mkdtempSync(join(tmpdir(), 'churnmock-parsed-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('YAML read through the build’s parsed copy', () => {
  const file = join(dir, 'flow.yaml');
  const copy = join(dir, 'flow.parsed.json');

  it('reads the copy while the text is the one it was made from', async () => {
    writeFileSync(file, 'name: first\nsteps: [a, b]\n');
    await writeParsedYaml(file, copy);
    expect(readParsedYaml(file, copy)).toEqual({ name: 'first', steps: ['a', 'b'] });
    // The copy is what was read: change its document, keep its hash.
    const written = JSON.parse(readFileSync(copy, 'utf8'));
    writeFileSync(copy, JSON.stringify({ ...written, document: { name: 'from the copy' } }));
    expect(readParsedYaml(file, copy)).toEqual({ name: 'from the copy' });
  });

  it('parses the text again once it was edited (a stale copy is never read)', () => {
    writeFileSync(file, 'name: edited\n');
    expect(readParsedYaml(file, copy)).toEqual({ name: 'edited' });
  });

  it('parses the text when there is no copy, or the copy is not JSON', () => {
    expect(readParsedYaml(file, join(dir, 'missing.json'))).toEqual({ name: 'edited' });
    writeFileSync(copy, '{ cut short');
    expect(readParsedYaml(file, copy)).toEqual({ name: 'edited' });
  });
});
