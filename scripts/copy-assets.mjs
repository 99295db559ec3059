// Copies the files the compiled code reads next to itself (e.g. the hosted flow's default
// flow, YAML) from the sources into dist/, keeping their folders, and writes each contract
// parsed to JSON into dist/contracts/ (read at start instead of parsing the YAML when the
// contract's hash still matches). Run by `npm run build`, after tsc.
import { cpSync, mkdirSync } from 'node:fs';
import { writeParsedContracts } from '../dist/mock/core/contract.js';

for (const dir of ['mock', 'generators', 'verify']) {
  cpSync(dir, `dist/${dir}`, {
    recursive: true,
    filter: (src) => !/\.(ts|tsx|mts|cts)$/.test(src),
  });
}
mkdirSync('dist/contracts', { recursive: true });
writeParsedContracts('contracts', 'dist/contracts');
