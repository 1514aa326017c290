/**
 * The walkthrough's steps: the moments of a run worth stopping at, read from
 * its trace, and the multiple-choice question asked before a state change is
 * revealed.
 *
 * A step is one of:
 * - `state`: a connection changed state (a 'state' record). When a timer
 *   caused it ("timeout rtx", "timeout timeWait", "timeout finWait2"), the
 *   timer's 'fired' record is part of the same step.
 * - `retransmit`: a segment sent again (rtx), with the retransmission timer
 *   that fired for it, if one did. A retransmission the link dropped is still
 *   one step (`dropped` says so).
 * - `drop`: a segment the link dropped — as it was sent (loss, a rule) or
 *   while in flight (the user's drop: a 'drop' record).
 * - `error`: a socket call that returned -1 with an errno.
 * - `eof`: recv() returning 0, end of stream.
 * - `timer`: a retransmission, TIME_WAIT or FIN_WAIT_2 timer that fired with
 *   nothing else to show for it (a zero-window probe, say). Delayed-ACK
 *   timers are not steps.
 * - `cc`: a sender's congestion phase changed without a retransmission to
 *   show for it — slow start reaching ssthresh, a recovery ending, a restart
 *   after idle — read from the trace's congestion samples. Entering fast
 *   recovery or the recovery after a timeout is part of the retransmission
 *   that starts it.
 * - `window`: a receiver offered a zero window (its buffer is full), or
 *   opened it again.
 *
 * Steps are sorted by time; at one instant they keep the order in which things
 * happened, except that a segment a state change sent comes after that change
 * (the trace records the segment first, while the machine is still busy).
 *
 * Pure: no DOM, no React.
 */
import {
  SYN,
  ACK,
  FIN,
  RST,
  STATES,
  type CallRecord,
  type CcPhase,
  type CcSample,
  type CloseVariant,
  type DropReason,
  type SegmentRecord,
  type Side,
  type StateName,
  type StateCause,
  type StateRecord,
  type TimerName,
  type TimerRecord,
  type TraceRecord,
} from '../../core';
import { buildGraph, machineTransitions, type DiagramTransition } from '../diagram/graph';

/** What sent a retransmission that no timer of its own sent (see RetransmitStep.cause). */
export type RtxCause = 'dupacks' | 'sack' | 'recovery' | 'after-timeout';

/** How a dropped segment went again: its timer, one of the causes above, or a repeated SYN ('repeat'). */
export type ResendKind = RtxCause | 'timer' | 'repeat';

/** The trace's congestion samples, where buildSteps reads each sender's phase. */
export interface CcSeries {
  readonly ccCount: number;
  ccSample(i: number): CcSample;
}

interface StepBase {
  /** When it happened (virtual ms): where "Next" puts the cursor. */
  readonly t: number;
  readonly side: Side;
  /** The trace records it covers, the main one first. */
  readonly records: readonly TraceRecord[];
}

export interface StateStep extends StepBase {
  readonly kind: 'state';
  readonly state: StateRecord;
  /** The timer whose expiry caused the change, if one did. */
  readonly timer: TimerRecord | null;
  /** When that timer was armed (for "60 s after entering TIME_WAIT"). */
  readonly armedAt: number | null;
  /** Segments the connection had retransmitted before this change, and when it first sent one. */
  readonly retransmissions: number;
  readonly firstSentAt: number | null;
}

export interface RetransmitStep extends StepBase {
  readonly kind: 'retransmit';
  readonly segment: SegmentRecord;
  /** The retransmission timer that fired for it; null for a fast retransmit or a SYN,ACK repeated for a repeated SYN. */
  readonly timer: TimerRecord | null;
  /**
   * Why it went without a timer of its own: duplicate ACKs, a SACK that showed it
   * missing (the first of a recovery), later in the same fast recovery, or in the
   * slow start that follows a timeout. Null when the timer sent it, or a repeated SYN did.
   */
  readonly cause: RtxCause | null;
  /** This is the n-th copy sent again (1 for the first retransmission). */
  readonly count: number;
  /** Time since the copy before (ms). */
  readonly sinceLast: number | null;
  /** The gap before that one (ms), to tell a doubled timeout from a repeated one. */
  readonly gapBefore: number | null;
  /** The copy before this one was a retransmission the timer sent (so `sinceLast` follows a backoff). */
  readonly afterTimer: boolean;
  /** Dropped by the link as it was sent. */
  readonly dropped: DropReason | null;
  /** The sender's congestion state as the instant ended (null without congestion samples). */
  readonly cc: CcSample | null;
  /** The copy before this one was a tail loss probe (so the gap is one RTO, not a backoff). */
  readonly afterProbe: boolean;
}

