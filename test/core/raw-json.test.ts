import { describe, expect, it } from 'vitest';
import {
  compactPayload,
  payloadBytes,
  RawJson,
  slabText,
} from '../../mock/core/pipeline/raw-json.ts';

const pieces = (text: string, size: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; i += size) out.push(Buffer.from(text.slice(i, i + size)));
  return out;
};
const page = (n: number, tag: string) =>
  JSON.stringify({ data: Array.from({ length: n }, (_, i) => ({ id: `${tag}${i}`, é: 'ü' })) });

describe('compactPayload', () => {
  it('joins small pieces into one buffer with the same bytes, kept or only sent', () => {
    const text = page(40, 'a');
    const parts = pieces(text, 37);
    for (const kept of [true, false]) {
      const out = compactPayload(parts, payloadBytes(parts), kept);
      expect(Buffer.isBuffer(out)).toBe(true);
      expect((out as Buffer).toString('utf8')).toBe(text);
    }
    expect(new RawJson(parts).text()).toBe(text);
  });

  it('bodies only sent share buffers without overlapping: each keeps its bytes after many more', () => {
    // Enough bodies to fill several shared buffers (256 KB each), sizes not multiples of 8.
    const texts = Array.from({ length: 400 }, (_, i) => page(20 + (i % 13), `p${i}-`));
    const outs = texts.map((t) => {
      const parts = pieces(t, 29);
      return compactPayload(parts, payloadBytes(parts), false) as Buffer;
    });
    for (const [i, out] of outs.entries()) expect(out.toString('utf8')).toBe(texts[i]);
    expect(new Set(outs.map((o) => o.buffer)).size).toBeGreaterThan(1);
  });

  it('a body the cache keeps has a buffer of its own; large pages stay in pieces', () => {
    const parts = pieces(page(200, 'k'), 50);
    const bytes = payloadBytes(parts);
    const kept = compactPayload(parts, bytes, true) as Buffer;
    const sent = compactPayload(parts, bytes, false) as Buffer;
    expect(kept.buffer).not.toBe(sent.buffer);
    sent.fill(0);
    expect(kept.toString('utf8')).toBe(Buffer.concat(parts).toString('utf8'));
    const large = pieces(page(4000, 'L'), 1000);
    expect(compactPayload(large, payloadBytes(large), false)).toBe(large);
  });

  it('text in a shared slab (slabText, as Latin-1 or UTF-8) has its bytes; kept, it is copied out', () => {
    const ascii = Array.from({ length: 300 }, (_, i) => `{"date":"2024-01-${i % 28}"}`);
    const utf8 = Array.from({ length: 300 }, (_, i) => page(3 + (i % 5), `é${i}`));
    const outs = [...ascii.map((t) => slabText(t, 'latin1')), ...utf8.map((t) => slabText(t))];
    const texts = [...ascii, ...utf8];
    for (const [i, out] of outs.entries()) expect(out.toString('utf8')).toBe(texts[i]);
    // Several bodies share a buffer, none overlapping another (each read back above).
    expect(new Set(outs.map((o) => o.buffer)).size).toBeLessThan(outs.length);
    const one = slabText(page(10, 'x'));
    const kept = compactPayload([one], one.length, true) as Buffer;
    expect(kept.buffer).not.toBe(one.buffer);
    expect(kept.toString('utf8')).toBe(one.toString('utf8'));
    // Only sent, it is written from where it is.
    expect(compactPayload([one], one.length, false)).toBe(one);
    // Larger than a quarter of a slab: a buffer of its own.
    const big = 'x'.repeat(100_000);
    expect(slabText(big, 'latin1').buffer.byteLength).toBeLessThan(2 * 100_000);
    expect(slabText(big, 'latin1').toString('latin1')).toBe(big);
  });
});
