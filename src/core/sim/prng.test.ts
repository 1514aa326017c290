import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

const draw = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.u32());

describe('Prng', () => {
  it.each([0, 1, 42, 0xffffffff, 123456789])(
    'seed %i: the same seed gives the same sequence',
    (seed) => {
      expect(draw(new Prng(seed), 100)).toEqual(draw(new Prng(seed), 100));
    },
  );

  it('different seeds give different sequences, even neighbouring ones', () => {
    const seqs = [0, 1, 2, 3, 1000].map((s) => draw(new Prng(s), 8).join(','));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Not merely shifted copies of each other either.
    const a = draw(new Prng(1), 50);
    const b = draw(new Prng(2), 50);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
  });

  it('seeds are taken modulo 2^32', () => {
    expect(draw(new Prng(2 ** 32 + 5), 10)).toEqual(draw(new Prng(5), 10));
    expect(draw(new Prng(-1), 10)).toEqual(draw(new Prng(0xffffffff), 10));
  });

  it('u32 yields unsigned 32-bit integers', () => {
    const p = new Prng(7);
    for (const x of draw(p, 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it('float is in [0, 1)', () => {
    const p = new Prng(9);
    for (let i = 0; i < 1000; i++) {
      const f = p.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
  });

  it.each([
    { lo: 0, hi: 0 },
    { lo: 1, hi: 6 },
    { lo: -5, hi: 5 },
    { lo: 32768, hi: 60999 },
    { lo: 0, hi: 1 },
  ])('int($lo, $hi) stays within the bounds, inclusive, and reaches both ends', ({ lo, hi }) => {
    const p = new Prng(lo * 31 + hi);
    const seen = new Set<number>();
    const n = Math.min(20_000, (hi - lo + 1) * 200);
    for (let i = 0; i < n; i++) {
      const x = p.int(lo, hi);
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(lo);
      expect(x).toBeLessThanOrEqual(hi);
      seen.add(x);
    }
    if (hi - lo < 20) {
      // Small ranges: every value shows up.
      expect(seen.size).toBe(hi - lo + 1);
    } else {
      expect(Math.min(...seen)).toBeLessThan(lo + (hi - lo) / 100);
      expect(Math.max(...seen)).toBeGreaterThan(hi - (hi - lo) / 100);
    }
  });

  it('int is roughly uniform (a die)', () => {
    const p = new Prng(2024);
    const counts = [0, 0, 0, 0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[p.int(1, 6) - 1]!++;
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(n / 6 / 10);
  });

  it('chance(0) and chance(1) draw nothing, so a lossless link consumes no randomness', () => {
    const a = new Prng(5);
    const b = new Prng(5);
    expect(a.chance(0)).toBe(false);
    expect(a.chance(-1)).toBe(false);
    expect(a.chance(1)).toBe(true);
    expect(draw(a, 10)).toEqual(draw(b, 10));
  });

  it('chance(p) for 0 < p < 1 draws once and is true about p of the time', () => {
    const a = new Prng(6);
    const b = new Prng(6);
    a.chance(0.5);
    b.u32();
    expect(draw(a, 5)).toEqual(draw(b, 5));
    const p = new Prng(77);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (p.chance(0.25)) hits++;
    expect(hits / 20_000).toBeGreaterThan(0.23);
    expect(hits / 20_000).toBeLessThan(0.27);
  });
});
