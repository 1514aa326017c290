import { describe, expect, it } from 'vitest';
import {
  ACK,
  EMPTY,
  NO_OPTIONS,
  SYN,
  type Segment,
  type SegmentRecord,
  type TraceRecord,
} from '../../core';
import { Session } from '../session';
import { format, type Translate } from '../i18n';
import {
  decimalsFor,
  zoomedDomain,
  DROP_AT_SEND_FRAC,
  FOLLOW_WINDOW,
  IDLE_EDGE,
  IDLE_EXACT,
  IDLE_MORE,
  LabelPicker,
  LabelRun,
  MIN_SPAN,
  TimeMap,
  TraceIndex,
  accessibleName,
  arrowHead,
  compressIdle,
  crossPath,
  expandIdle,
  idleLength,
  fitDomain,
  followDomain,
  formatDuration,
  formatGap,
  formatSeconds,
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
  type TimerBar,
} from './geometry';
import { messages, type LadderKey } from './messages';

const tr =
  (lang: 'en' | 'zh'): Translate<LadderKey> =>
  (key, vars) =>
    format(messages[lang][key], vars);

function seg(
  flags: number,
  seq: number,
  ack: number,
  payload: Uint8Array = EMPTY,
  fromClient = true,
): Segment {
  return {
    srcIp: fromClient ? 1 : 2,
    dstIp: fromClient ? 2 : 1,
    srcPort: fromClient ? 40000 : 9821,
    dstPort: fromClient ? 9821 : 40000,
    seq,
    ack,
    flags,
    window: 65535,
    options: NO_OPTIONS,
    payload,
  };
}

function segRec(
  id: number,
  from: 'client' | 'server',
  t: number,
  arriveAt: number,
  s: Segment,
  extra: Partial<SegmentRecord> = {},
): SegmentRecord {
  return {
    kind: 'segment',
    id,
    from,
    conn: `${from}:1`,
    t,
    arriveAt,
    dropped: null,
    rtx: false,
    dupOf: null,
    seg: s,
    ...extra,
  };
}

describe('binary search and culling', () => {
  it('lowerBound / upperBound find the first >= and first >', () => {
    const a = [0, 10, 10, 20, 30];
    expect(lowerBound(a, 10)).toBe(1);
    expect(upperBound(a, 10)).toBe(3);
    expect(lowerBound(a, -5)).toBe(0);
    expect(upperBound(a, 99)).toBe(5);
    expect(lowerBound([], 3)).toBe(0);
  });

  it('visibleRange keeps exactly the spans that meet the window (after the per-item check)', () => {
    // Spans [t, end]: one long early span and many short ones.
    const spans: [number, number][] = [];
    for (let i = 0; i < 1000; i++) spans.push([i * 10, i * 10 + 50]);
    spans.splice(1, 0, [5, 5]); // keeps starts sorted
    const starts = spans.map((s) => s[0]);
    const maxEnd: number[] = [];
    spans.forEach((s, i) => maxEnd.push(Math.max(s[1], i ? maxEnd[i - 1]! : -Infinity)));
    const [lo, hi] = visibleRange(starts, maxEnd, 4000, 4100);
    const brute = spans
      .map((s, i) => (s[0] <= 4100 && s[1] >= 4000 ? i : -1))
      .filter((i) => i >= 0);
    const culled: number[] = [];
    for (let i = lo; i < hi; i++) if (spans[i]![1] >= 4000) culled.push(i);
    expect(culled).toEqual(brute);
    // Work is proportional to the window, not to the trace.
    expect(hi - lo).toBeLessThan(20);
  });

  it('visibleRange is empty before and after everything', () => {
    const starts = [10, 20, 30];
    const maxEnd = [15, 25, 35];
    const [a, b] = visibleRange(starts, maxEnd, 100, 200);
    expect(b - a).toBe(0);
    const [c, d] = visibleRange(starts, maxEnd, 0, 5);
    expect(d - c).toBe(0);
  });
});

