/**
 * Scales and ticks for the graphs: a linear map from data to pixels, nice tick
 * values (d3-array's tickStep), and the short texts the axes show.
 */
import { tickStep } from 'd3';

export class Linear {
  readonly k: number;
  constructor(
    readonly d0: number,
    readonly d1: number,
    readonly r0: number,
    readonly r1: number,
  ) {
    this.k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  }
  /** Pixel of a data value. */
  map(v: number): number {
    return this.r0 + (v - this.d0) * this.k;
  }
  /** Data value at a pixel. */
  invert(px: number): number {
    return this.k === 0 ? this.d0 : this.d0 + (px - this.r0) / this.k;
  }
}

/** About `count` round values in [d0, d1]. */
export function ticks(d0: number, d1: number, count: number): number[] {
  if (!(d1 > d0) || count < 1) return [];
  const step = tickStep(d0, d1, count);
  if (!(step > 0)) return [];
  const out: number[] = [];
  // A hair of slack: 0.35 / 0.05 is 6.999999999999999.
  const first = Math.ceil(d0 / step - 1e-9);
  const last = Math.floor(d1 / step + 1e-9);
  // Multiply, not add, so that 0.1 steps do not drift (0.30000000000000004).
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/**
 * A domain [lo, hi] widened to round numbers: the y axis of a graph that
 * follows the cursor jumps by a tick now and then instead of every frame.
 */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi <= lo) hi = lo + 1;
  const step = tickStep(lo, hi, count);
  if (!(step > 0)) return [lo, hi];
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/**
 * Bytes, short: 900, 1.5k, 64k, 1.2M. Decimal units, so that round axis ticks
 * (20,000 bytes) read round (20k) instead of 19.5K.
 */
export function bytesText(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return `${trim(n / 1e3)}k`;
  if (a < 1e9) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}G`;
}

function trim(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? stripZeros(x.toFixed(1)) : stripZeros(x.toFixed(2));
}

const stripZeros = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** Virtual time for an axis: "850 ms" below two seconds' span, else seconds ("1.25 s"). */
export function timeText(ms: number, spanMs: number): string {
  if (spanMs < 2000) return `${stripZeros(ms.toFixed(spanMs < 20 ? 2 : spanMs < 200 ? 1 : 0))} ms`;
  const s = ms / 1000;
  const d = spanMs < 20_000 ? 2 : spanMs < 200_000 ? 1 : 0;
  return `${stripZeros(s.toFixed(d))} s`;
}
