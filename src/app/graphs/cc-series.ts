/**
 * The congestion graph's series, copied out of the trace's sample columns
 * incrementally (`ccSample(i)` makes an object per call; a frame reads plain
 * arrays instead), one set per sending connection; and the occupancy of the
 * link's bottleneck queue per direction (recorded when a direction has a rate).
 */
import { CC_PHASES, type CcPhase, type CcSample, type Side, type Trace } from '../../core';

export interface CcSeries {
  readonly conn: string;
  readonly side: Side;
  readonly t: number[];
  readonly cwnd: number[];
  /** NaN: no threshold yet. */
  readonly ssthresh: number[];
  readonly flight: number[];
  /** NaN: no RTT sample yet. */
  readonly srtt: number[];
  readonly rto: number[];
  /** Index in CC_PHASES. */
  readonly phase: number[];
}

/** What the link's bottleneck queue held, per direction. */
export interface QueueSeries {
  readonly t: number[];
  readonly packets: number[];
  readonly bytes: number[];
}

export class CcIndex {
  processed = 0;
  queueProcessed = 0;
  readonly conns = new Map<string, CcSeries>();
  readonly queue: Record<Side, QueueSeries> = {
    client: { t: [], packets: [], bytes: [] },
    server: { t: [], packets: [], bytes: [] },
  };

  constructor(readonly trace: Trace) {}

  update(): this {
    const tr = this.trace;
    for (let i = this.processed; i < tr.ccCount; i++) this.add(tr.ccSample(i));
    this.processed = tr.ccCount;
    // Queue samples are recorded lazily (after each step, and when `at(t)` reads):
    // read the count again each frame.
    const n = tr.queueCount;
    for (let i = this.queueProcessed; i < n; i++) {
      const q = tr.queueSample(i);
      const s = this.queue[q.from];
      s.t.push(q.t);
      s.packets.push(q.packets);
      s.bytes.push(q.bytes);
    }
    this.queueProcessed = n;
    return this;
  }

  add(s: CcSample): void {
    let c = this.conns.get(s.conn);
    if (!c)
      this.conns.set(
        s.conn,
        (c = {
          conn: s.conn,
          side: s.side,
          t: [],
          cwnd: [],
          ssthresh: [],
          flight: [],
          srtt: [],
          rto: [],
          phase: [],
        }),
      );
    c.t.push(s.t);
    c.cwnd.push(s.cwnd);
    c.ssthresh.push(s.ssthresh ?? NaN);
    c.flight.push(s.flight);
    c.srtt.push(s.srtt ?? NaN);
    c.rto.push(s.rto);
    c.phase.push(CC_PHASES.indexOf(s.phase));
  }
}

const cache = new WeakMap<Trace, CcIndex>();

/** The (cached, brought up to date) congestion index of a trace. */
export function ccIndexFor(trace: Trace): CcIndex {
  let idx = cache.get(trace);
  if (!idx) cache.set(trace, (idx = new CcIndex(trace)));
  return idx.update();
}

/** A stretch of one phase: [t0, t1). */
export interface PhaseBand {
  readonly phase: CcPhase;
  readonly t0: number;
  readonly t1: number;
}

/**
 * The phases in [lo, hi) of a series as bands, each running until the next
 * sample with another phase (the last one until `until`). Samples in a row
 * with the same phase make one band.
 */
export function phaseBands(s: CcSeries, lo: number, hi: number, until: number): PhaseBand[] {
  const out: PhaseBand[] = [];
  let start = -1;
  for (let i = lo; i < hi; i++) {
    if (start >= 0 && s.phase[i] === s.phase[start]) continue;
    if (start >= 0) out.push({ phase: CC_PHASES[s.phase[start]!]!, t0: s.t[start]!, t1: s.t[i]! });
    start = i;
  }
  if (start >= 0 && until > s.t[start]!)
    out.push({ phase: CC_PHASES[s.phase[start]!]!, t0: s.t[start]!, t1: until });
  return out;
}
