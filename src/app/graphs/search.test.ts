import { describe, expect, it } from 'vitest';
import { lowerBound, stepRange, upperBound } from './search';

describe('binary search on sorted times', () => {
  const a = [1, 2, 2, 2, 5, 8];
  it.each([
    [0, 0, 0],
    [1, 0, 1],
    [2, 1, 4],
    [3, 4, 4],
    [8, 5, 6],
    [9, 6, 6],
  ])('x = %d: lowerBound %d, upperBound %d', (x, lo, hi) => {
    expect(lowerBound(a, x)).toBe(lo);
    expect(upperBound(a, x)).toBe(hi);
  });

  it('searches within [lo, hi) and typed arrays too', () => {
    expect(lowerBound(a, 2, 2)).toBe(2);
    expect(upperBound(a, 100, 0, 3)).toBe(3);
    expect(lowerBound(new Float64Array([0.5, 1.5]), 1)).toBe(1);
  });

  it('agrees with a scan on random sorted arrays', () => {
    let x = 7;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 50; n++) {
      const arr = Array.from({ length: n }, () => Math.floor(rnd() * 20)).sort((p, q) => p - q);
      for (let v = -1; v <= 21; v++) {
        expect(lowerBound(arr, v)).toBe(arr.filter((e) => e < v).length);
        expect(upperBound(arr, v)).toBe(arr.filter((e) => e <= v).length);
      }
    }
  });

  it('a step range keeps the sample whose value holds at its start', () => {
    const t = [0, 10, 20, 30];
    expect(stepRange(t, 15, 25)).toEqual([1, 3]);
    expect(stepRange(t, 10, 10)).toEqual([1, 2]);
    expect(stepRange(t, -5, 5)).toEqual([0, 1]);
    expect(stepRange(t, 40, 50)).toEqual([3, 4]);
    expect(stepRange([], 0, 5)).toEqual([0, 0]);
  });
});