describe('idle compression', () => {
  const FULL = idleLength(60_000);

  it('idleLength is exact up to IDLE_EXACT, then continuous, increasing and bounded', () => {
    expect(idleLength(100)).toBe(100);
    expect(idleLength(IDLE_EXACT)).toBe(IDLE_EXACT);
    expect(idleLength(IDLE_EXACT + 0.001)).toBeCloseTo(IDLE_EXACT, 2);
    let prev = 0;
    for (let L = 0; L < 100_000; L += 97) {
      const d = idleLength(L);
      expect(d).toBeGreaterThanOrEqual(prev);
      expect(d).toBeLessThanOrEqual(IDLE_EXACT + IDLE_MORE);
      prev = d;
    }
    expect(FULL).toBeCloseTo(IDLE_EXACT + IDLE_MORE, 6);
  });

  it('compressIdle leaves short gaps alone and keeps the edges of long ones at true scale', () => {
    expect(compressIdle(80, IDLE_EXACT)).toBe(80);
    expect(compressIdle(IDLE_EDGE / 2, 60_000)).toBe(IDLE_EDGE / 2);
    expect(compressIdle(60_000, 60_000)).toBeCloseTo(FULL, 9);
    expect(compressIdle(60_000 - 10, 60_000)).toBeCloseTo(FULL - 10, 9);
    expect(compressIdle(30_000, 60_000)).toBeCloseTo(FULL / 2, 6);
  });

  it('expandIdle inverts compressIdle', () => {
    for (const L of [100, IDLE_EXACT, 150, 300, 500, 60_000])
      for (const x of [0, 10, 39, 41, L / 3, L / 2, L - 30, L]) {
        if (x > L) continue;
        expect(expandIdle(compressIdle(x, L), L)).toBeCloseTo(x, 6);
      }
  });

  // Busy [0,150], idle until 60_150, busy [60_150, 60_250].
  const iv = { ivStart: [0, 60_150], ivEnd: [150, 60_250], cumSaved: [0, 60_000 - FULL] };

  it('maps busy times 1:1 and shortens the 60 s gap to under 200 ms', () => {
    const m = new TimeMap(iv, 60_300);
    expect(m.toDisplay(0)).toBe(0);
    expect(m.toDisplay(100)).toBe(100);
    expect(m.toDisplay(150)).toBe(150);
    expect(m.toDisplay(150 + IDLE_EDGE)).toBe(150 + IDLE_EDGE);
    expect(m.toDisplay(60_150)).toBeCloseTo(150 + FULL, 9);
    expect(m.toDisplay(60_200)).toBeCloseTo(150 + FULL + 50, 9);
    expect(FULL).toBeLessThan(200);
    // Past the cursor (and past the last busy interval): 1:1 from the cursor.
    expect(m.toDisplay(60_400)).toBeCloseTo(m.toDisplay(60_300) + 100, 6);
  });

  it('is monotone and fromDisplay inverts it', () => {
    const m = new TimeMap(iv, 60_300);
    let prev = -Infinity;
    for (let t = 0; t <= 60_300; t += 37) {
      const d = m.toDisplay(t);
      expect(d).toBeGreaterThanOrEqual(prev);
      prev = d;
      expect(m.fromDisplay(d)).toBeCloseTo(t, 4);
    }
  });

  it('treats the idle stretch the cursor stands in as ending at the cursor', () => {
    // Cursor 10 s into the gap: only [150, 10_150] is known to be idle.
    const m = new TimeMap(iv, 10_150);
    expect(m.toDisplay(10_150)).toBeCloseTo(150 + idleLength(10_000), 9);
    expect(m.gapsBetween(0, 10_150)).toEqual([
      { a: 150, b: 10_150, midStart: 150 + IDLE_EDGE, midEnd: 10_150 - IDLE_EDGE },
    ]);
    // A short stretch so far is drawn at true scale, with no break mark…
    const early = new TimeMap(iv, 150 + IDLE_EXACT);
    expect(early.toDisplay(150 + IDLE_EXACT)).toBe(150 + IDLE_EXACT);
    expect(early.gapsBetween(0, 150 + IDLE_EXACT)).toEqual([]);
    // …and the now line slows down smoothly as the stretch grows, then stands still.
    let prev = 150;
    for (let c = 150; c < 20_000; c += 25) {
      const d = new TimeMap(iv, c).toDisplay(c);
      expect(d).toBeGreaterThanOrEqual(prev);
      expect(d - prev).toBeLessThanOrEqual(25 + 1e-9);
      prev = d;
    }
    expect(new TimeMap(iv, 40_000).toDisplay(40_000)).toBeCloseTo(150 + FULL, 6);
  });

  it('ignores intervals after the cursor (time travel)', () => {
    const m = new TimeMap(iv, 100);
    expect(m.toDisplay(100)).toBe(100);
    expect(m.gapsBetween(0, 100)).toEqual([]);
  });

  it('builds busy intervals from segments and state changes', () => {
    const recs: TraceRecord[] = [
      segRec(0, 'client', 0, 50, seg(SYN, 1000, 0)),
      segRec(1, 'server', 50, 100, seg(SYN | ACK, 5000, 1001, EMPTY, false)),
      {
        kind: 'state',
        t: 100,
        side: 'client',
        conn: 'client:1',
        from: 'SYN_SENT',
        to: 'ESTABLISHED',
        cause: { kind: 'segment', flags: SYN | ACK },
      },
      {
        kind: 'state',
        t: 60_100,
        side: 'client',
        conn: 'client:1',
        from: 'TIME_WAIT',
        to: 'CLOSED',
        cause: { kind: 'timer', timer: 'timeWait' },
      },
    ];
    const idx = new TraceIndex(recs).update();
    expect(idx.ivStart).toEqual([0, 60_100]);
    expect(idx.ivEnd).toEqual([100, 60_100]);
    expect(idx.cumSaved[1]).toBeCloseTo(60_000 - FULL, 6);
    const m = new TimeMap(idx, 60_100);
    expect(m.toDisplay(60_100)).toBeCloseTo(100 + FULL, 6);
  });
});

