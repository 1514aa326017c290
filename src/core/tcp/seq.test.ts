import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGe, seqGt, seqInRange, seqLe, seqLt, seqMax } from './seq';

const MAX = 0xffffffff;

describe('seqAdd', () => {
  it.each([
    { a: 0, n: 1, r: 1 },
    { a: MAX, n: 1, r: 0 },
    { a: MAX - 9, n: 20, r: 10 },
    { a: 5, n: -10, r: MAX - 4 },
    { a: 0, n: -1, r: MAX },
    { a: 123, n: 2 ** 32, r: 123 },
  ])('$a + $n = $r (mod 2^32)', ({ a, n, r }) => {
    expect(seqAdd(a, n)).toBe(r);
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (const [a, n] of [
      [MAX, MAX],
      [0, -(2 ** 31)],
      [2 ** 31, 2 ** 31],
    ] as const) {
      const r = seqAdd(a, n);
      expect(Number.isInteger(r)).toBe(true);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(MAX);
    }
  });
});

describe('seqDiff: signed distance on the circle', () => {
  it.each([
    { a: 10, b: 5, d: 5 },
    { a: 5, b: 10, d: -5 },
    { a: 5, b: MAX - 4, d: 10 },
    { a: MAX - 4, b: 5, d: -10 },
    { a: 0, b: MAX, d: 1 },
    { a: 7, b: 7, d: 0 },
    { a: 2 ** 31 - 1, b: 0, d: 2 ** 31 - 1 },
  ])('$a - $b = $d', ({ a, b, d }) => {
    expect(seqDiff(a, b)).toBe(d);
  });

  it('inverts seqAdd for distances below 2^31', () => {
    for (const a of [0, 1, 2 ** 31, MAX - 100, MAX]) {
      for (const n of [0, 1, 1000, -1000, 2 ** 31 - 1, -(2 ** 31)]) {
        expect(seqDiff(seqAdd(a, n), a)).toBe(n);
      }
    }
  });
});

describe('comparisons across the wrap', () => {
  // Each pair is (a, b) with a strictly before b on the circle.
  const before: readonly (readonly [number, number])[] = [
    [1, 2],
    [0, 1000],
    [MAX, 0],
    [MAX - 9, 10],
    [2 ** 31 - 1, 2 ** 31],
    [2 ** 31 + 5, 4],
    [0, 2 ** 31 - 1],
  ];

  it.each(before)('%i is before %i', (a, b) => {
    expect(seqLt(a, b)).toBe(true);
    expect(seqLe(a, b)).toBe(true);
    expect(seqGt(a, b)).toBe(false);
    expect(seqGe(a, b)).toBe(false);
    expect(seqLt(b, a)).toBe(false);
    expect(seqLe(b, a)).toBe(false);
    expect(seqGt(b, a)).toBe(true);
    expect(seqGe(b, a)).toBe(true);
    expect(seqMax(a, b)).toBe(b);
    expect(seqMax(b, a)).toBe(b);
  });

  it.each([0, 1, 2 ** 31, MAX])('%i equals itself', (a) => {
    expect(seqLt(a, a)).toBe(false);
    expect(seqGt(a, a)).toBe(false);
    expect(seqLe(a, a)).toBe(true);
    expect(seqGe(a, a)).toBe(true);
    expect(seqMax(a, a)).toBe(a);
  });

  it('plain numeric order would get the wrap wrong; modular order does not', () => {
    const a = MAX - 1;
    const b = seqAdd(a, 3); // 1
    expect(b < a).toBe(true);
    expect(seqLt(a, b)).toBe(true);
  });
});

describe('seqInRange: lo <= x < hi modulo 2^32', () => {
  it.each([
    { x: 5, lo: 0, hi: 10, r: true },
    { x: 0, lo: 0, hi: 10, r: true },
    { x: 10, lo: 0, hi: 10, r: false },
    { x: 11, lo: 0, hi: 10, r: false },
    { x: MAX, lo: 0, hi: 10, r: false },
    // A window spanning the wrap: [2^32 - 5, 5).
    { x: MAX - 4, lo: MAX - 4, hi: 5, r: true },
    { x: MAX, lo: MAX - 4, hi: 5, r: true },
    { x: 0, lo: MAX - 4, hi: 5, r: true },
    { x: 4, lo: MAX - 4, hi: 5, r: true },
    { x: 5, lo: MAX - 4, hi: 5, r: false },
    { x: MAX - 5, lo: MAX - 4, hi: 5, r: false },
    // Empty range.
    { x: 7, lo: 7, hi: 7, r: false },
  ])('$x in [$lo, $hi) → $r', ({ x, lo, hi, r }) => {
    expect(seqInRange(x, lo, hi)).toBe(r);
  });
});
