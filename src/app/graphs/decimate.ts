/**
 * Series reduced to what a pixel column can show, so that a frame of a fitted
 * run of 100,000 segments draws about one shape per column, not one per
 * sample. Pure: pixel positions in, point lists out (the canvas only strokes).
 */
import type { Linear } from './scale';

/**
 * The points of a step line (a value that holds until the next sample) over
 * samples [lo, hi), ending at time `tEnd`: per pixel column, the step into it
 * and the span of values inside it. NaN values (no threshold, no RTT sample
 * yet) break the line: a NaN pair in the output starts a new path.
 */
export function stepPath(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  lo: number,
  hi: number,
  xs: Linear,
  ys: Linear,
  tEnd: number,
): number[] {
  const out: number[] = [];
  const xMin = Math.min(xs.r0, xs.r1) - 1;
  const xMax = Math.max(xs.r0, xs.r1) + 1;
  let col = NaN;
  let first = NaN;
  let min = NaN;
  let max = NaN;
  let last = NaN;
  let prev = NaN;
  const flush = () => {
    if (Number.isNaN(col)) return;
    if (!Number.isNaN(prev) && prev !== first) out.push(col, prev);
    else if (Number.isNaN(prev)) out.push(NaN, NaN);
    out.push(col, first);
    if (min !== first) out.push(col, min);
    if (max !== min) out.push(col, max);
    if (last !== max) out.push(col, last);
    prev = last;
  };
  for (let i = lo; i < hi; i++) {
    const val = v[i]!;
    const x = Math.round(Math.min(xMax, Math.max(xMin, xs.map(t[i]!))));
    if (Number.isNaN(val)) {
      flush();
      col = NaN;
      prev = NaN;
      continue;
    }
    const y = ys.map(val);
    if (x !== col) {
      flush();
      col = x;
      first = min = max = last = y;
    } else {
      if (y < min) min = y;
      if (y > max) max = y;
      last = y;
    }
  }
  flush();
  if (!Number.isNaN(prev)) {
    const xe = Math.min(xMax, Math.max(xMin, xs.map(tEnd)));
    if (xe > out[out.length - 2]!) out.push(xe, prev);
  }
  return out;
}

/** Data marks merged per pixel column: the span of sequence space sent, and what kinds it held. */
export interface MarkColumn {
  readonly x: number;
  /** Lowest start and highest end of the marks in the column (data values). */
  readonly lo: number;
  readonly hi: number;
  /** The marks' flags, or-ed. */
  readonly flags: number;
  /** How many marks. */
  readonly n: number;
}

export function markColumns(
  t: ArrayLike<number>,
  seq: ArrayLike<number>,
  end: ArrayLike<number>,
  flags: ArrayLike<number>,
  lo: number,
  hi: number,
  xs: Linear,
): MarkColumn[] {
  const out: MarkColumn[] = [];
  let cur: { x: number; lo: number; hi: number; flags: number; n: number } | null = null;
  for (let i = lo; i < hi; i++) {
    const x = Math.round(xs.map(t[i]!));
    if (!cur || cur.x !== x) {
      if (cur) out.push(cur);
      cur = { x, lo: seq[i]!, hi: end[i]!, flags: flags[i]!, n: 1 };
    } else {
      if (seq[i]! < cur.lo) cur.lo = seq[i]!;
      if (end[i]! > cur.hi) cur.hi = end[i]!;
      cur.flags |= flags[i]!;
      cur.n++;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Lowest and highest value of a[lo..hi) (NaN skipped); [+∞, −∞] when none. */
export function extent(a: ArrayLike<number>, lo: number, hi: number): [number, number] {
  let mn = Number.POSITIVE_INFINITY;
  let mx = Number.NEGATIVE_INFINITY;
  for (let i = lo; i < hi; i++) {
    const v = a[i]!;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  return [mn, mx];
}