describe('domains', () => {
  it('follows the last 1.5 s, or the whole run when shorter (at least MIN_SPAN)', () => {
    expect(followDomain(0)).toEqual([0, MIN_SPAN]);
    expect(followDomain(150)).toEqual([0, MIN_SPAN]);
    expect(followDomain(1000)).toEqual([0, 1000]);
    expect(followDomain(5000)).toEqual([5000 - FOLLOW_WINDOW, 5000]);
    expect(fitDomain(5000)).toEqual([0, 5000]);
  });

  it('a 50 ms handshake arrow is clearly sloped at 520×600', () => {
    const L = ladderLayout(496, 540);
    const [d0, d1] = followDomain(150);
    const k = (L.bottom - L.top) / (d1 - d0);
    expect(50 * k).toBeGreaterThan(40); // px of drop over one 50 ms crossing
    expect(L.x.server - L.x.client).toBeGreaterThan(250);
  });

  it('snaps the pixel origin so it rarely moves', () => {
    expect(originFor(1234, 0.36)).toBe(originFor(1300, 0.36));
    expect(originFor(0, 1)).toBe(0);
  });
});

describe('segment geometry', () => {
  const x = { client: 100, server: 400 };
  const y = (t: number) => t * 2;
  const base = { from: 'client' as const, t: 0, arriveAt: 50, dropped: null };

  it('interpolates the head of a segment in flight', () => {
    const g = segmentGeometry(base, undefined, 25, x, y);
    expect(g.status).toBe('inflight');
    expect(g.hx).toBe(250);
    expect(g.hy).toBe(50);
    expect([g.x1, g.y1]).toEqual([400, 100]);
    expect(g.cross).toBe(false);
  });

  it('runs a delivered segment to the receiver, server to client leftwards', () => {
    const g = segmentGeometry({ ...base, from: 'server' }, undefined, 80, x, y);
    expect(g.status).toBe('delivered');
    expect([g.x0, g.hx, g.hy]).toEqual([400, 100, 100]);
  });

  it('puts the cross of a drop at send 40% across, once the cursor gets there', () => {
    const before = segmentGeometry({ ...base, dropped: 'loss' }, undefined, 10, x, y);
    expect(before.status).toBe('dropped');
    expect(before.cross).toBe(false);
    expect(before.hx).toBe(160);
    const after = segmentGeometry({ ...base, dropped: 'loss' }, undefined, 200, x, y);
    expect(after.cross).toBe(true);
    expect(after.hx).toBe(100 + 300 * DROP_AT_SEND_FRAC);
    expect(after.hy).toBe(100 * DROP_AT_SEND_FRAC);
  });

  it('puts the cross of a drop in flight where the segment was at the drop', () => {
    const g = segmentGeometry(base, 30, 100, x, y);
    expect(g.status).toBe('dropped');
    expect(g.cross).toBe(true);
    expect(g.hx).toBe(100 + 300 * 0.6);
    expect(g.hy).toBe(60);
    // Scrubbed back before the drop: still in flight.
    expect(segmentGeometry(base, 30, 20, x, y).status).toBe('inflight');
  });

  it('handles a zero-delay link', () => {
    const g = segmentGeometry({ ...base, arriveAt: 0 }, undefined, 0, x, y);
    expect(g.status).toBe('delivered');
    expect(g.hx).toBe(400);
  });

  it('draws arrowheads and crosses', () => {
    expect(arrowHead(0, 0, 0.5, 0)).toBeNull();
    const h = arrowHead(0, 0, 100, 0, 10)!;
    expect(h).toBe('100,0 90,4.5 90,-4.5');
    expect(crossPath(10, 10, 5)).toBe('M5,5L15,15M15,5L5,15');
  });

  it('places labels along the arrow from the sender, reading left to right', () => {
    const a = labelPlacement(100, 0, 400, 300, 10);
    expect(a.anchor).toBe('start');
    expect(a.angle).toBeCloseTo(45, 6);
    expect(a.x).toBeCloseTo(100 + 10 / Math.SQRT2, 6);
    const b = labelPlacement(400, 0, 100, 300, 10);
    expect(b.anchor).toBe('end');
    expect(b.angle).toBeCloseTo(-45, 6);
    // Steep arrows get flat text.
    expect(labelPlacement(100, 0, 110, 300).angle).toBe(0);
    // By default the label keeps clear of the sender's lifeline: 12 to 40 px.
    expect(labelPlacement(0, 0, 100, 0).x).toBe(12);
    expect(labelPlacement(0, 0, 300, 0).x).toBe(24);
    expect(labelPlacement(0, 0, 900, 0).x).toBe(40);
  });
});

