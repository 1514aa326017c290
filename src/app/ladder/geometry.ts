/**
 * Geometry of the ladder (sequence) timeline, kept free of React and the DOM
 * so it can be tested in Node: an incremental index of the trace, the time
 * scale (with idle stretches compressed), where each segment's arrow runs and
 * where its head, cross and label go, and the text the view shows.
 *
 * Units: "real" time is the simulator's virtual milliseconds; "display" time is
 * real time with long idle stretches shortened (see TimeMap); pixels come from
 * display time through a d3 linear scale in the component.
 */
import { tickStep } from 'd3';
import {
  ACK,
  RelativeSeq,
  flagString,
  peerOf,
  type SegmentRecord,
  type Side,
  type StateRecord,
  type TimerName,
  type TraceRecord,
} from '../../core';
import type { Translate } from '../i18n';
import type { LadderKey } from './messages';

// ------------------------------------------------------------------ constants

/**
 * Idle compression. A run can hold long stretches with nothing on the link
 * (TIME_WAIT's 60 s, FIN_WAIT_2's timeout, RTO backoff of several seconds). On
 * a linear scale one such stretch squeezes every arrow of the run into a few
 * flat pixels or, zoomed in to read the arrows, pushes the rest out of sight.
 * So a stretch with no segment in flight (and no state change) is drawn
 * shorter than it lasted: its length L becomes idleLength(L), which is L up to
 * IDLE_EXACT and then grows ever more slowly towards IDLE_EXACT + IDLE_MORE
 * (a 60 s wait is drawn 160 ms long). The first and last IDLE_EDGE ms keep
 * the true scale, so arrows, state names and timer starts next to the stretch
 * keep their slope; the middle takes up the rest, evenly squeezed, and the
 * view draws a "⋯ 59.9 s" break mark there when it is squeezed enough to
 * matter (BREAK_RATIO). The function is continuous and smooth, so while the
 * cursor stands in a growing idle stretch the now line slows down and stops
 * instead of jumping, and the break's label counts up. Between stretches the
 * scale is plain linear, and zoom/pan act on this display time.
 */
export const IDLE_EDGE = 40;
export const IDLE_EXACT = 110;
export const IDLE_MORE = 50;
/** Draw a break mark where the middle of an idle stretch is shortened at least this much. */
export const BREAK_RATIO = 1.5;

/** Display length of an idle stretch that lasted L ms. */
export function idleLength(L: number): number {
  if (L <= IDLE_EXACT) return L;
  return IDLE_EXACT + IDLE_MORE * (1 - Math.exp(-(L - IDLE_EXACT) / IDLE_MORE));
}

/** The follow view shows the last FOLLOW_WINDOW ms of display time… */
export const FOLLOW_WINDOW = 1500;
/** …or the whole run when shorter, but never less than MIN_SPAN (so a 150 ms handshake is not blown up to fill the panel). */
export const MIN_SPAN = 400;

/** Where a segment dropped as it was sent is drawn lost: this fraction of the way across. */
export const DROP_AT_SEND_FRAC = 0.4;

/**
 * Past this many arrows in view, those that no longer move (delivered, or lost
 * with their cross drawn) are painted on a canvas; the view goes back to SVG
 * marks under CANVAS_LEAVE (a gap, so a view hovering at the threshold does not
 * swap hundreds of elements every frame). Hundreds of arrows in a few hundred
 * pixels cannot be told apart to click anyway.
 */
export const CANVAS_THRESHOLD = 250;
export const CANVAS_LEAVE = 200;
/**
 * Past this many segments in view (a zoomed-out run of 100,000), the canvas
 * shows a sample: the first segment sent in each row of pixels (sampleRows),
 * and the crosses of lost ones up to MAX_CROSSES, so a frame's work is bounded
 * by the view's height, not the run's length.
 */
export const SAMPLE_THRESHOLD = 4000;
export const MAX_CROSSES = 2000;

// ------------------------------------------------------------------ searching

