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

// ------------------------------------------------------------------ per-column caches
//
// While a run plays with a fixed time domain (the whole run, or a range the person
// chose), the columns only gain the samples sent since the last frame: a cache keeps
// them, folds in the new ones, and a frame costs O(columns + new samples) instead of
// O(samples in view). A new domain, width or series starts it over; so does a cursor
// that went back (fewer samples than were folded).

/** Pixel columns of a time scale, as stepPath and markColumns round them. */
function columnsOf(xs: Linear): { xMin: number; xMax: number; c0: number; w: number } {
  const xMin = Math.min(xs.r0, xs.r1) - 1;
  const xMax = Math.max(xs.r0, xs.r1) + 1;
  const c0 = Math.round(xMin);
  return { xMin, xMax, c0, w: Math.round(xMax) - c0 + 1 };
}

const domainKey = (xs: Linear, lo: number): string => `${xs.d0}|${xs.d1}|${xs.r0}|${xs.r1}|${lo}`;

/** stepPath with its columns kept from frame to frame (the same points, but for NaN in mid-column). */
export class StepColumns {
  private key = '';
  private t: ArrayLike<number> | null = null;
  private v: ArrayLike<number> | null = null;
  private upto = 0;
  private c0 = 0;
  private xMin = 0;
  private xMax = 0;
  private n = new Uint32Array(0);
  private gap = new Uint8Array(0);
  private first = new Float64Array(0);
  private min = new Float64Array(0);
  private max = new Float64Array(0);
  private last = new Float64Array(0);

  /** Bring the columns to samples [lo, hi). */
  update(t: ArrayLike<number>, v: ArrayLike<number>, lo: number, hi: number, xs: Linear): this {
    const key = domainKey(xs, lo);
    if (key !== this.key || t !== this.t || v !== this.v || hi < this.upto) {
      const c = columnsOf(xs);
      this.key = key;
      this.t = t;
      this.v = v;
      this.upto = lo;
      this.c0 = c.c0;
      this.xMin = c.xMin;
      this.xMax = c.xMax;
      if (this.n.length < c.w) {
        this.n = new Uint32Array(c.w);
        this.gap = new Uint8Array(c.w);
        this.first = new Float64Array(c.w);
        this.min = new Float64Array(c.w);
        this.max = new Float64Array(c.w);
        this.last = new Float64Array(c.w);
      } else {
        this.n.fill(0);
        this.gap.fill(0);
      }
    }
    for (let i = this.upto; i < hi; i++) {
      const c = Math.round(Math.min(this.xMax, Math.max(this.xMin, xs.map(t[i]!)))) - this.c0;
      const val = v[i]!;
      if (Number.isNaN(val)) {
        this.gap[c] = 1;
        continue;
      }
      if (this.n[c] === 0) {
        this.first[c] = this.min[c] = this.max[c] = val;
      } else {
        if (val < this.min[c]!) this.min[c] = val;
        if (val > this.max[c]!) this.max[c] = val;
      }
      this.last[c] = val;
      this.n[c]!++;
    }
    this.upto = Math.max(this.upto, hi);
    return this;
  }

  /** Lowest and highest value folded in. */
  extent(): [number, number] {
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.n.length; c++) {
      if (this.n[c] === 0) continue;
      if (this.min[c]! < mn) mn = this.min[c]!;
      if (this.max[c]! > mx) mx = this.max[c]!;
    }
    return [mn, mx];
  }

  /** The points, as stepPath makes them. */
  path(xs: Linear, ys: Linear, tEnd: number): number[] {
    const out: number[] = [];
    const flip = ys.k < 0;
    let prev = NaN;
    for (let c = 0; c < this.n.length; c++) {
      if (this.gap[c]) prev = NaN;
      if (this.n[c] === 0) continue;
      const x = c + this.c0;
      const first = ys.map(this.first[c]!);
      const min = ys.map(flip ? this.max[c]! : this.min[c]!);
      const max = ys.map(flip ? this.min[c]! : this.max[c]!);
      const last = ys.map(this.last[c]!);
      if (!Number.isNaN(prev) && prev !== first) out.push(x, prev);
      else if (Number.isNaN(prev)) out.push(NaN, NaN);
      out.push(x, first);
      if (min !== first) out.push(x, min);
      if (max !== min) out.push(x, max);
      if (last !== max) out.push(x, last);
      prev = last;
    }
    if (!Number.isNaN(prev)) {
      const xe = Math.min(this.xMax, Math.max(this.xMin, xs.map(tEnd)));
      if (xe > out[out.length - 2]!) out.push(xe, prev);
    }
    return out;
  }
}

/** markColumns with its columns kept from frame to frame. */
export class MarkColumnCache {
  private key = '';
  private t: ArrayLike<number> | null = null;
  private upto = 0;
  private c0 = 0;
  private n = new Uint32Array(0);
  private lo = new Float64Array(0);
  private hi = new Float64Array(0);
  private flags = new Uint32Array(0);

  update(
    t: ArrayLike<number>,
    seq: ArrayLike<number>,
    end: ArrayLike<number>,
    flags: ArrayLike<number>,
    lo: number,
    hi: number,
    xs: Linear,
  ): this {
    const key = domainKey(xs, lo);
    // Flags are or-ed as the marks are folded: a drop in flight recorded later is not
    // in them (the graph draws lost marks from the series itself, not from columns).
    if (key !== this.key || t !== this.t || hi < this.upto) {
      const c = columnsOf(xs);
      this.key = key;
      this.t = t;
      this.upto = lo;
      this.c0 = c.c0;
      if (this.n.length < c.w) {
        this.n = new Uint32Array(c.w);
        this.lo = new Float64Array(c.w);
        this.hi = new Float64Array(c.w);
        this.flags = new Uint32Array(c.w);
      } else this.n.fill(0);
    }
    for (let i = this.upto; i < hi; i++) {
      const c = Math.round(xs.map(t[i]!)) - this.c0;
      if (c < 0 || c >= this.n.length) continue;
      if (this.n[c] === 0) {
        this.lo[c] = seq[i]!;
        this.hi[c] = end[i]!;
        this.flags[c] = flags[i]!;
      } else {
        if (seq[i]! < this.lo[c]!) this.lo[c] = seq[i]!;
        if (end[i]! > this.hi[c]!) this.hi[c] = end[i]!;
        this.flags[c]! |= flags[i]!;
      }
      this.n[c]!++;
    }
    this.upto = Math.max(this.upto, hi);
    return this;
  }

  /** The columns, as markColumns gives them. */
  columns(): MarkColumn[] {
    const out: MarkColumn[] = [];
    for (let c = 0; c < this.n.length; c++)
      if (this.n[c]! > 0)
        out.push({
          x: c + this.c0,
          lo: this.lo[c]!,
          hi: this.hi[c]!,
          flags: this.flags[c]!,
          n: this.n[c]!,
        });
    return out;
  }

  extent(): [number, number] {
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.n.length; c++) {
      if (this.n[c] === 0) continue;
      if (this.lo[c]! < mn) mn = this.lo[c]!;
      if (this.hi[c]! > mx) mx = this.hi[c]!;
    }
    return [mn, mx];
  }
}