export interface DropStep extends StepBase {
  readonly kind: 'drop';
  readonly segment: SegmentRecord;
  readonly reason: DropReason;
  /** Dropped while on the link (a 'drop' record), not as it was sent. */
  readonly inFlight: boolean;
  /** When the sender's retransmission timer is due, if it is running. */
  readonly rtxDeadline: number | null;
  /** How and when the segment went again (its next copy in the trace), if it did. */
  readonly resent: { readonly by: ResendKind; readonly t: number } | null;
}

export interface CallStep extends StepBase {
  readonly kind: 'error' | 'eof';
  readonly call: CallRecord;
  /** SYNs the side sent while the call was in progress (for connect()). */
  readonly synsSent: number;
}

export interface TimerStep extends StepBase {
  readonly kind: 'timer';
  readonly timer: TimerRecord;
  readonly armedAt: number | null;
}

export interface CcStep extends StepBase {
  readonly kind: 'cc';
  readonly from: CcPhase;
  readonly to: CcPhase;
  /** The sender's congestion state just before the change, and just after. */
  readonly before: CcSample;
  readonly after: CcSample;
}

export interface WindowStep extends StepBase {
  readonly kind: 'window';
  /** The segment that offered the window (the receiver's). */
  readonly segment: SegmentRecord;
  /** 'closed': it offered 0 after a window; 'opened': a window after 0. */
  readonly change: 'closed' | 'opened';
  /** The window it offered, in bytes (the field shifted by the window scale). */
  readonly window: number;
  /** Bytes the application had read at this instant, when a read is what opened it. */
  readonly read: number;
}

export type Step =
  StateStep | RetransmitStep | DropStep | CallStep | TimerStep | CcStep | WindowStep;
export type StepKind = Step['kind'];

// ------------------------------------------------------------------ causes

/** What made a state change happen, as the walkthrough tells causes apart. */
export type CauseKind =
  | 'listen'
  | 'connect'
  | 'close'
  | 'shutdown'
  | 'closeUnread'
  | 'linger0'
  | 'closeListener'
  | 'synForListener'
  | 'rcvSyn'
  | 'rcvSynAck'
  | 'rcvSynAckFin'
  | 'rcvRst'
  | 'rcvFin'
  | 'rcvAck'
  | 'timeoutRtx'
  | 'timeoutTimeWait'
  | 'timeoutFinWait2'
  | 'timeoutDelack'
  | 'other';

const CLOSE_KINDS: Readonly<Record<CloseVariant, CauseKind>> = {
  plain: 'close',
  unreadData: 'closeUnread',
  linger0: 'linger0',
  listener: 'closeListener',
};

const TIMER_KINDS: Readonly<Record<TimerName, CauseKind>> = {
  rtx: 'timeoutRtx',
  timeWait: 'timeoutTimeWait',
  finWait2: 'timeoutFinWait2',
  delack: 'timeoutDelack',
};

/** Classify a state record's cause: a segment by its flags, a call by its variant, a timer by name. */
export function causeKind(c: StateCause): CauseKind {
  switch (c.kind) {
    case 'timer':
      return TIMER_KINDS[c.timer];
    case 'synForListener':
      return 'synForListener';
    case 'call':
      if (c.call === 'close') return CLOSE_KINDS[c.variant];
      if (c.call === 'shutdown') return 'shutdown';
      if (c.call === 'listen' || c.call === 'connect') return c.call;
      return 'other';
    case 'segment':
      if (c.flags & RST) return 'rcvRst';
      if (c.flags & SYN && c.flags & ACK) return c.flags & FIN ? 'rcvSynAckFin' : 'rcvSynAck';
      if (c.flags & SYN) return 'rcvSyn';
      if (c.flags & FIN) return 'rcvFin';
      return 'rcvAck';
  }
}

