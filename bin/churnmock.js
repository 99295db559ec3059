#!/usr/bin/env node
// The `churnmock` command: the compiled CLI bundled into one file (npm run build), run by plain node.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(main)) {
  // Only in a clone of the repository: the package ships dist/.
  process.stderr.write(
    'churnmock: dist/ is not built; run "npm run build" first (or "npm run churnmock --" to run the sources)\n',
  );
  process.exit(1);
}
await import(main.href);