/** First index in [lo, hi) with a[i] >= x (a sorted ascending). */
export function lowerBound(a: readonly number[], x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) with a[i] > x (a sorted ascending). */
export function upperBound(a: readonly number[], x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Items whose span [start, end] may meet the window [t0, t1], as an index range
 * [lo, hi). `starts` is sorted; `maxEnd[i]` is the largest end among items 0..i
 * (so it is sorted too): every item before `lo` ends before t0, every item from
 * `hi` on starts after t1. Items inside the range may still miss the window (an
 * early long one raises maxEnd), so callers check each; the work stays
 * proportional to what is near the window.
 */
export function visibleRange(
  starts: readonly number[],
  maxEnd: readonly number[],
  t0: number,
  t1: number,
): [number, number] {
  const lo = lowerBound(maxEnd, t0);
  const hi = upperBound(starts, t1);
  return [lo, Math.max(lo, hi)];
}

// ------------------------------------------------------------------ the index

export interface SeqNums {
  readonly seq: number;
  readonly ack: number;
}

export interface TimerBar {
  readonly side: Side;
  readonly conn: string;
  readonly timer: TimerName;
  /** When it was armed. */
  readonly t: number;
  readonly deadline: number;
  /** When a 'fired' or 'cancelled' record closed it (Infinity while none has). */
  closeT: number;
  closeOp: 'fired' | 'cancelled' | null;
}

/**
 * What the ladder needs from a trace, built incrementally: the trace only
 * grows (a fork makes a new one), so each call to `update` reads just the
 * records added since the last. Relative sequence numbers are computed once per
 * segment, in trace order, as formatTrace does.
 */
export class TraceIndex {
  processed = 0;
  readonly segs: SegmentRecord[] = [];
  /** Send time of segs[i] (sorted: the trace is in time order). */
  readonly segT: number[] = [];
  /** Largest arriveAt among segs[0..i]. */
  readonly segMaxEnd: number[] = [];
  /** Relative seq/ack of segs[i]. */
  readonly rel: SeqNums[] = [];
  readonly posById = new Map<number, number>();
  /** Drop time of segments dropped while in flight, by id. */
  readonly dropAt = new Map<number, number>();
  /** Positions in `segs` of the segments that were lost (on sending or in flight), ascending. */
  readonly lost: number[] = [];
  readonly states: StateRecord[] = [];
  readonly stateT: number[] = [];
  readonly timers: TimerBar[] = [];
  readonly timerT: number[] = [];
  /** Largest deadline among timers[0..i]. */
  readonly timerMaxEnd: number[] = [];
  /** Positions in `timers` (and their arming times) of each side's timer, by "side|timer". */
  readonly timerKeys = new Map<string, { pos: number[]; t: number[] }>();
  /** Busy intervals (merged): something on the link, or a state change. Time 0 counts as busy. */
  readonly ivStart: number[] = [0];
  readonly ivEnd: number[] = [0];
  /** Display time saved by compressing the idle gaps before interval i. */
  readonly cumSaved: number[] = [0];
  private readonly relSeq = new RelativeSeq();
  private readonly openTimers = new Map<string, TimerBar>();

  constructor(readonly records: readonly TraceRecord[]) {}

  update(): this {
    const recs = this.records;
    for (let i = this.processed; i < recs.length; i++) this.add(recs[i]!);
    this.processed = recs.length;
    return this;
  }

  /** Position in `segs` of the segment with this id. */
  pos(id: number): number | undefined {
    return this.posById.get(id);
  }

  private busy(s: number, e: number): void {
    const last = this.ivStart.length - 1;
    if (s <= this.ivEnd[last]!) {
      if (e > this.ivEnd[last]!) this.ivEnd[last] = e;
      return;
    }
    const gap = s - this.ivEnd[last]!;
    this.ivStart.push(s);
    this.ivEnd.push(e);
    this.cumSaved.push(this.cumSaved[last]! + gap - idleLength(gap));
  }

  private add(r: TraceRecord): void {
    switch (r.kind) {
      case 'segment': {
        const i = this.segs.length;
        this.segs.push(r);
        this.segT.push(r.t);
        this.segMaxEnd.push(Math.max(r.arriveAt, i > 0 ? this.segMaxEnd[i - 1]! : -Infinity));
        this.relSeq.see(r.seg);
        this.rel.push(this.relSeq.relative(r.seg));
        this.posById.set(r.id, i);
        if (r.dropped) this.lost.push(i);
        this.busy(r.t, Math.max(r.t, r.arriveAt));
        break;
      }
      case 'drop': {
        this.dropAt.set(r.id, r.t);
        const p = this.posById.get(r.id);
        if (p !== undefined && !this.segs[p]!.dropped) {
          // In flight for a while: its place is near the end of the list.
          let j = this.lost.length;
          while (j > 0 && this.lost[j - 1]! > p) j--;
          this.lost.splice(j, 0, p);
        }
        break;
      }
      case 'state':
        this.states.push(r);
        this.stateT.push(r.t);
        this.busy(r.t, r.t);
        break;
      case 'timer': {
        const key = `${r.side}|${r.conn}|${r.timer}`;
        const open = this.openTimers.get(key);
        if (r.op === 'armed') {
          if (open) {
            open.closeT = r.t;
            open.closeOp = 'cancelled';
          }
          const bar: TimerBar = {
            side: r.side,
            conn: r.conn,
            timer: r.timer,
            t: r.t,
            deadline: r.deadline,
            closeT: Infinity,
            closeOp: null,
          };
          const i = this.timers.length;
          this.timers.push(bar);
          this.timerT.push(r.t);
          this.timerMaxEnd.push(Math.max(r.deadline, i > 0 ? this.timerMaxEnd[i - 1]! : -Infinity));
          const tk = `${r.side}|${r.timer}`;
          let list = this.timerKeys.get(tk);
          if (!list) this.timerKeys.set(tk, (list = { pos: [], t: [] }));
          list.pos.push(i);
          list.t.push(r.t);
          this.openTimers.set(key, bar);
        } else if (open) {
          open.closeT = r.t;
          open.closeOp = r.op;
          this.openTimers.delete(key);
        }
        break;
      }
      default:
        break;
    }
  }
}

const indexCache = new WeakMap<readonly TraceRecord[], TraceIndex>();

/** The (cached, brought up to date) index of a trace's records. */
export function indexFor(records: readonly TraceRecord[]): TraceIndex {
  let idx = indexCache.get(records);
  // A trace only grows; one that shrank is not the one indexed.
  if (!idx || idx.processed > records.length) {
    idx = new TraceIndex(records);
    indexCache.set(records, idx);
  }
  return idx.update();
}

// ------------------------------------------------------------------ time map

export interface BusyIntervals {
  readonly ivStart: readonly number[];
  readonly ivEnd: readonly number[];
  readonly cumSaved: readonly number[];
}

/** Length x into an idle stretch of length L, in display time. */
export function compressIdle(x: number, L: number): number {
  if (L <= IDLE_EXACT || x <= IDLE_EDGE) return x;
  const D = idleLength(L);
  if (x >= L - IDLE_EDGE) return D - (L - x);
  return IDLE_EDGE + ((x - IDLE_EDGE) * (D - 2 * IDLE_EDGE)) / (L - 2 * IDLE_EDGE);
}

/** Inverse of compressIdle. */
export function expandIdle(y: number, L: number): number {
  if (L <= IDLE_EXACT || y <= IDLE_EDGE) return y;
  const D = idleLength(L);
  if (y >= D - IDLE_EDGE) return L - (D - y);
  return IDLE_EDGE + ((y - IDLE_EDGE) * (L - 2 * IDLE_EDGE)) / (D - 2 * IDLE_EDGE);
}

export interface IdleGap {
  /** Real start and end of the idle stretch. */
  readonly a: number;
  readonly b: number;
  /** Real times where the squeezed middle (where the break mark goes) starts and ends. */
  readonly midStart: number;
  readonly midEnd: number;
}

/**
 * Real time ↔ display time, as seen from the cursor: busy intervals keep their
 * length, idle gaps between them are compressed (see idleLength). Only what
 * happened at or before the cursor counts, so the idle stretch the cursor
 * stands in ends at the cursor. Times past the cursor map 1:1 from it (that is
 * only used for arrival times of segments still in flight, which lie inside a
 * busy interval, and for panning past the cursor).
 */
export class TimeMap {
  /** Number of busy intervals that started at or before the cursor (at least 1: time 0). */
  private readonly n: number;

  constructor(
    private readonly iv: BusyIntervals,
    readonly cursor: number,
  ) {
    this.n = Math.max(1, upperBound(iv.ivStart, cursor));
  }

  /** End of the idle gap after interval k. */
  private gapEnd(k: number): number {
    return k + 1 < this.n ? this.iv.ivStart[k + 1]! : Math.max(this.iv.ivEnd[k]!, this.cursor);
  }

  toDisplay(t: number): number {
    const { ivStart, ivEnd, cumSaved } = this.iv;
    const k = Math.max(0, upperBound(ivStart, t, 0, this.n) - 1);
    const a = ivEnd[k]!;
    const saved = cumSaved[k]!;
    if (t <= a) return t - saved;
    const b = this.gapEnd(k);
    const L = b - a;
    if (t >= b) return a - saved + idleLength(L) + (t - b);
    return a - saved + compressIdle(t - a, L);
  }

  fromDisplay(d: number): number {
    const { ivStart, ivEnd, cumSaved } = this.iv;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ivStart[mid]! - cumSaved[mid]! <= d) lo = mid + 1;
      else hi = mid;
    }
    const k = Math.max(0, lo - 1);
    const saved = cumSaved[k]!;
    const a = ivEnd[k]!;
    if (d <= a - saved) return d + saved;
    const b = this.gapEnd(k);
    const L = b - a;
    const y = d - (a - saved);
    const Lc = idleLength(L);
    if (y >= Lc) return b + (y - Lc);
    return a + expandIdle(y, L);
  }

  /** Idle gaps that meet [t0, t1] and are squeezed enough for a break mark. */
  gapsBetween(t0: number, t1: number): IdleGap[] {
    const { ivStart, ivEnd } = this.iv;
    const out: IdleGap[] = [];
    for (let k = Math.max(0, upperBound(ivStart, t0, 0, this.n) - 1); k < this.n; k++) {
      if (ivStart[k]! > t1) break;
      const a = ivEnd[k]!;
      const b = this.gapEnd(k);
      const L = b - a;
      const squeeze = (L - 2 * IDLE_EDGE) / (idleLength(L) - 2 * IDLE_EDGE);
      if (L > IDLE_EXACT && squeeze >= BREAK_RATIO && a < t1 && b > t0)
        out.push({ a, b, midStart: a + IDLE_EDGE, midEnd: b - IDLE_EDGE });
    }
    return out;
  }
}

