import { describe, expect, it } from 'vitest';
import { ansiFilter, coloursAllowed } from '../../mock/core/terminal.ts';

const ESC = String.fromCharCode(27);
const tty = { isTTY: true };

describe('coloursAllowed', () => {
  it.each([
    [tty, {}, true],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [{}, {}, false],
    [{ isTTY: false }, {}, false],
    [null, {}, false],
  ])('%j with %j: %s', (stream, env, allowed) => {
    expect(coloursAllowed(stream, env)).toBe(allowed);
  });
});

describe('ansiFilter', () => {
  const run = (chunks: string[], colours: boolean) => {
    const written: string[] = [];
    const f = ansiFilter((t) => written.push(t), colours);
    for (const c of chunks) f.push(c);
    f.end();
    return written.join('');
  };
  const text = `has status code ${ESC}[1m200${ESC}[0m (${ESC}[32mOK${ESC}[0m)\nlast`;

  it('strips escape codes, also one split across chunks', () => {
    const chunks = [text.slice(0, 18), text.slice(18, 40), text.slice(40)];
    expect(chunks[0]?.endsWith(`${ESC}[`)).toBe(true);
    expect(run(chunks, false)).toBe('has status code 200 (OK)\nlast');
  });

  it('keeps them when colours are wanted', () => {
    expect(run([text], true)).toBe(text);
  });
});
