import { relative } from 'node:path';
import type { PactOutcome, PactVerification } from './pact-runner.ts';

const shown = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

/** What is about to be verified, printed before the verifier's own per-interaction lines. */
export function reportHeader(v: PactVerification): string {
  const files = v.pactFiles?.length ? v.pactFiles : null;
  return [
    `Verifying pacts with ${v.provider.name} (${v.provider.title}) at ${v.baseUrl}`,
    v.broker
      ? `  pacts: from ${v.broker.url} (consumers' main branch and deployed versions)${v.broker.publish ? `; results published as ${v.broker.providerVersion}` : ''}`
      : files
        ? `  pacts: ${files.map(shown).join(', ')}`
        : '',
    v.endpointPath ? `  endpoint: every request goes to ${v.baseUrl}${v.endpointPath}` : '',
    v.signWith ? '  signatures: computed with your --api-key' : '',
    v.stateUrl
      ? `  provider states: POST ${v.stateUrl}`
      : "  provider states: none set up (no --state-url); interactions use the pact's example ids",
    ...(v.headers ?? []).map((h) => `  header: ${h.name}: ${h.value.replace(/.(?=.{4})/g, '*')}`),
  ]
    .filter(Boolean)
    .join('\n');
}

/** The verdict: counts, then every failed interaction and state with what went wrong. */
export function reportSummary(v: PactVerification, o: PactOutcome): string {
  const name = v.provider.name;
  if (o.error) return `✘ ${name}: verification could not run: ${o.error}`;
  const lines: string[] = [];
  if (o.failures.length === 0)
    lines.push(`✔ ${name}: ${o.interactions} of ${o.interactions} interactions verified`);
  else {
    lines.push(`✘ ${name}: ${o.failures.length} of ${o.interactions} interactions failed`);
    for (const f of o.failures) {
      lines.push(`  ✘ ${f.description}`);
      for (const p of f.problems) lines.push(`      ${p}`);
    }
  }
  if (o.stateErrors.length) {
    lines.push(`✘ ${name}: ${o.stateErrors.length} provider state calls failed`);
    for (const e of o.stateErrors) lines.push(`  ✘ ${e}`);
  }
  return lines.join('\n');
}