/** The display-time domain that follows the cursor: the last FOLLOW_WINDOW, or the whole run when shorter. */
export function followDomain(dc: number): [number, number] {
  return dc <= FOLLOW_WINDOW ? [0, Math.max(dc, MIN_SPAN)] : [dc - FOLLOW_WINDOW, dc];
}

/** The display-time domain that shows the whole run up to the cursor. */
export function fitDomain(dc: number): [number, number] {
  return [0, Math.max(dc, MIN_SPAN)];
}

// ------------------------------------------------------------------ layout

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** y where the plot area starts, under the lifeline headers. */
  readonly plotTop: number;
  /** y range the time scale maps to (a little room above for the first labels). */
  readonly top: number;
  readonly bottom: number;
  /** Width of the time-tick gutter at the left. */
  readonly gutter: number;
  readonly x: Readonly<Record<Side, number>>;
}

export function ladderLayout(width: number, height: number): Layout {
  const gutter = 34;
  const outer = Math.min(140, Math.max(100, width * 0.2));
  const plotTop = 40;
  const top = plotTop + 18;
  return {
    width,
    height,
    plotTop,
    top,
    bottom: Math.max(top + 40, height - 22),
    gutter,
    x: { client: gutter + outer, server: Math.max(gutter + outer + 80, width - outer) },
  };
}

