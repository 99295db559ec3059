import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACT_PROVIDERS, pactFile, pactProvider } from '../../../verify/pact-providers.ts';
import { checkPact, contractForValidator, findings } from './contract-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'churnmock-smv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every pact interaction is one the contract allows (swagger-mock-validator)', () => {
  it.each(PACT_PROVIDERS.map((p) => [p.name, p]))('%s', async (_name, provider) => {
    const outcome = await checkPact(
      contractForValidator(provider.contract, dir),
      pactFile(provider),
    );
    expect(findings(outcome.errors)).toEqual([]);
    expect(findings(outcome.warnings)).toEqual([]);
    expect(outcome.success).toBe(true);
  });

  it('catches an interaction the contract does not allow', async () => {
    const provider = pactProvider('churncut-api');
    const pact = JSON.parse(readFileSync(pactFile(provider), 'utf8'));
    const listing = pact.interactions.find((i: { description: string }) =>
      i.description.startsWith('a request for the first page of high-risk customers'),
    );
    listing.response.body.content.data.total = 'many';
    listing.request.query.risk_level = ['extreme'];
    const broken = join(dir, 'broken-pact.json');
    writeFileSync(broken, JSON.stringify(pact));
    const outcome = await checkPact(contractForValidator(provider.contract, dir), broken);
    expect(outcome.success).toBe(false);
    const codes = outcome.errors.map((e) => e.code).sort();
    expect(codes).toEqual(['request.query.incompatible', 'response.body.incompatible']);
  });
});
