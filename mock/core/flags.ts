import { InvalidArgumentError } from 'commander';

/** A commander parser for an integer flag from `min` to `max` (decimal digits, or commander's error). */
export const integerFlag =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };

/** A commander parser for an http(s) URL flag; `name` starts its error message when given. */
export const httpUrlFlag =
  (name?: string) =>
  (v: string): string => {
    if (!/^https?:\/\/./.test(v))
      throw new InvalidArgumentError(`${name ? `${name} ` : ''}must be an http(s) URL.`);
    return v;
  };