/** Pixels between the origin chunk's start and the top of the plot stay small: coordinates are taken from an origin that moves in steps of this many pixels. */
export const ORIGIN_CHUNK_PX = 2000;

/** The display time pixel coordinates are measured from, snapped so that it changes rarely while the view scrolls. */
export function originFor(d0: number, pxPerMs: number): number {
  const chunk = ORIGIN_CHUNK_PX / pxPerMs;
  return Math.floor(d0 / chunk) * chunk;
}

// ------------------------------------------------------------------ segments

export type SegStatus = 'inflight' | 'delivered' | 'dropped';

export interface SegGeom {
  /** Sender end and (would-be) receiver end of the whole arrow. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Where the drawn line ends: the receiver, the moving head, or the point of loss. */
  readonly hx: number;
  readonly hy: number;
  readonly status: SegStatus;
  /** A cross is drawn at (hx, hy): the segment was lost there. */
  readonly cross: boolean;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * The arrow of one segment at the cursor. `dropT` is the time of its 'drop'
 * record (a drop while in flight), if any. `y` maps real time to pixels.
 */
export function segmentGeometry(
  r: Pick<SegmentRecord, 'from' | 't' | 'arriveAt' | 'dropped'>,
  dropT: number | undefined,
  cursor: number,
  x: Readonly<Record<Side, number>>,
  y: (t: number) => number,
): SegGeom {
  const x0 = x[r.from];
  const x1 = x[peerOf(r.from)];
  const y0 = y(r.t);
  const y1 = y(r.arriveAt);
  const dur = r.arriveAt - r.t;
  const fracAt = (time: number): number => (dur > 0 ? clamp01((time - r.t) / dur) : 1);
  let status: SegStatus;
  let f: number;
  let cross = false;
  if (r.dropped) {
    status = 'dropped';
    const now = fracAt(cursor);
    f = Math.min(now, DROP_AT_SEND_FRAC);
    cross = now >= DROP_AT_SEND_FRAC;
  } else if (dropT !== undefined && dropT <= cursor) {
    status = 'dropped';
    f = fracAt(dropT);
    cross = true;
  } else if (r.arriveAt <= cursor) {
    status = 'delivered';
    f = 1;
  } else {
    status = 'inflight';
    f = fracAt(cursor);
  }
  return { x0, y0, x1, y1, hx: x0 + (x1 - x0) * f, hy: y0 + (y1 - y0) * f, status, cross };
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** The triangle of an arrowhead with its tip at (hx, hy), pointing away from (x0, y0), as [x, y] ×3; null when too short to point anywhere. */
export function arrowHeadPoints(
  x0: number,
  y0: number,
  hx: number,
  hy: number,
  size = 7,
): [number, number, number, number, number, number] | null {
  const dx = hx - x0;
  const dy = hy - y0;
  const len = Math.hypot(dx, dy);
  if (len < 1) return null;
  const ux = dx / len;
  const uy = dy / len;
  const bx = hx - ux * size;
  const by = hy - uy * size;
  const w = size * 0.45;
  return [hx, hy, bx - uy * w, by + ux * w, bx + uy * w, by - ux * w];
}

/** arrowHeadPoints as an SVG `points` string. */
export function arrowHead(x0: number, y0: number, hx: number, hy: number, size = 7): string | null {
  const p = arrowHeadPoints(x0, y0, hx, hy, size);
  if (!p) return null;
  return `${r1(p[0])},${r1(p[1])} ${r1(p[2])},${r1(p[3])} ${r1(p[4])},${r1(p[5])}`;
}

/** The ✕ drawn where a segment was lost. */
export function crossPath(x: number, y: number, r = 5): string {
  return `M${r1(x - r)},${r1(y - r)}L${r1(x + r)},${r1(y + r)}M${r1(x + r)},${r1(y - r)}L${r1(x - r)},${r1(y + r)}`;
}

export interface LabelPlace {
  readonly x: number;
  readonly y: number;
  /** Rotation in degrees (text reads left to right along the arrow, or flat when the arrow is steep). */
  readonly angle: number;
  readonly anchor: 'start' | 'end';
}

/**
 * Where an arrow's label goes: along the arrow, starting `offset` px from the
 * sender (by default 8% of the arrow, 12 to 40 px: clear of the head of an
 * arrow that arrived at the sender just before, as a reply's cause does).
 */
export function labelPlacement(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  offset?: number,
): LabelPlace {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy) || 1;
  offset ??= Math.min(40, Math.max(12, len * 0.08));
  const ltr = dx >= 0;
  let angle = (Math.atan2(ltr ? dy : -dy, ltr ? dx : -dx) * 180) / Math.PI;
  if (Math.abs(angle) > 60) angle = 0;
  return {
    x: x0 + (dx / len) * offset,
    y: y0 + (dy / len) * offset,
    angle,
    anchor: ltr ? 'start' : 'end',
  };
}

/** The numbers a label shows: relative (from the index) or raw. */
export function numbersOf(seg: SegmentRecord['seg'], rel: SeqNums, absolute: boolean): SeqNums {
  return absolute ? { seq: seg.seq >>> 0, ack: seg.ack >>> 0 } : rel;
}

/** A field's value, or "?" when exercise mode hides it. */
const shown = (v: string | number, field: string, hide: readonly string[] | null): string =>
  hide?.includes(field) ? '?' : String(v);

/**
 * "[S.] seq 0 ack 1 len 0" (tcpdump's flags; the ack only when the ACK bit is set, as tcpdump
 * prints it — and, when the flags are hidden, always, so that the label gives nothing away).
 */
export function segmentLabel(
  seg: SegmentRecord['seg'],
  n: SeqNums,
  hide: readonly string[] | null = null,
): string {
  const parts = [
    `[${shown(flagString(seg.flags), 'flags', hide)}]`,
    `seq ${shown(n.seq, 'seq', hide)}`,
  ];
  if (seg.flags & ACK || hide?.includes('flags')) parts.push(`ack ${shown(n.ack, 'ack', hide)}`);
  parts.push(`len ${seg.payload.length}`);
  return parts.join(' ');
}

const STATUS_KEY: Record<SegStatus, LadderKey> = {
  inflight: 'statusInFlight',
  delivered: 'statusDelivered',
  dropped: 'statusDropped',
};

/** The accessible name of a segment: "client to server [S] seq 0 ack 0 length 0, in flight". */
export function accessibleName(
  r: Pick<SegmentRecord, 'from' | 'rtx' | 'dupOf' | 'seg'> &
    Partial<Pick<SegmentRecord, 'dropped'>>,
  n: SeqNums,
  status: SegStatus,
  t: Translate<LadderKey>,
  hide: readonly string[] | null = null,
): string {
  return t('segAria', {
    dir: t(r.from === 'client' ? 'dirC2S' : 'dirS2C'),
    flags: shown(flagString(r.seg.flags), 'flags', hide),
    seq: shown(n.seq, 'seq', hide),
    ack: shown(n.ack, 'ack', hide),
    len: r.seg.payload.length,
    // A full queue is named: it is the one drop the sender itself brought about.
    status: t(
      status === 'dropped' && r.dropped === 'queue' ? 'statusQueueFull' : STATUS_KEY[status],
    ),
    marks: (r.rtx ? t('markRtx') : '') + (r.dupOf !== null ? t('markDup') : ''),
  });
}

// ------------------------------------------------------------------ labels

/**
 * Greedy label thinning: a label is kept when it lies at least `gap` px below
 * the last one kept. Fed positions in order from a fixed starting point (the
 * view's origin), it keeps the same labels frame after frame while the view
 * scrolls.
 */
export class LabelPicker {
  private last = -Infinity;
  constructor(private readonly gap: number) {}
  take(y: number): boolean {
    if (y - this.last < this.gap) return false;
    this.last = y;
    return true;
  }
}

/**
 * The arrows that carry a label, for one origin and scale: thinned greedily
 * (LabelPicker) from the first segment sent at or after the origin, and kept
 * from frame to frame, so a frame only looks at the segments sent since the
 * last one. A view that went back in time (hi below what was looked at)
 * needs a new LabelRun.
 */
export class LabelRun {
  private readonly picker: LabelPicker;
  private readonly chosen = new Set<number>();
  next: number;
  constructor(
    readonly key: string,
    start: number,
    gap: number,
  ) {
    this.picker = new LabelPicker(gap);
    this.next = start;
  }
  /** Decide up to position `hi` (exclusive); `y` gives the pixel y of the arrow at a position. */
  advance(hi: number, y: (i: number) => number): this {
    for (; this.next < hi; this.next++)
      if (this.picker.take(y(this.next))) this.chosen.add(this.next);
    return this;
  }
  has(i: number): boolean {
    return this.chosen.has(i);
  }
}

/**
 * A sample of the segments in [lo, hi) for a view too dense to draw each:
 * the first one sent in each row [rows[r], rows[r + 1]) of a sorted list of
 * row start times (the last row runs to `end`). Work: rows × log(hi − lo).
 */
export function sampleRows(
  segT: readonly number[],
  lo: number,
  hi: number,
  rows: readonly number[],
  end: number,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const j = lowerBound(segT, rows[r]!, lo, hi);
    if (j >= hi) break;
    const rowEnd = r + 1 < rows.length ? rows[r + 1]! : end;
    if (segT[j]! < rowEnd && out[out.length - 1] !== j) out.push(j);
    lo = j;
  }
  return out;
}

