import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (where `package.json`, `contracts/` and `pacts/` are), found from
 * this file upwards: the same from the sources (`mock/core/`) and the build (`dist/mock/core/`).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'contracts'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('churnmock: cannot find its package folder');
    dir = up;
  }
  return `${dir}/`;
}

export const PACKAGE_ROOT = packageRoot();

/** Whether this is the build's code (dist/, or the CLI's bundle of it) rather than the sources. */
export const COMPILED = import.meta.url.endsWith('.js');

/**
 * Where one of the code's folders (`mock/ui`, `verify`) is for the code running now, with the
 * files the build copies beside the code: under `dist/` for the build, else in the sources.
 * Found from the package's root, not from a module's own place, so the CLI's bundle of the
 * build (dist/cli.js, one file) finds what each module would.
 */
export function codeDir(sub: string): string {
  return `${PACKAGE_ROOT}${COMPILED ? 'dist/' : ''}${sub}/`;
}

/** The package's version (`churnmock --version`). */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string }
).version;

/**
 * The OpenAPI contract of an API: `contracts/<id>.openapi.yaml`, whose base name is the id the
 * registry, the CLI and the pact providers use (docs/decisions/007-layout.md).
 */
export function contractFile(id: string): string {
  return `${PACKAGE_ROOT}contracts/${id}.openapi.yaml`;
}