/** The machine event a cause stands for (as machineTransitions() names events), or null. */
export function causeEvent(kind: CauseKind): string | null {
  switch (kind) {
    case 'listen':
    case 'synForListener':
      return 'PASSIVE_OPEN';
    case 'connect':
      return 'ACTIVE_OPEN';
    case 'close':
    case 'shutdown':
      return 'CLOSE';
    case 'closeUnread':
    case 'linger0':
    case 'closeListener':
      return 'ABORT';
    case 'rcvSyn':
    case 'rcvSynAck':
    case 'rcvSynAckFin':
    case 'rcvRst':
    case 'rcvFin':
    case 'rcvAck':
      return 'SEGMENT';
    case 'timeoutRtx':
      return 'RTX_TIMEOUT';
    case 'timeoutFinWait2':
      return 'FIN_WAIT_2_TIMEOUT';
    case 'timeoutDelack':
      return 'DELACK_TIMEOUT';
    case 'timeoutTimeWait':
      return 'TIME_WAIT_TIMEOUT';
    case 'other':
      return null;
  }
}

/** What a segment is, for explanations: its most telling control bit, or data. */
export type SegmentClass = 'rst' | 'synack' | 'syn' | 'data' | 'fin' | 'ack';

export function segmentClass(seg: {
  readonly flags: number;
  readonly payload: Uint8Array;
}): SegmentClass {
  if (seg.flags & RST) return 'rst';
  if (seg.flags & SYN) return seg.flags & ACK ? 'synack' : 'syn';
  if (seg.payload.length > 0) return 'data';
  if (seg.flags & FIN) return 'fin';
  return 'ack';
}

// ------------------------------------------------------------------ steps

/** Timers whose expiry is a step (the delayed-ACK timer is not). */
const STEP_TIMERS: ReadonlySet<string> = new Set(['rtx', 'timeWait', 'finWait2']);
const TIMER_OF_CAUSE: Readonly<Partial<Record<CauseKind, string>>> = {
  timeoutRtx: 'rtx',
  timeoutTimeWait: 'timeWait',
  timeoutFinWait2: 'finWait2',
};

/** Sequence space a segment takes up: its bytes, plus one each for SYN and FIN. */
const seqLen = (r: SegmentRecord): number =>
  r.seg.payload.length + (r.seg.flags & SYN ? 1 : 0) + (r.seg.flags & FIN ? 1 : 0);

/**
 * What makes copies of one segment: the same connection and direction, the
 * same start in sequence space and the same SYN/FIN bits — for segments that
 * take up sequence space (a bare ACK at the same number is not a copy of the
 * data after it). Null for segments that are never retransmitted.
 */
const copyKey = (r: SegmentRecord): string | null =>
  seqLen(r) > 0 && r.dupOf === null
    ? `${r.conn}|${r.from}|${r.seg.seq}|${r.seg.flags & (SYN | FIN)}`
    : null;

interface Keyed {
  readonly step: Step;
  /** Where it sorts among the records of its instant. */
  readonly order: number;
}

interface Armed {
  readonly t: number;
  readonly deadline: number;
}

/**
 * The steps of a run, sorted by time. `records` is the whole trace (as
 * `world.trace.records`); steps after the cursor are included — the caller
 * decides what to show. One pass over the trace (it runs again whenever the
 * trace grows), with a look ahead within an instant only.
 */
