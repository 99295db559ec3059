import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../generators/world.ts';

/**
 * The world's e-mail addresses are unique, and a repeated address is numbered as a set of
 * every address taken would number it: the n-th customer drawing `local@domain` gets it with
 * n after the local part (none for the first). Scale 20 (150,000 customers) draws ~11,000
 * addresses again, some many times, and draws addresses with nothing between the
 * names (counted by text, not by the names' parts).
 */
describe('world e-mail addresses', () => {
  const world = generateWorld({ seed: 42, asOf: Date.UTC(2025, 11, 31), scale: 20 });
  const emails = world.customers.map((c) => c.email);

  it('are unique', () => {
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('number a repeated address by how often it was drawn before', () => {
    const drawn = new Map<string, number>();
    let repeated = 0;
    let joined = 0;
    const wrong: string[] = [];
    for (const email of emails) {
      const m = /^([a-z._]*?)(\d*)@(.+)$/.exec(email);
      if (!m) {
        wrong.push(email);
        continue;
      }
      const [, local, digits, domain] = m as unknown as [string, string, string, string];
      const base = `${local}@${domain}`;
      const n = (drawn.get(base) ?? 0) + 1;
      drawn.set(base, n);
      if (digits !== (n === 1 ? '' : String(n))) wrong.push(`${email} (drawing ${n})`);
      if (n > 1) repeated++;
      if (!/[._]/.test(local)) joined++;
    }
    expect(wrong).toEqual([]);
    // The case the numbering is for: addresses drawn again, with and without a separator.
    expect(repeated).toBeGreaterThan(emails.length / 20);
    expect([...drawn.values()].some((n) => n > 3)).toBe(true);
    expect(joined).toBeGreaterThan(emails.length / 4);
  });

  it('are the same for the same seed and another for another seed', () => {
    const again = generateWorld({ seed: 42, asOf: Date.UTC(2025, 11, 31), scale: 1 });
    const other = generateWorld({ seed: 43, asOf: Date.UTC(2025, 11, 31), scale: 1 });
    expect(again.customers.map((c) => c.email)).toEqual(emails.slice(0, again.customers.length));
    expect(other.customers.map((c) => c.email)).not.toEqual(
      emails.slice(0, other.customers.length),
    );
  });
});
