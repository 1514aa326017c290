/**
 * The data-transfer graphs (issue 12): the time–sequence graph of one
 * direction's data, the congestion graph of its sender, and the send-window
 * strips at the cursor, with a second run drawn under them for comparison.
 *
 * Both graphs share one time axis: following the cursor, the whole run, or a
 * range the person dragged or zoomed to. They are drawn on canvases; a frame
 * finds what is in view by binary search in incremental indexes of the trace
 * (seq-series.ts, cc-series.ts) and draws at most about one shape per pixel
 * column (decimate.ts), so its work does not grow with the run.
 *
 * A data mark is clicked, or reached with the arrow keys and Enter, to select
 * its segment: the ladder and the header inspector show the same one.
 */
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  type WheelEvent,
} from 'react';
import type { World } from '../../core';
import { useLang, useT } from '../i18n';
import { useSession } from '../use-session';
import { ccIndexFor, phaseBands, type CcSeries } from './cc-series';
import { graphColours } from './colours';
import {
  CC_NAMES,
  choiceKey,
  parseChoice,
  replayAtTimes,
  variantOptions,
  type CompareChoice,
} from './compare';
import { MarkColumnCache, StepColumns } from './decimate';
import {
  axisTicks,
  drawGrid,
  drawCc,
  drawCursor,
  drawPhases,
  drawSeq,
  drawWindowAbove,
  MARKS_ONE_BY_ONE,
  msText,
  plotArea,
  prepare,
  ringMark,
  seqAxisText,
  type Area,
  type AxisTicks,
  type CcLine,
} from './draw';
import { messages, type GraphsKey } from './messages';
import { Linear, bytesText, niceDomain } from './scale';
import { stepRange, upperBound } from './search';
import { hitMark, seqDomain, seqRanges, type SeqRanges } from './seq-frame';
import { DUP, LOST, RTX, seqIndexFor, type Direction } from './seq-series';
import { WindowStrips } from './WindowStrips';
import './graphs.css';

/** The phases' names, in CC_PHASES order. */
const PHASE_NAMES: readonly GraphsKey[] = [
  'phSlowStart',
  'phAvoidance',
  'phFastRecovery',
  'phRtoRecovery',
];

type Mode = 'follow' | 'fit' | 'manual';

type CcLineName = 'cwnd' | 'ssthresh' | 'flight' | 'srtt' | 'rto';

/** Column caches of the lines and marks drawn: [0] for the run, [1] for the compared one. */
interface Caches {
  readonly marks: [MarkColumnCache, MarkColumnCache];
  readonly ack: [StepColumns, StepColumns];
  readonly win: [StepColumns, StepColumns];
  readonly cc: [Record<CcLineName, StepColumns>, Record<CcLineName, StepColumns>];
  readonly queue: StepColumns;
}

function newCaches(): Caches {
  const cc = (): Record<CcLineName, StepColumns> => ({
    cwnd: new StepColumns(),
    ssthresh: new StepColumns(),
    flight: new StepColumns(),
    srtt: new StepColumns(),
    rto: new StepColumns(),
  });
  return {
    marks: [new MarkColumnCache(), new MarkColumnCache()],
    ack: [new StepColumns(), new StepColumns()],
    win: [new StepColumns(), new StepColumns()],
    cc: [cc(), cc()],
    queue: new StepColumns(),
  };
}

/** Compared runs that went past their work budget while keeping up with a live run. */
const spent = new WeakSet<World>();

/** The follow view's span at first (virtual ms). */
const FOLLOW_SPAN = 2000;
const MIN_SPAN = 5;
const ZOOM_STEP = 1.6;
const SEQ_HEADROOM = 20;

/** The time domain shown: following the cursor (most of the span before it), the whole run, or as set. */
export function timeDomain(
  mode: Mode,
  cursor: number,
  end: number,
  span: number,
  manual: readonly [number, number],
): [number, number] {
  if (mode === 'fit') return [0, Math.max(end, MIN_SPAN)];
  if (mode === 'manual') return [manual[0], manual[1]];
  const t0 = Math.max(0, cursor - span * 0.9);
  return [t0, t0 + span];
}

