// Copies the files the compiled code reads next to itself (e.g. the hosted flow's default
// flow, YAML; the dashboard's scripts and styles) from the sources into dist/, keeping their
// folders; Redoc's standalone bundle with its licence (a devDependency: the installed package
// serves it from dist/mock/ui/vendor/redoc/); and each contract parsed to JSON into
// dist/contracts/ (read at start instead of parsing the YAML when the contract's hash still
// matches), and the hosted flow's default flow likewise beside it. Run by `npm run build`,
// after tsc. Last, every operation's request validator as Ajv's standalone code, into
// dist/validators/ (used when a request's schema is the one it was made from); then the code's
// digest into dist/mock/code-digest.txt (the data cache's version reads it).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeParsedContracts } from '../dist/mock/core/contract.js';
import { writeCodeDigest } from '../dist/mock/core/data-cache.js';
import { writeParsedYaml } from '../dist/mock/core/parsed-yaml.js';
import { writePrecompiledValidators } from '../dist/mock/core/write-validators.js';

for (const dir of ['mock', 'generators', 'verify']) {
  cpSync(dir, `dist/${dir}`, {
    recursive: true,
    filter: (src) => !/\.(ts|tsx|mts|cts)$/.test(src),
  });
}

const require = createRequire(import.meta.url);
const redoc = join(dirname(require.resolve('redoc')), '..');
const out = 'dist/mock/ui/vendor/redoc';
mkdirSync(out, { recursive: true });
cpSync(join(redoc, 'bundles/redoc.standalone.js'), join(out, 'redoc.standalone.js'));
cpSync(join(redoc, 'LICENSE'), join(out, 'LICENSE'));

mkdirSync('dist/contracts', { recursive: true });
await writeParsedContracts('contracts', 'dist/contracts');
await writeParsedYaml(
  'dist/mock/vendors/churnkey-hosted-flow/default-flow.yaml',
  'dist/mock/vendors/churnkey-hosted-flow/default-flow.parsed.json',
);

rmSync('dist/validators', { recursive: true, force: true });
const validators = await writePrecompiledValidators('contracts', 'dist/validators');
console.log(
  `copy-assets: ${validators.length} request validators precompiled into dist/validators`,
);

// Last: the digest of every compiled module (the data cache's version, mock/core/data-cache.ts).
writeCodeDigest();