/** Labels that must all be shown (state names) pushed down so none overlaps the one before. */
export function stackLabels(ys: readonly number[], gap: number): number[] {
  const out: number[] = [];
  let prev = -Infinity;
  for (const y of ys) {
    const v = Math.max(y, prev + gap);
    out.push(v);
    prev = v;
  }
  return out;
}

// ------------------------------------------------------------------ timers

export interface TimerSpan {
  readonly t0: number;
  readonly t1: number;
  /** Still armed at the cursor. */
  readonly running: boolean;
  readonly fired: boolean;
}

/** The stretch a timer bar covers at the cursor: from arming to min(deadline, fired/cancelled, cursor). */
export function timerSpan(bar: TimerBar, cursor: number): TimerSpan | null {
  if (bar.t > cursor) return null;
  const closed = bar.closeT <= cursor;
  const t1 = Math.min(bar.deadline, closed ? bar.closeT : Infinity, cursor);
  return {
    t0: bar.t,
    t1,
    running: !closed && bar.deadline > cursor,
    fired: closed ? bar.closeOp === 'fired' : bar.deadline <= cursor,
  };
}

const TIMER_KEY: Record<TimerName, LadderKey> = {
  rtx: 'timerRtx',
  timeWait: 'timerTimeWait',
  finWait2: 'timerFinWait2',
  delack: 'timerDelack',
};

