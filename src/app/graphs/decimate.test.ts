import { describe, expect, it } from 'vitest';
import { extent, markColumns, stepPath } from './decimate';
import { Linear } from './scale';

const pairs = (a: number[]): [number, number][] => {
  const out: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
};

describe('decimation per pixel column', () => {
  const xs = new Linear(0, 100, 0, 100);
  const ys = new Linear(0, 100, 100, 0);

  it('a step line: a level, then a step up at each sample, to the end time', () => {
    const p = pairs(stepPath([0, 50], [10, 20], 0, 2, xs, ys, 80));
    expect(p).toEqual([
      [NaN, NaN],
      [0, 90],
      [50, 90],
      [50, 80],
      [80, 80],
    ]);
  });

  it('many samples in one column become its first, lowest, highest and last', () => {
    const t = [10, 10.1, 10.2, 10.3, 10.4];
    const v = [5, 1, 9, 3, 4];
    const p = pairs(stepPath(t, v, 0, 5, xs, ys, 10.4));
    // In pixels (y grows down): first 5, then the span 9..1, then the last, 4.
    expect(p.slice(1)).toEqual([
      [10, 95],
      [10, 91],
      [10, 99],
      [10, 96],
      [10.4, 96],
    ]);
  });

  it('NaN (no value yet) breaks the line', () => {
    const p = pairs(stepPath([0, 10, 20], [NaN, 30, 40], 0, 3, xs, ys, 30));
    expect(p[0]).toEqual([NaN, NaN]);
    expect(p.filter(([x]) => Number.isNaN(x))).toHaveLength(1);
    expect(p[p.length - 1]).toEqual([30, 60]);
  });

  it('keeps its work to the columns: 100,000 samples over 100 px give a few hundred points', () => {
    const n = 100_000;
    const t = Array.from({ length: n }, (_, i) => i / 1000);
    const v = Array.from({ length: n }, (_, i) => i % 97);
    const p = stepPath(t, v, 0, n, xs, ys, 100);
    expect(p.length / 2).toBeLessThan(101 * 5 + 2);
  });

  it('clamps samples before the view to its left edge', () => {
    const p = pairs(stepPath([-500, 50], [10, 20], 0, 2, xs, ys, 100));
    expect(p[1]![0]).toBe(-1);
  });

  it('data marks merge per column, or-ing their flags', () => {
    const cols = markColumns([1, 1.2, 5], [0, 100, 200], [100, 200, 300], [0, 1, 2], 0, 3, xs);
    expect(cols).toEqual([
      { x: 1, lo: 0, hi: 200, flags: 1, n: 2 },
      { x: 5, lo: 200, hi: 300, flags: 2, n: 1 },
    ]);
  });

  it('extent skips NaN and is empty for an empty range', () => {
    expect(extent([3, NaN, 1, 7], 0, 4)).toEqual([1, 7]);
    expect(extent([3], 0, 0)).toEqual([Infinity, -Infinity]);
  });
});