describe('text', () => {
  const syn = segRec(0, 'client', 0, 50, seg(SYN, 1000, 0));
  const synAck = segRec(1, 'server', 50, 100, seg(SYN | ACK, 5000, 1001, EMPTY, false));
  const data = segRec(2, 'client', 100, 150, seg(ACK, 1001, 5001, new Uint8Array(5)), {
    rtx: true,
  });

  it('labels in tcpdump notation with relative numbers', () => {
    const idx = new TraceIndex([syn, synAck, data]).update();
    expect(segmentLabel(syn.seg, idx.rel[0]!)).toBe('[S] seq 0 len 0');
    expect(segmentLabel(synAck.seg, idx.rel[1]!)).toBe('[S.] seq 0 ack 1 len 0');
    expect(segmentLabel(data.seg, idx.rel[2]!)).toBe('[.] seq 1 ack 1 len 5');
    // Exercise mode: hidden fields show as "?"; with the flags hidden the ack is always
    // shown (as "?" or its value), so its absence does not give the ACK bit away.
    expect(segmentLabel(syn.seg, idx.rel[0]!, ['seq', 'flags'])).toBe('[?] seq ? ack 0 len 0');
    expect(segmentLabel(synAck.seg, idx.rel[1]!, ['ack'])).toBe('[S.] seq 0 ack ? len 0');
    expect(segmentLabel(synAck.seg, numbersOf(synAck.seg, idx.rel[1]!, true))).toBe(
      '[S.] seq 5000 ack 1001 len 0',
    );
  });

  it('numbers relative to the ISN across index updates (memoized per trace length)', () => {
    const recs: TraceRecord[] = [syn];
    const idx = indexFor(recs);
    expect(idx.rel).toHaveLength(1);
    recs.push(synAck);
    expect(indexFor(recs)).toBe(idx);
    expect(idx.rel[1]).toEqual({ seq: 0, ack: 1 });
  });

  it('names segments for assistive technology, in both languages', () => {
    expect(accessibleName(syn, { seq: 0, ack: 0 }, 'inflight', tr('en'))).toBe(
      'client to server [S] seq 0 ack 0 length 0, in flight',
    );
    expect(accessibleName(data, { seq: 1, ack: 1 }, 'dropped', tr('en'))).toBe(
      'client to server [.] seq 1 ack 1 length 5, dropped, retransmission',
    );
    expect(accessibleName({ ...synAck, dupOf: 1 }, { seq: 0, ack: 1 }, 'delivered', tr('en'))).toBe(
      'server to client [S.] seq 0 ack 1 length 0, delivered, duplicate made by the link',
    );
    expect(accessibleName(syn, { seq: 0, ack: 0 }, 'inflight', tr('zh'))).toBe(
      '客户端到服务器 [S] seq 0 ack 0 长度 0，传输中',
    );
    const full = { ...data, dropped: 'queue' as const };
    expect(accessibleName(full, { seq: 1, ack: 1 }, 'dropped', tr('en'))).toBe(
      'client to server [.] seq 1 ack 1 length 5, dropped: the bottleneck queue was full, retransmission',
    );
    expect(accessibleName(full, { seq: 1, ack: 1 }, 'dropped', tr('zh'))).toContain(
      '已丢弃：瓶颈队列已满',
    );
  });

  it('formats durations and seconds', () => {
    expect(formatDuration(200)).toBe('200ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(2000)).toBe('2s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(60_000)).toBe('60s');
    expect(formatSeconds(59_900)).toBe('59.9 s');
    expect(formatGap(250)).toBe('250 ms');
    expect(formatGap(59_940)).toBe('59.9 s');
  });

  it('thins labels greedily and stacks state names', () => {
    const p = new LabelPicker(12);
    expect([0, 5, 12, 20, 30].map((v) => p.take(v))).toEqual([true, false, true, false, true]);
    expect(stackLabels([0, 0, 5, 40], 11)).toEqual([0, 11, 22, 40]);
  });
});

