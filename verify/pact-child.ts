/**
 * The process Pact's verifier runs in (`pact-process.ts` forks it). Pact's core prints its
 * per-interaction lines straight to file descriptor 1, coloured whatever that is; here fd 1 is
 * a pipe the parent reads, so it can drop the colours and write the lines through its own
 * output. Gets one verification (plain data) over IPC, answers its outcome and ends.
 */
import type { PactOutcome, PactVerification } from './pact-runner.ts';

// The parent is gone (killed, or it stopped waiting): so is the point of verifying.
process.on('disconnect', () => process.exit(1));
process.once('message', async (v: PactVerification) => {
  let outcome: PactOutcome;
  try {
    const { verifyPact } = await import('./pact-runner.ts');
    outcome = await verifyPact(v);
  } catch (e) {
    // Pact itself could not be loaded (not installed, no native core for this platform).
    const error = `Pact's verifier could not be loaded: ${(e as Error).message}`;
    outcome = { ok: false, interactions: 0, failures: [], stateErrors: [], error };
  }
  process.send?.(outcome, () => process.exit(0));
});
