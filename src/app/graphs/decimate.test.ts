import { describe, expect, it } from 'vitest';
import { MarkColumnCache, StepColumns, extent, markColumns, stepPath } from './decimate';
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

  describe('column caches', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const series = (n: number) => {
      const t: number[] = [];
      const v: number[] = [];
      let x = 0;
      let y = 0;
      for (let i = 0; i < n; i++) {
        x += rnd() < 0.3 ? 0 : rnd() * 3;
        y += Math.round((rnd() - 0.3) * 100);
        t.push(x);
        v.push(i < 3 ? NaN : y);
      }
      return { t, v };
    };

    it('a step line from cached columns, folded frame by frame, is the one stepPath draws', () => {
      for (let run = 0; run < 20; run++) {
        const { t, v } = series(400);
        const end = t[t.length - 1]!;
        const xs2 = new Linear(0, end, 40, 340);
        const ys2 = new Linear(-5000, 5000, 200, 10);
        const cache = new StepColumns();
        for (const hi of [0, 10, 150, 151, 399, 400]) {
          cache.update(t, v, 0, hi, xs2);
          expect(cache.path(xs2, ys2, end)).toEqual(stepPath(t, v, 0, hi, xs2, ys2, end));
          expect(cache.extent()).toEqual(extent(v.slice(3), 0, Math.max(0, hi - 3)));
        }
        // The cursor went back: it starts over.
        cache.update(t, v, 0, 50, xs2);
        expect(cache.path(xs2, ys2, end)).toEqual(stepPath(t, v, 0, 50, xs2, ys2, end));
        // Another domain: it starts over too.
        const xs3 = new Linear(end / 4, end / 2, 40, 340);
        cache.update(t, v, 0, 400, xs3);
        expect(cache.path(xs3, ys2, end)).toEqual(stepPath(t, v, 0, 400, xs3, ys2, end));
      }
    });

    it('data marks from cached columns are the ones markColumns merges', () => {
      const { t } = series(3000);
      const seq = t.map((_, i) => i * 100);
      const end = seq.map((s) => s + 100);
      const flags = t.map((_, i) => (i % 17 === 0 ? 2 : 0));
      const xs2 = new Linear(0, t[t.length - 1]!, 50, 650);
      const cache = new MarkColumnCache();
      for (const hi of [5, 1000, 3000]) {
        cache.update(t, seq, end, flags, 0, hi, xs2);
        expect(cache.columns()).toEqual(markColumns(t, seq, end, flags, 0, hi, xs2));
        expect(cache.extent()).toEqual([0, end[hi - 1]]);
      }
    });
  });
});