describe('timers', () => {
  const bar = (over: Partial<TimerBar>): TimerBar => ({
    side: 'client',
    conn: 'client:1',
    timer: 'rtx',
    t: 0,
    deadline: 1000,
    closeT: Infinity,
    closeOp: null,
    ...over,
  });

  it('spans from arming to min(deadline, close, cursor)', () => {
    expect(timerSpan(bar({}), 400)).toEqual({ t0: 0, t1: 400, running: true, fired: false });
    expect(timerSpan(bar({ closeT: 100, closeOp: 'cancelled' }), 400)).toEqual({
      t0: 0,
      t1: 100,
      running: false,
      fired: false,
    });
    expect(timerSpan(bar({ closeT: 1000, closeOp: 'fired' }), 5000)!.fired).toBe(true);
    // Closed after the cursor (scrubbed back): still running at the cursor.
    expect(timerSpan(bar({ closeT: 900, closeOp: 'cancelled' }), 500)!.running).toBe(true);
    expect(timerSpan(bar({ t: 600 }), 500)).toBeNull();
  });

  it('labels RTO backoff and TIME_WAIT with its countdown', () => {
    expect(timerLabel(bar({}), 10, tr('en'))).toEqual({ main: 'RTO 1s', sub: null });
    expect(timerLabel(bar({ t: 1000, deadline: 3000 }), 1010, tr('en')).main).toBe('RTO 2s');
    const tw = bar({ timer: 'timeWait', t: 100, deadline: 60_100 });
    expect(timerLabel(tw, 17_100, tr('en'))).toEqual({ main: 'TIME_WAIT 60s', sub: '43.0 s left' });
    expect(timerLabel(tw, 70_000, tr('en')).sub).toBeNull();
    expect(timerLabel(bar({ timer: 'delack', deadline: 40 }), 10, tr('zh')).main).toBe(
      '延迟 ACK 40ms',
    );
  });
});

describe('ticks', () => {
  it('puts round ticks on true-scale stretches and none inside a break', () => {
    const iv = {
      ivStart: [0, 60_150],
      ivEnd: [150, 60_250],
      cumSaved: [0, 60_000 - idleLength(60_000)],
    };
    const m = new TimeMap(iv, 60_250);
    const d1 = m.toDisplay(60_250);
    const ticks = timeTicks(m, 0, d1, 1);
    expect(ticks.length).toBeGreaterThan(2);
    for (const tk of ticks) {
      const inBreak = tk.t > 150 + IDLE_EDGE && tk.t < 60_150 - IDLE_EDGE;
      expect(inBreak).toBe(false);
    }
    expect(ticks[0]).toEqual({ t: 0, label: '0.00s' });
    expect(ticks.some((tk) => tk.t === 60_200)).toBe(true);
  });
});

