/**
 * The canvas under the ladder's SVG, for dense views: the arrows that no
 * longer move, painted once on a canvas that covers two bands of the view's
 * height (the band the top of the view is in, and the next) and is moved by
 * a CSS transform as the view scrolls. A frame paints only the arrows that
 * came to rest since the last one; the canvas starts over when the band, the
 * origin, the scale, the size, the colours, the numbering, the selection or
 * the trace change, or when the cursor goes back. The same items make the
 * canvas's part of an exported SVG (canvasLayerSvg), which would otherwise
 * leave them out.
 *
 * No React here; the DOM only through the canvas handed in.
 */
import { SIDES, type Side } from '../../core';
import { arrowHeadPoints } from './geometry';

export type Kind = 'plain' | 'rtx' | 'dup';

/** One arrow at rest, in the ladder's coordinates (y from its origin, see originFor). */
export interface CanvasItem {
  readonly from: Side;
  readonly kind: Kind;
  readonly x0: number;
  readonly y0: number;
  readonly hx: number;
  readonly hy: number;
  readonly cross: boolean;
  readonly label: string | null;
  readonly lx: number;
  readonly ly: number;
  readonly la: number;
  readonly anchor: 'start' | 'end';
}

export interface Colours {
  readonly colour: Record<Side, string>;
  readonly danger: string;
  readonly fg: string;
  readonly bg: string;
  readonly mono: string;
}

/** Labels sit this far under their anchor point (the SVG's dy). */
export const LABEL_DY = 11;
const LINE_WIDTH = 1.25;
const HEAD = 6;
const DASHES: Record<Kind, number[]> = { plain: [], rtx: [6, 3], dup: [1.5, 3] };
const KINDS = ['plain', 'rtx', 'dup'] as const;

/**
 * Paint items on a 2D context, in its current coordinates: a few paths for
 * thousands of arrows. A frame that adds a handful pays only for the groups
 * it has (each stroke(), and setting a font, costs even when it draws little).
 */
export function drawItems(
  ctx: CanvasRenderingContext2D,
  items: readonly CanvasItem[],
  c: Colours,
): void {
  if (items.length === 0) return;
  const groups = new Map<string, CanvasItem[]>();
  let crosses = false;
  let labels = false;
  for (const it of items) {
    const key = `${it.from}|${it.kind}`;
    const g = groups.get(key);
    if (g) g.push(it);
    else groups.set(key, [it]);
    crosses ||= it.cross;
    labels ||= it.label !== null;
  }
  ctx.save();
  ctx.lineWidth = LINE_WIDTH;
  for (const side of SIDES) {
    ctx.strokeStyle = c.colour[side];
    ctx.fillStyle = c.colour[side];
    let heads = false;
    for (const kind of KINDS) {
      const g = groups.get(`${side}|${kind}`);
      if (!g) continue;
      ctx.setLineDash(DASHES[kind]);
      ctx.beginPath();
      for (const it of g) {
        ctx.moveTo(it.x0, it.y0);
        ctx.lineTo(it.hx, it.hy);
        heads ||= !it.cross;
      }
      ctx.stroke();
    }
    if (!heads) continue;
    ctx.setLineDash([]);
    ctx.beginPath();
    for (const kind of KINDS)
      for (const it of groups.get(`${side}|${kind}`) ?? []) {
        if (it.cross) continue;
        const p = arrowHeadPoints(it.x0, it.y0, it.hx, it.hy, HEAD);
        if (!p) continue;
        // fill() closes each triangle itself; closePath() per subpath is quadratic in Chromium.
        ctx.moveTo(p[0], p[1]);
        ctx.lineTo(p[2], p[3]);
        ctx.lineTo(p[4], p[5]);
      }
    ctx.fill();
  }
  ctx.setLineDash([]);
  if (crosses) {
    ctx.strokeStyle = c.danger;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const it of items) {
      if (!it.cross) continue;
      ctx.moveTo(it.hx - 4, it.hy - 4);
      ctx.lineTo(it.hx + 4, it.hy + 4);
      ctx.moveTo(it.hx + 4, it.hy - 4);
      ctx.lineTo(it.hx - 4, it.hy + 4);
    }
    ctx.stroke();
  }
  if (labels) {
    ctx.font = `10px ${c.mono}`;
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = c.bg;
    ctx.fillStyle = c.fg;
    for (const it of items) {
      if (it.label === null) continue;
      ctx.textAlign = it.anchor === 'start' ? 'left' : 'right';
      if (it.la === 0) {
        ctx.strokeText(it.label, it.lx, it.ly + LABEL_DY);
        ctx.fillText(it.label, it.lx, it.ly + LABEL_DY);
        continue;
      }
      ctx.save();
      ctx.translate(it.lx, it.ly);
      ctx.rotate((it.la * Math.PI) / 180);
      ctx.strokeText(it.label, 0, LABEL_DY);
      ctx.fillText(it.label, 0, LABEL_DY);
      ctx.restore();
    }
  }
  ctx.restore();
}