interface Other {
  readonly key: string;
  /** The run it was made for (a new run, fork or input makes it stale). */
  readonly base: World;
  readonly inputs: number;
  readonly world: World | null;
  readonly cut: boolean;
}

const PHASE_SHORT = {
  'slow-start': 'phSsShort',
  avoidance: 'phCaShort',
  'fast-recovery': 'phFrShort',
  'rto-recovery': 'phRtoShort',
} as const satisfies Record<string, GraphsKey>;

function useWidth(ref: React.RefObject<HTMLElement | null>, initial: number): number {
  const [w, setW] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setW(Math.max(240, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

/** A theme switch repaints the canvases (their colours come from CSS). */
function useThemeTick(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const bump = () => setN((x) => x + 1);
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
  return n;
}

/** The axes' texts over a canvas: DOM text, placed by transforms. */
function AxisLabels({ a, t }: { a: Area; t: AxisTicks }) {
  return (
    <div className="gr-labels" aria-hidden="true">
      {t.x.map((k) => (
        <span
          key={`x${k.v}`}
          className="gr-lx"
          style={{
            transform: `translate(${k.px.toFixed(1)}px, ${a.bottom + 4}px) translateX(-50%)`,
          }}
        >
          {k.text}
        </span>
      ))}
      {t.y.map((k) => (
        <span
          key={`y${k.v}`}
          className="gr-ly"
          style={{
            width: `${a.left - 5}px`,
            transform: `translateY(${k.px.toFixed(1)}px) translateY(-50%)`,
          }}
        >
          {k.text}
        </span>
      ))}
      {t.r.map((k) => (
        <span
          key={`r${k.v}`}
          className="gr-lr"
          style={{
            transform: `translate(${a.right + 5}px, ${k.px.toFixed(1)}px) translateY(-50%)`,
          }}
        >
          {k.text}
        </span>
      ))}
    </div>
  );
}

/** A legend entry: a small drawing of the mark beside its name. */
function Key({ swatch, children }: { swatch: ReactNode; children: ReactNode }) {
  return (
    <li>
      <svg width={22} height={14} aria-hidden="true" className="gr-key-svg">
        {swatch}
      </svg>
      {children}
    </li>
  );
}

export function Graphs() {
  const session = useSession();
  const t = useT(messages);
  const { lang } = useLang();
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [dirKey, setDirKey] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('follow');
  const [span, setSpan] = useState(FOLLOW_SPAN);
  const [manual, setManual] = useState<[number, number]>([0, FOLLOW_SPAN]);
  const [choice, setChoice] = useState<CompareChoice>({ kind: 'none' });
  const [other, setOther] = useState<Other | null>(null);
  const [focusId, setFocusId] = useState<number | null>(null);
  const themeTick = useThemeTick();
  const seqBox = useRef<HTMLDivElement>(null);
  const ccBox = useRef<HTMLDivElement>(null);
  const seqCanvas = useRef<HTMLCanvasElement>(null);
  const ccCanvas = useRef<HTMLCanvasElement>(null);
  const cacheRef = useRef<Caches | null>(null);
  const seqW = useWidth(seqBox, 600);
  const ccW = useWidth(ccBox, 600);
  const narrow = seqW < 520;
  const H = narrow ? 240 : 300;

  // ------------------------------------------------------------ the runs
  const world = session.world;
  const idx = seqIndexFor(world.trace.records);
  const dirs = idx.ranked();
  const dir: Direction | null = dirs.find((d) => d.key === dirKey) ?? dirs[0] ?? null;
  const cci = ccIndexFor(world.trace);
  const ccs: CcSeries | undefined = dir ? cci.conns.get(dir.key) : undefined;
  const cursor = session.cursor;
  const end = Math.max(world.now, cursor);

  // The compared run: the one before the fork as the session keeps it, or the same
  // inputs replayed under another setting (after a paint that says it is running).
  const key = choiceKey(choice);
  const base = session.baseWorld;
  const stale =
    !other || other.key !== key || other.base !== base || other.inputs !== base.inputs.length;
  useEffect(() => {
    if (!stale) return;
    if (choice.kind === 'none') {
      setOther(null);
      return;
    }
    if (choice.kind === 'beforeFork') {
      setOther({ key, base, inputs: base.inputs.length, world: session.beforeFork, cut: false });
      return;
    }
    // No state until it is done: a state change here would run this effect's cleanup,
    // and that would cancel the replay (the graphs say it is running while stale).
    const timer = setTimeout(() => {
      const opts = variantOptions(base.options, choice);
      if (!opts) return;
      const max = Math.max(2000, base.trace.segmentCount * 2);
      const r = replayAtTimes(opts, base.inputs, base.now, max);
      setOther({ key, base, inputs: base.inputs.length, world: r.world, cut: r.cut });
    }, 30);
    return () => clearTimeout(timer);
  }, [stale, choice, key, base, session]);
  const otherWorld = !stale && other ? other.world : null;
  // A live run goes on: the compared one keeps up with it (it is a World too).
  if (
    otherWorld &&
    otherWorld !== session.beforeFork &&
    !other?.cut &&
    !spent.has(otherWorld) &&
    otherWorld.now < end
  ) {
    try {
      otherWorld.runUntil(end);
    } catch {
      // Past its budget: it stays where it got to.
      spent.add(otherWorld);
    }
  }
  const oIdx = otherWorld ? seqIndexFor(otherWorld.trace.records) : null;
  const oDir = dir && oIdx ? (oIdx.dirs.get(dir.key) ?? oIdx.ranked()[0] ?? null) : null;
  const oCc = otherWorld && dir ? ccIndexFor(otherWorld.trace).conns.get(dir.key) : undefined;
  const otherName =
    choice.kind === 'beforeFork'
      ? t('cmpBeforeFork')
      : choice.kind === 'cc'
        ? t('cmpCc', { cc: choice.cc })
        : choice.kind === 'profile'
          ? t('cmpProfile', { profile: choice.profile })
          : '';

  // ------------------------------------------------------------ time domain
  const [t0, t1] = timeDomain(mode, cursor, end, span, manual);
  const seqArea: Area = plotArea(seqW, H);
  const ccArea: Area = plotArea(ccW, H, true);
  const seqXs = new Linear(t0, t1, seqArea.left, seqArea.right);
  const ccXs = new Linear(t0, t1, ccArea.left, ccArea.right);

  // ------------------------------------------------------------ sequence frame
  const r = dir ? seqRanges(dir, t0, t1, cursor) : null;
  const oR = oDir ? seqRanges(oDir, t0, t1, cursor) : null;
  const caches = (cacheRef.current ??= newCaches());
  const tEnd = Math.min(t1, cursor);
  // Per run drawn: the marks per pixel column (past MARKS_ONE_BY_ONE in view), and the
  // ACK and window lines, each from columns kept while the domain stays.
  const seqPrep = (d: Direction, rr: SeqRanges, k: 0 | 1) => {
    const many = rr.hi - rr.lo > MARKS_ONE_BY_ONE;
    const mc = many
      ? caches.marks[k].update(d.t, d.seq, d.end, d.flags, rr.lo, rr.hi, seqXs)
      : null;
    const ack = caches.ack[k].update(d.ackT, d.ack, rr.alo, rr.ahi, seqXs);
    const win = caches.win[k].update(d.ackT, d.win, rr.alo, rr.ahi, seqXs);
    return { d, r: rr, mc, ack, win, marks: mc?.extent(), acks: ack.extent() };
  };
  const parts = [] as ReturnType<typeof seqPrep>[];
  if (dir && r) parts.push(seqPrep(dir, r, 0));
  if (oDir && oR) parts.push(seqPrep(oDir, oR, 1));
  const [y0, y1] = seqDomain(parts);
  // Headroom above the highest mark for the shapes drawn on top of it (diamond, cross).
  const seqYs = new Linear(y0, y1, seqArea.bottom, seqArea.top + SEQ_HEADROOM);

  // The focused mark (keyboard), by segment id, and its place in the direction.
  const focusPos = focusId === null ? undefined : idx.mark(focusId);
  const focusI = focusPos && focusPos.dir === dir ? focusPos.i : null;
  const selPos = session.selected === null ? undefined : idx.mark(session.selected);
  const selI = selPos && selPos.dir === dir ? selPos.i : null;

  // ------------------------------------------------------------ congestion frame
  const ccR = ccs ? stepRange(ccs.t, t0, tEnd) : ([0, 0] as const);
  const oCcR = oCc ? stepRange(oCc.t, t0, tEnd) : ([0, 0] as const);
  // The sender's direction of the link: its bottleneck queue, if it has one.
  const queue = dir && cci.queue[dir.from].t.length > 0 ? cci.queue[dir.from] : null;
  const ccPrep = (s: CcSeries, [lo, hi]: readonly [number, number], k: 0 | 1) => {
    const col = (name: CcLineName) => caches.cc[k][name].update(s.t, s[name], lo, hi, ccXs);
    return {
      cwnd: col('cwnd'),
      ssthresh: col('ssthresh'),
      flight: col('flight'),
      srtt: col('srtt'),
      rto: col('rto'),
    };
  };
  const ccCols = ccs ? ccPrep(ccs, ccR, 0) : null;
  const oCcCols = oCc ? ccPrep(oCc, oCcR, 1) : null;
  const qR = queue ? stepRange(queue.t, t0, tEnd) : ([0, 0] as const);
  const qCols = queue ? caches.queue.update(queue.t, queue.bytes, qR[0], qR[1], ccXs) : null;
  let bytesMax = 1;
  let msMax = 1;
  for (const cols of [ccCols, oCcCols]) {
    if (!cols) continue;
    bytesMax = Math.max(
      bytesMax,
      cols.cwnd.extent()[1],
      cols.flight.extent()[1],
      cols.ssthresh.extent()[1],
    );
    msMax = Math.max(msMax, cols.rto.extent()[1], cols.srtt.extent()[1]);
  }
  if (qCols) bytesMax = Math.max(bytesMax, qCols.extent()[1]);
  const ccYs = new Linear(0, niceDomain(0, bytesMax * 1.05)[1], ccArea.bottom, ccArea.top);
  const ccMs = new Linear(0, niceDomain(0, msMax * 1.05)[1], ccArea.bottom, ccArea.top);
  const seqTicks = axisTicks(seqArea, seqXs, seqYs, seqAxisText);
  const ccTicks = axisTicks(ccArea, ccXs, ccYs, bytesText, { ys: ccMs, text: msText });

  // ------------------------------------------------------------ drawing
  useLayoutEffect(() => {
    const cv = seqCanvas.current;
    if (!cv) return;
    const ctx = prepare(cv, seqW, H);
    if (!ctx) return;
    const c = graphColours(cv);
    drawGrid(ctx, seqArea, seqTicks, c);
    for (const p of [...parts].reverse())
      drawSeq(
        ctx,
        seqArea,
        {
          d: p.d,
          r: p.r,
          xs: seqXs,
          ys: seqYs,
          ackPts: p.ack.path(seqXs, seqYs, tEnd),
          winPts: p.win.path(seqXs, seqYs, tEnd),
          cols: p.mc ? p.mc.columns() : null,
          dataColour: c[p.d.from],
          faint: p.d !== dir,
        },
        c,
      );
    if (dir && r) {
      drawWindowAbove(ctx, seqArea, dir, r, seqYs, c, (b) => t('windowAbove', { b }));
      if (selI !== null && dir.t[selI]! <= cursor)
        ringMark(ctx, seqArea, dir, selI, seqXs, seqYs, c.fg, false);
    }
    drawCursor(ctx, seqArea, seqXs.map(cursor), c);
  });
  useLayoutEffect(() => {
    const cv = ccCanvas.current;
    if (!cv) return;
    const ctx = prepare(cv, ccW, H);
    if (!ctx) return;
    const c = graphColours(cv);
    if (ccs && ccR[1] > ccR[0]) {
      const bands = phaseBands(ccs, ccR[0], ccR[1], tEnd);
      drawPhases(ctx, ccArea, bands, ccXs, c, (p) => t(PHASE_SHORT[p]));
    }
    drawGrid(ctx, ccArea, ccTicks, c);
    const lines = (cols: NonNullable<typeof ccCols>): CcLine[] => [
      // cwnd wide and first: a sender limited by it has as much in flight, and the
      // thin flight line then runs inside it instead of under it.
      { pts: cols.cwnd.path(ccXs, ccYs, tEnd), colour: c.cwnd, width: 3, dash: [] },
      { pts: cols.ssthresh.path(ccXs, ccYs, tEnd), colour: c.ssthresh, width: 1.5, dash: [6, 3] },
      { pts: cols.srtt.path(ccXs, ccMs, tEnd), colour: c.srtt, width: 1.25, dash: [1, 2] },
      { pts: cols.rto.path(ccXs, ccMs, tEnd), colour: c.rto, width: 1.25, dash: [6, 2, 1, 2] },
      { pts: cols.flight.path(ccXs, ccYs, tEnd), colour: c.flight, width: 1.25, dash: [] },
    ];
    if (oCcCols) drawCc(ctx, ccArea, lines(oCcCols), true, null);
    const q = qCols
      ? { pts: qCols.path(ccXs, ccYs, tEnd), zero: ccYs.map(0), colour: c.queue }
      : null;
    if (ccCols || q) drawCc(ctx, ccArea, ccCols ? lines(ccCols) : [], false, q);
    drawCursor(ctx, ccArea, ccXs.map(cursor), c);
  });
  void themeTick;
  void lang;

  // ------------------------------------------------------------ interaction
  const drag = useRef<{ x: number; d: [number, number]; moved: boolean; w: number } | null>(null);
  const domainRef = useRef<[number, number]>([t0, t1]);
  domainRef.current = [t0, t1];

  const setDomain = useCallback((d: [number, number]) => {
    setManual(d);
    setMode('manual');
  }, []);

  const zoom = useCallback(
    (factor: number, at: number | null) => {
      const [a, b] = domainRef.current;
      const s = Math.max(MIN_SPAN, (b - a) / factor);
      if (mode === 'follow' && at === null) {
        setSpan(s);
        return;
      }
      const c = at ?? (a + b) / 2;
      const f = (c - a) / (b - a);
      const n0 = Math.max(0, c - f * s);
      setDomain([n0, n0 + s]);
    },
    [mode, setDomain],
  );

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const area = e.currentTarget === seqCanvas.current ? seqArea : ccArea;
    drag.current = {
      x: e.clientX,
      d: domainRef.current,
      moved: false,
      w: area.right - area.left,
    };
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const g = drag.current;
    if (!g) return;
    const dx = e.clientX - g.x;
    if (!g.moved && Math.abs(dx) < 4) return;
    g.moved = true;
    const dt = (-dx / g.w) * (g.d[1] - g.d[0]);
    const a = Math.max(0, g.d[0] + dt);
    setDomain([a, a + (g.d[1] - g.d[0])]);
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const g = drag.current;
    drag.current = null;
    if (!g || g.moved || e.currentTarget !== seqCanvas.current || !dir || !r) return;
    const box = e.currentTarget.getBoundingClientRect();
    const i = hitMark(
      dir,
      r.lo,
      r.hi,
      (x) => seqXs.map(x),
      (v) => seqYs.map(v),
      (px) => seqXs.invert(px),
      e.clientX - box.left,
      e.clientY - box.top,
    );
    if (i !== null) {
      setFocusId(dir.id[i]!);
      session.select(dir.id[i]!);
    }
  };
  const onWheel = (e: WheelEvent<HTMLCanvasElement>) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    const box = e.currentTarget.getBoundingClientRect();
    const xs = e.currentTarget === seqCanvas.current ? seqXs : ccXs;
    zoom(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, xs.invert(e.clientX - box.left));
  };

  /** Marks a key may reach: those sent by the cursor. */
  const reachable = dir ? upperBound(dir.t, cursor) : 0;
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!dir || reachable === 0) return;
    const cur = focusI ?? null;
    let next: number;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp')
      next = cur === null ? Math.max(0, r?.lo ?? 0) : Math.min(reachable - 1, cur + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown')
      next = cur === null ? Math.max(0, (r?.hi ?? reachable) - 1) : Math.max(0, cur - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = reachable - 1;
    else if ((e.key === 'Enter' || e.key === ' ') && cur !== null) {
      e.preventDefault();
      session.select(dir.id[cur]!);
      return;
    } else return;
    e.preventDefault();
    next = Math.min(next, reachable - 1);
    setFocusId(dir.id[next]!);
    // Bring a mark outside the view into it.
    const tm = dir.t[next]!;
    const [a, b] = domainRef.current;
    if (tm < a || tm > b) {
      const s = b - a;
      setDomain([Math.max(0, tm - s / 2), Math.max(0, tm - s / 2) + s]);
    }
  };

  // The focused mark: a ring over the canvas, and its description for screen readers.
  let focusBox: { left: number; top: number; width: number; height: number } | null = null;
  let focusText = '';
  if (dir && focusI !== null && focusI < reachable) {
    const x = seqXs.map(dir.t[focusI]!);
    const ya = seqYs.map(dir.seq[focusI]!);
    const yb = Math.min(ya - 2, seqYs.map(dir.end[focusI]!));
    if (x >= seqArea.left - 4 && x <= seqArea.right + 4)
      focusBox = { left: x - 7, top: yb - 11, width: 14, height: ya - yb + 16 };
    const fl = dir.flags[focusI]!;
    focusText =
      t('markInfo', {
        id: dir.id[focusI]!,
        seq: dir.seq[focusI]!,
        end: dir.end[focusI]!,
        t: (dir.t[focusI]! / 1000).toFixed(3),
      }) +
      (fl & RTX ? t('markRtx') : '') +
      (fl & LOST ? t('markLost') : '') +
      (fl & DUP ? t('markDup') : '');
  }

  const dirName = (d: Direction): string =>
    t('dirOption', {
      from: t(d.from),
      to: t(d.from === 'client' ? 'server' : 'client'),
      conn: d.key,
    });
  const ownCc = base.profile.cc;
  const otherProfile = (base.options.profile ?? 'linux') === 'linux' ? 'rfc' : 'linux';
  const hintId = `${uid}-hint`;
  /** A phase's initials and name in the legend (just the name where they are the same). */
  const phaseName = (short: GraphsKey, name: GraphsKey): string =>
    t(short) === t(name) ? t(name) : `${t(short)} ${t(name)}`;
  // The sender's congestion state at the cursor, in words (what the lines show there).
  const nowAt = ccs ? upperBound(ccs.t, cursor) - 1 : -1;
  const senderMss = session.view.conns.find((c) => c.id === dir?.key)?.tcb.sndMss ?? 0;
  const ccNow =
    ccs && nowAt >= 0
      ? t('ccNow', {
          cwnd: ccs.cwnd[nowAt]!,
          segs: senderMss > 0 ? Math.round((ccs.cwnd[nowAt]! / senderMss) * 10) / 10 : '?',
          ssthresh: Number.isNaN(ccs.ssthresh[nowAt]!) ? '—' : ccs.ssthresh[nowAt]!,
          flight: ccs.flight[nowAt]!,
          srtt: Number.isNaN(ccs.srtt[nowAt]!) ? '—' : `${ccs.srtt[nowAt]!.toFixed(1)} ms`,
          rto: Math.round(ccs.rto[nowAt]!),
          phase: t(PHASE_NAMES[ccs.phase[nowAt]!]!),
        })
      : t('ccNowNone');

  return (
    <div className="gr">
      <div className="gr-tools">
        <label>
          {t('direction')}{' '}
          <select
            value={dir?.key ?? ''}
            disabled={dirs.length < 2}
            onChange={(e) => setDirKey(e.currentTarget.value)}
          >
            {dirs.length === 0 && <option value="">—</option>}
            {dirs.map((d) => (
              <option key={d.key} value={d.key}>
                {dirName(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('compare')}{' '}
          <select value={key} onChange={(e) => setChoice(parseChoice(e.currentTarget.value))}>
            <option value="none">{t('cmpNone')}</option>
            <option value="beforeFork" disabled={!session.beforeFork}>
              {t('cmpBeforeFork')}
            </option>
            {CC_NAMES.filter((n) => n !== ownCc).map((n) => (
              <option key={n} value={`cc:${n}`}>
                {t('cmpCc', { cc: n })}
              </option>
            ))}
            <option value={`profile:${otherProfile}`}>
              {t('cmpProfile', { profile: otherProfile })}
            </option>
          </select>
        </label>
        <div className="gr-range" role="group">
          <button
            type="button"
            aria-label={t('zoomIn')}
            title={t('zoomIn')}
            onClick={() => zoom(ZOOM_STEP, null)}
          >
            +
          </button>
          <button
            type="button"
            aria-label={t('zoomOut')}
            title={t('zoomOut')}
            onClick={() => zoom(1 / ZOOM_STEP, null)}
          >
            −
          </button>
          <button
            type="button"
            aria-pressed={mode === 'fit'}
            title={t('fitTitle')}
            onClick={() => setMode('fit')}
          >
            {t('fit')}
          </button>
          <button
            type="button"
            aria-pressed={mode === 'follow'}
            title={t('followTitle')}
            onClick={() => setMode('follow')}
          >
            {t('follow')}
          </button>
        </div>
        {choice.kind !== 'none' && (
          <p className="gr-note" role="status">
            {stale
              ? t('cmpComputing')
              : other?.cut
                ? t('cmpCut', { n: otherWorld?.trace.segmentCount ?? 0 })
                : dir && !oDir && otherWorld
                  ? t('cmpNoDir')
                  : t('cmpLabel', { name: otherName })}
          </p>
        )}
      </div>
      <p id={hintId} className="visually-hidden">
        {t('panHint')}
      </p>
      <div className="gr-plots">
        <figure className="gr-fig">
          <figcaption>
            <h3>{t('seqTitle')}</h3>
            <span className="gr-axis">{t('seqAxis')}</span>
          </figcaption>
          <div className="gr-canvas-box" ref={seqBox} style={{ height: `${H}px` }}>
            <canvas
              ref={seqCanvas}
              className="gr-canvas"
              style={{ width: `${seqW}px`, height: `${H}px` }}
              tabIndex={0}
              role="img"
              aria-label={dir ? t('seqPlot', { dir: dirName(dir) }) : t('empty')}
              aria-describedby={hintId}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => (drag.current = null)}
              onWheel={onWheel}
              onKeyDown={onKey}
              onBlur={() => setFocusId(null)}
            />
            <AxisLabels a={seqArea} t={seqTicks} />
            {focusBox && (
              <div
                className="gr-focus"
                data-seg-id={focusId ?? undefined}
                style={{
                  left: `${focusBox.left}px`,
                  top: `${focusBox.top}px`,
                  width: `${focusBox.width}px`,
                  height: `${focusBox.height}px`,
                }}
                aria-hidden="true"
              />
            )}
            {!dir && <p className="gr-empty">{t('empty')}</p>}
          </div>
          <p className="visually-hidden" aria-live="polite">
            {focusText}
          </p>
          <ul className="gr-legend">
            <Key swatch={<path d="M11 13V3M9 3h4" className="gr-k-data" />}>{t('lgData')}</Key>
            <Key
              swatch={
                <>
                  <path d="M11 13V6" className="gr-k-data" />
                  <path d="M11 1l3 3-3 3-3-3z" className="gr-k-rtx" />
                </>
              }
            >
              {t('lgRtx')}
            </Key>
            <Key
              swatch={
                <>
                  <path d="M11 13V7" className="gr-k-lost" strokeDasharray="2 2" />
                  <path d="M8 1l6 5M14 1l-6 5" className="gr-k-lost" />
                </>
              }
            >
              {t('lgLost')}
            </Key>
            <Key
              swatch={
                <>
                  <path d="M11 13V7" className="gr-k-data" />
                  <circle cx={11} cy={4} r={3} className="gr-k-dup" />
                </>
              }
            >
              {t('lgDup')}
            </Key>
            <Key swatch={<path d="M1 12h7V7h7V2h6" className="gr-k-ack" />}>{t('lgAck')}</Key>
            <Key swatch={<path d="M1 12h7V7h7V2h6" className="gr-k-win" />}>{t('lgWin')}</Key>
            <Key swatch={<path d="M11 12V3" className="gr-k-sack" />}>{t('lgSack')}</Key>
            <Key swatch={<path d="M11 0v14" className="gr-k-cursor" />}>{t('lgCursor')}</Key>
            {choice.kind !== 'none' && (
              <Key swatch={<path d="M1 12h7V7h7V2h6" className="gr-k-ack gr-k-faint" />}>
                {t('lgCompared')}: {otherName}
              </Key>
            )}
          </ul>
        </figure>
        <figure className="gr-fig">
          <figcaption>
            <h3>{t('ccTitle')}</h3>
            <span className="gr-axis">{t('ccAxis')}</span>
          </figcaption>
          <div className="gr-canvas-box" ref={ccBox} style={{ height: `${H}px` }}>
            <canvas
              ref={ccCanvas}
              className="gr-canvas"
              style={{ width: `${ccW}px`, height: `${H}px` }}
              role="img"
              aria-label={dir ? t('ccPlot', { dir: dirName(dir) }) : t('ccEmpty')}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => (drag.current = null)}
              onWheel={onWheel}
            />
            <AxisLabels a={ccArea} t={ccTicks} />
            {dir && !ccs && <p className="gr-empty">{t('ccEmpty')}</p>}
          </div>
          {dir && <p className="gr-now">{ccNow}</p>}
          <ul className="gr-legend">
            <Key swatch={<path d="M1 7h20" className="gr-k-cwnd" />}>{t('lgCwnd')}</Key>
            <Key swatch={<path d="M1 7h20" className="gr-k-ssthresh" />}>{t('lgSsthresh')}</Key>
            <Key swatch={<path d="M1 7h20" className="gr-k-flight" />}>{t('lgFlight')}</Key>
            <Key swatch={<path d="M1 7h20" className="gr-k-srtt" />}>{t('lgSrtt')}</Key>
            <Key swatch={<path d="M1 7h20" className="gr-k-rto" />}>{t('lgRto')}</Key>
            {queue ? (
              <Key swatch={<rect x={1} y={4} width={20} height={9} className="gr-k-queue" />}>
                {t('lgQueue')}
              </Key>
            ) : (
              <li className="gr-note">{t('noQueue')}</li>
            )}
            <Key swatch={<rect x={1} y={1} width={20} height={12} className="gr-k-ph-ss" />}>
              {phaseName('phSsShort', 'phSlowStart')}
            </Key>
            <Key swatch={<rect x={1} y={1} width={20} height={12} className="gr-k-ph-ca" />}>
              {phaseName('phCaShort', 'phAvoidance')}
            </Key>
            <Key
              swatch={
                <>
                  <rect x={1} y={1} width={20} height={12} className="gr-k-ph-fr" />
                  <path d="M1 13L13 1M9 13L21 1" className="gr-k-hatch" />
                </>
              }
            >
              {phaseName('phFrShort', 'phFastRecovery')}
            </Key>
            <Key
              swatch={
                <>
                  <rect x={1} y={1} width={20} height={12} className="gr-k-ph-rto" />
                  <path d="M1 13L13 1M9 13L21 1M1 1l12 12M9 1l12 12" className="gr-k-hatch" />
                </>
              }
            >
              {phaseName('phRtoShort', 'phRtoRecovery')}
            </Key>
          </ul>
        </figure>
      </div>
      <WindowStrips />
    </div>
  );
}