describe('with a real session', () => {
  it('indexes a handshake and a TIME_WAIT run, and compresses the wait', () => {
    const s = new Session();
    s.listen();
    s.connect();
    s.seek(400);
    s.send('client', 'hi');
    s.seek(800);
    s.recv('server');
    s.close('client');
    s.seek(1200);
    s.close('server');
    s.seek(70_000);
    const idx = indexFor(s.world.trace.records);
    expect(idx.segs.length).toBeGreaterThanOrEqual(7);
    expect(segmentLabel(idx.segs[1]!.seg, idx.rel[1]!)).toBe('[S.] seq 0 ack 1 len 0');
    expect(idx.timers.some((b) => b.timer === 'timeWait')).toBe(true);
    const m = new TimeMap(idx, s.cursor);
    // 70 s of run drawn in under 2 s of display time.
    expect(m.toDisplay(s.cursor)).toBeLessThan(2000);
    expect(m.gapsBetween(0, s.cursor).length).toBeGreaterThan(0);
  });
});

describe('decimalsFor', () => {
  it('gives as many decimals as a tick step needs, like d3-format precisionFixed', async () => {
    const { precisionFixed } = await import('d3');
    for (const step of [
      5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001, 0.0002, 1e-6, 100, 2000,
    ])
      expect(decimalsFor(step), String(step)).toBe(precisionFixed(step));
  });
});

describe('zoomedDomain', () => {
  it('is what d3 gives by rescaling a linear scale with the zoom transform', async () => {
    const { scaleLinear, zoomIdentity } = await import('d3');
    for (const [k, y] of [
      [1, 0],
      [2, -40],
      [0.5, 120],
      [7.3, -913],
    ] as const) {
      const zt = zoomIdentity.translate(0, y).scale(k);
      const want = zt.rescaleY(scaleLinear().domain([100, 2600]).range([30, 530])).domain();
      const got = zoomedDomain([100, 2600], [30, 530], zt);
      expect(got[0]).toBeCloseTo(want[0]!, 9);
      expect(got[1]).toBeCloseTo(want[1]!, 9);
    }
  });
});

describe('LabelRun', () => {
  it('picks, frame by frame, the labels one LabelPicker picks at once', () => {
    const ys = [0, 5, 13, 20, 26, 27, 40, 52, 53, 70];
    const once = new LabelPicker(13);
    const expected = ys.map((_, i) => i).filter((i) => once.take(ys[i]!));
    const run = new LabelRun('k', 0, 13);
    for (const hi of [0, 3, 3, 7, 10]) run.advance(hi, (i) => ys[i]!);
    expect(ys.map((_, i) => i).filter((i) => run.has(i))).toEqual(expected);
    expect(run.next).toBe(10);
  });

  it('starts at the first position it is given', () => {
    const run = new LabelRun('k', 2, 10).advance(4, (i) => i * 100);
    expect([0, 1, 2, 3].map((i) => run.has(i))).toEqual([false, false, true, true]);
  });
});

describe('sampleRows', () => {
  it('takes the first segment sent in each row, once', () => {
    const segT = [0, 1, 2, 10, 11, 30, 31, 32];
    expect(sampleRows(segT, 0, segT.length, [0, 5, 10, 15, 20, 25, 30], 40)).toEqual([0, 3, 5]);
    // Only within [lo, hi).
    expect(sampleRows(segT, 1, 6, [0, 5, 10, 15, 20, 25, 30], 40)).toEqual([1, 3, 5]);
    expect(sampleRows(segT, 0, 0, [0, 5], 40)).toEqual([]);
  });

  it('does work bounded by the rows, however many segments there are', () => {
    const segT = Array.from({ length: 100_000 }, (_, i) => i);
    const rows = Array.from({ length: 300 }, (_, r) => r * 333);
    const picks = sampleRows(segT, 0, segT.length, rows, 100_000);
    expect(picks).toHaveLength(300);
    expect(picks[1]).toBe(333);
  });
});

describe('TraceIndex.lost', () => {
  it('lists lost segments by position, whether lost on sending or in flight', () => {
    const seg = (id: number, t: number, dropped: string | null) =>
      ({
        kind: 'segment',
        id,
        from: 'client',
        conn: 'c',
        t,
        arriveAt: t + 50,
        dropped,
        rtx: false,
        dupOf: null,
        seg: { seq: 0, ack: 0, flags: 0, window: 0, payload: new Uint8Array(0) },
      }) as unknown as TraceRecord;
    const drop = (id: number, t: number) => ({ kind: 'drop', id, t }) as unknown as TraceRecord;
    const idx = new TraceIndex([
      seg(1, 0, null),
      seg(2, 10, 'loss'),
      seg(3, 20, null),
      seg(4, 30, null),
      drop(4, 40),
      drop(3, 45),
    ]).update();
    expect(idx.lost).toEqual([1, 2, 3]);
  });
});
