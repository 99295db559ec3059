/** The verifier's JSON summary (`pactffi_verifier_json`), the parts read here. */
export interface VerifierJson {
  readonly result?: boolean;
  readonly interactionResults?: readonly {
    readonly description: string;
    readonly result: string;
  }[];
  readonly errors?: readonly VerifierError[];
}

interface VerifierError {
  readonly interaction: string;
  readonly mismatch?: {
    readonly type?: string;
    readonly message?: string;
    readonly mismatches?: readonly {
      readonly type?: string;
      readonly mismatch?: string;
      readonly path?: string;
      readonly key?: string;
      readonly parameter?: string;
      readonly expected?: unknown;
      readonly actual?: unknown;
    }[];
  };
}

export interface InteractionFailure {
  readonly description: string;
  readonly problems: readonly string[];
}

/** Terminal colour codes the Rust core puts into some messages. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function describeMismatch(m: NonNullable<VerifierError['mismatch']>): string[] {
  if (!m.mismatches?.length) return [(m.message ?? m.type ?? 'failed').replace(ANSI, '')];
  return m.mismatches.map((x) => {
    const where = x.path ?? x.key ?? x.parameter;
    const text =
      x.mismatch ?? `expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`;
    return `${x.type ?? 'Mismatch'}${where ? ` ${where}` : ''}: ${text}`.replace(ANSI, '');
  });
}

/** The failed interactions, each with what did not match, named "description (given state)". */
export function failuresOf(json: VerifierJson): InteractionFailure[] {
  const byInteraction = new Map<string, string[]>();
  for (const e of json.errors ?? []) {
    // "Verifying a pact between A and B[ Given S] - D" → "D (given S)".
    const m = /^Verifying a pact between .+? and \S+(?: Given (.+?))? - (.+)$/s.exec(e.interaction);
    const interaction = m ? `${m[2]}${m[1] ? ` (given ${m[1]})` : ''}` : e.interaction;
    const list = byInteraction.get(interaction) ?? [];
    list.push(...(e.mismatch ? describeMismatch(e.mismatch) : ['failed']));
    byInteraction.set(interaction, list);
  }
  return [...byInteraction].map(([description, problems]) => ({ description, problems }));
}
