import { fileURLToPath } from 'node:url';

/** The package's root folder (where `contracts/` and `pacts/` are). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The OpenAPI contract of an API: `contracts/<id>.openapi.yaml`, whose base name is the id the
 * registry, the CLI and the pact providers use (docs/decisions/007-layout.md).
 */
export function contractFile(id: string): string {
  return `${PACKAGE_ROOT}contracts/${id}.openapi.yaml`;
}
