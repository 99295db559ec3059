// Copies the files the compiled code reads next to itself (e.g. the hosted flow's default
// flow, YAML) from the sources into dist/, keeping their folders. Run by `npm run build`.
import { cpSync } from 'node:fs';

for (const dir of ['mock', 'generators', 'verify']) {
  cpSync(dir, `dist/${dir}`, {
    recursive: true,
    filter: (src) => !/\.(ts|tsx|mts|cts)$/.test(src),
  });
}
