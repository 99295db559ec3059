import { type Command, InvalidArgumentError } from 'commander';

/** The exit code of every usage error: an unknown option or command, a bad or missing value. */
export const USAGE_ERROR = 2;

/** Refuses a command's flags the way commander does: `error: <message>`, the hint, exit 2. */
export function usageError(cmd: Command, message: string): never {
  return cmd.error(`error: ${message}`, { exitCode: USAGE_ERROR, code: 'churnmock.usage' });
}

/**
 * A commander parser for an integer flag from `min` to `max`: decimal digits only (a `-` first
 * when `min` is negative), so `0x10`, `1e3`, `12.0`, `+5`, ` 12` and the empty string are
 * refused rather than read as numbers by `Number()`.
 */
export const integerFlag =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    const n = (min < 0 ? /^-?\d+$/ : /^\d+$/).test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${name} must be an integer from ${min} to ${max}, in decimal digits.`,
      );
    return n;
  };

/**
 * A commander parser for a decimal number flag above 0 and at most `max`: digits with an
 * optional fraction (`0.05`, `2`, `100`); no sign, exponent, hex, `Infinity` or blanks.
 */
export const positiveDecimalFlag =
  (name: string, max: number) =>
  (v: string): number => {
    const n = /^(\d+(\.\d+)?|\.\d+)$/.test(v) ? Number(v) : Number.NaN;
    if (!(n > 0 && n <= max))
      throw new InvalidArgumentError(
        `${name} must be a decimal number above 0 and at most ${max}, such as 0.5 or 2.`,
      );
    return n;
  };

/** A commander parser for an http(s) URL flag; `name` starts its error message when given. */
export const httpUrlFlag =
  (name?: string) =>
  (v: string): string => {
    if (!/^https?:\/\/./.test(v) || !URL.canParse(v))
      throw new InvalidArgumentError(`${name ? `${name} ` : ''}must be an http(s) URL.`);
    return v;
  };

/**
 * A commander parser for a repeatable http(s) URL flag: each value may list several URLs
 * separated by commas or spaces (so one environment variable can hold the list). With `max`,
 * more than that many different URLs in all is refused (a URL given twice counts once).
 */
export const httpUrlListFlag =
  (name?: string, max = Number.POSITIVE_INFINITY) =>
  (v: string, previous: readonly string[] = []): string[] => {
    const urls = v.split(/[\s,]+/).filter(Boolean);
    let all: string[];
    if (urls.length < 2) all = [...previous, httpUrlFlag(name)(v.trim())];
    else {
      const bad = urls.find((u) => !/^https?:\/\/./.test(u) || !URL.canParse(u));
      if (bad !== undefined)
        throw new InvalidArgumentError(
          `${name ? `${name} ` : ''}must be http(s) URLs; ${JSON.stringify(bad)} is not one.`,
        );
      all = [...previous, ...urls];
    }
    const count = new Set(all).size;
    if (count > max)
      throw new InvalidArgumentError(
        `${name ? `${name} ` : ''}takes at most ${max} different URLs in all; this makes ${count}.`,
      );
    return all;
  };
