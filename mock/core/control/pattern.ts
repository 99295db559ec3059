/**
 * WireMock-compatible request patterns (wiremock.org/docs/request-matching): the JSON of a
 * `POST /__admin/requests/find` or `/count` body and of a stub mapping's `request`, checked and
 * compiled once into a predicate that is then called for every request against every stub.
 *
 * Compilation does all the work it can: header names are lower-cased, regular expressions and
 * expected JSON are built, JSONPath expressions are split and their filters parsed. A predicate
 * checks the method and the URL first, the body last, and parses the body as JSON at most once
 * per call however many JSON patterns it has.
 *
 * JSONPath is evaluated by jsonpath-plus (its safe evaluator, never `eval`), with the semantics of
 * the Jayway implementation WireMock uses where the two differ: a filter applied to an object
 * tests the object itself, `=~ /regex/` whole-matches, `size()` / `length()` work in filters and
 * at the end of a path, and a definite path to `null`, `[]` or `{}` does not count as a match.
 */
import { JSONPath } from 'jsonpath-plus';

/** A request as recorded: what patterns match against. */
export interface RecordedRequest {
  /** Upper case, e.g. 'GET'. */
  readonly method: string;
  /** Path and query exactly as received, e.g. '/v1/customers?limit=5'. */
  readonly url: string;
  /** The path only, e.g. '/v1/customers'. */
  readonly path: string;
  /** Decoded query parameters, every value of a repeated one. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Node's IncomingHttpHeaders (lower-case names). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body as UTF-8 text ('' when none). */
  readonly body: string;
}

/** A pattern that cannot be compiled; the message says which part and why. */
export class PatternError extends Error {
  override name = 'PatternError';
}

/** A compiled request pattern: whether a recorded request matches it. */
export type RequestMatcher = (req: RecordedRequest) => boolean;

