/**
 * The state diagram as data: nodes at hand-placed positions (RFC 9293
 * Figure 5's layout) and edges built from the endpoint machine's own
 * definition, so the picture cannot drift from the rules the simulator runs.
 *
 * Every transition of `tcpMachine` lands somewhere: a transition between two
 * states on the edge for that pair (all of a pair's transitions collapse into
 * one edge with a list of labels), a transition that stays in its state (no
 * target, or a re-entry) in that state's `self` list.
 *
 * Pure: no DOM, no React. Geometry is plain arithmetic plus d3-shape for the
 * curves.
 */
import { curveCatmullRom, line } from 'd3';
import { machineTransitions as coreTransitions, type StateCause, type StateName } from '../../core';
import { countAtOrBefore, recordsOf } from '../record-index';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** One transition of the machine, as the diagram labels it. */
export interface DiagramTransition {
  readonly from: StateName;
  readonly to: StateName;
  /** The transition's stable id in the machine ("ESTABLISHED/rcv-fin"). */
  readonly id: string;
  /** The machine's event type ("SEGMENT", "CLOSE", "TIME_WAIT_TIMEOUT"). */
  readonly event: string;
  /** The event is a timer of the connection expiring. */
  readonly delayed: boolean;
  /** The transition's description in the machine ("rcv SYN / snd SYN,ACK"), or the event. */
  readonly label: string;
}

export interface DiagramNode {
  readonly id: StateName;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Transitions that stay in this state. */
  readonly self: readonly DiagramTransition[];
  /** `self` labels (the machine's English) without repeats, in machine order; the UI translates `self` by id. */
  readonly selfLabels: readonly string[];
}

export interface DiagramEdge {
  /** "ESTABLISHED->CLOSE_WAIT". */
  readonly id: string;
  readonly from: StateName;
  readonly to: StateName;
  readonly transitions: readonly DiagramTransition[];
  /** Labels (the machine's English) without repeats, in machine order; the UI translates `transitions` by id. */
  readonly labels: readonly string[];
  /** An edge of RFC 9293 Figure 5 (drawn solid); the rest are resets, aborts and timeouts. */
  readonly main: boolean;
  /** SVG path data, from the edge of `from`'s box to the edge of `to`'s box. */
  readonly path: string;
  /** The points the path passes through (start, waypoints, end). */
  readonly points: readonly Point[];
  /** Halfway along the route: where a tooltip or a marker for the edge goes. */
  readonly mid: Point;
}

