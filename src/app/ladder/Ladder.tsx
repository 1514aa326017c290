/**
 * The ladder (sequence) timeline: client and server lifelines, virtual time
 * flowing down, one arrow per segment sent at or before the cursor. D3 computes
 * (the time scale, zoom transforms; d3-zoom loads after the first paint, see
 * zoom.ts); React renders the SVG. Geometry and text live in geometry.ts.
 *
 * Per frame and per seek the work is proportional to what is in view, not to
 * the run: segments and timers are found by binary search on their (sorted)
 * start times in an incremental index of the trace (TraceIndex), label and
 * accessible-name strings are cached per segment and status, label thinning
 * is kept per origin and scale (LabelRun), and arrows are drawn in
 * coordinates measured from an origin that only moves in big steps, so while
 * the view scrolls a delivered arrow's props do not change and its memoized
 * element is not re-rendered. Past CANVAS_THRESHOLD arrows in view (until
 * fewer than CANVAS_LEAVE), the arrows at rest are painted once each on a
 * canvas under the SVG that a CSS transform scrolls (canvas-layer.ts), and the
 * SVG keeps only the arrows still moving, the selected one and the focused
 * one; past SAMPLE_THRESHOLD the canvas and the timer bars show a sample per
 * pixel row. An export of the SVG gets the canvas's arrows as SVG too
 * (export-layer.ts).
 */
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { SIDES, type Side } from '../../core';
import { useT, type Translate } from '../i18n';
import { useSession } from '../use-session';
import {
  CANVAS_LEAVE,
  CANVAS_THRESHOLD,
  LabelPicker,
  LabelRun,
  MAX_CROSSES,
  SAMPLE_THRESHOLD,
  MIN_SPAN,
  TimeMap,
  accessibleName,
  arrowHead,
  crossPath,
  fitDomain,
  followDomain,
  formatNow,
  formatGap,
  indexFor,
  labelPlacement,
  ladderLayout,
  lowerBound,
  numbersOf,
  originFor,
  sampleRows,
  segmentGeometry,
  segmentLabel,
  stackLabels,
  timeTicks,
  timerLabel,
  timerSpan,
  upperBound,
  visibleRange,
  zoomedDomain,
  type LabelPlace,
  type SegGeom,
  type SegStatus,
  type TraceIndex,
} from './geometry';
import { messages, type LadderKey } from './messages';
import type { ZoomControl } from './zoom';
import {
  ChunkCanvas,
  LABEL_DY,
  canvasLayerSvg,
  type CanvasItem,
  type Colours,
  type Kind,
} from './canvas-layer';
import { setExportLayer } from '../export-layer';
import './ladder.css';

type Mode = 'follow' | 'fit' | 'manual';

/** A zoom transform as the view uses it (d3's ZoomTransform fits; d3-zoom itself loads later). */
interface ViewTransform {
  readonly k: number;
  readonly x: number;
  readonly y: number;
  invertY(y: number): number;
}

const IDENTITY: ViewTransform = { k: 1, x: 0, y: 0, invertY: (y) => y };

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** An arrow that will not change any more as the cursor goes on: delivered, or lost with its cross drawn. */
const atRest = (g: SegGeom): boolean =>
  g.status === 'delivered' || (g.status === 'dropped' && g.cross);

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
/** A number for an object (a trace's index, a language's translator), for cache keys. */
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

const NO_PLACE: LabelPlace = { x: 0, y: 0, angle: 0, anchor: 'start' };

/** Minimum vertical distance between two arrow labels of the same direction, px. */
const LABEL_GAP = 13;
// Labels sit LABEL_DY (canvas-layer.ts) just under their arrow, near the sender: above
// it, near the sender, is where the arrow that caused this one comes in.
const TIMER_LABEL_GAP = 24;
/** Timer and state labels start this far outside the lifeline (past the timer bars). */
const OUTER_TEXT = 21;
const STATE_GAP = 11;
/** Pixels a link duplicate is drawn below its original. */
const DUP_NUDGE = 4;

// ------------------------------------------------------------------ one arrow

interface MarkProps {
  readonly id: number;
  readonly from: Side;
  readonly kind: Kind;
  readonly status: SegStatus;
  readonly x0: number;
  readonly y0: number;
  readonly hx: number;
  readonly hy: number;
  readonly head: string | null;
  readonly cross: boolean;
  readonly label: string | null;
  readonly lx: number;
  readonly ly: number;
  readonly la: number;
  readonly anchor: 'start' | 'end';
  readonly marker: string | null;
  readonly droppedText: string;
  readonly aria: string;
  readonly selected: boolean;
  readonly onActivate: (id: number) => void;
  readonly onKey: (id: number, status: SegStatus, e: KeyboardEvent<SVGGElement>) => void;
  readonly onFocusChange: (id: number | null) => void;
}

