import type { HandlerResult } from '../../core/pipeline/types.ts';
import { invalidRequestMessage } from '../../core/pipeline/validate.ts';
import type { Problem } from '../../core/validation.ts';

/** Churnkey's error body: JSON with a `message` (the official SDK reads it), plus every problem. */
export function churnkeyError(
  _status: number,
  message: string,
  problems?: readonly Problem[],
): unknown {
  return problems?.length ? { message, errors: problems } : { message };
}

/** The Churnkey module's error messages, in one place. */
export const MESSAGES = {
  missingHeader: (name: string) => `Missing ${name} header`,
  invalidCredentials: 'Invalid API key or app id',
  dsrRejected: 'Profile exceeds limit for API deletion. Please contact support@churnkey.co.',
} as const;

export const unauthorized = (message: string): HandlerResult => ({
  status: 401,
  body: churnkeyError(401, message),
});

export const badRequest = (problems: Problem[]): HandlerResult => ({
  status: 400,
  body: churnkeyError(400, invalidRequestMessage(problems), problems),
});
