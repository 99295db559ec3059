import { stripVTControlCharacters } from 'node:util';

/**
 * Whether output to `stream` may carry ANSI colours: it is a terminal and `NO_COLOR` is not set
 * (https://no-color.org: any value but the empty string turns colours off).
 */
export function coloursAllowed(stream: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (stream as { isTTY?: boolean } | null)?.isTTY === true;
}

/**
 * A line-buffered pass-through to `write` for text arriving in chunks (a child's output): ANSI
 * escape codes are removed unless `colours`; a sequence split across chunks is never cut.
 */
export function ansiFilter(write: (text: string) => void, colours: boolean) {
  let rest = '';
  const emit = (text: string) => {
    if (text) write(colours ? text : stripVTControlCharacters(text));
  };
  return {
    push(chunk: string): void {
      const text = rest + chunk;
      const end = text.lastIndexOf('\n') + 1;
      rest = text.slice(end);
      emit(text.slice(0, end));
    },
    end(): void {
      emit(rest);
      rest = '';
    },
  };
}
