/**
 * What one frame of the time–sequence graph shows, as data: the index ranges
 * of the marks, ACKs and SACK blocks in view, and the y domain. Pure, so the
 * canvas code only draws it and tests can check it without a page.
 */
import type { Direction } from './seq-series';
import { extent } from './decimate';
import { niceDomain } from './scale';
import { lowerBound, stepRange, upperBound } from './search';

export interface SeqRanges {
  /** Data marks sent in [t0, min(t1, cursor)]. */
  readonly lo: number;
  readonly hi: number;
  /** ACKs: the last one before t0 too (its value holds there). */
  readonly alo: number;
  readonly ahi: number;
  /** SACK blocks reported in view. */
  readonly slo: number;
  readonly shi: number;
}

export function seqRanges(d: Direction, t0: number, t1: number, cursor: number): SeqRanges {
  const until = Math.min(t1, cursor);
  const lo = lowerBound(d.t, t0);
  const hi = Math.max(lo, upperBound(d.t, until));
  const [alo, ahi] = until < t0 ? [0, 0] : stepRange(d.ackT, t0, until);
  const slo = lowerBound(d.sackT, t0);
  const shi = Math.max(slo, upperBound(d.sackT, until));
  return { lo, hi, alo, ahi, slo, shi };
}

/**
 * The y domain for the ranges in view: the data sent and acknowledged (the
 * advertised window's edge is left out: a 64 KB window over a 6-byte exchange
 * would flatten it; the graph says where the edge is when it is off the top).
 * With nothing in view, the last thing before it, so the graph keeps its place.
 */
export function seqDomain(
  parts: readonly {
    readonly d: Direction;
    readonly r: SeqRanges;
    /** The marks' and the ACKs' extents when known (the column caches), instead of a scan. */
    readonly marks?: readonly [number, number];
    readonly acks?: readonly [number, number];
  }[],
): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const { d, r, marks, acks } of parts) {
    const [a, b] = marks ?? [extent(d.seq, r.lo, r.hi)[0], extent(d.end, r.lo, r.hi)[1]];
    const [c, e] = acks ?? extent(d.ack, r.alo, r.ahi);
    const [f] = extent(d.sackStart, r.slo, r.shi);
    const [, g] = extent(d.sackEnd, r.slo, r.shi);
    lo = Math.min(lo, a, c, f);
    hi = Math.max(hi, b, e, g);
    if (r.lo === r.hi && r.lo > 0) {
      // No mark in view: hold the last one sent before it in sight.
      lo = Math.min(lo, d.seq[r.lo - 1]!);
      hi = Math.max(hi, d.end[r.lo - 1]!);
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  return niceDomain(lo, hi === lo ? lo + 1 : hi);
}

/**
 * The data mark under a point: the one whose bar (x, from y(seq) to y(end))
 * is nearest, within `r` pixels, among those in [lo, hi). Returns its index.
 */
export function hitMark(
  d: Direction,
  lo: number,
  hi: number,
  x: (t: number) => number,
  y: (v: number) => number,
  tAt: (px: number) => number,
  px: number,
  py: number,
  r = 8,
): number | null {
  const a = Math.max(lo, lowerBound(d.t, tAt(px - r)));
  const b = Math.min(hi, upperBound(d.t, tAt(px + r)));
  let best: number | null = null;
  let bestD = r * r;
  for (let i = a; i < b; i++) {
    const mx = x(d.t[i]!);
    const y0 = y(d.end[i]!);
    const y1 = Math.max(y(d.seq[i]!), y0 + 2);
    const dy = py < y0 ? y0 - py : py > y1 ? py - y1 : 0;
    const dd = (mx - px) ** 2 + dy * dy;
    if (dd <= bestD) {
      bestD = dd;
      best = i;
    }
  }
  return best;
}