export function buildSteps(records: readonly TraceRecord[], cc?: CcSeries): Step[] {
  const out: Keyed[] = [];
  // Each sender's congestion samples by instant (one per connection per instant).
  const series = new Map<string, { t: number[]; phase: CcPhase[]; at: number[] }>();
  for (let i = 0; cc && i < cc.ccCount; i++) {
    const s = cc.ccSample(i);
    let p = series.get(s.conn);
    if (!p) series.set(s.conn, (p = { t: [], phase: [], at: [] }));
    p.t.push(s.t);
    p.phase.push(s.phase);
    p.at.push(i);
  }
  /** Index in a connection's series of its last sample at or before t, or -1. */
  const lastAt = (p: { t: number[] }, t: number): number => {
    let lo = 0;
    let hi = p.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.t[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  /**
   * The phase a connection was in after instant t (its last sample at or before t),
   * and when that run of the phase began.
   */
  const phaseAt = (conn: string, t: number): { phase: CcPhase; since: number } | null => {
    const p = series.get(conn);
    if (!p) return null;
    const k0 = lastAt(p, t);
    if (k0 < 0) return null;
    const phase = p.phase[k0]!;
    let k = k0;
    while (k > 0 && p.phase[k - 1] === phase) k--;
    return { phase, since: p.t[k]! };
  };
  /** A connection's congestion sample as instant t ended, if it has one. */
  const sampleAt = (conn: string, t: number): CcSample | null => {
    const p = series.get(conn);
    const k = p ? lastAt(p, t) : -1;
    return p && k >= 0 && cc ? cc.ccSample(p.at[k]!) : null;
  };
  /** The last segment each side received, by the side it went to (arrived at or before the current instant). */
  const lastAck: Record<Side, SegmentRecord | null> = { client: null, server: null };
  /** When the fast recovery in which each connection last retransmitted began. */
  const recoveryOf = new Map<string, number>();
  /** Each connection's last retransmission was a loss probe. */
  const lastWasProbe = new Map<string, boolean>();
  /** Timer records already part of a step. */
  const used = new Set<number>();
  const segById = new Map<number, SegmentRecord>();
  /** The running timers, by "conn|timer": when armed and for when (records before the current one). */
  const armed = new Map<string, Armed>();
  const firstSent = new Map<string, number>();
  const rtxCount = new Map<string, number>();
  const copies = new Map<string, { times: number[]; rtx: number; byTimer: boolean }>();
  const synTimes: Record<Side, number[]> = { client: [], server: [] };
  /** Drop steps whose segment has not gone again yet, by copy key. */
  const unresent = new Map<string, Mutable<DropStep>[]>();
  const noteDrop = (key: string | null, step: Mutable<DropStep>): void => {
    if (key === null) return;
    const l = unresent.get(key);
    if (l) l.push(step);
    else unresent.set(key, [step]);
  };
  /** The window scale each side offered in its SYN, by "side|local port|remote port". */
  const offeredShift = new Map<string, number | null>();
  /** The last window field each connection sent. */
  const lastWindow = new Map<string, number>();
  const lateTimers: { i: number; r: TimerRecord; armedAt: number | null }[] = [];

  const armedAt = (conn: string, timer: string, deadline: number): number | null => {
    const a = armed.get(`${conn}|${timer}`);
    return a && a.deadline === deadline ? a.t : null;
  };

  // Timer expiries that belong to a state change or a retransmission at the same instant.
  const firedFor = (i: number, conn: string | null, timer: string): number | null => {
    const t = records[i]!.t;
    for (let j = i + 1; j < records.length && records[j]!.t === t; j++) {
      const r = records[j]!;
      if (
        r.kind === 'timer' &&
        r.op === 'fired' &&
        r.conn === conn &&
        r.timer === timer &&
        !used.has(j)
      )
        return j;
    }
    return null;
  };

  /** The sender's retransmission deadline once record `i` (and the rest of its instant) is done, if it runs. */
  const rtxDeadline = (i: number, conn: string | null): number | null => {
    if (conn === null) return null;
    const t = records[i]!.t;
    let deadline = armed.get(`${conn}|rtx`)?.deadline ?? null;
    for (let k = i + 1; k < records.length && records[k]!.t === t; k++) {
      const r = records[k]!;
      if (r.kind === 'timer' && r.conn === conn && r.timer === 'rtx')
        deadline = r.op === 'armed' ? r.deadline : null;
    }
    return deadline !== null && deadline > t ? deadline : null;
  };

  /** Bytes the side's recv() calls returned at the instant of record `i`. */
  const bytesReadAt = (i: number, side: Side): number => {
    const t = records[i]!.t;
    let lo = i;
    while (lo > 0 && records[lo - 1]!.t === t) lo--;
    let n = 0;
    for (let k = lo; k < records.length && records[k]!.t === t; k++) {
      const x = records[k]!;
      if (x.kind === 'call' && x.side === side && x.call === 'recv' && x.ret > 0) n += x.ret;
    }
    return n;
  };

  records.forEach((r, i) => {
    switch (r.kind) {
      case 'state': {
        const timerName = TIMER_OF_CAUSE[causeKind(r.cause)];
        const j = timerName ? firedFor(i, r.conn, timerName) : null;
        const timer = j === null ? null : (records[j] as TimerRecord);
        if (j !== null) used.add(j);
        out.push({
          order: i,
          step: {
            kind: 'state',
            t: r.t,
            side: r.side,
            records: timer ? [r, timer] : [r],
            state: r,
            timer,
            armedAt: timer ? armedAt(r.conn, timer.timer, timer.deadline) : null,
            retransmissions: rtxCount.get(r.conn) ?? 0,
            firstSentAt: firstSent.get(r.conn) ?? null,
          },
        });
        break;
      }
      case 'segment': {
        segById.set(r.id, r);
        if (r.dupOf !== null) break;
        if (r.conn !== null) {
          if (!firstSent.has(r.conn)) firstSent.set(r.conn, r.t);
          if (r.rtx) rtxCount.set(r.conn, (rtxCount.get(r.conn) ?? 0) + 1);
        }
        if ((r.seg.flags & (SYN | ACK)) === SYN) synTimes[r.from].push(r.t);
        if (r.seg.flags & SYN)
          offeredShift.set(
            `${r.from}|${r.seg.srcPort}|${r.seg.dstPort}`,
            r.seg.options.wscale ?? null,
          );
        const key = copyKey(r);
        const before = key === null ? undefined : copies.get(key);
        const afterTimer = before?.byTimer ?? false;
        if (key !== null) {
          if (before) {
            before.times.push(r.t);
            if (r.rtx) before.rtx++;
          } else copies.set(key, { times: [r.t], rtx: r.rtx ? 1 : 0, byTimer: false });
        }
        // A segment the machine sent while changing state sorts after that change.
        let order = i;
        for (let k = i + 1; k < records.length && records[k]!.t === r.t; k++) {
          const n = records[k]!;
          if (n.kind === 'segment') continue;
          if (n.kind === 'state' && n.conn === r.conn) order = k + 0.5;
          break;
        }
        if (r.rtx) {
          const j = firedFor(i, r.conn, 'rtx');
          const timer = j === null ? null : (records[j] as TimerRecord);
          if (j !== null) used.add(j);
          if (before) before.byTimer = timer !== null;
          // Why a retransmission no timer sent went: the sender's phase as its instant
          // ended, and whether the ACK that came last carried SACK blocks.
          let cause: RtxCause | null = null;
          if (r.conn !== null && !timer && segmentClass(r.seg) !== 'synack') {
            const p = phaseAt(r.conn, r.t);
            if (p?.phase === 'rto-recovery') cause = 'after-timeout';
            else if (p?.phase === 'fast-recovery' && recoveryOf.get(r.conn) === p.since)
              cause = 'recovery';
            else cause = lastAck[r.from]?.seg.options.sack ? 'sack' : 'dupacks';
            if (p?.phase === 'fast-recovery') recoveryOf.set(r.conn, p.since);
          }
          if (key !== null) {
            for (const d of unresent.get(key) ?? [])
              d.resent = { by: timer ? 'timer' : (cause ?? 'repeat'), t: r.t };
            unresent.delete(key);
          }
          // `before` now includes this copy: the last two entries before it are the previous copies.
          const times = before?.times ?? [r.t];
          const last = times[times.length - 2];
          const prior = times[times.length - 3];
          out.push({
            order: j !== null ? Math.max(order, j) : order,
            step: {
              kind: 'retransmit',
              t: r.t,
              side: r.from,
              records: timer ? [r, timer] : [r],
              segment: r,
              timer,
              cause,
              afterProbe: r.conn !== null && (lastWasProbe.get(r.conn) ?? false),
              count: before?.rtx ?? 1,
              sinceLast: last === undefined ? null : r.t - last,
              gapBefore: last === undefined || prior === undefined ? null : last - prior,
              afterTimer,
              dropped: r.dropped,
              cc: r.conn === null ? null : sampleAt(r.conn, r.t),
            },
          });
          if (r.conn !== null) lastWasProbe.set(r.conn, timer?.purpose === 'tlp');
        } else if (r.dropped !== null) {
          const step: Mutable<DropStep> = {
            kind: 'drop',
            t: r.t,
            side: r.from,
            records: [r],
            segment: r,
            reason: r.dropped,
            inFlight: false,
            rtxDeadline: rtxDeadline(i, r.conn),
            resent: null,
          };
          noteDrop(key, step);
          out.push({ order, step });
        }
        // A receiver closing its window, or opening it again.
        if (r.conn !== null && r.seg.flags & ACK && !(r.seg.flags & (SYN | RST))) {
          const was = lastWindow.get(r.conn);
          lastWindow.set(r.conn, r.seg.window);
          const change =
            was === undefined
              ? null
              : was > 0 && r.seg.window === 0
                ? 'closed'
                : was === 0 && r.seg.window > 0
                  ? 'opened'
                  : null;
          if (change) {
            const mine = offeredShift.get(`${r.from}|${r.seg.srcPort}|${r.seg.dstPort}`);
            const theirs = offeredShift.get(
              `${r.from === 'client' ? 'server' : 'client'}|${r.seg.dstPort}|${r.seg.srcPort}`,
            );
            const shift = mine != null && theirs != null ? mine : 0;
            out.push({
              order,
              step: {
                kind: 'window',
                t: r.t,
                side: r.from,
                records: [r],
                segment: r,
                change,
                window: r.seg.window * 2 ** shift,
                read: change === 'opened' ? bytesReadAt(i, r.from) : 0,
              },
            });
          }
        }
        break;
      }
      case 'drop': {
        const s = segById.get(r.id);
        if (!s) break;
        const step: Mutable<DropStep> = {
          kind: 'drop',
          t: r.t,
          side: s.from,
          records: [r, s],
          segment: s,
          reason: r.reason,
          inFlight: true,
          rtxDeadline: rtxDeadline(i, s.conn),
          resent: null,
        };
        noteDrop(copyKey(s), step);
        out.push({ order: i, step });
        break;
      }
      case 'call': {
        const eof = r.call === 'recv' && r.ret === 0 && r.errno === null;
        if (r.errno === null && !eof) break;
        const synsSent =
          r.call === 'connect' ? synTimes[r.side].filter((t) => t >= r.start).length : 0;
        out.push({
          order: i,
          step: {
            kind: eof ? 'eof' : 'error',
            t: r.t,
            side: r.side,
            records: [r],
            call: r,
            synsSent,
          },
        });
        break;
      }
      case 'timer': {
        const key = `${r.conn}|${r.timer}`;
        if (r.op === 'fired' && STEP_TIMERS.has(r.timer))
          lateTimers.push({ i, r, armedAt: armedAt(r.conn, r.timer, r.deadline) });
        if (r.op === 'armed') armed.set(key, { t: r.t, deadline: r.deadline });
        else armed.delete(key);
        break;
      }
      case 'deliver': {
        const s = segById.get(r.id);
        if (s) lastAck[s.from === 'client' ? 'server' : 'client'] = s;
        break;
      }
      default:
        break;
    }
  });

  // Timer expiries nothing else accounted for.
  for (const { i, r, armedAt: at } of lateTimers) {
    if (used.has(i)) continue;
    out.push({
      order: i,
      step: { kind: 'timer', t: r.t, side: r.side, records: [r], timer: r, armedAt: at },
    });
  }

  // Congestion phase changes that no retransmission started.
  if (cc)
    for (const p of series.values())
      for (let k = 1; k < p.phase.length; k++) {
        const from = p.phase[k - 1]!;
        const to = p.phase[k]!;
        if (from === to || RECOVERY_PHASES.has(to)) continue;
        const before = cc.ccSample(p.at[k - 1]!);
        const after = cc.ccSample(p.at[k]!);
        const i = lastRecordAt(records, after.t);
        out.push({
          // After whatever the instant's records showed (the ACK that made the change).
          order: i + 0.75,
          step: {
            kind: 'cc',
            t: after.t,
            side: after.side,
            records: i >= 0 && records[i]!.t === after.t ? [records[i]!] : [],
            from,
            to,
            before,
            after,
          },
        });
      }

  out.sort((a, b) => a.step.t - b.step.t || a.order - b.order);
  return out.map((k) => k.step);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Phases a retransmission starts (its step tells of them). */
const RECOVERY_PHASES: ReadonlySet<CcPhase> = new Set<CcPhase>(['fast-recovery', 'rto-recovery']);

/** Index of the last record at or before t (records are in time order), or -1. */
function lastRecordAt(records: readonly TraceRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

// ------------------------------------------------------------------ navigation

/** How far before a step the cursor stands while the step is still to come (virtual ms). */
export const BEFORE_MS = 0.001;

/** Where the cursor goes to stand just before step `i` (the start of the run for the first step at t=0). */
export function cursorBefore(steps: readonly Step[], i: number): number {
  const s = steps[i];
  if (!s) return 0;
  const prev = i > 0 ? steps[i - 1]!.t : -Infinity;
  // Steps at one instant: the cursor cannot stand between them; stay at that instant.
  if (prev >= s.t) return s.t;
  return Math.max(0, s.t - BEFORE_MS);
}

// ------------------------------------------------------------------ predictions

export interface Choice {
  /** The state this answer names. */
  readonly state: StateName;
  /** "Stay in <state>" rather than "go to <state>". */
  readonly stay: boolean;
}

const ALL = machineTransitions();
const MAIN_EDGES: ReadonlySet<string> = new Set(
  buildGraph()
    .edges.filter((e) => e.main)
    .map((e) => e.id),
);
const rank = (s: StateName): number => STATES.indexOf(s);

/**
 * For states with too few ways out to make three choices: wrong answers people
 * often give (LAST_ACK: "then TIME_WAIT"; TIME_WAIT: "back to LISTEN").
 */
const CONFUSABLE: Readonly<Partial<Record<StateName, readonly StateName[]>>> = {
  LAST_ACK: ['TIME_WAIT'],
  TIME_WAIT: ['LISTEN'],
  CLOSE_WAIT: ['FIN_WAIT_1'],
  CLOSING: ['FIN_WAIT_2'],
  FIN_WAIT_2: ['CLOSING'],
};

/**
 * The answers offered before a state change `from` → `to` is revealed: the
 * right one, up to two wrong ones from the machine's other ways out of `from`
 * (the same event's first, then RFC 9293 Figure 5's edges, then by state
 * order), and "stay in `from`" where the machine has a transition for that
 * event that stays (or three choices would not be reached otherwise). Always
 * three or four, in state order with "stay" last: deterministic.
 */
export function predictionChoices(
  from: StateName,
  to: StateName,
  event: string | null,
  transitions: readonly DiagramTransition[] = ALL,
): Choice[] {
  const out = transitions.filter((t) => t.from === from);
  const score = (s: StateName): number => {
    const ts = out.filter((t) => t.to === s);
    const same = event !== null && ts.some((t) => t.event === event);
    const main = MAIN_EDGES.has(`${from}->${s}`);
    return (same ? 0 : 2) + (main ? 0 : 1);
  };
  const targets = [...new Set(out.map((t) => t.to))].filter((s) => s !== from && s !== to);
  targets.sort((a, b) => score(a) - score(b) || rank(a) - rank(b));
  const wrong = targets.slice(0, 2);
  let stay = event !== null && out.some((t) => t.to === from && t.event === event);
  if (wrong.length + 1 + (stay ? 1 : 0) < 3) stay = true;
  const pad = [...(CONFUSABLE[from] ?? []), ...STATES];
  for (const s of pad) {
    if (wrong.length + 1 + (stay ? 1 : 0) >= 3) break;
    if (s !== from && s !== to && !wrong.includes(s)) wrong.push(s);
  }
  const states = [to, ...wrong].sort((a, b) => rank(a) - rank(b));
  const choices: Choice[] = states.map((state) => ({ state, stay: false }));
  if (stay) choices.push({ state: from, stay: true });
  return choices;
}

/** The choices for a state step. */
export function choicesFor(step: StateStep): Choice[] {
  return predictionChoices(step.state.from, step.state.to, causeEvent(causeKind(step.state.cause)));
}

/** Is this the answer the run gave? */
export const isRight = (step: StateStep, c: Choice): boolean =>
  !c.stay && c.state === step.state.to;

/** The score: right answers out of questions answered (skipped ones do not count). */
export interface Score {
  readonly right: number;
  readonly asked: number;
}

export function scoreOf(
  answers: ReadonlyMap<number, Choice | 'skipped'>,
  steps: readonly Step[],
): Score {
  let right = 0;
  let asked = 0;
  for (const [i, a] of answers) {
    const s = steps[i];
    if (!s || s.kind !== 'state' || a === 'skipped') continue;
    asked++;
    if (isRight(s, a)) right++;
  }
  return { right, asked };
}