// --- Shared helpers --------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Whether `x` is a JSON object (not null, not an array). */
function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** What a value is, as messages name it. */
function kind(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  if (x === undefined) return 'undefined';
  const shown = JSON.stringify(x) ?? String(x);
  return `${typeof x} ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

/** A list of names as messages show them: "a", "b". */
function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** The own property `name` of `record` (never one inherited from Object.prototype). */
function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Inline flags Java regexes may start with, and the JavaScript flag each becomes. */
const INLINE_FLAGS: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's' };

/**
 * A regex matching the whole of a value, as Java's `Pattern.matches`: built with the `u` flag
 * when the source allows it, without otherwise; a leading Java inline flag group such as `(?i)`
 * becomes the JavaScript flag.
 */
function wholeMatch(source: unknown, where: string): RegExp {
  if (typeof source !== 'string')
    throw new PatternError(`${where}: a regular expression must be a string, got ${kind(source)}`);
  let body = source;
  let flags = '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1] as string) {
      const js = INLINE_FLAGS[f];
      if (js === undefined)
        throw new PatternError(
          `${where}: invalid regular expression "${source}": inline flag "${f}" is not supported (use i, m or s)`,
        );
      if (!flags.includes(js)) flags += js;
    }
    body = body.slice(inline[0].length);
  }
  const anchored = `^(?:${body})$`;
  try {
    return new RegExp(anchored, `${flags}u`);
  } catch {
    try {
      return new RegExp(anchored, flags);
    } catch (e) {
      throw new PatternError(
        `${where}: invalid regular expression "${source}": ${(e as Error).message}`,
      );
    }
  }
}

// --- Content patterns ------------------------------------------------------------------------

/** One value's JSON, parsed on first use and shared by every JSON matcher of one call. */
interface JsonSlot {
  readonly text: string;
  /** 0: not parsed yet, 1: parsed into `value`, 2: not JSON. */
  state: 0 | 1 | 2;
  value: unknown;
}

/** A compiled content pattern; `slot` (when given for this very value) holds its parsed JSON. */
type ValueTest = (value: string | undefined, slot: JsonSlot | undefined) => boolean;

/** What compiling a whole request pattern learns: whether any body pattern needs JSON. */
interface CompileState {
  json: boolean;
}

/** `text` parsed as JSON, from `slot` when it holds this very text. */
function jsonOf(text: string, slot: JsonSlot | undefined): JsonSlot {
  const s: JsonSlot = slot !== undefined && slot.text === text ? slot : newSlot(text);
  if (s.state === 0) {
    try {
      s.value = JSON.parse(text);
      s.state = 1;
    } catch {
      s.state = 2;
    }
  }
  return s;
}

/** A slot for `text`, not parsed yet. */
function newSlot(text: string): JsonSlot {
  return { text, state: 0, value: undefined };
}

/** The matchers of a content pattern, in the order messages list them. */
const MATCHERS = [
  'equalTo',
  'contains',
  'doesNotContain',
  'matches',
  'doesNotMatch',
  'absent',
  'equalToJson',
  'matchesJsonPath',
  'and',
  'or',
  'not',
] as const;
type MatcherName = (typeof MATCHERS)[number];

/** The modifiers each matcher takes beside it. */
const MODIFIERS: Readonly<Partial<Record<MatcherName, readonly string[]>>> = {
  equalTo: ['caseInsensitive'],
  equalToJson: ['ignoreArrayOrder', 'ignoreExtraElements'],
};

/** WireMock matchers churnmock does not implement. */
const UNSUPPORTED_MATCHERS = [
  'equalToXml',
  'matchesXPath',
  'binaryEqualTo',
  'equalToDateTime',
  'before',
  'after',
  'matchesJsonSchema',
];

/** The matchers of a multi-valued parameter's values as a whole. */
const MULTI_MATCHERS = ['hasExactly', 'includes'];

const MATCHER_SET: ReadonlySet<string> = new Set(MATCHERS);
const MATCHER_LIST = `use one of ${MATCHERS.join(', ')}`;

/** The single matcher key of a content pattern object, checked against the keys beside it. */
function matcherOf(pattern: Json, where: string, multi: boolean): string {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new PatternError(`${where}: empty pattern (${MATCHER_LIST})`);
  const found = keys.filter(
    (k) => MATCHER_SET.has(k) || UNSUPPORTED_MATCHERS.includes(k) || MULTI_MATCHERS.includes(k),
  );
  if (found.length === 0) {
    const modifierOf = Object.entries(MODIFIERS).find(([, mods]) =>
      mods?.includes(keys[0] as string),
    );
    const hint = modifierOf ? `; "${keys[0]}" is a modifier of ${modifierOf[0]}` : '';
    throw new PatternError(`${where}: unknown matcher "${keys[0]}" (${MATCHER_LIST}${hint})`);
  }
  if (found.length > 1)
    throw new PatternError(
      `${where}: more than one matcher (${quoted(found)}): give one, or combine them with "and" / "or"`,
    );
  const matcher = found[0] as string;
  if (UNSUPPORTED_MATCHERS.includes(matcher))
    throw new PatternError(`${where}: matcher "${matcher}" is not supported by churnmock`);
  if (MULTI_MATCHERS.includes(matcher) && !multi)
    throw new PatternError(
      `${where}: "${matcher}" applies only to a query parameter, header or cookie as a whole`,
    );
  const allowed = MODIFIERS[matcher as MatcherName] ?? [];
  const extra = keys.filter((k) => k !== matcher && !allowed.includes(k));
  if (extra.length > 0)
    throw new PatternError(
      `${where}: unknown key${extra.length > 1 ? 's' : ''} ${quoted(extra)} beside "${matcher}" (${
        allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes no modifiers'
      })`,
    );
  for (const m of allowed)
    if (pattern[m] !== undefined && typeof pattern[m] !== 'boolean')
      throw new PatternError(`${where}.${m}: must be a boolean, got ${kind(pattern[m])}`);
  return matcher;
}

/** A string operand of `matcher`. */
function stringOperand(pattern: Json, matcher: string, where: string): string {
  const v = pattern[matcher];
  if (typeof v !== 'string')
    throw new PatternError(`${where}.${matcher}: must be a string, got ${kind(v)}`);
  return v;
}

/** Compiles one content pattern (no `hasExactly` / `includes`). */
function compileContent(pattern: unknown, where: string, state: CompileState): ValueTest {
  if (!isObject(pattern))
    throw new PatternError(`${where}: a content pattern must be an object, got ${kind(pattern)}`);
  const matcher = matcherOf(pattern, where, false) as MatcherName;
  const at = `${where}.${matcher}`;
  switch (matcher) {
    case 'equalTo': {
      const raw = pattern.equalTo;
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
        throw new PatternError(`${at}: must be a string, got ${kind(raw)}`);
      const expected = String(raw);
      if (pattern.caseInsensitive === true) {
        const lower = expected.toLowerCase();
        return (v) => v !== undefined && v.toLowerCase() === lower;
      }
      return (v) => v === expected;
    }
    case 'contains': {
      const part = stringOperand(pattern, matcher, where);
      return (v) => v?.includes(part) === true;
    }
    case 'doesNotContain': {
      const part = stringOperand(pattern, matcher, where);
      return (v) => v !== undefined && !v.includes(part);
    }
    case 'matches': {
      const re = wholeMatch(pattern.matches, at);
      return (v) => v !== undefined && re.test(v);
    }
    case 'doesNotMatch': {
      const re = wholeMatch(pattern.doesNotMatch, at);
      return (v) => v !== undefined && !re.test(v);
    }
    case 'absent': {
      const absent = pattern.absent;
      if (typeof absent !== 'boolean')
        throw new PatternError(`${at}: must be true or false, got ${kind(absent)}`);
      return absent ? (v) => v === undefined : (v) => v !== undefined;
    }
    case 'equalToJson': {
      state.json = true;
      return compileEqualToJson(pattern, at);
    }
    case 'matchesJsonPath': {
      state.json = true;
      return compileMatchesJsonPath(pattern.matchesJsonPath, at, state);
    }
    case 'and':
    case 'or': {
      const list = pattern[matcher];
      if (!Array.isArray(list) || list.length === 0)
        throw new PatternError(
          `${at}: must be a non-empty array of content patterns, got ${kind(list)}`,
        );
      const tests = list.map((p, i) => compileContent(p, `${at}[${i}]`, state));
      return matcher === 'and'
        ? (v, slot) => tests.every((t) => t(v, slot))
        : (v, slot) => tests.some((t) => t(v, slot));
    }
    case 'not': {
      const inner = compileContent(pattern.not, at, state);
      return (v, slot) => v !== undefined && !inner(v, slot);
    }
  }
}

// --- equalToJson -----------------------------------------------------------------------------

/** A compiled expected JSON value: whether an actual (parsed) value equals it. */
type JsonTest = (actual: unknown) => boolean;

interface JsonOptions {
  readonly ignoreArrayOrder: boolean;
  readonly ignoreExtraElements: boolean;
}

/** How JsonUnit placeholders begin (built so that it is not read as a template). */
const PLACEHOLDER = `$${'{'}json-unit.`;

/** `equalToJson`: the value is JSON equal to the expected one, under the modifiers. */
function compileEqualToJson(pattern: Json, where: string): ValueTest {
  let expected = pattern.equalToJson;
  if (expected === undefined) throw new PatternError(`${where}: must be JSON, got undefined`);
  if (typeof expected === 'string') {
    try {
      expected = JSON.parse(expected);
    } catch (e) {
      throw new PatternError(`${where}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const test = compileJson(
    expected,
    {
      ignoreArrayOrder: pattern.ignoreArrayOrder === true,
      ignoreExtraElements: pattern.ignoreExtraElements === true,
    },
    where,
  );
  return (v, slot) => {
    if (v === undefined) return false;
    const parsed = jsonOf(v, slot);
    return parsed.state === 1 && test(parsed.value);
  };
}