export interface DiagramGraph {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

// ------------------------------------------------------------------ layout

export const VIEW_WIDTH = 640;
export const VIEW_HEIGHT = 612;
export const NODE_W = 136;
export const NODE_H = 48;

const LEFT = 116;
const CENTRE = 320;
const RIGHT = 524;
const ROW = [46, 128, 210, 292, 382, 472, 562] as const;

/**
 * Hand placement after RFC 9293 Figure 5: CLOSED top centre, LISTEN below it,
 * SYN_RECEIVED left and SYN_SENT right, ESTABLISHED in the middle; the active
 * closer's states (FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT) down the left column,
 * the passive closer's (CLOSE_WAIT, LAST_ACK) down the right, CLOSING between
 * FIN_WAIT_1 and TIME_WAIT.
 */
export const POSITIONS: Readonly<Record<StateName, Point>> = {
  CLOSED: { x: CENTRE, y: ROW[0] },
  LISTEN: { x: CENTRE, y: ROW[1] },
  SYN_RECEIVED: { x: LEFT, y: ROW[2] },
  SYN_SENT: { x: RIGHT, y: ROW[2] },
  ESTABLISHED: { x: CENTRE, y: ROW[3] },
  FIN_WAIT_1: { x: LEFT, y: ROW[4] },
  CLOSE_WAIT: { x: RIGHT, y: ROW[4] },
  FIN_WAIT_2: { x: LEFT, y: ROW[5] },
  CLOSING: { x: CENTRE, y: ROW[5] },
  LAST_ACK: { x: RIGHT, y: ROW[5] },
  TIME_WAIT: { x: LEFT, y: ROW[6] },
};

/** The pairs RFC 9293 Figure 5 draws. */
const FIGURE_5 = new Set([
  'CLOSED->LISTEN',
  'CLOSED->SYN_SENT',
  'LISTEN->SYN_RECEIVED',
  'LISTEN->CLOSED',
  'LISTEN->SYN_SENT',
  'SYN_SENT->CLOSED',
  'SYN_SENT->SYN_RECEIVED',
  'SYN_SENT->ESTABLISHED',
  'SYN_RECEIVED->ESTABLISHED',
  'SYN_RECEIVED->FIN_WAIT_1',
  'ESTABLISHED->FIN_WAIT_1',
  'ESTABLISHED->CLOSE_WAIT',
  'FIN_WAIT_1->FIN_WAIT_2',
  'FIN_WAIT_1->CLOSING',
  'FIN_WAIT_2->TIME_WAIT',
  'CLOSING->TIME_WAIT',
  'CLOSE_WAIT->LAST_ACK',
  'LAST_ACK->CLOSED',
  'TIME_WAIT->CLOSED',
]);

/**
 * How an edge runs, when not as a gentle curve straight across.
 * `via`: points to pass through; `ortho`: straight runs with rounded corners
 * (the gutter routes up the sides into CLOSED); `start`/`end`: where on the
 * box it leaves/arrives, relative to the box centre; `bend`: sideways bow of a
 * direct curve, as a fraction of its length (positive: to the left of travel).
 */
interface Route {
  readonly via?: readonly Point[];
  readonly ortho?: boolean;
  readonly start?: Point;
  readonly end?: Point;
  readonly bend?: number;
}

const HW = NODE_W / 2;
const HH = NODE_H / 2;
/** The gutters left and right of the columns that carry edges up into CLOSED. */
const GUTTER_L = [36, 26, 16] as const;
const GUTTER_R = [604, 614, 624, 634] as const;
/** Where the gutter edges arrive on CLOSED's sides (y relative to its centre). */
const LANE_Y = [14, 5, -4, -13] as const;

/** A route along a gutter: out of the box's side, up the gutter, into CLOSED's side. */
function gutter(from: StateName, side: 'left' | 'right', lane: 0 | 1 | 2 | 3): Route {
  const p = POSITIONS[from];
  const c = POSITIONS.CLOSED;
  const gx = side === 'left' ? GUTTER_L[lane as 0 | 1 | 2] : GUTTER_R[lane];
  const ly = c.y + LANE_Y[lane];
  const sx = side === 'left' ? -HW : HW;
  return {
    ortho: true,
    start: { x: sx, y: 0 },
    via: [
      { x: gx, y: p.y },
      { x: gx, y: ly },
    ],
    end: { x: side === 'left' ? -HW : HW, y: LANE_Y[lane] },
  };
}

const ROUTES: Readonly<Record<string, Route>> = {
  // Pairs both ways: two straight lines side by side.
  'CLOSED->LISTEN': { bend: 0, start: { x: -14, y: HH }, end: { x: -14, y: -HH } },
  'LISTEN->CLOSED': { bend: 0, start: { x: 14, y: -HH }, end: { x: 14, y: HH } },
  'CLOSED->SYN_SENT': { bend: 0, start: { x: 50, y: HH }, end: { x: -20, y: -HH } },
  'SYN_SENT->CLOSED': { bend: 0, start: { x: -42, y: -HH }, end: { x: 28, y: HH } },
  'LISTEN->SYN_RECEIVED': { bend: 0, start: { x: -40, y: HH }, end: { x: 50, y: -HH } },
  'SYN_RECEIVED->LISTEN': { bend: 0, start: { x: 20, y: -HH }, end: { x: -HW, y: 0 } },
  'SYN_RECEIVED->CLOSED': {
    start: { x: -30, y: -HH },
    via: [{ x: 100, y: 104 }],
    end: { x: -46, y: HH },
  },
  'SYN_SENT->SYN_RECEIVED': { start: { x: -HW, y: 0 }, end: { x: HW, y: 0 }, bend: 0 },
  'SYN_SENT->ESTABLISHED': { start: { x: -20, y: HH }, end: { x: HW, y: -6 }, bend: -0.1 },
  'SYN_RECEIVED->ESTABLISHED': { start: { x: 20, y: HH }, end: { x: -HW, y: -6 }, bend: 0.1 },
  'SYN_SENT->CLOSE_WAIT': { start: { x: 20, y: HH }, end: { x: 20, y: -HH }, bend: 0 },
  'SYN_RECEIVED->FIN_WAIT_1': { start: { x: -20, y: HH }, end: { x: -20, y: -HH }, bend: 0 },
  'SYN_RECEIVED->CLOSE_WAIT': {
    start: { x: 40, y: HH },
    via: [
      { x: 230, y: 334 },
      { x: 410, y: 334 },
    ],
    end: { x: -HW, y: -10 },
  },
  'ESTABLISHED->FIN_WAIT_1': { start: { x: -30, y: HH }, end: { x: 30, y: -HH }, bend: 0.08 },
  'ESTABLISHED->CLOSE_WAIT': { start: { x: 30, y: HH }, end: { x: -30, y: -HH }, bend: -0.08 },
  'FIN_WAIT_1->FIN_WAIT_2': { start: { x: -20, y: HH }, end: { x: -20, y: -HH }, bend: 0 },
  'FIN_WAIT_1->CLOSING': { start: { x: HW, y: 8 }, end: { x: -20, y: -HH }, bend: -0.15 },
  'FIN_WAIT_1->TIME_WAIT': {
    start: { x: 30, y: HH },
    via: [{ x: 214, y: 472 }],
    end: { x: 30, y: -HH },
  },
  'FIN_WAIT_2->TIME_WAIT': { start: { x: -20, y: HH }, end: { x: -20, y: -HH }, bend: 0 },
  'CLOSING->TIME_WAIT': { start: { x: -20, y: HH }, end: { x: HW, y: -6 }, bend: -0.15 },
  'CLOSE_WAIT->LAST_ACK': { start: { x: 0, y: HH }, end: { x: 0, y: -HH }, bend: 0 },
  'ESTABLISHED->CLOSED': gutter('ESTABLISHED', 'right', 0),
  'CLOSE_WAIT->CLOSED': gutter('CLOSE_WAIT', 'right', 1),
  'LAST_ACK->CLOSED': gutter('LAST_ACK', 'right', 2),
  'FIN_WAIT_1->CLOSED': gutter('FIN_WAIT_1', 'left', 0),
  'FIN_WAIT_2->CLOSED': gutter('FIN_WAIT_2', 'left', 1),
  'TIME_WAIT->CLOSED': gutter('TIME_WAIT', 'left', 2),
  // CLOSING sits between the columns: down below LAST_ACK, then up the outer right gutter.
  'CLOSING->CLOSED': {
    ortho: true,
    start: { x: 30, y: HH },
    via: [
      { x: CENTRE + 30, y: 522 },
      { x: GUTTER_R[3], y: 522 },
      { x: GUTTER_R[3], y: POSITIONS.CLOSED.y + LANE_Y[3] },
    ],
    end: { x: HW, y: LANE_Y[3] },
  },
};

// ------------------------------------------------------------------ the machine

/** Every transition of the machine, state by state, in definition order (from the core). */
export function machineTransitions(): DiagramTransition[] {
  return coreTransitions().map((t) => ({
    id: t.id,
    from: t.from,
    to: t.to,
    event: t.event,
    delayed: t.timer,
    label: t.label,
  }));
}

// ------------------------------------------------------------------ geometry

const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });

