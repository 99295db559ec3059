// Bundles the compiled CLI (dist/mock/cli/main.js and every churnmock module it imports) into
// one file, dist/cli.js, which bin/churnmock.js runs: loading one module instead of about 140
// takes a seventh off the default start. Packages stay outside the bundle (imported from
// node_modules as the compiled modules import them), and every module's code is the build's
// own. Modules find their files from the package's root (mock/core/paths.ts: codeDir), so the
// bundle reads what each compiled module would. Run by `npm run build`, after copy-assets.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/mock/cli/main.js'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // No keepNames: it wraps every function made at run time in a call (a tenth of a request's
  // time in a profile). Classes keep their names; a module-level function whose name another
  // module also uses is renamed (matches2), which only a stack trace shows.
  logLevel: 'warning',
});