/** Compiles an expected JSON value (with JsonUnit's placeholders, as WireMock allows them). */
function compileJson(expected: unknown, opts: JsonOptions, where: string): JsonTest {
  if (typeof expected === 'string') {
    if (!expected.startsWith(PLACEHOLDER)) return (a) => a === expected;
    return compilePlaceholder(expected, where);
  }
  if (typeof expected === 'number' || typeof expected === 'boolean' || expected === null)
    return (a) => a === expected;
  if (Array.isArray(expected)) {
    const items = expected.map((e, i) => compileJson(e, opts, `${where}[${i}]`));
    return compileArray(items, opts);
  }
  if (isObject(expected)) {
    const entries = Object.entries(expected).map(
      ([k, e]) => [k, compileJson(e, opts, `${where}.${k}`)] as const,
    );
    const count = entries.length;
    const extra = opts.ignoreExtraElements;
    return (a) => {
      if (!isObject(a)) return false;
      for (const [k, test] of entries) if (!Object.hasOwn(a, k) || !test(a[k])) return false;
      return extra || Object.keys(a).length === count;
    };
  }
  throw new PatternError(`${where}: not a JSON value (${kind(expected)})`);
}

/** JsonUnit's type placeholders, by name (`${json-unit.<name>}`). */
const PLACEHOLDERS: Readonly<Record<string, JsonTest>> = {
  ignore: () => true,
  'any-string': (a) => typeof a === 'string',
  'any-number': (a) => typeof a === 'number',
  'any-boolean': (a) => typeof a === 'boolean',
};
const REGEX_PLACEHOLDER = `${PLACEHOLDER}regex}`;

/** A JsonUnit placeholder: `${json-unit.ignore}`, `.any-string`, `.any-number`, `.any-boolean`, `.regex`. */
function compilePlaceholder(expected: string, where: string): JsonTest {
  if (expected.startsWith(REGEX_PLACEHOLDER)) {
    const re = wholeMatch(expected.slice(REGEX_PLACEHOLDER.length), where);
    return (a) => typeof a === 'string' && re.test(a);
  }
  const name = expected.endsWith('}') ? expected.slice(PLACEHOLDER.length, -1) : '';
  const test = Object.hasOwn(PLACEHOLDERS, name) ? PLACEHOLDERS[name] : undefined;
  if (test !== undefined) return test;
  throw new PatternError(
    `${where}: placeholder "${expected}" is not supported by churnmock (use ${Object.keys(
      PLACEHOLDERS,
    )
      .map((n) => `${PLACEHOLDER}${n}}`)
      .join(', ')} or ${REGEX_PLACEHOLDER}…)`,
  );
}

