import { fork } from 'node:child_process';
import { COMPILED, codeDir } from '../mock/core/paths.ts';
import { ansiFilter } from '../mock/core/terminal.ts';
import type { PactOutcome, PactVerification } from './pact-runner.ts';

/** Where the verifier's process writes, and whether its colours are kept. */
export interface VerifierOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Keep Pact's ANSI colours (a terminal without NO_COLOR); else they are stripped. */
  readonly colours: boolean;
}

/** The child's module next to this one: `.ts` from the sources (through tsx), `.js` built. */
function childModule(): { file: string; execArgv: string[] } {
  const file = `${codeDir('verify')}pact-child.${COMPILED ? 'js' : 'ts'}`;
  if (COMPILED) return { file, execArgv: [] };
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // Resolved from the working directory then.
  }
  return { file, execArgv: ['--import', tsx] };
}

/**
 * Runs one verification with Pact's verifier in a child process and resolves with its outcome;
 * never rejects. Pact's core has no switch for its colours that its Node binding exposes
 * (`pactffi_verifier_set_coloured_output` is not bound) and ignores NO_COLOR, so its output is
 * read from the child's standard output and written through `output`, stripped of ANSI codes
 * unless colours are wanted.
 */
export function runVerifier(v: PactVerification, output: VerifierOutput): Promise<PactOutcome> {
  const { file, execArgv } = childModule();
  const child = fork(file, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const out = ansiFilter(output.out, output.colours);
  const err = ansiFilter(output.err, output.colours);
  child.stdout?.setEncoding('utf8').on('data', (s: string) => out.push(s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => err.push(s));
  return new Promise((resolve) => {
    let outcome: PactOutcome | null = null;
    let failure: string | null = null;
    child.on('message', (m) => {
      outcome = m as PactOutcome;
    });
    child.on('error', (e) => {
      failure ??= e.message;
    });
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      resolve(
        outcome ?? {
          ok: false,
          interactions: 0,
          failures: [],
          stateErrors: [],
          error:
            failure ??
            `the verifier's process ended (${signal ?? `exit ${code}`}) without an outcome`,
        },
      );
    });
    child.send(v);
  });
}
