import type { Problem } from './validation.ts';

/** The error shape of churnmock's own APIs (contracts/churnmock-admin.openapi.yaml): `{message, errors?}`. */
export const plainErrorBody = (_status: number, message: string, problems?: readonly Problem[]) =>
  problems?.length ? { message, errors: problems } : { message };

/**
 * A vendor cannot be built from the options it was given (a bad flow file, say): the CLI
 * prints the message and exits 1 instead of a stack trace.
 */
export class ConfigurationError extends Error {
  override name: string = 'ConfigurationError';
}