/**
 * An expected array. WireMock's `ignoreExtraElements` also lets the actual array have more
 * items; `ignoreArrayOrder` pairs expected and actual items one to one in any order.
 */
function compileArray(items: readonly JsonTest[], opts: JsonOptions): JsonTest {
  const n = items.length;
  const extra = opts.ignoreExtraElements;
  const inOrder = (a: readonly unknown[]): boolean => {
    for (let i = 0; i < n; i++) if (!(items[i] as JsonTest)(a[i])) return false;
    return true;
  };
  if (!opts.ignoreArrayOrder)
    return (a) => Array.isArray(a) && (extra ? a.length >= n : a.length === n) && inOrder(a);
  return (a) => {
    if (!Array.isArray(a) || (extra ? a.length < n : a.length !== n)) return false;
    return inOrder(a) || pairUp(items, a);
  };
}

/**
 * Whether every expected item can be paired with its own actual item (a bipartite matching,
 * by augmenting paths, with each comparison made at most once).
 */
function pairUp(items: readonly JsonTest[], actual: readonly unknown[]): boolean {
  const m = actual.length;
  const fits = new Int8Array(items.length * m); // 0: not compared yet, 1: fits, 2: does not
  const owner = new Int32Array(m).fill(-1);
  const pairs = (i: number, j: number): boolean => {
    const k = i * m + j;
    if (fits[k] === 0) fits[k] = (items[i] as JsonTest)(actual[j]) ? 1 : 2;
    return fits[k] === 1;
  };
  const assign = (i: number, seen: Uint8Array): boolean => {
    for (let j = 0; j < m; j++) {
      if (seen[j] || !pairs(i, j)) continue;
      seen[j] = 1;
      const prev = owner[j] as number;
      if (prev < 0 || assign(prev, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < items.length; i++) if (!assign(i, new Uint8Array(m))) return false;
  return true;
}

// --- matchesJsonPath -------------------------------------------------------------------------

/** One step of a compiled JSONPath: a plain path, or a Jayway filter. */
type PathStep =
  | { readonly filter: false; readonly path: string }
  | { readonly filter: true; readonly path: string; readonly deep: boolean };

/** A compiled JSONPath expression. */
interface PathPlan {
  readonly steps: readonly PathStep[];
  /** Whether the path selects one value at most (Jayway's "definite" path). */
  readonly definite: boolean;
  /** A trailing `length()` / `size()`. */
  readonly length: boolean;
}

/** Jayway filter operators jsonpath-plus has no counterpart for. */
const JAYWAY_OPERATORS = /(?:^|[\s)])(in|nin|subsetof|anyof|noneof|size|empty)(?=[\s([])/;
/** `@… =~ /regex/flags`, Jayway's whole-value regex match in a filter. */
const REGEX_FILTER =
  /(@(?:\.[\w$]+|\[(?:\d+|'[^']*'|"[^"]*")\])*)\s*=~\s*\/((?:\\.|[^/\\\n])+)\/([a-zA-Z]*)/g;

/** The `Script` class jsonpath-plus's safe evaluator compiles filters with, when it exposes it. */
const SafeScript = (
  JSONPath as unknown as { prototype?: { safeVm?: { Script?: new (code: string) => unknown } } }
).prototype?.safeVm?.Script;

/** Evaluates `path` (a string jsonpath-plus parses back to the same steps) on `json`. */
function select(path: string, json: unknown): unknown[] {
  // jsonpath-plus selects nothing in a falsy document (0, false, '', null): the root is itself.
  if (path === '$') return [json];
  return (
    JSONPath<unknown[] | undefined>({
      path,
      json: json as object,
      wrap: true,
      eval: 'safe',
      ignoreEvalErrors: true,
    }) ?? []
  );
}

/** Compiles a JSONPath expression into steps jsonpath-plus evaluates with Jayway's semantics. */
function compilePath(raw: unknown, where: string): PathPlan {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new PatternError(
      `${where}: a JSONPath expression must be a non-empty string, got ${kind(raw)}`,
    );
  let expr = raw.trim();
  // Jayway reads a path that does not start at the root as one that does.
  if (expr.startsWith('@')) expr = `$${expr.slice(1)}`;
  else if (expr.startsWith('[')) expr = `$${expr}`;
  else if (!expr.startsWith('$')) expr = `$.${expr}`;
  checkBalanced(expr, raw, where);
  const segments = JSONPath.toPathArray(expr);
  if (segments[0] !== '$') throw new PatternError(`${where}: invalid JSONPath expression "${raw}"`);
  let length = false;
  const last = segments.at(-1) as string;
  if (segments.length > 1 && /^(?:length|size)\(\)$/.test(last)) {
    length = true;
    segments.pop();
  }
  for (const s of segments)
    if (/^[A-Za-z]\w*\(.*\)$/.test(s))
      throw new PatternError(
        `${where}: JSONPath function "${s}" is not supported by churnmock (length() and size() are, at the end)`,
      );
  const rest = segments.slice(1);
  const definite = rest.every(
    (s) => s !== '*' && s !== '..' && !/^[?(@~^]/.test(s) && !s.includes(',') && !s.includes(':'),
  );
  const hasFilter = rest.some((s) => s.startsWith('?('));
  if (!hasFilter && !length) {
    for (const s of rest) if (s.startsWith('(')) checkScript(s, raw, where);
    return { steps: [{ filter: false, path: expr }], definite, length };
  }
  const steps: PathStep[] = [];
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length > 0) steps.push({ filter: false, path: rebuild(chunk, raw, where) });
    chunk = [];
  };
  for (const s of rest) {
    if (!s.startsWith('?(')) {
      if (s.startsWith('(')) checkScript(s, raw, where);
      chunk.push(s);
      continue;
    }
    const deep = chunk.at(-1) === '..';
    if (deep) chunk.pop();
    flush();
    const filter = jaywayFilter(s, raw, where);
    const path = `$[${filter}]`;
    const back = JSONPath.toPathArray(path);
    if (back.length !== 2 || back[1] !== filter)
      throw new PatternError(`${where}: JSONPath filter "${s}" is not supported by churnmock`);
    steps.push({ filter: true, path, deep });
  }
  flush();
  return { steps, definite, length };
}

/** Brackets and parentheses of `expr` (outside quotes) close in order. */
function checkBalanced(expr: string, raw: string, where: string): void {
  const open: string[] = [];
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '=' && expr[i + 1] === '~') {
      // A filter's `=~ /regex/`: its brackets are the regex's own.
      const literal = /^=~\s*\/(?:\\.|[^/\\\n])+\//.exec(expr.slice(i));
      if (literal) i += literal[0].length - 1;
    } else if (c === '[' || c === '(') open.push(c === '[' ? ']' : ')');
    else if (c === ']' || c === ')') {
      if (open.pop() !== c)
        throw new PatternError(`${where}: invalid JSONPath expression "${raw}": unbalanced "${c}"`);
    }
  }
  if (quote || open.length > 0)
    throw new PatternError(
      `${where}: invalid JSONPath expression "${raw}": unclosed ${quote ? 'quote' : `"${open.at(-1) === ']' ? '[' : '('}"`}`,
    );
}

/** A path string for `segments` (after the root) that jsonpath-plus parses back to them. */
function rebuild(segments: readonly string[], raw: string, where: string): string {
  const all = ['$', ...segments];
  const path = JSONPath.toPathString(all);
  const back = JSONPath.toPathArray(path);
  if (back.length !== all.length || back.some((s, i) => s !== all[i]))
    throw new PatternError(`${where}: JSONPath expression "${raw}" is not supported by churnmock`);
  return path;
}

/** A Jayway filter segment `?(…)` in jsonpath-plus's syntax, its script checked. */
function jaywayFilter(segment: string, raw: string, where: string): string {
  const blanked = segment
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, "''")
    .replace(/=~\s*\/(?:\\.|[^/\\\n])+\/[a-zA-Z]*/g, '=~ //');
  const op = JAYWAY_OPERATORS.exec(blanked);
  if (op)
    throw new PatternError(
      `${where}: JSONPath filter operator "${op[1]}" in "${raw}" is not supported by churnmock`,
    );
  const rewritten = segment
    .replace(REGEX_FILTER, (_m, lhs: string, source: string, flags: string) => {
      let js = '';
      for (const f of flags) {
        const flag = INLINE_FLAGS[f.toLowerCase()];
        if (flag === undefined)
          throw new PatternError(`${where}: regex flag "${f}" in "${raw}" is not supported`);
        if (!js.includes(flag)) js += flag;
      }
      const re = `^(?:${source})$`;
      try {
        new RegExp(re, js);
      } catch (e) {
        throw new PatternError(
          `${where}: invalid regular expression "${source}" in "${raw}": ${(e as Error).message}`,
        );
      }
      return `(typeof ${lhs} === 'string' && /${re}/${js}.test(${lhs}))`;
    })
    .replace(/\.(?:size|length)\(\)/g, '.length');
  checkScript(rewritten, raw, where);
  return rewritten;
}

/** Parses a filter's or a script segment's code as jsonpath-plus's safe evaluator will. */
function checkScript(segment: string, raw: string, where: string): void {
  if (SafeScript === undefined) return;
  let code = segment.startsWith('?(') ? segment.slice(2, -1) : segment;
  // A filter nested in a filter is evaluated by jsonpath-plus itself, not as one script.
  if (code.includes('[?(')) return;
  code = code
    .replaceAll('@parentProperty', '_$_parentProperty')
    .replaceAll('@parent', '_$_parent')
    .replaceAll('@property', '_$_property')
    .replaceAll('@root', '_$_root')
    .replaceAll('@path', '_$_path')
    .replaceAll(/@(?=[.\s)[])/g, '_$_v');
  try {
    new SafeScript(code);
  } catch (e) {
    throw new PatternError(
      `${where}: invalid JSONPath filter "${segment}" in "${raw}": ${(e as Error).message}`,
    );
  }
}

/** Every object node of `value` (itself included), as Jayway's deep scan visits them for a filter. */
function objectNodes(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const v of value) objectNodes(v, out);
  } else if (isObject(value)) {
    out.push(value);
    for (const v of Object.values(value)) objectNodes(v, out);
  }
}

/** What `plan` selects in `doc`. */
function evaluate(plan: PathPlan, doc: unknown): unknown[] {
  let current: unknown[] = [doc];
  for (const step of plan.steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (!step.filter) {
        for (const r of select(step.path, v)) next.push(r);
      } else if (step.deep) {
        const nodes: unknown[] = [];
        objectNodes(v, nodes);
        for (const node of nodes) if (select(step.path, [node]).length > 0) next.push(node);
      } else if (Array.isArray(v)) {
        for (const r of select(step.path, v)) next.push(r);
      } else if (isObject(v)) {
        // Jayway tests an object itself, where jsonpath-plus would test its members.
        if (select(step.path, [v]).length > 0) next.push(v);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  if (!plan.length) return current;
  if (!plan.definite) return [current.length];
  const out: number[] = [];
  for (const v of current) {
    if (typeof v === 'string' || Array.isArray(v)) out.push(v.length);
    else if (isObject(v)) out.push(Object.keys(v).length);
  }
  return out;
}

/** A selected value as WireMock hands it to a sub-pattern: strings as is, others as JSON. */
function stringify(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `matchesJsonPath`: a string expression, or `{ expression, <content pattern> }`. */
function compileMatchesJsonPath(spec: unknown, where: string, state: CompileState): ValueTest {
  let expression: unknown = spec;
  let sub: ValueTest | null = null;
  if (isObject(spec)) {
    expression = spec.expression;
    if (expression === undefined)
      throw new PatternError(`${where}: an object needs "expression" (a JSONPath string)`);
    const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'expression'));
    if (Object.keys(rest).length > 0) sub = compileContent(rest, where, state);
  } else if (typeof spec !== 'string') {
    throw new PatternError(
      `${where}: must be a JSONPath string or { "expression": …, <content pattern> }, got ${kind(spec)}`,
    );
  }
  const plan = compilePath(expression, isObject(spec) ? `${where}.expression` : where);
  const run = (v: string | undefined, slot: JsonSlot | undefined): unknown[] | null => {
    if (v === undefined) return null;
    const parsed = jsonOf(v, slot);
    if (parsed.state !== 1) return null;
    try {
      return evaluate(plan, parsed.value);
    } catch {
      return null;
    }
  };
  if (sub === null) {
    const definite = plan.definite;
    return (v, slot) => {
      const found = run(v, slot);
      if (found === null || found.length === 0) return false;
      if (!definite) return true;
      const one = found[0];
      if (one === null || one === undefined) return false;
      if (Array.isArray(one)) return one.length > 0;
      if (isObject(one)) return Object.keys(one).length > 0;
      return true;
    };
  }
  const test = sub;
  return (v, slot) => {
    const found = run(v, slot);
    if (found === null) return false;
    // Nothing selected (or a null) is a missing value: only `absent: true` matches it.
    if (found.length === 0) return test(undefined, undefined);
    for (const x of found) {
      if (x === null || x === undefined) {
        if (test(undefined, undefined)) return true;
        continue;
      }
      const text = stringify(x);
      const parsed: JsonSlot = typeof x === 'string' ? newSlot(text) : { text, state: 1, value: x };
      if (test(text, parsed)) return true;
    }
    return false;
  };
}

// --- Multi-valued parameters -----------------------------------------------------------------

/** The values of a query parameter, header or cookie (undefined when it is not there). */
type Values = string | readonly string[] | undefined;
type ValuesTest = (values: Values) => boolean;

/**
 * A pattern for a query parameter, header or cookie: a content pattern any value may match,
 * or `hasExactly` / `includes`, arrays of content patterns over all of its values.
 */
function compileMulti(pattern: unknown, where: string, state: CompileState): ValuesTest {
  if (isObject(pattern) && (pattern.hasExactly !== undefined || pattern.includes !== undefined)) {
    const matcher = matcherOf(pattern, where, true);
    const list = pattern[matcher];
    if (!Array.isArray(list) || list.length === 0)
      throw new PatternError(
        `${where}.${matcher}: must be a non-empty array of content patterns, got ${kind(list)}`,
      );
    const tests = list.map((p, i) => compileContent(p, `${where}.${matcher}[${i}]`, state));
    const exactly = matcher === 'hasExactly';
    return (values) => {
      if (values === undefined) return false;
      const all = typeof values === 'string' ? [values] : values;
      if (all.length === 0) return false;
      if (exactly && all.length !== tests.length) return false;
      return tests.every((t) => all.some((v) => t(v, undefined)));
    };
  }
  const test = compileContent(pattern, where, state);
  return (values) => {
    if (values === undefined) return test(undefined, undefined);
    if (typeof values === 'string') return test(values, undefined);
    if (values.length === 0) return test(undefined, undefined);
    for (const v of values) if (test(v, undefined)) return true;
    return false;
  };
}

/** The cookies of a Cookie header, every value of a repeated name. */
function parseCookies(header: Values): Map<string, string[]> {
  const jar = new Map<string, string[]>();
  if (header === undefined) return jar;
  for (const line of typeof header === 'string' ? [header] : header)
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim();
      if (name === '') continue;
      const value = part.slice(eq + 1).trim();
      const values = jar.get(name);
      if (values) values.push(value);
      else jar.set(name, [value]);
    }
  return jar;
}

/** The host name and port of a Host header (port 80 when none: churnmock serves plain HTTP). */
function hostOf(header: Values): { host: string | undefined; port: number | undefined } {
  const value = typeof header === 'string' ? header : header?.[0];
  if (value === undefined || value === '') return { host: undefined, port: undefined };
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value.trim());
  if (!m) return { host: value, port: undefined };
  return { host: m[1] as string, port: m[2] === undefined ? 80 : Number(m[2]) };
}