/** Where the ray from the box centre towards `toward` leaves the box. */
export function boxExit(c: Point, toward: Point, w = NODE_W, h = NODE_H): Point {
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const tx = dx === 0 ? Infinity : w / 2 / Math.abs(dx);
  const ty = dy === 0 ? Infinity : h / 2 / Math.abs(dy);
  const t = Math.min(tx, ty);
  return { x: c.x + dx * t, y: c.y + dy * t };
}

/** Straight runs through `pts` with corners rounded by radius `r`. */
export function roundedPolyline(pts: readonly Point[], r = 8): string {
  const f = (n: number) => Math.round(n * 10) / 10;
  if (pts.length === 0) return '';
  let d = `M${f(pts[0]!.x)},${f(pts[0]!.y)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i - 1]!;
    const c = pts[i]!;
    const n = pts[i + 1]!;
    const l1 = Math.hypot(c.x - p.x, c.y - p.y);
    const l2 = Math.hypot(n.x - c.x, n.y - c.y);
    const rr = Math.min(r, l1 / 2, l2 / 2);
    const a = { x: c.x - ((c.x - p.x) / (l1 || 1)) * rr, y: c.y - ((c.y - p.y) / (l1 || 1)) * rr };
    const b = { x: c.x + ((n.x - c.x) / (l2 || 1)) * rr, y: c.y + ((n.y - c.y) / (l2 || 1)) * rr };
    d += `L${f(a.x)},${f(a.y)}Q${f(c.x)},${f(c.y)} ${f(b.x)},${f(b.y)}`;
  }
  const last = pts[pts.length - 1]!;
  return d + `L${f(last.x)},${f(last.y)}`;
}

const curve = line<Point>()
  .x((p) => p.x)
  .y((p) => p.y)
  .curve(curveCatmullRom.alpha(0.5));

/** The point halfway along a polyline. */
export function halfway(pts: readonly Point[]): Point {
  let total = 0;
  for (let i = 1; i < pts.length; i++)
    total += Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
  let left = total / 2;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const l = Math.hypot(b.x - a.x, b.y - a.y);
    if (l >= left && l > 0)
      return { x: a.x + ((b.x - a.x) * left) / l, y: a.y + ((b.y - a.y) * left) / l };
    left -= l;
  }
  return pts[pts.length - 1] ?? { x: 0, y: 0 };
}

/** The route of an edge between two boxes: its points and path data. */
export function routeEdge(from: StateName, to: StateName): { points: Point[]; path: string } {
  const a = POSITIONS[from];
  const b = POSITIONS[to];
  const r: Route = ROUTES[`${from}->${to}`] ?? {};
  const via = r.via ?? [];
  const start = r.start ? add(a, r.start) : boxExit(a, via[0] ?? b);
  const end = r.end ? add(b, r.end) : boxExit(b, via[via.length - 1] ?? a);
  if (r.ortho) {
    const points = [start, ...via, end];
    return { points, path: roundedPolyline(points) };
  }
  if (via.length === 0) {
    // A gentle bow: one control point off the chord's midpoint.
    const bend = r.bend ?? 0.12;
    const dx = end.x - start.x;
    const dy = end.y - start.y;
    const m = { x: (start.x + end.x) / 2 + dy * bend, y: (start.y + end.y) / 2 - dx * bend };
    const f = (n: number) => Math.round(n * 10) / 10;
    const path =
      bend === 0
        ? `M${f(start.x)},${f(start.y)}L${f(end.x)},${f(end.y)}`
        : `M${f(start.x)},${f(start.y)}Q${f(m.x)},${f(m.y)} ${f(end.x)},${f(end.y)}`;
    // The quadratic's own midpoint lies halfway between the chord's and the control point.
    const mid = { x: (m.x + (start.x + end.x) / 2) / 2, y: (m.y + (start.y + end.y) / 2) / 2 };
    return { points: bend === 0 ? [start, end] : [start, mid, end], path };
  }
  const points = [start, ...via, end];
  return { points, path: curve(points) ?? '' };
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** The whole diagram, from the machine. */
export function buildGraph(): DiagramGraph {
  const all = machineTransitions();
  const nodes: DiagramNode[] = (Object.keys(POSITIONS) as StateName[]).map((id) => {
    const self = all.filter((t) => t.from === id && t.to === id);
    return {
      id,
      ...POSITIONS[id],
      w: NODE_W,
      h: NODE_H,
      self,
      selfLabels: unique(self.map((t) => t.label)),
    };
  });
  const byPair = new Map<string, DiagramTransition[]>();
  for (const t of all) {
    if (t.from === t.to) continue;
    const key = `${t.from}->${t.to}`;
    const list = byPair.get(key);
    if (list) list.push(t);
    else byPair.set(key, [t]);
  }
  const edges: DiagramEdge[] = [...byPair.entries()].map(([id, transitions]) => {
    const { from, to } = transitions[0]!;
    const { points, path } = routeEdge(from, to);
    return {
      id,
      from,
      to,
      transitions,
      labels: unique(transitions.map((t) => t.label)),
      main: FIGURE_5.has(id),
      path,
      points,
      mid: halfway(points),
    };
  });
  return { width: VIEW_WIDTH, height: VIEW_HEIGHT, nodes, edges };
}

/** Whether two node boxes overlap (touching edges do not count). */
export function boxesOverlap(a: DiagramNode, b: DiagramNode): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;
}

// ------------------------------------------------------------------ the run

/** A state record, as far as the diagram needs it. */
export interface StateChange {
  readonly t: number;
  readonly side: 'client' | 'server';
  readonly conn: string;
  readonly from: StateName;
  readonly to: StateName;
  readonly cause: StateCause;
}

/** How long (virtual ms) a transition stays highlighted after it was taken. */
export const RECENT_MS = 1000;

/**
 * The latest state change of `side` at or before `cursor`, if it is at most
 * `windowMs` old. Prefers the connection the side's panel shows (`conn`), so a
 * listener's record does not hide the accepted connection's.
 */
export function recentChange(
  records: readonly { readonly kind: string; readonly t: number }[],
  side: 'client' | 'server',
  cursor: number,
  conn: string | null,
  windowMs = RECENT_MS,
): StateChange | null {
  // The side's state records by time (record-index.ts): a binary search, not a scan of the run.
  const { recs, t } = recordsOf<StateChange>(records, 'state', side);
  let fallback: StateChange | null = null;
  for (let i = countAtOrBefore(t, cursor) - 1; i >= 0; i--) {
    const s = recs[i]!;
    if (s.t < cursor - windowMs) break;
    if (conn === null || s.conn === conn) return s;
    fallback ??= s;
  }
  return fallback;
}