const SegmentMark = memo(function SegmentMark(p: MarkProps) {
  const { id, status } = p;
  const mx = (p.x0 + p.hx) / 2;
  const my = (p.y0 + p.hy) / 2;
  const showMarker = p.marker !== null && Math.hypot(p.hx - p.x0, p.hy - p.y0) > 40;
  return (
    <g
      className={`lad-seg lad-${p.from} lad-${p.kind} lad-${status}${p.selected ? ' is-selected' : ''}`}
      tabIndex={0}
      role="button"
      aria-label={p.aria}
      aria-pressed={p.selected}
      data-seg-id={id}
      onClick={() => p.onActivate(id)}
      onKeyDown={(e) => p.onKey(id, status, e)}
      onFocus={() => p.onFocusChange(id)}
      onBlur={() => p.onFocusChange(null)}
    >
      <line className="lad-hit" x1={p.x0} y1={p.y0} x2={p.hx} y2={p.hy} />
      {p.selected && <line className="lad-outline" x1={p.x0} y1={p.y0} x2={p.hx} y2={p.hy} />}
      <line className="lad-line" x1={p.x0} y1={p.y0} x2={p.hx} y2={p.hy} />
      {!p.cross && p.head && <polygon className="lad-headmark" points={p.head} />}
      {p.cross && (
        <>
          <path className="lad-cross" d={crossPath(p.hx, p.hy)} />
          <text
            className="lad-cross-text"
            x={p.from === 'client' ? p.hx + 8 : p.hx - 8}
            y={p.hy - 6}
            textAnchor={p.from === 'client' ? 'start' : 'end'}
          >
            {p.droppedText}
          </text>
        </>
      )}
      {p.label !== null && (
        <text
          className="lad-label"
          transform={`translate(${p.lx},${p.ly}) rotate(${p.la})`}
          textAnchor={p.anchor}
          dy={LABEL_DY}
        >
          {p.label}
        </text>
      )}
      {showMarker && (
        <text className="lad-marker" x={r1(mx)} y={r1(my - 6)} textAnchor="middle">
          {p.marker}
        </text>
      )}
    </g>
  );
});

// ------------------------------------------------------------------ canvas colours

/** A theme variable's value; the element's text colour when the variable is missing. */
function cssVar(style: CSSStyleDeclaration, name: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? style.color : v;
}

let colourCache: { el: Element; theme: string; epoch: number; value: Colours } | null = null;
/** Bumped when the system's light/dark preference changes (the 'system' theme follows it). */
let schemeEpoch = 0;
let schemeWatched = false;

/**
 * The theme's colours for the canvas, read from CSS again only when the theme
 * attribute or the system's colour scheme changed: getComputedStyle in a frame
 * forces a style recalculation of the page.
 */
function canvasColours(el: Element): Colours {
  if (!schemeWatched && typeof window.matchMedia === 'function') {
    schemeWatched = true;
    window
      .matchMedia('(prefers-color-scheme: dark)')
      .addEventListener('change', () => void schemeEpoch++);
  }
  const theme = document.documentElement.getAttribute('data-theme') ?? '';
  const c = colourCache;
  if (c && c.el === el && c.theme === theme && c.epoch === schemeEpoch) return c.value;
  const style = getComputedStyle(el);
  const value: Colours = {
    colour: {
      client: cssVar(style, '--client'),
      server: cssVar(style, '--server'),
    },
    danger: cssVar(style, '--danger'),
    fg: cssVar(style, '--fg'),
    bg: cssVar(style, '--panel-bg'),
    mono: style.getPropertyValue('--mono').trim() || 'monospace',
  };
  colourCache = { el, theme, epoch: schemeEpoch, value };
  return value;
}

const colourKey = (c: Colours): string =>
  `${c.colour.client}|${c.colour.server}|${c.danger}|${c.fg}|${c.bg}|${c.mono}`;

// ------------------------------------------------------------------ text cache

interface SegText {
  readonly key: string;
  readonly label: string;
  readonly aria: string;
}

/** Label and accessible name of each segment, per (status, numbering), for one trace and one language. */
class TextCache {
  private map = new Map<number, SegText>();
  private owner: { idx: TraceIndex; t: Translate<LadderKey> } | null = null;

  get(
    idx: TraceIndex,
    t: Translate<LadderKey>,
    pos: number,
    status: SegStatus,
    absolute: boolean,
    /** Fields shown as "?" (exercise mode). */
    hide: readonly string[] | null = null,
  ): SegText {
    if (!this.owner || this.owner.idx !== idx || this.owner.t !== t) {
      this.map = new Map();
      this.owner = { idx, t };
    }
    const r = idx.segs[pos]!;
    const key = `${status}${absolute ? 'a' : 'r'}${hide ? hide.join() : ''}`;
    const hit = this.map.get(r.id);
    if (hit && hit.key === key) return hit;
    const n = numbersOf(r.seg, idx.rel[pos]!, absolute);
    const v = {
      key,
      label: segmentLabel(r.seg, n, hide),
      aria: accessibleName(r, n, status, t, hide),
    };
    this.map.set(r.id, v);
    return v;
  }
}

