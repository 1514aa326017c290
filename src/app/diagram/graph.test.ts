import { describe, expect, it } from 'vitest';
import { STATES, tcpMachine, type StateName } from '../../core';
import {
  NODE_H,
  NODE_W,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  boxExit,
  boxesOverlap,
  buildGraph,
  halfway,
  recentChange,
  roundedPolyline,
} from './graph';

/**
 * The machine's transitions, walked here independently of graph.ts:
 * (from, to, event type, description) for every `on` and `after` transition.
 */
function walkMachine(): {
  from: string;
  to: string;
  event: string;
  description: string | undefined;
}[] {
  const out: { from: string; to: string; event: string; description: string | undefined }[] = [];
  for (const [from, node] of Object.entries(tcpMachine.root.states)) {
    const seen = new Set<unknown>();
    const defs = [...node.transitions.values()].flat();
    for (const t of [...defs, ...node.after]) {
      if (seen.has(t)) continue;
      seen.add(t);
      const to = t.target?.[0]?.key ?? from;
      out.push({ from, to, event: t.eventType, description: t.description });
    }
  }
  return out;
}

describe('state diagram graph', () => {
  const g = buildGraph();

  it('has one node for each of the eleven states, inside the view', () => {
    expect(g.nodes.map((n) => n.id).sort()).toEqual([...STATES].sort());
    for (const n of g.nodes) {
      expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(VIEW_WIDTH);
      expect(n.y - n.h / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(VIEW_HEIGHT);
    }
  });

  it('no two nodes overlap (with room for the badges between rows)', () => {
    for (const a of g.nodes)
      for (const b of g.nodes) {
        if (a === b) continue;
        expect(boxesOverlap(a, b), `${a.id} / ${b.id}`).toBe(false);
        // A badge sits on a box's top edge: keep 24 px between boxes stacked in a column.
        if (a.x === b.x && a.y < b.y) expect(b.y - b.h / 2 - (a.y + a.h / 2)).toBeGreaterThan(24);
      }
  });

  it('follows RFC 9293 Figure 5: CLOSED top centre, the closers down the sides', () => {
    const at = (s: StateName) => g.nodes.find((n) => n.id === s)!;
    expect(at('CLOSED').y).toBe(Math.min(...g.nodes.map((n) => n.y)));
    expect(at('LISTEN').x).toBe(at('CLOSED').x);
    expect(at('LISTEN').y).toBeGreaterThan(at('CLOSED').y);
    expect(at('SYN_RECEIVED').x).toBeLessThan(at('LISTEN').x);
    expect(at('SYN_SENT').x).toBeGreaterThan(at('LISTEN').x);
    expect(at('ESTABLISHED').x).toBe(at('CLOSED').x);
    for (const s of ['FIN_WAIT_2', 'TIME_WAIT'] as const) expect(at(s).x).toBe(at('FIN_WAIT_1').x);
    expect(at('FIN_WAIT_1').y).toBeLessThan(at('FIN_WAIT_2').y);
    expect(at('FIN_WAIT_2').y).toBeLessThan(at('TIME_WAIT').y);
    expect(at('LAST_ACK').x).toBe(at('CLOSE_WAIT').x);
    expect(at('CLOSE_WAIT').x).toBeGreaterThan(at('ESTABLISHED').x);
    expect(at('CLOSING').y).toBeGreaterThan(at('FIN_WAIT_1').y);
    expect(at('CLOSING').y).toBeLessThan(at('TIME_WAIT').y);
    expect(at('CLOSING').x).toBeGreaterThan(at('FIN_WAIT_1').x);
  });

  it('every transition of the machine appears on the diagram', () => {
    const walked = walkMachine();
    expect(walked.length).toBeGreaterThan(100);
    for (const w of walked) {
      const where = `${w.from} -${w.event}-> ${w.to} (${w.description})`;
      const list =
        w.from === w.to
          ? g.nodes.find((n) => n.id === w.from)?.self
          : g.edges.find((e) => e.from === w.from && e.to === w.to)?.transitions;
      expect(list, where).toBeDefined();
      const found = list!.find(
        (t) => t.event === w.event && (w.description === undefined || t.label === w.description),
      );
      expect(found, where).toBeDefined();
      if (w.description !== undefined) {
        const labels =
          w.from === w.to
            ? g.nodes.find((n) => n.id === w.from)!.selfLabels
            : g.edges.find((e) => e.from === w.from && e.to === w.to)!.labels;
        expect(labels, where).toContain(w.description);
      }
    }
    // And nothing else: the diagram's transitions are exactly the machine's.
    const drawn =
      g.edges.reduce((n, e) => n + e.transitions.length, 0) +
      g.nodes.reduce((n, x) => n + x.self.length, 0);
    expect(drawn).toBe(walked.length);
  });

  it('collapses each pair of states into one edge; the timer of TIME_WAIT is on TIME_WAIT -> CLOSED', () => {
    const ids = g.edges.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const tw = g.edges.find((e) => e.id === 'TIME_WAIT->CLOSED')!;
    expect(tw.transitions.some((t) => t.delayed)).toBe(true);
    const listen = g.edges.find((e) => e.id === 'LISTEN->SYN_RECEIVED')!;
    expect(listen.labels).toContain('rcv SYN / snd SYN,ACK');
    expect(listen.main).toBe(true);
  });

  it('edges start and end on their boxes and have path data', () => {
    const near = (p: { x: number; y: number }, s: StateName) => {
      const n = g.nodes.find((x) => x.id === s)!;
      return Math.abs(p.x - n.x) <= n.w / 2 + 0.5 && Math.abs(p.y - n.y) <= n.h / 2 + 0.5;
    };
    for (const e of g.edges) {
      expect(e.path, e.id).toMatch(/^M[\d.]+,[\d.]+/);
      expect(near(e.points[0]!, e.from), `${e.id} start`).toBe(true);
      expect(near(e.points[e.points.length - 1]!, e.to), `${e.id} end`).toBe(true);
      for (const p of e.points) {
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(VIEW_WIDTH);
        expect(p.y).toBeGreaterThanOrEqual(0);
        expect(p.y).toBeLessThanOrEqual(VIEW_HEIGHT);
      }
    }
  });

  it('no edge passes through a box it does not connect', () => {
    for (const e of g.edges) {
      const pts = e.points;
      for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1]!;
        const b = pts[i]!;
        for (let k = 1; k < 20; k++) {
          const p = { x: a.x + ((b.x - a.x) * k) / 20, y: a.y + ((b.y - a.y) * k) / 20 };
          for (const n of g.nodes) {
            if (n.id === e.from || n.id === e.to) continue;
            const inside = Math.abs(p.x - n.x) < n.w / 2 && Math.abs(p.y - n.y) < n.h / 2;
            expect(inside, `${e.id} crosses ${n.id}`).toBe(false);
          }
        }
      }
    }
  });
});