/** What a frame asks of the chunk canvas. */
export interface ChunkFrame {
  /** Everything that, changed, makes what was painted wrong (origin, scale, size, colours, selection…). */
  readonly key: string;
  readonly cursor: number;
  /** Segment positions that may be in view: [lo, hi). */
  readonly lo: number;
  readonly hi: number;
  /** CSS pixels: the canvas covers the ladder's y from −pad to height − pad. */
  readonly width: number;
  readonly height: number;
  readonly pad: number;
  readonly colours: Colours;
  /**
   * The item of position i: null while it still moves (asked again next
   * frame), undefined when it is never painted here (drawn in the SVG).
   */
  readonly item: (i: number) => CanvasItem | null | undefined;
  /** A sampled view: paint exactly these items, from a clean canvas, every frame. */
  readonly sample?: readonly CanvasItem[];
}

/** The incremental painter of one canvas element (see the file comment). */
export class ChunkCanvas {
  private key: string | null = null;
  private cursor = -Infinity;
  private pLo = 0;
  private pHi = 0;
  private readonly pending = new Set<number>();
  /** Items painted by the last frame (for tests and the dense note). */
  painted = 0;

  /** Forget what was painted: the next frame starts over. */
  reset(): void {
    this.key = null;
  }

  paint(cv: HTMLCanvasElement, f: ChunkFrame, dpr: number): void {
    const W = Math.round(f.width * dpr);
    const H = Math.round(f.height * dpr);
    let fresh = false;
    if (cv.width !== W || cv.height !== H) {
      // Resizing clears the canvas.
      cv.width = W;
      cv.height = H;
      fresh = true;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const batch: CanvasItem[] = [];
    if (
      fresh ||
      f.sample !== undefined ||
      f.key !== this.key ||
      f.cursor < this.cursor ||
      f.lo > this.pHi ||
      f.hi < this.pLo
    ) {
      if (!fresh) {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, W, H);
      }
      this.key = f.sample !== undefined ? null : f.key;
      this.pLo = this.pHi = f.lo;
      this.pending.clear();
    }
    this.cursor = f.cursor;
    if (f.sample !== undefined) batch.push(...f.sample);
    else {
      const take = (i: number): void => {
        const it = f.item(i);
        if (it === null) this.pending.add(i);
        else if (it) batch.push(it);
      };
      for (const i of this.pending) {
        const it = f.item(i);
        if (it === null) continue;
        this.pending.delete(i);
        if (it) batch.push(it);
      }
      if (f.lo < this.pLo) {
        for (let i = f.lo; i < this.pLo; i++) take(i);
        this.pLo = f.lo;
      }
      if (f.hi > this.pHi) {
        for (let i = this.pHi; i < f.hi; i++) take(i);
        this.pHi = f.hi;
      }
    }
    this.painted = batch.length;
    if (batch.length === 0) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, f.pad * dpr);
    drawItems(ctx, batch, f.colours);
  }
}

const n1 = (v: number): string => String(Math.round(v * 10) / 10);

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The items as SVG markup (a <g>, in the same coordinates), for an export:
 * one path per side and kind, the heads and crosses as paths, the labels as text.
 */
export function canvasLayerSvg(items: readonly CanvasItem[], c: Colours): string {
  const parts: string[] = [];
  for (const side of SIDES) {
    for (const kind of KINDS) {
      let d = '';
      for (const it of items)
        if (it.from === side && it.kind === kind)
          d += `M${n1(it.x0)},${n1(it.y0)}L${n1(it.hx)},${n1(it.hy)}`;
      if (d === '') continue;
      const dash = DASHES[kind].length ? ` stroke-dasharray="${DASHES[kind].join(' ')}"` : '';
      parts.push(
        `<path d="${d}" fill="none" stroke="${esc(c.colour[side])}" stroke-width="${LINE_WIDTH}"${dash}/>`,
      );
    }
    let heads = '';
    for (const it of items) {
      if (it.from !== side || it.cross) continue;
      const p = arrowHeadPoints(it.x0, it.y0, it.hx, it.hy, HEAD);
      if (p) heads += `M${n1(p[0])},${n1(p[1])}L${n1(p[2])},${n1(p[3])}L${n1(p[4])},${n1(p[5])}Z`;
    }
    if (heads !== '') parts.push(`<path d="${heads}" fill="${esc(c.colour[side])}"/>`);
  }
  let crosses = '';
  for (const it of items)
    if (it.cross)
      crosses += `M${n1(it.hx - 4)},${n1(it.hy - 4)}L${n1(it.hx + 4)},${n1(it.hy + 4)}M${n1(it.hx + 4)},${n1(it.hy - 4)}L${n1(it.hx - 4)},${n1(it.hy + 4)}`;
  if (crosses !== '')
    parts.push(`<path d="${crosses}" fill="none" stroke="${esc(c.danger)}" stroke-width="2"/>`);
  for (const it of items) {
    if (it.label === null) continue;
    parts.push(
      `<text transform="translate(${n1(it.lx)},${n1(it.ly)}) rotate(${n1(it.la)})" dy="${LABEL_DY}" text-anchor="${it.anchor}" font-family="${esc(c.mono)}" font-size="10px" fill="${esc(c.fg)}" stroke="${esc(c.bg)}" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${esc(it.label)}</text>`,
    );
  }
  return `<g data-canvas-layer="${items.length}">${parts.join('')}</g>`;
}