// --- Request patterns ------------------------------------------------------------------------

const URL_KINDS = ['url', 'urlPattern', 'urlPath', 'urlPathPattern'] as const;
const REQUEST_KEYS = [
  'method',
  ...URL_KINDS,
  'queryParameters',
  'headers',
  'cookies',
  'basicAuthCredentials',
  'bodyPatterns',
  'scheme',
  'host',
  'port',
];
const UNSUPPORTED_KEYS = [
  'customMatcher',
  'multipartPatterns',
  'formParameters',
  'pathParameters',
  'urlPathTemplate',
];

/** A `{ name: pattern }` map of a request pattern, each compiled. */
function namedPatterns(
  map: unknown,
  key: string,
  state: CompileState,
): Array<readonly [string, ValuesTest]> {
  if (!isObject(map))
    throw new PatternError(
      `${key}: must be an object of { name: content pattern }, got ${kind(map)}`,
    );
  return Object.entries(map).map(([name, p]) => [name, compileMulti(p, `${key}.${name}`, state)]);
}

/** Compiles a WireMock request pattern into a predicate; throws PatternError on a bad pattern. */
export function compileRequestPattern(pattern: unknown): RequestMatcher {
  if (!isObject(pattern))
    throw new PatternError(`a request pattern must be a JSON object, got ${kind(pattern)}`);
  const keys = Object.keys(pattern).filter((k) => pattern[k] !== undefined);
  const unsupported = keys.filter((k) => UNSUPPORTED_KEYS.includes(k));
  if (unsupported.length > 0)
    throw new PatternError(`${quoted(unsupported)}: not supported by churnmock`);
  const unknown = keys.filter((k) => !REQUEST_KEYS.includes(k));
  if (unknown.length > 0)
    throw new PatternError(
      `unknown key${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} (a request pattern takes ${REQUEST_KEYS.join(', ')})`,
    );
  const state: CompileState = { json: false };

  // The method and the URL, checked first.
  let method: string | null = null;
  if (pattern.method !== undefined) {
    if (typeof pattern.method !== 'string' || pattern.method === '')
      throw new PatternError(`method: must be a method name or "ANY", got ${kind(pattern.method)}`);
    const upper = pattern.method.toUpperCase();
    if (upper !== 'ANY') method = upper;
  }
  const kinds = URL_KINDS.filter((k) => pattern[k] !== undefined);
  if (kinds.length > 1)
    throw new PatternError(`${quoted(kinds)}: give at most one of ${URL_KINDS.join(', ')}`);
  let url: RequestMatcher | null = null;
  const urlKind = kinds[0];
  if (urlKind !== undefined) {
    const value = pattern[urlKind];
    if (typeof value !== 'string')
      throw new PatternError(`${urlKind}: must be a string, got ${kind(value)}`);
    if (urlKind === 'url') url = (req) => req.url === value;
    else if (urlKind === 'urlPath') url = (req) => req.path === value;
    else {
      const re = wholeMatch(value, urlKind);
      url = urlKind === 'urlPattern' ? (req) => re.test(req.url) : (req) => re.test(req.path);
    }
  }

  const checks: RequestMatcher[] = [];

  // Scheme, host and port, from the Host header.
  if (pattern.scheme !== undefined) {
    const scheme = pattern.scheme;
    if (typeof scheme !== 'string' || !/^https?$/i.test(scheme))
      throw new PatternError(`scheme: must be "http" or "https", got ${kind(scheme)}`);
    // churnmock serves plain HTTP only: an https request never reaches it.
    if (scheme.toLowerCase() === 'https') checks.push(() => false);
  }
  if (pattern.host !== undefined) {
    const test = compileContent(
      typeof pattern.host === 'string' ? { equalTo: pattern.host } : pattern.host,
      'host',
      state,
    );
    checks.push((req) => test(hostOf(own(req.headers, 'host')).host, undefined));
  }
  if (pattern.port !== undefined) {
    const port = pattern.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new PatternError(`port: must be an integer from 1 to 65535, got ${kind(port)}`);
    checks.push((req) => hostOf(own(req.headers, 'host')).port === port);
  }

  if (pattern.queryParameters !== undefined)
    for (const [name, test] of namedPatterns(pattern.queryParameters, 'queryParameters', state))
      checks.push((req) => test(own(req.query, name)));

  if (pattern.headers !== undefined)
    for (const [name, test] of namedPatterns(pattern.headers, 'headers', state)) {
      const lower = name.toLowerCase();
      checks.push((req) => test(own(req.headers, lower)));
    }

  if (pattern.basicAuthCredentials !== undefined) {
    const creds = pattern.basicAuthCredentials;
    if (!isObject(creds))
      throw new PatternError(
        `basicAuthCredentials: must be { "username": …, "password": … }, got ${kind(creds)}`,
      );
    const extra = Object.keys(creds).filter((k) => k !== 'username' && k !== 'password');
    if (extra.length > 0)
      throw new PatternError(
        `basicAuthCredentials: unknown key ${quoted(extra)} (it takes username, password)`,
      );
    for (const k of ['username', 'password'])
      if (typeof creds[k] !== 'string')
        throw new PatternError(
          `basicAuthCredentials.${k}: must be a string, got ${kind(creds[k])}`,
        );
    const token = Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64');
    const basic = /^basic\s+(\S+)\s*$/i;
    checks.push((req) => {
      const header = own(req.headers, 'authorization');
      const value = typeof header === 'string' ? header : header?.[0];
      return value !== undefined && basic.exec(value)?.[1] === token;
    });
  }

  if (pattern.cookies !== undefined) {
    const cookies = namedPatterns(pattern.cookies, 'cookies', state);
    if (cookies.length > 0)
      checks.push((req) => {
        const jar = parseCookies(own(req.headers, 'cookie'));
        for (const [name, test] of cookies) if (!test(jar.get(name))) return false;
        return true;
      });
  }

  // The body, checked last.
  if (pattern.bodyPatterns !== undefined) {
    const list = pattern.bodyPatterns;
    if (!Array.isArray(list))
      throw new PatternError(
        `bodyPatterns: must be an array of content patterns, got ${kind(list)}`,
      );
    const bodyState: CompileState = { json: false };
    const tests = list.map((p, i) => compileContent(p, `bodyPatterns[${i}]`, bodyState));
    const json = bodyState.json;
    if (tests.length > 0)
      checks.push((req) => {
        const body = req.body;
        const slot = json ? newSlot(body) : undefined;
        for (const t of tests) if (!t(body, slot)) return false;
        return true;
      });
  }

  const m = method;
  const u = url;
  if (checks.length === 0) {
    if (u === null) return m === null ? () => true : (req) => sameMethod(req.method, m);
    return m === null ? u : (req) => sameMethod(req.method, m) && u(req);
  }
  return (req) => {
    if (m !== null && !sameMethod(req.method, m)) return false;
    if (u !== null && !u(req)) return false;
    for (const check of checks) if (!check(req)) return false;
    return true;
  };
}

/** A request's method (upper case, as Node's parser gives it) against the pattern's. */
function sameMethod(actual: string, expected: string): boolean {
  return actual === expected;
}

/** Compiles one content pattern (as a header, query parameter or body pattern) into a test of one value. */
export function compileValuePattern(
  pattern: unknown,
  where: string,
): (value: string | undefined) => boolean {
  const test = compileContent(pattern, where, { json: false });
  return (value) => test(value, undefined);
}
