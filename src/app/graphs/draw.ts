/**
 * The graphs' canvas drawing: renderers that take a frame (the series, the
 * ranges in view, the scales) and draw it, nothing else. Every mark kind has
 * its own shape as well as its colour, so the graphs read without colour too:
 * a retransmission ends in a diamond, a lost segment is dashed with a cross, a
 * link duplicate ends in a ring, SACK blocks are thick bars, the advertised
 * window is a dashed step line.
 */
import type { GraphColours } from './colours';
import type { MarkColumn } from './decimate';
import { Linear, bytesText, ticks, timeText } from './scale';
import { DUP, LOST, RTX, type Direction } from './seq-series';
import type { SeqRanges } from './seq-frame';
import type { PhaseBand } from './cc-series';
import { lowerBound } from './search';

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

/** One tick of an axis: its value, its pixel and its text. */
export interface Tick {
  readonly v: number;
  readonly px: number;
  readonly text: string;
}

export interface AxisTicks {
  /** Time, along the bottom. */
  readonly x: readonly Tick[];
  /** The left axis. */
  readonly y: readonly Tick[];
  /** The right axis, if any. */
  readonly r: readonly Tick[];
}

/**
 * The ticks of a time axis (bottom) and a value axis (left, and right if
 * given). The page writes their texts as DOM text over the canvas: drawn on a
 * canvas without a GPU, some forty labels a frame cost a few milliseconds.
 */
export function axisTicks(
  a: Area,
  xs: Linear,
  ys: Linear,
  yText: (v: number) => string,
  right?: { ys: Linear; text: (v: number) => string },
): AxisTicks {
  const span = xs.d1 - xs.d0;
  const x = ticks(xs.d0, xs.d1, Math.max(2, Math.floor((a.right - a.left) / 90))).map((v) => ({
    v,
    px: xs.map(v),
    text: timeText(v, span),
  }));
  const n = Math.max(2, Math.floor((a.bottom - a.top) / 40));
  const y = ticks(
    Math.min(ys.invert(a.bottom), ys.invert(a.top)),
    Math.max(ys.invert(a.bottom), ys.invert(a.top)),
    n,
  ).map((v) => ({ v, px: ys.map(v), text: yText(v) }));
  const r = right
    ? ticks(right.ys.d0, right.ys.d1, n).map((v) => ({
        v,
        px: right.ys.map(v),
        text: right.text(v),
      }))
    : [];
  return { x, y, r };
}

/** The grid lines of the ticks, and the plot's frame. */
export function drawGrid(
  ctx: CanvasRenderingContext2D,
  a: Area,
  t: AxisTicks,
  c: GraphColours,
): void {
  ctx.lineWidth = 1;
  ctx.strokeStyle = c.grid;
  ctx.setLineDash([]);
  ctx.beginPath();
  for (const { px } of t.x) {
    const x = Math.round(px) + 0.5;
    ctx.moveTo(x, a.top);
    ctx.lineTo(x, a.bottom);
  }
  for (const { px } of t.y) {
    const y = Math.round(px) + 0.5;
    ctx.moveTo(a.left, y);
    ctx.lineTo(a.right, y);
  }
  ctx.stroke();
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
  /** The ACK and window-edge step lines' points (StepColumns.path). */
  readonly ackPts: readonly number[];
  readonly winPts: readonly number[];
  /** The data marks merged per column, or null to draw them one by one. */
  readonly cols: readonly MarkColumn[] | null;
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
    strokePoints(ctx, f.winPts);
    ctx.strokeStyle = c.ack;
    ctx.lineWidth = f.faint ? 1.5 : 2;
    dash([]);
    strokePoints(ctx, f.ackPts);
  }

  // Data marks.
  ctx.strokeStyle = f.dataColour;
  ctx.lineWidth = f.faint ? 1 : 1.5;
  dash([]);
  ctx.beginPath();
  if (!f.cols) {
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
    for (const col of f.cols) {
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
  const sp = d.special;
  const from = lowerBound(sp, r.lo);
  const step = Math.max(1, Math.ceil((lowerBound(sp, r.hi) - from) / MAX_SPECIAL));
  // One shape per kind within a couple of pixels: a fitted long run has thousands.
  let lastX = NaN;
  let lastY = NaN;
  let lastF = 0;
  for (let j = from; j < sp.length && sp[j]! < r.hi; j += step) {
    const i = sp[j]!;
    const fl = d.flags[i]!;
    const x = Math.round(xs.map(d.t[i]!)) + 0.5;
    const y0 = ys.map(d.seq[i]!);
    const y1 = Math.min(y0 - 2, ys.map(d.end[i]!));
    if (fl === lastF && x - lastX < 2 && Math.abs(y1 - lastY) < 3) continue;
    lastX = x;
    lastY = y1;
    lastF = fl;
    special++;
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

/** A congestion graph line: its points (StepColumns.path) and its look. */
export interface CcLine {
  readonly pts: readonly number[];
  readonly colour: string;
  readonly width: number;
  readonly dash: readonly number[];
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

/**
 * One run's congestion lines; the queue's occupancy as a filled area under its
 * step line (`queue`, with the pixel of zero bytes).
 */
export function drawCc(
  ctx: CanvasRenderingContext2D,
  a: Area,
  lines: readonly CcLine[],
  faint: boolean,
  queue: { readonly pts: readonly number[]; readonly zero: number; readonly colour: string } | null,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
  ctx.clip();
  if (queue && queue.pts.length > 0) {
    const pts = queue.pts;
    ctx.fillStyle = queue.colour;
    ctx.globalAlpha = faint ? 0.15 : 0.3;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < pts.length; i += 2) {
      const x = pts[i]!;
      if (Number.isNaN(x)) continue;
      if (!started) {
        ctx.moveTo(x, queue.zero);
        started = true;
      }
      ctx.lineTo(x, pts[i + 1]!);
    }
    if (started) {
      ctx.lineTo(pts[pts.length - 2]!, queue.zero);
      ctx.closePath();
      ctx.fill();
    }
  }
  ctx.globalAlpha = faint ? 0.55 : 1;
  for (const l of lines) {
    ctx.strokeStyle = l.colour;
    ctx.lineWidth = l.width;
    ctx.setLineDash(faint ? [2, 3] : [...l.dash]);
    strokePoints(ctx, l.pts);
  }
  ctx.restore();
}

export const msText = (v: number): string => `${Math.round(v)} ms`;