describe('geometry', () => {
  it('boxExit leaves through the side the ray meets', () => {
    expect(boxExit({ x: 0, y: 0 }, { x: 100, y: 0 })).toEqual({ x: NODE_W / 2, y: 0 });
    expect(boxExit({ x: 0, y: 0 }, { x: 0, y: -100 })).toEqual({ x: 0, y: -NODE_H / 2 });
  });

  it('roundedPolyline rounds the corners', () => {
    const d = roundedPolyline([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 100 },
    ]);
    expect(d).toBe('M0,0L92,0Q100,0 100,8L100,100');
  });

  it('halfway is half the length along', () => {
    expect(
      halfway([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 30 },
      ]),
    ).toEqual({ x: 10, y: 10 });
  });
});

describe('recentChange', () => {
  const rec = (
    t: number,
    side: 'client' | 'server',
    conn: string,
    from: StateName,
    to: StateName,
  ) => ({
    kind: 'state',
    t,
    side,
    conn,
    from,
    to,
    cause: { kind: 'call', call: 'listen' },
  });
  const records = [
    rec(0, 'server', 'server:1', 'CLOSED', 'LISTEN'),
    { kind: 'segment', t: 10 },
    rec(50, 'server', 'server:2', 'LISTEN', 'SYN_RECEIVED'),
    rec(150, 'server', 'server:2', 'SYN_RECEIVED', 'ESTABLISHED'),
    rec(2000, 'server', 'server:2', 'ESTABLISHED', 'CLOSE_WAIT'),
  ];

  it('is the latest change at or before the cursor, within the window', () => {
    expect(recentChange(records, 'server', 100, 'server:2')?.to).toBe('SYN_RECEIVED');
    expect(recentChange(records, 'server', 150, 'server:2')?.to).toBe('ESTABLISHED');
    expect(recentChange(records, 'server', 1150, 'server:2')?.to).toBe('ESTABLISHED');
    expect(recentChange(records, 'server', 1151, 'server:2')).toBeNull();
    expect(recentChange(records, 'client', 150, null)).toBeNull();
  });

  it("prefers the shown connection, else the side's latest", () => {
    expect(recentChange(records, 'server', 20, 'server:2')?.to).toBe('LISTEN');
    expect(recentChange(records, 'server', 20, null)?.to).toBe('LISTEN');
  });
});
