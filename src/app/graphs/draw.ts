/**
 * The graphs' canvas drawing: renderers that take a frame (the series, the
 * ranges in view, the scales) and draw it, nothing else. Every mark kind has
 * its own shape as well as its colour, so the graphs read without colour too:
 * a retransmission ends in a diamond, a lost segment is dashed with a cross, a
 * link duplicate ends in a ring, SACK blocks are thick bars, the advertised
 * window is a dashed step line.
 */
import type { GraphColours } from './colours';
import { markColumns, stepPath } from './decimate';
import { Linear, bytesText, ticks, timeText } from './scale';
import { DUP, LOST, RTX, type Direction } from './seq-series';
import type { SeqRanges } from './seq-frame';
import type { CcSeries, PhaseBand, QueueSeries } from './cc-series';
import { stepRange } from './search';

/** The plot area inside a canvas of w × h CSS pixels. */
export interface Area {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export function plotArea(w: number, h: number, rightAxis = false): Area {
  return { left: 50, top: 10, right: w - (rightAxis ? 50 : 10), bottom: h - 22 };
}

/** Size the canvas's backing store to its CSS size at the device's pixel ratio; a 2D context ready in CSS pixels. */
export function prepare(
  cv: HTMLCanvasElement,
  w: number,
  h: number,
): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (cv.width !== bw || cv.height !== bh) {
    cv.width = bw;
    cv.height = bh;
  }
  const ctx = cv.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Stroke a flat point list; NaN pairs start a new path. */
function strokePoints(ctx: CanvasRenderingContext2D, pts: readonly number[]): void {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i]!;
    const y = pts[i + 1]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  }
  ctx.stroke();
}

/** Grid lines and labels of a time axis (bottom) and a value axis (left or right). */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  a: Area,
  xs: Linear,
  ys: Linear,
  c: GraphColours,
  yText: (v: number) => string,
  right?: { ys: Linear; text: (v: number) => string },
): void {
  ctx.font = c.font;
  ctx.lineWidth = 1;
  ctx.strokeStyle = c.grid;
  ctx.fillStyle = c.muted;
  const xt = ticks(xs.d0, xs.d1, Math.max(2, Math.floor((a.right - a.left) / 90)));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (const t of xt) {
    const x = Math.round(xs.map(t)) + 0.5;
    ctx.moveTo(x, a.top);
    ctx.lineTo(x, a.bottom);
  }
  const yt = ticks(
    Math.min(ys.invert(a.bottom), ys.invert(a.top)),
    Math.max(ys.invert(a.bottom), ys.invert(a.top)),
    Math.max(2, Math.floor((a.bottom - a.top) / 40)),
  );
  for (const v of yt) {
    const y = Math.round(ys.map(v)) + 0.5;
    ctx.moveTo(a.left, y);
    ctx.lineTo(a.right, y);
  }
  ctx.stroke();
  const span = xs.d1 - xs.d0;
  for (const t of xt) ctx.fillText(timeText(t, span), xs.map(t), a.bottom + 5);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of yt) ctx.fillText(yText(v), a.left - 5, ys.map(v));
  if (right) {
    ctx.textAlign = 'left';
    const rt = ticks(right.ys.d0, right.ys.d1, Math.max(2, Math.floor((a.bottom - a.top) / 40)));
    for (const v of rt) ctx.fillText(right.text(v), a.right + 5, right.ys.map(v));
  }
  ctx.strokeStyle = c.muted;
  ctx.strokeRect(a.left + 0.5, a.top + 0.5, a.right - a.left, a.bottom - a.top);
}

export function drawCursor(
  ctx: CanvasRenderingContext2D,
  a: Area,
  x: number,
  c: GraphColours,
): void {
  if (x < a.left || x > a.right) return;
  ctx.strokeStyle = c.cursor;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, a.top);
  ctx.lineTo(Math.round(x) + 0.5, a.bottom);
  ctx.stroke();
}

// ------------------------------------------------------------------ time–sequence

export interface SeqDraw {
  readonly d: Direction;
  readonly r: SeqRanges;
  readonly xs: Linear;
  readonly ys: Linear;
  readonly cursor: number;
  readonly t1: number;
  /** The colour of the sender's data. */
  readonly dataColour: string;
  /** The compared run: lighter and dashed. */
  readonly faint: boolean;
}

/** The most marks drawn one by one; past it, one bar per pixel column. */
export const MARKS_ONE_BY_ONE = 1500;
/** The most special marks (retransmitted, lost, duplicated) drawn in a frame. */
export const MAX_SPECIAL = 3000;

function diamond(ctx: CanvasPath, x: number, y: number, r: number): void {
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
}

function cross(ctx: CanvasPath, x: number, y: number, r: number): void {
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
}