/** "RTO 1s", "TIME_WAIT 60s" and, while a long timer runs, its countdown ("42.1 s left"). */
export function timerLabel(
  bar: TimerBar,
  cursor: number,
  t: Translate<LadderKey>,
): { main: string; sub: string | null } {
  const main = t(TIMER_KEY[bar.timer], { d: formatDuration(bar.deadline - bar.t) });
  const span = timerSpan(bar, cursor);
  const long = bar.timer === 'timeWait' || bar.timer === 'finWait2';
  const sub =
    long && span?.running ? t('timerLeft', { r: formatSeconds(bar.deadline - cursor) }) : null;
  return { main, sub };
}

// ------------------------------------------------------------------ time text

/** A duration as a timer label shows it: "200ms", "1s", "1.5s", "60s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))}s`;
}

/** The length of an idle stretch on its break mark: "250 ms", "59.9 s". */
export function formatGap(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatSeconds(ms);
}

/** Seconds with one decimal: "59.9 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The cursor's time: "0.150 s". */
export function formatNow(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export interface Tick {
  readonly t: number;
  readonly label: string;
}

/**
 * The time domain on screen once a zoom transform is applied to `base` drawn
 * over the pixel `range`: what `transform.rescaleY(scaleLinear(base, range))`
 * gives, as plain arithmetic (d3-scale would bring d3-format's locale into the
 * first page for this one inversion).
 */
export function zoomedDomain(
  base: readonly [number, number],
  range: readonly [number, number],
  zt: { invertY(y: number): number },
): [number, number] {
  const [d0, d1] = base;
  const [r0, r1] = range;
  const invert = (y: number): number => d0 + ((y - r0) / (r1 - r0)) * (d1 - d0);
  return [invert(zt.invertY(r0)), invert(zt.invertY(r1))];
}

/**
 * How many decimals show a multiple of `step` exactly (a tick step is 1, 2 or 5
 * times a power of ten): what d3-format's precisionFixed gives, without
 * loading d3-format (whose default locale is built when it loads).
 */
export function decimalsFor(step: number): number {
  const exponent = Number(Math.abs(step).toExponential().split('e')[1]);
  return Math.max(0, -exponent);
}

/**
 * Time ticks at round real times. The step comes from the display span (one
 * tick per ~`px` pixels); ticks are placed on the stretches drawn at true
 * scale and skipped inside compressed breaks.
 */
export function timeTicks(map: TimeMap, d0: number, d1: number, pxPerMs: number, px = 64): Tick[] {
  if (!(d1 > d0) || !(pxPerMs > 0)) return [];
  const count = Math.max(2, Math.round(((d1 - d0) * pxPerMs) / px));
  const step = tickStep(d0, d1, count);
  if (!(step > 0)) return [];
  const digits = decimalsFor(step / 1000);
  const t0 = map.fromDisplay(d0);
  const t1 = map.fromDisplay(d1);
  const pieces: [number, number][] = [];
  let from = t0;
  for (const g of map.gapsBetween(t0, t1)) {
    if (g.midStart > from) pieces.push([from, Math.min(g.midStart, t1)]);
    from = Math.max(from, g.midEnd);
  }
  if (from < t1) pieces.push([from, t1]);
  const out: Tick[] = [];
  for (const [p0, p1] of pieces) {
    const first = Math.ceil(p0 / step);
    const last = Math.floor(p1 / step);
    for (let i = first; i <= last && out.length < 200; i++) {
      const v = i * step;
      if (v < 0) continue;
      out.push({ t: v, label: `${(v / 1000).toFixed(digits)}s` });
    }
  }
  return out;
}