function zigzag(x0: number, x1: number, y: number): string {
  let d = `M${x0},${r1(y)}`;
  let up = true;
  for (let x = x0 + 4; x <= x1; x += 4) {
    d += `L${x},${r1(y + (up ? -2.5 : 2.5))}`;
    up = !up;
  }
  return d;
}

const prefersReducedMotion = (): boolean =>
  typeof window !== 'undefined' &&
  typeof window.matchMedia === 'function' &&
  window.matchMedia('(prefers-reduced-motion: reduce)').matches;

// ------------------------------------------------------------------ the view

export function Ladder() {
  const session = useSession();
  const t = useT(messages);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [absolute, setAbsolute] = useState(false);
  const [mode, setMode] = useState<Mode>('follow');
  const [zt, setZt] = useState<ViewTransform>(IDENTITY);
  const [base, setBase] = useState<[number, number]>([0, MIN_SPAN]);
  const [size, setSize] = useState({ w: 496, h: 460 });
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const zoomRef = useRef<ZoomControl | null>(null);
  const modeRef = useRef<Mode>('follow');
  const autoRef = useRef<[number, number]>([0, MIN_SPAN]);
  const ignoreRef = useRef(false);
  const startRef = useRef<ViewTransform>(IDENTITY);
  const textCache = useRef<TextCache | null>(null);
  textCache.current ??= new TextCache();
  const denseRef = useRef(false);
  const labelRef = useRef<LabelRun | null>(null);
  const chunkRef = useRef<ChunkCanvas | null>(null);
  const exportRef = useRef<() => string | null>(() => null);

  // ---- a theme switch repaints the canvas (its colours are read from CSS)
  const [, setThemeTick] = useState(0);
  useEffect(() => {
    const bump = () => setThemeTick((n) => n + 1);
    const mo = new MutationObserver(bump);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq =
      typeof window.matchMedia === 'function'
        ? window.matchMedia('(prefers-color-scheme: dark)')
        : null;
    mq?.addEventListener('change', bump);
    return () => {
      mo.disconnect();
      mq?.removeEventListener('change', bump);
    };
  }, []);

  // ---- export: the canvas's arrows as SVG, for lessons/download.ts
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    setExportLayer(svg, () => exportRef.current());
    return () => setExportLayer(svg, null);
  }, []);

  // ---- size
  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const measure = () => {
      const w = Math.max(260, Math.floor(el.clientWidth));
      const h = Math.max(160, Math.floor(el.clientHeight));
      setSize((s) => (s.w === w && s.h === h ? s : { w, h }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // ---- zoom and pan (d3-zoom on the SVG, loaded after the first paint; the
  // transform applies to display time)
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    let alive = true;
    let control: ZoomControl | null = null;
    void import('./zoom').then(({ attachZoom }) => {
      if (!alive) return;
      control = attachZoom(svg, {
        start: (t) => {
          startRef.current = t;
        },
        zoom: (t, src) => {
          if (ignoreRef.current) return;
          if (modeRef.current !== 'manual') {
            // A click with a wobble, or a sideways drag, is not a request to stop following.
            const s = startRef.current;
            if (src && src.type !== 'wheel' && t.k === s.k && Math.abs(t.y - s.y) < 4) return;
            // Take over from auto-follow: the transform from now on applies to the domain shown now.
            modeRef.current = 'manual';
            setBase(autoRef.current);
            setMode('manual');
          }
          setZt(t);
        },
        end: () => {
          // Still following: keep d3's transform at identity, so the next gesture starts from the view shown.
          if (modeRef.current !== 'manual' && control && !control.isIdentity()) {
            ignoreRef.current = true;
            control.reset();
            ignoreRef.current = false;
          }
        },
      });
      zoomRef.current = control;
    });
    return () => {
      alive = false;
      control?.detach();
      zoomRef.current = null;
    };
  }, []);

  const goAuto = useCallback((m: 'follow' | 'fit') => {
    const z = zoomRef.current;
    if (z) {
      ignoreRef.current = true;
      z.reset();
      ignoreRef.current = false;
    }
    modeRef.current = m;
    setMode(m);
    setZt(IDENTITY);
  }, []);

  const zoomBy = useCallback((factor: number, y: number) => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z) return;
    if (modeRef.current !== 'manual') {
      modeRef.current = 'manual';
      setBase(autoRef.current);
      setMode('manual');
    }
    const w = svg.clientWidth || 400;
    z.scaleBy(factor, [w / 2, y], !prefersReducedMotion());
  }, []);

  // ---- segment actions (stable, so memoized arrows do not re-render)
  const onActivate = useCallback((id: number) => session.select(id), [session]);
  const onKey = useCallback(
    (id: number, status: SegStatus, e: KeyboardEvent<SVGGElement>) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        session.select(id);
      } else if ((e.key === 'd' || e.key === 'D') && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        // The session checks the segment is in flight at the cursor: a status from an
        // older render (a busy page) must not turn the key into nothing.
        session.dropSegment(id);
      }
    },
    [session],
  );
  const onFocusChange = useCallback((id: number | null) => setFocusedId(id), []);

  // ------------------------------------------------------------ the frame
  const records = session.world.trace.records;
  const idx = indexFor(records);
  const cursor = session.cursor;
  const map = new TimeMap(idx, cursor);
  const dc = map.toDisplay(cursor);
  const L = ladderLayout(size.w, size.h);
  const auto = mode === 'fit' ? fitDomain(dc) : followDomain(dc);
  let domain: [number, number] = auto;
  if (mode === 'manual') {
    domain = zoomedDomain(base, [L.top, L.bottom], zt);
  }
  useEffect(() => {
    autoRef.current = auto;
  });
  const k = (L.bottom - L.top) / (domain[1] - domain[0]);
  const originD = originFor(domain[0], k);
  const offsetY = r1(L.top + (originD - domain[0]) * k);
  const yAbs = (time: number): number => (map.toDisplay(time) - originD) * k;
  const yDup = (time: number): number => yAbs(time) + DUP_NUDGE;
  const margin = 40 / k;
  const tA = map.fromDisplay(domain[0] - margin);
  const tB = Math.min(map.fromDisplay(domain[1] + margin), cursor);
  const tOrigin = map.fromDisplay(originD);
  const selected = session.selected;

  // Segments in view: [lo, hi) by binary search on the index (a range that may hold
  // a few that end before the view: an early long arrow raises segMaxEnd).
  const [lo, hi] = visibleRange(idx.segT, idx.segMaxEnd, tA, tB);
  const inView = hi - lo;
  const canvasMode = inView > (denseRef.current ? CANVAS_LEAVE : CANVAS_THRESHOLD);
  const sampled = canvasMode && inView > SAMPLE_THRESHOLD;
  useEffect(() => {
    denseRef.current = canvasMode;
  });
  // Labels: thinned greedily from the origin, so the same ones stay while the view
  // scrolls; decided once per arrow for an origin and scale (a sampled view has none).
  // The scale and origin to 10 digits: following the cursor, (dc) − (dc − 1500) is not
  // exactly 1500 from frame to frame, and a key that changed in the last bit would
  // start the labels and the canvas over every frame.
  const scaleKey = `${originD.toPrecision(10)}|${k.toPrecision(10)}`;
  const labelKey = `${objectId(idx)}|${scaleKey}`;
  let labels = labelRef.current;
  if (!labels || labels.key !== labelKey || labels.next > hi)
    // One picker for both directions: long labels of opposite arrows cross in the middle.
    labels = new LabelRun(labelKey, lowerBound(idx.segT, tOrigin), LABEL_GAP);
  if (!sampled) labels.advance(hi, (i) => yAbs(idx.segT[i]!));
  labelRef.current = labels;
  const labelled = labels;
  const cache = textCache.current;
  const kindOf = (i: number): Kind => {
    const r = idx.segs[i]!;
    return r.dupOf !== null ? 'dup' : r.rtx ? 'rtx' : 'plain';
  };
  // A link duplicate leaves with its original and arrives a hair later: drawn a few
  // pixels lower so it does not hide under it.
  const geometryOf = (i: number) => {
    const r = idx.segs[i]!;
    return segmentGeometry(r, idx.dropAt.get(r.id), cursor, L.x, kindOf(i) === 'dup' ? yDup : yAbs);
  };

  // The SVG's marks: every arrow in view, or, in a dense view, those still moving.
  const inSvg: number[] = [];
  if (!canvasMode) {
    for (let i = lo; i < hi; i++) if (idx.segs[i]!.arriveAt >= tA) inSvg.push(i);
  } else {
    // Only a segment that has not arrived can still move: those come after
    // lowerBound(segMaxEnd, cursor).
    for (let i = Math.max(lo, lowerBound(idx.segMaxEnd, cursor)); i < hi; i++)
      if (idx.segs[i]!.arriveAt > cursor && !atRest(geometryOf(i))) inSvg.push(i);
  }
  for (const id of [selected, focusedId]) {
    if (id === null) continue;
    const p = idx.pos(id);
    if (p === undefined || idx.segs[p]!.t > cursor || inSvg.includes(p)) continue;
    inSvg.push(p);
  }
  const marks: MarkProps[] = [];
  let selectedMark: MarkProps | null = null;
  for (const i of inSvg) {
    const r = idx.segs[i]!;
    const kind = kindOf(i);
    const g = geometryOf(i);
    const isSel = r.id === selected;
    const showLabel = labelled.has(i) || isSel;
    const lp = showLabel ? labelPlacement(g.x0, g.y0, g.x1, g.y1) : NO_PLACE;
    const text = cache.get(idx, t, i, g.status, absolute, session.hiddenFor(idx.segs[i]!.id));
    const m: MarkProps = {
      id: r.id,
      from: r.from,
      kind,
      status: g.status,
      x0: r1(g.x0),
      y0: r1(g.y0),
      hx: r1(g.hx),
      hy: r1(g.hy),
      head: g.cross ? null : arrowHead(g.x0, g.y0, g.hx, g.hy),
      cross: g.cross,
      label: showLabel ? text.label : null,
      lx: r1(lp.x),
      ly: r1(lp.y),
      la: r1(lp.angle),
      anchor: lp.anchor,
      marker: kind === 'rtx' ? t('rtx') : kind === 'dup' ? t('dup') : null,
      droppedText: t(r.dropped === 'queue' ? 'queueFull' : 'dropped'),
      aria: text.aria,
      selected: isSel,
      onActivate,
      onKey,
      onFocusChange,
    };
    if (isSel) selectedMark = m;
    marks.push(m);
  }

  // The canvas's arrows: at rest, and not drawn in the SVG (selected, focused).
  const canvasItem = (i: number): CanvasItem | null | undefined => {
    const r = idx.segs[i]!;
    if (r.id === selected || r.id === focusedId) return undefined;
    const g = geometryOf(i);
    if (!atRest(g)) return null;
    const showLabel = labelled.has(i);
    const lp = showLabel ? labelPlacement(g.x0, g.y0, g.x1, g.y1) : NO_PLACE;
    return {
      from: r.from,
      kind: kindOf(i),
      x0: g.x0,
      y0: g.y0,
      hx: g.hx,
      hy: g.hy,
      cross: g.cross,
      label: showLabel
        ? cache.get(idx, t, i, g.status, absolute, session.hiddenFor(idx.segs[i]!.id)).label
        : null,
      lx: lp.x,
      ly: lp.y,
      la: lp.angle,
      anchor: lp.anchor,
    };
  };
  // A sampled view: the first segment of each pair of pixel rows, and the lost ones.
  const sample = (): CanvasItem[] => {
    const rows: number[] = [];
    for (let y = L.plotTop - 40; y < L.height + 40; y += 2)
      rows.push(map.fromDisplay(domain[0] + (y - L.top) / k));
    const picks = sampleRows(idx.segT, lo, hi, rows, tB + 1e-9);
    const l0 = lowerBound(idx.lost, lo);
    const l1 = lowerBound(idx.lost, hi);
    const stride = Math.max(1, Math.ceil((l1 - l0) / MAX_CROSSES));
    for (let j = l0; j < l1; j += stride) picks.push(idx.lost[j]!);
    const out: CanvasItem[] = [];
    for (const i of picks) {
      const it = canvasItem(i);
      if (it) out.push(it);
    }
    return out;
  };
  const colours = canvasColours(plotRef.current ?? document.documentElement);
  // The canvas covers two bands of the view's height: the band the top of the view is
  // in and the next, so the view is always inside it; it starts over (one full paint)
  // each time the top of the view moves to the next band. Small, so handing its
  // bitmap to the compositor after a change is cheap.
  const band = Math.max(200, L.height);
  const bandTop = Math.floor((L.plotTop - offsetY) / band) * band;
  const canvasHeight = 2 * band;
  const chunkKey = [
    objectId(idx),
    objectId(t),
    scaleKey,
    bandTop,
    L.width,
    L.height,
    absolute,
    selected,
    focusedId,
    colourKey(colours),
  ].join('|');
  // Where the canvas sits under the plot's top edge.
  const canvasShift = r1(offsetY + bandTop - L.plotTop);
  // The canvas's part of an exported SVG (the export asks for it when it runs).
  exportRef.current = canvasMode
    ? () => {
        const items: CanvasItem[] = [];
        if (sampled) items.push(...sample());
        else
          for (let i = lo; i < hi; i++) {
            const it = idx.segs[i]!.arriveAt >= tA ? canvasItem(i) : null;
            if (it) items.push(it);
          }
        return canvasLayerSvg(items, colours);
      }
    : () => null;

  // Timers.
  const [tlo, thi] = visibleRange(idx.timerT, idx.timerMaxEnd, tA, tB);
  const hatchId = `${uid}-hatch`;
  const timerEls: ReactNode[] = [];
  {
    const pick: Record<Side, LabelPicker> = {
      client: new LabelPicker(TIMER_LABEL_GAP),
      server: new LabelPicker(TIMER_LABEL_GAP),
    };
    const labelledT = new Set<number>();
    // The bars to draw: all those in view; in a sampled view (a fitted run of
    // 100,000 segments holds as many timers), per timer the first one armed in
    // each row of pixels, found by binary search, and no labels but a running
    // long timer's.
    let order: number[] | null = null;
    if (sampled) {
      order = [];
      for (const list of idx.timerKeys.values()) {
        let j = lowerBound(list.pos, tlo);
        while (j < list.pos.length && list.pos[j]! < thi) {
          order.push(list.pos[j]!);
          const next = map.fromDisplay(originD + (yAbs(list.t[j]!) + 1) / k);
          j = lowerBound(list.t, next, j + 1);
        }
      }
      order.sort((a, b) => a - b);
    } else
      for (let i = Math.min(tlo, lowerBound(idx.timerT, tOrigin)); i < thi; i++) {
        const bar = idx.timers[i]!;
        if (i >= lowerBound(idx.timerT, tOrigin) && pick[bar.side].take(yAbs(bar.t)))
          labelledT.add(i);
      }
    const topAbs = (domain[0] - originD) * k;
    // Bars of one timer that follow each other with no visible gap (an RTO timer
    // re-armed by every ACK of a bulk transfer) are drawn as one rectangle.
    interface Run {
      readonly key: number;
      readonly side: Side;
      readonly timer: string;
      readonly x: number;
      readonly y0: number;
      y1: number;
    }
    const open = new Map<string, Run>();
    const runs: Run[] = [];
    const caps: ReactNode[] = [];
    const labels: ReactNode[] = [];
    const lastCap = new Map<string, number>();
    const n = order ? order.length : thi - tlo;
    for (let o = 0; o < n; o++) {
      const i = order ? order[o]! : tlo + o;
      const bar = idx.timers[i]!;
      const span = timerSpan(bar, cursor);
      if (!span || span.t1 < tA) continue;
      const lane = bar.timer === 'delack' ? 1 : 0;
      const dir = bar.side === 'client' ? -1 : 1;
      const xl = L.x[bar.side] + dir * (5 + lane * 8);
      const bx = r1(dir < 0 ? xl - 5 : xl);
      const y0 = r1(yAbs(span.t0));
      const y1 = r1(Math.max(yAbs(span.t1), y0 + 1));
      const rk = `${bar.side}|${bar.timer}`;
      const run = open.get(rk);
      if (run && y0 <= run.y1 + 1.5) run.y1 = Math.max(run.y1, y1);
      else {
        const fresh: Run = { key: i, side: bar.side, timer: bar.timer, x: bx, y0, y1 };
        open.set(rk, fresh);
        runs.push(fresh);
      }
      // A cap where the timer fired; one per 2 px of a lane (a fitted long run has thousands).
      if (span.fired && !(y1 - (lastCap.get(rk) ?? -Infinity) < 2)) {
        lastCap.set(rk, y1);
        caps.push(<line key={`c${i}`} x1={r1(bx - 2)} x2={r1(bx + 7)} y1={y1} y2={y1} />);
      }
      let label: { main: string; sub: string | null } | null = null;
      let ly = y0 + 10;
      if (labelledT.has(i)) label = timerLabel(bar, cursor, t);
      else if (span.running && y0 < topAbs && y1 > topAbs + 20) {
        // A long timer whose start scrolled away keeps its label at the top of the view.
        label = timerLabel(bar, cursor, t);
        ly = topAbs + 10;
      }
      if (label) {
        const tx = r1(L.x[bar.side] + dir * OUTER_TEXT);
        labels.push(
          <text key={`l${i}`} x={tx} y={r1(ly)} textAnchor={dir < 0 ? 'end' : 'start'}>
            {label.main}
            {label.sub && (
              <tspan x={tx} dy={11} className="lad-tm-sub">
                {label.sub}
              </tspan>
            )}
          </text>,
        );
      }
    }
    for (const run of runs)
      timerEls.push(
        <rect
          key={`r${run.key}`}
          className={`lad-timer lad-tm-${run.timer} lad-tm-${run.side}`}
          x={run.x}
          y={run.y0}
          width={5}
          height={r1(run.y1 - run.y0)}
          fill={run.timer === 'timeWait' ? `url(#${hatchId})` : undefined}
        />,
      );
    timerEls.push(
      <g key="caps" className="lad-tm-caps">
        {caps}
      </g>,
      <g key="labels" className="lad-tm-labels">
        {labels}
      </g>,
    );
  }

  // State names where they change.
  const stateEls: ReactNode[] = [];
  {
    const s0 = lowerBound(idx.stateT, Math.min(tA, tOrigin));
    const s1 = upperBound(idx.stateT, tB);
    for (const side of SIDES) {
      const list: number[] = [];
      for (let i = s0; i < s1; i++) if (idx.states[i]!.side === side) list.push(i);
      const ys = stackLabels(
        list.map((i) => yAbs(idx.stateT[i]!)),
        STATE_GAP,
      );
      const dir = side === 'client' ? -1 : 1;
      list.forEach((i, j) => {
        const r = idx.states[i]!;
        const y = r1(yAbs(r.t));
        stateEls.push(
          <g key={`st${i}`} className={`lad-state lad-state-${side}`}>
            <line x1={L.x[side] - 4} x2={L.x[side] + 4} y1={y} y2={y} />
            <text
              x={r1(L.x[side] + dir * OUTER_TEXT)}
              y={r1(ys[j]! - 3)}
              textAnchor={dir < 0 ? 'end' : 'start'}
            >
              {r.to}
            </text>
          </g>,
        );
      });
    }
  }

  // Compressed idle stretches.
  // Compressed idle stretches: a cut through the picture, with its length when there is room.
  const gapEls: ReactNode[] = [];
  {
    let lastText = -Infinity;
    let lastMark = -Infinity;
    for (const g of map.gapsBetween(tA, tB)) {
      const y0 = r1(yAbs(g.midStart));
      const y1 = r1(yAbs(g.midEnd));
      const hgt = y1 - y0;
      const mid = (y0 + y1) / 2;
      // A thin break within 3 px of the last one adds nothing (a fitted long run has thousands).
      if (hgt < 6 && mid - lastMark < 3) continue;
      lastMark = y1;
      const showText = hgt >= 12 && mid - lastText >= 14;
      if (showText) lastText = mid;
      const d = formatGap(g.b - g.a);
      gapEls.push(
        <g key={`gap${g.a}`} className="lad-gap">
          <title>{t('gapTitle', { d })}</title>
          <rect x={L.gutter} y={y0} width={L.width - L.gutter} height={Math.max(1, hgt)} />
          {hgt >= 6 ? (
            <>
              <path d={zigzag(L.gutter, L.width, y0)} />
              <path d={zigzag(L.gutter, L.width, y1)} />
            </>
          ) : (
            <line x1={L.gutter} x2={L.width} y1={r1(mid)} y2={r1(mid)} />
          )}
          {showText && (
            <text x={(L.x.client + L.x.server) / 2} y={r1(mid + 4)} textAnchor="middle">
              {t('gap', { d })}
            </text>
          )}
        </g>,
      );
    }
  }

  const ticks = timeTicks(map, domain[0], domain[1], k);
  const yNow = r1(yAbs(cursor));
  const yNowScreen = yNow + offsetY;
  const nowBelow = yNowScreen + 16 <= L.height;

  // The drop affordance next to the selected segment while it is in flight.
  const dropAt =
    selectedMark && selectedMark.status === 'inflight'
      ? { x: selectedMark.hx, y: selectedMark.hy + offsetY, left: selectedMark.from === 'server' }
      : null;
  const dropVisible = dropAt !== null && dropAt.y >= L.plotTop && dropAt.y <= L.height;

  // Paint the canvas layer after each render: what came to rest since the last one
  // (all of it when the chunk's canvas starts over); cleared when not needed.
  useLayoutEffect(() => {
    const cv = canvasRef.current;
    if (!cv) return;
    cv.style.transform = `translateY(${canvasShift}px)`;
    const chunk = (chunkRef.current ??= new ChunkCanvas());
    const dpr = window.devicePixelRatio || 1;
    if (!canvasMode) {
      chunk.reset();
      if (cv.width !== 0) cv.width = 0;
      return;
    }
    chunk.paint(
      cv,
      {
        key: chunkKey,
        cursor,
        lo,
        hi,
        width: L.width,
        height: canvasHeight,
        pad: -bandTop,
        colours,
        item: canvasItem,
        sample: sampled ? sample() : undefined,
      },
      dpr,
    );
  });

  const sent = idx.segs.length > 0 && idx.segT[0]! <= cursor;
  const titleId = `${uid}-title`;
  const hintId = `${uid}-hint`;
  const clipId = `${uid}-clip`;

  return (
    <section className="ladder" aria-labelledby={titleId}>
      <div className="ladder-bar">
        <h2 id={titleId}>{t('title')}</h2>
        <div className="ladder-tools">
          <button
            type="button"
            aria-label={t('zoomIn')}
            title={t('zoomIn')}
            onClick={() => zoomBy(1.6, yNowScreen)}
          >
            +
          </button>
          <button
            type="button"
            aria-label={t('zoomOut')}
            title={t('zoomOut')}
            onClick={() => zoomBy(1 / 1.6, yNowScreen)}
          >
            −
          </button>
          <button
            type="button"
            aria-pressed={mode === 'fit'}
            title={t('fitTitle')}
            onClick={() => goAuto('fit')}
          >
            {t('fit')}
          </button>
          <button
            type="button"
            aria-pressed={mode === 'follow'}
            title={t('followTitle')}
            onClick={() => goAuto('follow')}
          >
            {t('follow')}
          </button>
          <label className="ladder-abs">
            <input
              type="checkbox"
              checked={absolute}
              onChange={(e) => setAbsolute(e.currentTarget.checked)}
            />
            {t('absolute')}
          </label>
        </div>
      </div>
      <p id={hintId} className="visually-hidden">
        {t('keyHint')}
      </p>
      <div className="ladder-plot" ref={plotRef}>
        <div className="ladder-canvas-clip" style={{ top: `${L.plotTop}px` }} aria-hidden="true">
          <canvas
            ref={canvasRef}
            className="ladder-canvas"
            style={{ width: `${L.width}px`, height: `${canvasHeight}px` }}
          />
        </div>
        <svg
          ref={svgRef}
          className="ladder-svg"
          width={L.width}
          height={L.height}
          role="group"
          aria-label={t('plotLabel')}
          aria-describedby={hintId}
        >
          <defs>
            <pattern
              id={hatchId}
              width={4}
              height={4}
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <line className="lad-hatch" x1={0} y1={0} x2={0} y2={4} />
            </pattern>
            <clipPath id={clipId}>
              <rect
                x={0}
                y={L.plotTop}
                width={L.width}
                height={Math.max(0, L.height - L.plotTop)}
              />
            </clipPath>
          </defs>
          <g clipPath={`url(#${clipId})`}>
            <g transform={`translate(0,${offsetY})`} className="lad-ticks" aria-hidden="true">
              {ticks.map((tk) => {
                const y = r1(yAbs(tk.t));
                return (
                  <g key={tk.t}>
                    <line x1={L.gutter} x2={L.width} y1={y} y2={y} />
                    <text x={2} y={y + 3}>
                      {tk.label}
                    </text>
                  </g>
                );
              })}
            </g>
            <line
              className="lad-life lad-life-client"
              x1={L.x.client}
              x2={L.x.client}
              y1={L.plotTop}
              y2={L.height}
            />
            <line
              className="lad-life lad-life-server"
              x1={L.x.server}
              x2={L.x.server}
              y1={L.plotTop}
              y2={L.height}
            />
            <g transform={`translate(0,${offsetY})`}>
              {/* An export puts the canvas's arrows here (lessons/download.ts). */}
              <g data-export-slot="" aria-hidden="true" />
              <g aria-hidden="true">{timerEls}</g>
              <g aria-hidden="true">{gapEls}</g>
              <g aria-hidden="true">{stateEls}</g>
              <g className="lad-now" aria-hidden="true">
                <line x1={L.gutter} x2={L.width} y1={yNow} y2={yNow} />
                <text x={L.width - 4} y={nowBelow ? yNow + 13 : yNow - 5} textAnchor="end">
                  {`${t('now')} ${formatNow(cursor)}`}
                </text>
              </g>
              <g role="group" aria-label={t('segments')}>
                {marks.map((m) => (
                  <SegmentMark key={m.id} {...m} />
                ))}
              </g>
              {selectedMark && (
                // The selected arrow again on top of the others (its element keeps its
                // place in the list: moving a focused element would blur it).
                <g
                  className={`lad-sel-top lad-${selectedMark.from} lad-${selectedMark.kind}`}
                  aria-hidden="true"
                >
                  <line
                    className="lad-line"
                    x1={selectedMark.x0}
                    y1={selectedMark.y0}
                    x2={selectedMark.hx}
                    y2={selectedMark.hy}
                  />
                  {!selectedMark.cross && selectedMark.head && (
                    <polygon className="lad-headmark" points={selectedMark.head} />
                  )}
                </g>
              )}
            </g>
          </g>
          <g className="lad-header" aria-hidden="true">
            <rect x={0} y={0} width={L.width} height={L.plotTop} />
            {SIDES.map((side) => (
              <g key={side} className={`lad-hdr-${side}`}>
                <text className="lad-hdr-name" x={L.x[side]} y={15} textAnchor="middle">
                  <tspan className="lad-hdr-glyph">{side === 'client' ? '● ' : '■ '}</tspan>
                  {t(side)}
                </text>
                <text className="lad-hdr-state" x={L.x[side]} y={30} textAnchor="middle">
                  {session.connOf(side)?.state ?? 'CLOSED'}
                </text>
              </g>
            ))}
          </g>
          {!sent && (
            <text className="lad-empty" x={L.width / 2} y={L.top + 70} textAnchor="middle">
              {t('empty')}
            </text>
          )}
        </svg>
        {dropAt && dropVisible && (
          <button
            type="button"
            className="ladder-drop"
            title={t('dropButtonTitle')}
            style={{
              left: `${dropAt.left ? dropAt.x - 10 : dropAt.x + 10}px`,
              top: `${dropAt.y}px`,
              transform: dropAt.left ? 'translate(-100%, -50%)' : 'translate(0, -50%)',
            }}
            onClick={() => selected !== null && session.dropSegment(selected)}
          >
            {t('dropButton')}
          </button>
        )}
        {canvasMode && <p className="ladder-dense">{t('dense', { n: inView })}</p>}
      </div>
    </section>
  );
}