/** One run's time–sequence marks: SACK blocks, window and ACK lines, data marks. */
export function drawSeq(ctx: CanvasRenderingContext2D, a: Area, f: SeqDraw, c: GraphColours): void {
  const { d, r, xs, ys } = f;
  const tEnd = Math.min(f.cursor, f.t1);
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
  ctx.clip();
  ctx.globalAlpha = f.faint ? 0.5 : 1;
  const dash = (on: number[]) => ctx.setLineDash(f.faint ? [2, 3] : on);

  // SACK blocks: thick short bars at the time the receiver reported them.
  if (r.shi > r.slo) {
    ctx.strokeStyle = c.sack;
    ctx.lineWidth = 4;
    dash([]);
    ctx.beginPath();
    const step = Math.max(1, Math.ceil((r.shi - r.slo) / MAX_SPECIAL));
    for (let i = r.slo; i < r.shi; i += step) {
      const x = xs.map(d.sackT[i]!) + 3;
      ctx.moveTo(x, ys.map(d.sackStart[i]!));
      ctx.lineTo(x, Math.min(ys.map(d.sackStart[i]!) - 1, ys.map(d.sackEnd[i]!)));
    }
    ctx.stroke();
  }

  // The advertised window's right edge, and the cumulative ACK: step lines.
  if (r.ahi > r.alo) {
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = c.win;
    dash([5, 3]);
    strokePoints(ctx, stepPath(d.ackT, d.win, r.alo, r.ahi, xs, ys, tEnd));
    ctx.strokeStyle = c.ack;
    ctx.lineWidth = f.faint ? 1.5 : 2;
    dash([]);
    strokePoints(ctx, stepPath(d.ackT, d.ack, r.alo, r.ahi, xs, ys, tEnd));
  }

  // Data marks.
  const n = r.hi - r.lo;
  ctx.strokeStyle = f.dataColour;
  ctx.lineWidth = f.faint ? 1 : 1.5;
  dash([]);
  ctx.beginPath();
  if (n <= MARKS_ONE_BY_ONE) {
    for (let i = r.lo; i < r.hi; i++) {
      if (d.flags[i]! & LOST) continue;
      const x = Math.round(xs.map(d.t[i]!)) + 0.5;
      const y0 = ys.map(d.seq[i]!);
      const y1 = Math.min(y0 - 2, ys.map(d.end[i]!));
      ctx.moveTo(x, y0);
      ctx.lineTo(x, y1);
      // A tick across the top, tcptrace's "I" shortened.
      ctx.moveTo(x - 2, y1);
      ctx.lineTo(x + 2, y1);
    }
  } else {
    for (const col of markColumns(d.t, d.seq, d.end, d.flags, r.lo, r.hi, xs)) {
      const x = col.x + 0.5;
      ctx.moveTo(x, ys.map(col.lo));
      ctx.lineTo(x, Math.min(ys.map(col.lo) - 2, ys.map(col.hi)));
    }
  }
  ctx.stroke();

  // Retransmissions, losses and duplicates, each with its own shape.
  let special = 0;
  const rtxPath = new Path2D();
  const lostBars = new Path2D();
  const lostCross = new Path2D();
  const dupRing = new Path2D();
  for (let i = r.lo; i < r.hi && special < MAX_SPECIAL; i++) {
    const fl = d.flags[i]!;
    if (!(fl & (RTX | LOST | DUP))) continue;
    special++;
    const x = Math.round(xs.map(d.t[i]!)) + 0.5;
    const y0 = ys.map(d.seq[i]!);
    const y1 = Math.min(y0 - 2, ys.map(d.end[i]!));
    if (fl & LOST) {
      lostBars.moveTo(x, y0);
      lostBars.lineTo(x, y1);
      cross(lostCross, x, y1 - 5, 3.5);
    }
    if (fl & RTX) {
      diamond(rtxPath, x, y1 - (fl & LOST ? 12 : 5), 4);
    }
    if (fl & DUP) {
      dupRing.moveTo(x + 3, y1 - 4);
      dupRing.arc(x, y1 - 4, 3, 0, Math.PI * 2);
    }
  }
  if (special > 0) {
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = c.lost;
    ctx.setLineDash([2, 2]);
    ctx.stroke(lostBars);
    ctx.setLineDash([]);
    ctx.lineWidth = 2;
    ctx.stroke(lostCross);
    ctx.fillStyle = c.rtx;
    ctx.fill(rtxPath);
    ctx.strokeStyle = c.rtx;
    ctx.lineWidth = 1;
    ctx.stroke(rtxPath);
    ctx.strokeStyle = c.muted;
    ctx.lineWidth = 1.25;
    ctx.stroke(dupRing);
  }
  ctx.restore();
}

/** A ring around data mark i (selected or focused). */
export function ringMark(
  ctx: CanvasRenderingContext2D,
  a: Area,
  d: Direction,
  i: number,
  xs: Linear,
  ys: Linear,
  colour: string,
  dashed: boolean,
): void {
  const x = xs.map(d.t[i]!);
  if (x < a.left - 6 || x > a.right + 6) return;
  const y0 = ys.map(d.seq[i]!);
  const y1 = Math.min(y0 - 2, ys.map(d.end[i]!));
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.setLineDash(dashed ? [3, 2] : []);
  ctx.strokeRect(Math.round(x) - 5.5, y1 - 9.5, 12, y0 - y1 + 14);
  ctx.restore();
}

/** Where the window's edge is when it is above the plot: an arrow and its distance, at the top. */
export function drawWindowAbove(
  ctx: CanvasRenderingContext2D,
  a: Area,
  d: Direction,
  r: SeqRanges,
  ys: Linear,
  c: GraphColours,
  text: (bytes: string) => string,
): void {
  if (r.ahi <= r.alo) return;
  const last = r.ahi - 1;
  const edge = d.win[last]!;
  if (edge <= ys.d1) return;
  ctx.save();
  ctx.font = c.font;
  ctx.fillStyle = c.win;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(text(bytesText(edge - d.ack[last]!)), a.right - 4, a.top + 3);
  ctx.restore();
}

export const seqAxisText = (v: number): string => bytesText(v);

// ------------------------------------------------------------------ congestion

export interface CcDraw {
  readonly s: CcSeries;
  readonly lo: number;
  readonly hi: number;
  readonly xs: Linear;
  readonly ys: Linear;
  /** The ms axis (SRTT, RTO). */
  readonly ms: Linear;
  readonly tEnd: number;
  readonly faint: boolean;
  readonly queue: QueueSeries | null;
}

/** Phase bands: a tint each, a hatch for the two recoveries, and their initials where they fit. */
export function drawPhases(
  ctx: CanvasRenderingContext2D,
  a: Area,
  bands: readonly PhaseBand[],
  xs: Linear,
  c: GraphColours,
  short: (p: PhaseBand['phase']) => string,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
  ctx.clip();
  ctx.font = c.font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  for (const b of bands) {
    const x0 = Math.max(a.left, xs.map(b.t0));
    const x1 = Math.min(a.right, xs.map(b.t1));
    if (x1 <= x0) continue;
    ctx.fillStyle = c.phase[b.phase];
    ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
    if (b.phase === 'fast-recovery' || b.phase === 'rto-recovery') {
      // Hatching, so the two recoveries differ without colour too: / for fast, × for RTO.
      ctx.strokeStyle = c.muted;
      ctx.globalAlpha = 0.35;
      ctx.lineWidth = 1;
      ctx.beginPath();
      const h = a.bottom - a.top;
      for (let x = x0 - h; x < x1; x += 8) {
        ctx.moveTo(Math.max(x0, x), a.bottom - Math.max(0, x0 - x));
        ctx.lineTo(Math.min(x1, x + h), a.top + Math.max(0, x + h - x1));
        if (b.phase === 'rto-recovery') {
          ctx.moveTo(Math.max(x0, x), a.top + Math.max(0, x0 - x));
          ctx.lineTo(Math.min(x1, x + h), a.bottom - Math.max(0, x + h - x1));
        }
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const label = short(b.phase);
    if (x1 - x0 >= ctx.measureText(label).width + 6) {
      ctx.fillStyle = c.muted;
      ctx.fillText(label, x0 + 3, a.top + 3);
    }
  }
  ctx.restore();
}

export function drawCc(ctx: CanvasRenderingContext2D, a: Area, f: CcDraw, c: GraphColours): void {
  const { s, lo, hi, xs, ys, ms } = f;
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
  ctx.clip();
  ctx.globalAlpha = f.faint ? 0.55 : 1;
  const line = (
    t: readonly number[],
    vals: readonly number[],
    range: readonly [number, number],
    scale: Linear,
    colour: string,
    width: number,
    dash: number[],
  ) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.setLineDash(f.faint ? [2, 3] : dash);
    strokePoints(ctx, stepPath(t, vals, range[0], range[1], xs, scale, f.tEnd));
  };
  // Queue occupancy: a filled area under its step line.
  const q = f.queue;
  if (q && q.t.length > 0) {
    const [qlo, qhi] = stepRange(q.t, xs.d0, f.tEnd);
    if (qhi > qlo) {
      const pts = stepPath(q.t, q.bytes, qlo, qhi, xs, ys, f.tEnd);
      ctx.fillStyle = c.queue;
      ctx.globalAlpha = f.faint ? 0.15 : 0.3;
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < pts.length; i += 2) {
        const x = pts[i]!;
        const y = pts[i + 1]!;
        if (Number.isNaN(x)) continue;
        if (!started) {
          ctx.moveTo(x, ys.map(0));
          started = true;
        }
        ctx.lineTo(x, y);
      }
      if (started) {
        ctx.lineTo(pts[pts.length - 2]!, ys.map(0));
        ctx.closePath();
        ctx.fill();
      }
      ctx.globalAlpha = f.faint ? 0.55 : 1;
      line(q.t, q.bytes, [qlo, qhi], ys, c.queue, 1, [1, 2]);
    }
  }
  if (hi > lo) {
    const r = [lo, hi] as const;
    line(s.t, s.flight, r, ys, c.flight, 1.25, []);
    line(s.t, s.ssthresh, r, ys, c.ssthresh, 1.5, [6, 3]);
    line(s.t, s.srtt, r, ms, c.srtt, 1.25, [1, 2]);
    line(s.t, s.rto, r, ms, c.rto, 1.25, [6, 2, 1, 2]);
    line(s.t, s.cwnd, r, ys, c.cwnd, 2.25, []);
  }
  ctx.restore();
}

export const msText = (v: number): string => `${Math.round(v)} ms`;
