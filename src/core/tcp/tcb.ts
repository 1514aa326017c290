/**
 * The Transmission Control Block (RFC 9293 §3.3.1) and the pure functions that
 * act on it: building segments, sending data, processing acknowledgments and
 * text, retransmission and delayed ACKs.
 *
 * The endpoint machine (endpoint-machine.ts) decides *which* rule of RFC 9293
 * §3.10 applies, by state and guard; the functions here carry the rule out.
 * Each handler takes a TCB and returns a new one (a shallow copy, mutated
 * while it is still private), collecting outgoing segments in `out`.
 */
import { ByteLog } from './byte-log';
import { modelTimeout, type Profile } from './profile';
import { backOff, currentRto, initialRto, resetBackoff, sampleRtt, type RtoState } from './rto';
import {
  ACK,
  EMPTY,
  FIN,
  NO_OPTIONS,
  PSH,
  RST,
  SYN,
  segLen,
  type SackBlock,
  type Segment,
  type TcpOptions,
} from './segment';
import { seqAdd, seqDiff, seqGe, seqGt, seqInRange, seqLe, seqLt } from './seq';
import {
  appendEntry,
  clearQueue,
  cwndAllows,
  dropAcked,
  enterLoss,
  enterRecovery,
  exitRecovery,
  grow,
  initialWindow,
  markHeadLost,
  markLostBySack,
  noteSent,
  prrReduce,
  rackDetect,
  restartAfterIdle,
  setEntry,
  setPhase,
  takeSack,
} from './congestion';
import { dropDelivered, maxSackBlocks, reportPiece, usableBlocks } from './sack';

/**
 * Where Linux goes its own way within what the RFCs allow — window selection, segment
 * size, PSH — the `linux` profile follows it and the `rfc` profile the RFCs' plain rule.
 */
const linuxRules = (p: Profile): boolean => p.name === 'linux';

/** RFC 9293 §3.7.1's default MSS (Linux TCP_MSS_DEFAULT). */
const TCP_MSS_DEFAULT = 536;
/** Linux TCP_MIN_MSS. */
const TCP_MIN_MSS = 88;

export const STATES = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
] as const;
export type StateName = (typeof STATES)[number];

/** States in which the connection is synchronized (RFC 9293 §3.5). */
export const SYNCHRONIZED: ReadonlySet<StateName> = new Set([
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
]);

export type Errno = 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'EPIPE';
/**
 * The connection's timers, one list: every reader (the machine's driver, the
 * trace, the views) loops over it. RFC 6298's retransmission timer (also the
 * zero-window probe timer), RFC 1122's delayed ACK, Linux's tcp_fin_timeout for
 * an orphaned FIN_WAIT_2, and TIME_WAIT's 2MSL.
 */
export const TIMER_NAMES = ['rtx', 'delack', 'finWait2', 'timeWait'] as const;
export type TimerName = (typeof TIMER_NAMES)[number];
/** Each timer's deadline (virtual ms), or null when it is not armed. */
export type Timers = Readonly<Record<TimerName, number | null>>;
export const NO_TIMERS: Timers = { rtx: null, delack: null, finWait2: null, timeWait: null };

/** Linux TCP_INFINITE_SSTHRESH: no threshold yet. */
export const INFINITE_SSTHRESH = 0x7fffffff;

/**
 * The congestion controller's phase: slow start, congestion avoidance, fast
 * recovery (after duplicate ACKs or SACKs), or recovery after a retransmission timeout.
 */
export type CcPhase = 'slow-start' | 'avoidance' | 'fast-recovery' | 'rto-recovery';

/** What the retransmission timer is armed for (see Tcb.rtxKind). */
export type RtxKind = 'rto' | 'tlp' | 'reo';
export const RTX_KINDS: readonly RtxKind[] = ['rto', 'tlp', 'reo'];
export const CC_PHASES: readonly CcPhase[] = [
  'slow-start',
  'avoidance',
  'fast-recovery',
  'rto-recovery',
];

export interface Address {
  readonly ip: number;
  readonly port: number;
}

/** A segment waiting for acknowledgment (the retransmission queue, RFC 9293 §3.8.1). */
export interface RtxEntry {
  readonly seq: number;
  /** Sequence space it occupies (payload plus SYN and FIN). */
  readonly len: number;
  /** The SYN, FIN and PSH bits it was sent with: a retransmission carries them again. */
  readonly ctl: number;
  /** When it was last sent (first sent, or last retransmitted). */
  readonly sentAt: number;
  /** Its place in the order this connection put segments on the wire (`xmits` then): ties of `sentAt` are common in a simulation. */
  readonly order: number;
  /** It has been retransmitted at least once (Karn's rule; RACK's ambiguity test). */
  readonly retransmitted: boolean;
  /** The peer has SACKed it. */
  readonly sacked: boolean;
  /** Deemed lost (dupthresh, RACK, RFC 6675 IsLost, or a retransmission timeout), and not SACKed since. */
  readonly lost: boolean;
  /** A retransmission of it is out and not yet known to have arrived (Linux TCPCB_SACKED_RETRANS). */
  readonly rtxOut: boolean;
}

/** Data received ahead of RCV.NXT, held until the gap before it fills. */
export interface OooSegment {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly fin: boolean;
}

export interface Tcb {
  readonly profile: Profile;
  /** Virtual time of the event being processed (ms). */
  readonly now: number;
  readonly local: Address;
  readonly remote: Address;
  /** MUST-11: whether SYN_RECEIVED came from a passive OPEN (LISTEN) or an active one. */
  readonly passiveOpen: boolean;

  // Send sequence variables (RFC 9293 §3.3.1)
  readonly iss: number;
  readonly sndUna: number;
  readonly sndNxt: number;
  /** Send window in bytes (already scaled). */
  readonly sndWnd: number;
  readonly sndWl1: number;
  readonly sndWl2: number;
  /** Effective send MSS: the peer's MSS option, less the timestamp option when used. */
  readonly sndMss: number;
  /** Shift the peer applies to the windows it advertises (its window scale option). */
  readonly sndWscale: number;
  /** The largest window the peer has offered (Linux max_window). */
  readonly maxWindow: number;
  /** The end of the last segment sent with PSH (Linux pushed_seq). */
  readonly pushedSeq: number;

  // Receive sequence variables
  readonly irs: number;
  readonly rcvNxt: number;
  /** The window last advertised (bytes). */
  readonly rcvWnd: number;
  /** Shift we apply to windows we advertise (our window scale option, if the peer agreed). */
  readonly rcvWscale: number;
  /** Window scaling is offered (before the peer's SYN) or agreed (after it). */
  readonly wsOk: boolean;
  /**
   * The peer's segment size as measured from what arrives (Linux icsk_ack.rcv_mss):
   * it sizes quick-ACK credit, the every-second-segment ACK and the window's rounding.
   */
  readonly rcvMss: number;

  // RFC 7323 timestamps
  readonly tsOk: boolean;
  readonly tsOffset: number;
  readonly tsRecent: number;

  // Send buffer: byte i the application wrote has sequence number ISS + 1 + i.
  readonly sndLog: ByteLog;
  readonly sndWritten: number;
  /** The application has no more to send (CLOSE, shutdown(SHUT_WR)): a FIN follows the data. */
  readonly finQueued: boolean;

  // Receive buffer: `rcvLen` bytes delivered in order; the application has read `rcvRead` of them.
  readonly rcvLog: ByteLog;
  readonly rcvLen: number;
  readonly rcvRead: number;
  readonly ooo: readonly OooSegment[];
  /** The peer's FIN has been received in order. */
  readonly finRcvd: boolean;

  readonly rtxQueue: readonly RtxEntry[];
  readonly rto: RtoState;
  /** The sequence number whose acknowledgment will give an RTT sample (Karn's rule: never a retransmitted one). */
  readonly rttSeq: number | null;
  readonly rttStart: number;
  /** Consecutive retransmission timeouts of the oldest segment. */
  readonly retransmits: number;
  /** When the oldest unacknowledged segment was first sent, for giving up (Linux retrans_stamp). */
  readonly retransStart: number;
  /** A SYN was retransmitted: RFC 6298 §5.7 applies once data flows. */
  readonly synRetransmitted: boolean;
  readonly dupAcks: number;

  // Congestion control (RFC 5681; docs/model.md)
  /** Congestion window (bytes). */
  readonly cwnd: number;
  /** Slow-start threshold (bytes); INFINITE_SSTHRESH until the first loss. */
  readonly ssthresh: number;
  /** What the sender is doing, as the congestion graph shades it. */
  readonly ccPhase: CcPhase;
  /** The sender's SACK scoreboard: ranges above SND.UNA the peer has SACKed, ascending, disjoint. */
  readonly sacked: readonly SackBlock[];
  /** Counts over the retransmission queue: entries SACKed, lost, and with a retransmission out, in packets and bytes. */
  readonly sackedOut: number;
  readonly lostOut: number;
  readonly retransOut: number;
  readonly sackedBytesOut: number;
  readonly lostBytesOut: number;
  readonly retransBytesOut: number;
  /** Recovery ends when SND.UNA reaches this (RFC 6582 `recover`; Linux high_seq). */
  readonly recover: number;
  /** Bytes acknowledged toward the next congestion-avoidance increase (RFC 5681 §3.1 byte counting). */
  readonly caAcked: number;
  /** PRR (RFC 6937): the window before recovery, and what was delivered and sent since it began. */
  readonly priorCwnd: number;
  readonly prrDelivered: number;
  readonly prrOut: number;
  /** CUBIC (RFC 9438), in segments: W_max, the epoch's start (ms, -1: none), K (s), its origin, and W_est. */
  readonly cubicWMax: number;
  readonly cubicEpoch: number;
  readonly cubicK: number;
  readonly cubicOrigin: number;
  readonly cubicWEst: number;
  /** Smallest RTT seen (ms), -1 before the first sample. */
  readonly minRtt: number;
  /** RACK (RFC 8985): send time and order of the most recently sent segment known delivered, and its RTT. */
  readonly rackXmit: number;
  readonly rackOrder: number;
  readonly rackRtt: number;
  /** Segments this connection has put on the wire (their send order). */
  readonly xmits: number;
  /** When data was last sent (Linux lsndtime), for restarting after idle. */
  readonly lastSend: number;
  /** The congestion window, not the application or the peer's window, held the last send back. */
  readonly cwndLimited: boolean;
  /** SACK is offered (before the peer's SYN) or agreed (after it). */
  readonly sackOk: boolean;
  /** The receiver's SACK blocks to report, the most recent first. */
  readonly rcvSack: readonly SackBlock[];
  /** A duplicate to report once in the next ACK's first block (D-SACK, RFC 2883). */
  readonly dsack: SackBlock | null;
  /** The zero-window probe timer is running instead of the retransmission timer. */
  readonly probing: boolean;
  /**
   * What the retransmission timer is armed for when not probing a zero window: the
   * retransmission timeout, a tail loss probe (RFC 8985 §7), or RACK's reordering
   * timer (§6.3) — Linux runs all three on one timer (icsk_pending).
   */
  readonly rtxKind: RtxKind;
  /** A loss probe is out: SND.NXT when it went (Linux tlp_high_seq), until an ACK reaches it. */
  readonly tlpHigh: number | null;

  /** Timer deadlines (virtual ms), null when not armed. */
  readonly timers: Timers;
  /** The timer whose expiry this snapshot processed, if any. */
  readonly fired: TimerName | null;

  // ACK policy (RFC 1122 §4.2.3.2; Linux quick-ACK and ping-pong modes)
  readonly ackPending: boolean;
  readonly ackUnackedBytes: number;
  readonly ackQuick: number;
  readonly ackPingpong: boolean;
  readonly ackAto: number;
  readonly ackLrcv: number;
  /** Right edge (RCV.NXT + window) of the last window advertised. */
  readonly rcvAdvRight: number;
  /** RCV.NXT when we last sent an ACK (RFC 7323's Last.ACK.sent; Linux rcv_wup). */
  readonly lastAckSent: number;
  /** When we last answered an out-of-window segment or sent a challenge ACK (rate limit), or null. */
  readonly lastOowAck: number | null;

  readonly error: Errno | null;
  /** The application has closed its descriptor; only the protocol keeps this connection alive. */
  readonly orphan: boolean;
}

export type Draft = { -readonly [K in keyof Tcb]: Tcb[K] };

export interface EmittedSegment {
  readonly type: 'segment';
  readonly seg: Segment;
  /** True when this is a retransmission. */
  readonly rtx: boolean;
}
export type Out = EmittedSegment[];

export interface TcbInput {
  readonly profile: Profile;
  readonly local: Address;
}

export function initialTcb({ profile, local }: TcbInput): Tcb {
  const none = { ip: 0, port: 0 };
  return {
    profile,
    now: 0,
    local,
    remote: none,
    passiveOpen: false,
    iss: 0,
    sndUna: 0,
    sndNxt: 0,
    sndWnd: 0,
    sndWl1: 0,
    sndWl2: 0,
    sndMss: 536,
    sndWscale: 0,
    maxWindow: 0,
    pushedSeq: 0,
    irs: 0,
    rcvNxt: 0,
    rcvWnd: profile.rcvBuf,
    rcvWscale: 0,
    wsOk: false,
    rcvMss: TCP_MSS_DEFAULT,
    tsOk: false,
    tsOffset: 0,
    tsRecent: 0,
    sndLog: new ByteLog(),
    sndWritten: 0,
    finQueued: false,
    rcvLog: new ByteLog(),
    rcvLen: 0,
    rcvRead: 0,
    ooo: [],
    finRcvd: false,
    rtxQueue: [],
    rto: initialRto(profile),
    rttSeq: null,
    rttStart: 0,
    retransmits: 0,
    retransStart: 0,
    synRetransmitted: false,
    dupAcks: 0,
    cwnd: 0,
    ssthresh: INFINITE_SSTHRESH,
    ccPhase: 'slow-start',
    sacked: [],
    sackedOut: 0,
    lostOut: 0,
    retransOut: 0,
    sackedBytesOut: 0,
    lostBytesOut: 0,
    retransBytesOut: 0,
    recover: 0,
    caAcked: 0,
    priorCwnd: 0,
    prrDelivered: 0,
    prrOut: 0,
    cubicWMax: 0,
    cubicEpoch: -1,
    cubicK: 0,
    cubicOrigin: 0,
    cubicWEst: 0,
    minRtt: -1,
    rackXmit: -1,
    rackOrder: 0,
    xmits: 0,
    rackRtt: 0,
    lastSend: 0,
    cwndLimited: false,
    sackOk: false,
    rcvSack: [],
    dsack: null,
    probing: false,
    rtxKind: 'rto',
    tlpHigh: null,
    timers: NO_TIMERS,
    fired: null,
    ackPending: false,
    ackUnackedBytes: 0,
    ackQuick: 0,
    ackPingpong: false,
    ackAto: 0,
    ackLrcv: 0,
    rcvAdvRight: 0,
    lastOowAck: null,
    lastAckSent: 0,
    error: null,
    orphan: false,
  };
}

/**
 * A private copy of `t` for a handler to change. Written out field by field:
 * V8 copies a ~50-field object spread (`{ ...t }`) property by property, about
 * 30 times slower, and the copy per step was the largest cost of a bulk run.
 */
export function draft(t: Tcb): Draft {
  return {
    profile: t.profile,
    now: t.now,
    local: t.local,
    remote: t.remote,
    passiveOpen: t.passiveOpen,
    iss: t.iss,
    sndUna: t.sndUna,
    sndNxt: t.sndNxt,
    sndWnd: t.sndWnd,
    sndWl1: t.sndWl1,
    sndWl2: t.sndWl2,
    sndMss: t.sndMss,
    sndWscale: t.sndWscale,
    maxWindow: t.maxWindow,
    pushedSeq: t.pushedSeq,
    irs: t.irs,
    rcvNxt: t.rcvNxt,
    rcvWnd: t.rcvWnd,
    rcvWscale: t.rcvWscale,
    wsOk: t.wsOk,
    rcvMss: t.rcvMss,
    tsOk: t.tsOk,
    tsOffset: t.tsOffset,
    tsRecent: t.tsRecent,
    sndLog: t.sndLog,
    sndWritten: t.sndWritten,
    finQueued: t.finQueued,
    rcvLog: t.rcvLog,
    rcvLen: t.rcvLen,
    rcvRead: t.rcvRead,
    ooo: t.ooo,
    finRcvd: t.finRcvd,
    rtxQueue: t.rtxQueue,
    rto: t.rto,
    rttSeq: t.rttSeq,
    rttStart: t.rttStart,
    retransmits: t.retransmits,
    retransStart: t.retransStart,
    synRetransmitted: t.synRetransmitted,
    dupAcks: t.dupAcks,
    cwnd: t.cwnd,
    ssthresh: t.ssthresh,
    ccPhase: t.ccPhase,
    sacked: t.sacked,
    sackedOut: t.sackedOut,
    lostOut: t.lostOut,
    retransOut: t.retransOut,
    sackedBytesOut: t.sackedBytesOut,
    lostBytesOut: t.lostBytesOut,
    retransBytesOut: t.retransBytesOut,
    recover: t.recover,
    caAcked: t.caAcked,
    priorCwnd: t.priorCwnd,
    prrDelivered: t.prrDelivered,
    prrOut: t.prrOut,
    cubicWMax: t.cubicWMax,
    cubicEpoch: t.cubicEpoch,
    cubicK: t.cubicK,
    cubicOrigin: t.cubicOrigin,
    cubicWEst: t.cubicWEst,
    minRtt: t.minRtt,
    rackXmit: t.rackXmit,
    rackOrder: t.rackOrder,
    xmits: t.xmits,
    rackRtt: t.rackRtt,
    lastSend: t.lastSend,
    cwndLimited: t.cwndLimited,
    sackOk: t.sackOk,
    rcvSack: t.rcvSack,
    dsack: t.dsack,
    probing: t.probing,
    rtxKind: t.rtxKind,
    tlpHigh: t.tlpHigh,
    timers: t.timers,
    fired: t.fired,
    ackPending: t.ackPending,
    ackUnackedBytes: t.ackUnackedBytes,
    ackQuick: t.ackQuick,
    ackPingpong: t.ackPingpong,
    ackAto: t.ackAto,
    ackLrcv: t.ackLrcv,
    rcvAdvRight: t.rcvAdvRight,
    lastOowAck: t.lastOowAck,
    lastAckSent: t.lastAckSent,
    error: t.error,
    orphan: t.orphan,
  };
}

/** The deadlines of the armed timers, by name. */
export function armedTimers(t: Tcb): Partial<Record<TimerName, number>> {
  const r: Partial<Record<TimerName, number>> = {};
  for (const name of TIMER_NAMES) {
    const d = t.timers[name];
    if (d !== null) r[name] = d;
  }
  return r;
}

/** Arm (a deadline) or stop (null) one timer; the record is copied only when it changes. */
export function setTimer(d: Draft, name: TimerName, deadline: number | null): void {
  if (d.timers[name] === deadline) return;
  const { rtx, delack, finWait2, timeWait } = d.timers;
  const timers = { rtx, delack, finWait2, timeWait };
  timers[name] = deadline;
  d.timers = timers;
}

/** The timer `name` expired: time moves to its deadline, and it is no longer armed. */
function fire(t: Tcb, name: TimerName): Draft {
  const d = draft(t);
  d.now = t.timers[name] ?? t.now;
  d.fired = name;
  setTimer(d, name, null);
  return d;
}

// ---------------------------------------------------------------- derived values

/** Sequence number of our FIN once queued: just past the last byte written. */
export const finSeq = (t: Tcb): number => seqAdd(t.iss, 1 + t.sndWritten);
/** Our FIN has been sent (at least once). */
export const finSent = (t: Tcb): boolean => t.finQueued && t.sndNxt === seqAdd(finSeq(t), 1);
/** Bytes written but not yet sent. */
export const unsentBytes = (t: Tcb): number =>
  t.sndWritten - Math.max(0, Math.min(t.sndWritten, seqDiff(t.sndNxt, seqAdd(t.iss, 1))));
/** Bytes delivered in order that the application has not read yet. */
export const unreadBytes = (t: Tcb): number => t.rcvLen - t.rcvRead;
/** Bytes sent and not yet acknowledged, counted in sequence space. */
export const inFlight = (t: Tcb): number => seqDiff(t.sndNxt, t.sndUna);

/**
 * Bytes in flight as the congestion controller counts them: sent, and neither
 * acknowledged nor SACKed (RFC 6675's pipe, before loss marking).
 */
export const ccFlight = (t: Tcb): number => inFlight(t) - sackedBytes(t.sacked);

/** Has anything the congestion graph draws changed between two TCBs of a connection? */
export const ccChanged = (a: Tcb, b: Tcb): boolean =>
  a.cwnd !== b.cwnd ||
  a.ssthresh !== b.ssthresh ||
  a.sndUna !== b.sndUna ||
  a.sndNxt !== b.sndNxt ||
  a.sndWnd !== b.sndWnd ||
  a.ccPhase !== b.ccPhase ||
  a.sacked !== b.sacked ||
  a.rto !== b.rto;

/** Bytes of sequence space in `blocks`. */
export const sackedBytes = (blocks: readonly SackBlock[]): number => {
  let n = 0;
  for (const b of blocks) n += seqDiff(b.end, b.start);
  return n;
};

/** The receive window we can offer now: free space in the receive buffer. */
export function freeWindow(t: Tcb): number {
  let held = unreadBytes(t);
  for (const o of t.ooo) held += o.data.length;
  return Math.max(0, t.profile.rcvBuf - held);
}

// ---------------------------------------------------------------- segments

function options(d: Draft, syn: boolean): TcpOptions {
  const ts = d.tsOk ? { val: tsVal(d), ecr: d.tsRecent } : undefined;
  if (!syn) {
    const sack = sackToSend(d);
    if (sack) return ts ? { ts, sack } : { sack };
    return ts ? { ts } : NO_OPTIONS;
  }
  // A SYN offers what the profile supports; a SYN,ACK echoes only what the peer offered (RFC 7323 §1.3).
  const o: {
    mss: number;
    wscale?: number;
    ts?: { val: number; ecr: number };
    sackPermitted?: boolean;
  } = {
    mss: d.profile.mss,
  };
  if (ts) o.ts = ts;
  if (d.sackOk) o.sackPermitted = true;
  if (d.wsOk) o.wscale = d.rcvWscale;
  return o;
}

/**
 * The SACK blocks an ACK carries (RFC 2018 §4): a pending D-SACK first (sent
 * once, RFC 2883), then the receiver's blocks, the most recent first, as many as fit.
 */
function sackToSend(d: Draft): readonly SackBlock[] | null {
  if (!d.sackOk || (d.dsack === null && d.rcvSack.length === 0)) return null;
  const blocks = d.dsack ? [d.dsack, ...d.rcvSack] : d.rcvSack;
  d.dsack = null;
  return blocks.slice(0, maxSackBlocks(d.tsOk));
}

/** TSval: a 1 kHz clock (Linux's tcp_time_stamp_ms) with a per-connection random offset. */
const tsVal = (d: Draft): number => (Math.floor(d.now) + d.tsOffset) >>> 0;

/**
 * The round trip an echoed TSval (TSecr) measures, in ms on the 1 kHz clock;
 * null for an echo from the future or older than half the clock's cycle.
 */
function tsRtt(d: Draft, ecr: number): number | null {
  const elapsed = (tsVal(d) - ecr) >>> 0;
  return elapsed < 0x80000000 ? elapsed : null;
}

/**
 * The window we would offer now (bytes), before the never-shrink rule. The `rfc`
 * profile offers the free buffer space. The `linux` profile chooses as
 * __tcp_select_window() does, which is also RFC 1122 §4.2.3.3's receiver-side
 * silly window avoidance:
 * - below half the buffer free, quick-ACK mode ends, and below a sixteenth of the
 *   buffer or one receive MSS (capped at the buffer size) the window offered is 0;
 * - without window scaling the window moves in whole receive MSSs, and stays where
 *   it is while it is within one MSS of the free space;
 * - with scaling it is the free space rounded up to a unit of the scale.
 */
function selectWindow(d: Draft): number {
  const free = freeWindow(d);
  if (!linuxRules(d.profile)) return free;
  const full = d.profile.rcvBuf;
  const mss = Math.min(d.rcvMss, full);
  if (free < full / 2) {
    d.ackQuick = 0;
    if (free < full / 16 || free < mss) return 0;
  }
  if (d.rcvWscale > 0) {
    const unit = 1 << d.rcvWscale;
    return Math.ceil(free / unit) * unit;
  }
  const cur = d.rcvWnd;
  if (cur <= free - mss || cur > free) return free - (free % mss);
  if (mss === full && free > cur + full / 2) return free;
  return cur;
}

/** The 16-bit window field for a segment, and the advertised right edge it implies. */
function windowField(d: Draft, syn: boolean): number {
  if (syn) return Math.min(freeWindow(d), 65535);
  const shift = d.rcvWscale;
  const offer = selectWindow(d);
  // Never shrink the window already offered (RFC 9293 §3.8.6.2.2).
  const right = seqAdd(d.rcvNxt, offer);
  const wnd = seqGt(d.rcvAdvRight, right) ? seqDiff(d.rcvAdvRight, d.rcvNxt) : offer;
  return Math.min(Math.ceil(wnd / (1 << shift)), 65535);
}

/** Build a segment from this TCB and account for it: window advertised, ACK owed cleared. */
function segment(d: Draft, flags: number, seq: number, payload: Uint8Array): Segment {
  const syn = (flags & SYN) !== 0;
  const win = windowField(d, syn);
  if (flags & ACK) {
    d.lastAckSent = d.rcvNxt;
    const advertised = syn ? win : win << d.rcvWscale;
    d.rcvWnd = advertised;
    const right = seqAdd(d.rcvNxt, advertised);
    if (seqGt(right, d.rcvAdvRight) || syn) d.rcvAdvRight = right;
    if (d.ackPending) {
      d.ackPending = false;
      if (d.ackQuick > 0) d.ackQuick--;
    }
    d.ackUnackedBytes = 0;
    setTimer(d, 'delack', null);
  }
  return {
    srcIp: d.local.ip,
    dstIp: d.remote.ip,
    srcPort: d.local.port,
    dstPort: d.remote.port,
    seq,
    ack: flags & ACK ? d.rcvNxt : 0,
    flags,
    window: win,
    options: options(d, syn),
    payload,
  };
}

const push = (out: Out, seg: Segment, rtx = false): void => {
  out.push({ type: 'segment', seg, rtx });
};

/** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
export function sendAck(d: Draft, out: Out): void {
  push(out, segment(d, ACK, d.sndNxt, EMPTY));
}

/**
 * RFC 5961 §3.2/§4.2 challenge ACK: same shape as an ordinary ACK; the point is
 * that the peer, if it really lost its state, answers with an exact RST.
 */
export const sendChallengeAck = sendAck;

/**
 * The ACK that answers an unacceptable segment (RFC 9293 §3.10.7.4, first check) or
 * is a challenge ACK (RFC 5961). Linux rate-limits both (tcp_oow_rate_limited(),
 * net.ipv4.tcp_invalid_ratelimit): at most one per `invalidRateLimit` ms, except for an
 * unacceptable segment that occupies sequence space without being a SYN, which is
 * always answered, since data is not part of an ACK loop. Zero-window probes are
 * out-of-window segments with no data, so most of them go unanswered.
 */
export function answerOutOfWindow(
  t: Tcb,
  now: number,
  seg: Segment,
  challenge: boolean,
  out: Out,
): Tcb {
  const d = draft(at(t, now));
  const limit = d.profile.invalidRateLimit;
  if (limit > 0 && (challenge || segLen(seg) === 0 || seg.flags & SYN)) {
    const last = d.lastOowAck;
    if (last !== null && d.now - last < limit) return d;
    d.lastOowAck = d.now;
  }
  // Old data again (Linux tcp_send_dupack()): a D-SACK for the part below RCV.NXT.
  const len = seg.payload.length;
  if (!challenge && len > 0 && seqLt(seg.seq, d.rcvNxt)) {
    const end = seqAdd(seg.seq, len);
    reportDuplicate(d, seg.seq, seqDiff(seqLt(end, d.rcvNxt) ? end : d.rcvNxt, seg.seq));
  }
  sendAck(d, out);
  return d;
}

/** The reset for a segment that has no connection to go to (RFC 9293 §3.10.7.1). */
export function resetFor(seg: Segment): Segment | undefined {
  if (seg.flags & RST) return undefined;
  const base = {
    srcIp: seg.dstIp,
    dstIp: seg.srcIp,
    srcPort: seg.dstPort,
    dstPort: seg.srcPort,
    window: 0,
    options: NO_OPTIONS,
    payload: EMPTY,
  };
  if (seg.flags & ACK) return { ...base, seq: seg.ack, ack: 0, flags: RST };
  return { ...base, seq: 0, ack: seqAdd(seg.seq, segLen(seg)), flags: RST | ACK };
}

/** Queue a segment for retransmission and start the timer if it is not running (RFC 6298 §5.1). */
function track(d: Draft, seq: number, len: number, ctl: number): void {
  if (len === 0) return;
  if (d.rtxQueue.length === 0) {
    d.retransStart = d.now;
    d.retransmits = 0;
  }
  appendEntry(d, {
    seq,
    len,
    ctl,
    sentAt: d.now,
    order: d.xmits,
    retransmitted: false,
    sacked: false,
    lost: false,
    rtxOut: false,
  });
  if (d.rttSeq === null) {
    d.rttSeq = seqAdd(seq, len);
    d.rttStart = d.now;
  }
  if (d.timers.rtx === null || d.probing) armRtx(d);
}

function armRtx(d: Draft): void {
  d.probing = false;
  d.rtxKind = 'rto';
  setTimer(d, 'rtx', d.now + currentRto(d.rto, d.profile));
}

/**
 * Linux tcp_set_xmit_timer() after an ACK, and tcp_schedule_loss_probe() after sending:
 * with SACK, outside recovery, and data outstanding, arm a tail loss probe (RFC 8985
 * §7.2) instead of the retransmission timeout: PTO = 2·SRTT, plus rto_min when one
 * segment is out (its ACK may be delayed) or two timer ticks otherwise; 1 s without an
 * RTT sample; never later than the RTO would fire (`advancing`: a full RTO from now,
 * else the RTO of the oldest segment outstanding). False when no probe is armed.
 */
function scheduleLossProbe(d: Draft, advancing: boolean): boolean {
  const p = d.profile;
  if (!linuxRules(p) || !d.sackOk || d.probing || d.rtxQueue.length === 0) return false;
  // Open state only (Linux: not in Disorder, where SACKs or duplicate ACKs came).
  if (d.sackedOut > 0 || d.lostOut > 0) return false;
  if (d.ccPhase !== 'slow-start' && d.ccPhase !== 'avoidance') return false;
  const srtt = d.rto.srtt;
  let timeout =
    srtt === undefined
      ? p.rtoInitial
      : 2 * srtt + (d.rtxQueue.length === 1 ? p.rtoMin : 2 * Math.max(p.timerTick, 1));
  const rto = currentRto(d.rto, p);
  const rtoDelta = advancing ? rto : d.rtxQueue[0]!.sentAt + rto - d.now;
  if (rtoDelta > 0) timeout = Math.min(timeout, rtoDelta);
  d.rtxKind = 'tlp';
  setTimer(d, 'rtx', d.now + timeout);
  return true;
}

// ---------------------------------------------------------------- opening

export interface OpenParams {
  readonly now: number;
  readonly iss: number;
  readonly tsOffset: number;
}

/** Apply the peer's SYN options: MSS, window scale, timestamps (RFC 9293 §3.7.1, RFC 7323). */
function takeSynOptions(d: Draft, seg: Segment): void {
  const o = seg.options;
  const p = d.profile;
  d.tsOk = p.timestamps && o.ts !== undefined;
  if (d.tsOk && o.ts) d.tsRecent = o.ts.val;
  d.wsOk = p.wscale !== null && o.wscale !== undefined;
  d.sackOk = p.sack && o.sackPermitted === true;
  d.sndWscale = d.wsOk ? Math.min(o.wscale ?? 0, 14) : 0;
  d.rcvWscale = d.wsOk ? (p.wscale ?? 0) : 0;
  const peerMss = o.mss ?? 536; // RFC 9293 §3.7.1: 536 when no MSS option came
  d.sndMss = Math.min(peerMss, p.mss) - (d.tsOk ? 12 : 0);
  // Linux tcp_initialize_rcv_mss(): a guess until segments arrive, no more than 536 bytes.
  d.rcvMss = Math.max(
    TCP_MIN_MSS,
    Math.min(d.sndMss, Math.floor(freeWindow(d) / 2), TCP_MSS_DEFAULT),
  );
}

/** The peer offers a window: note the largest it ever offered. */
function setSndWnd(d: Draft, wnd: number): void {
  d.sndWnd = wnd;
  if (wnd > d.maxWindow) d.maxWindow = wnd;
}

/**
 * The size of the segments we send: the effective MSS, and with the `linux` profile no
 * more than half the largest window the peer has offered (tcp_bound_to_half_wnd(): a
 * peer with a tiny buffer still gets two segments in flight).
 */
function sendMss(d: Draft): number {
  if (!linuxRules(d.profile) || d.maxWindow === 0) return d.sndMss;
  const cutoff = d.maxWindow > TCP_MSS_DEFAULT ? d.maxWindow >> 1 : d.maxWindow;
  if (d.sndMss <= cutoff) return d.sndMss;
  // Never below 68 bytes of IP datagram less the TCP header (20, and 12 of timestamps).
  return Math.max(cutoff, 68 - (20 + (d.tsOk ? 12 : 0)));
}

function startOpen(d: Draft, p: OpenParams): void {
  d.now = p.now;
  d.iss = p.iss;
  d.tsOffset = p.tsOffset;
  d.sndUna = p.iss;
  d.sndNxt = seqAdd(p.iss, 1);
  d.pushedSeq = d.sndNxt;
  d.sackOk = d.profile.sack;
}

/** OPEN call, active (RFC 9293 §3.10.1): send <SEQ=ISS><CTL=SYN>, enter SYN_SENT. */
export function activeOpen(t: Tcb, p: OpenParams & { remote: Address }, out: Out): Tcb {
  const d = draft(t);
  d.remote = p.remote;
  d.passiveOpen = false;
  d.fired = null;
  startOpen(d, p);
  push(out, activeSyn(d));
  track(d, d.iss, 1, SYN);
  return d;
}

/** PASSIVE OPEN: remember the ISS to use (drawn by the host) and wait in LISTEN. */
export function passiveOpen(t: Tcb, p: OpenParams): Tcb {
  const d = draft(t);
  d.now = p.now;
  d.iss = p.iss;
  d.tsOffset = p.tsOffset;
  d.fired = null;
  return d;
}

/** LISTEN, SYN arrives (RFC 9293 §3.10.7.2 third check): send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
export function listenSyn(t: Tcb, seg: Segment, now: number, out: Out): Tcb {
  const d = draft(t);
  d.remote = { ip: seg.srcIp, port: seg.srcPort };
  d.passiveOpen = true;
  d.fired = null;
  startOpen(d, { now, iss: t.iss, tsOffset: t.tsOffset });
  receiveSyn(d, seg);
  sendSynAck(d, out, false);
  track(d, d.iss, 1, SYN);
  return d;
}

/** Our SYN: it offers timestamps and window scaling when the profile has them. */
function activeSyn(d: Draft): Segment {
  const p = d.profile;
  const seg = segment(d, SYN, d.iss, EMPTY);
  const o: {
    mss: number;
    wscale?: number;
    ts?: { val: number; ecr: number };
    sackPermitted?: boolean;
  } = { mss: p.mss };
  if (p.timestamps) o.ts = { val: tsVal(d), ecr: 0 };
  if (p.wscale !== null) o.wscale = p.wscale;
  if (p.sack) o.sackPermitted = true;
  return { ...seg, options: o };
}

function receiveSyn(d: Draft, seg: Segment): void {
  d.irs = seg.seq;
  d.rcvNxt = seqAdd(seg.seq, 1);
  d.lastAckSent = d.rcvNxt;
  d.rcvAdvRight = d.rcvNxt;
  takeSynOptions(d, seg);
  // The window in a SYN is never scaled (RFC 7323 §2.2).
  setSndWnd(d, seg.window);
  d.sndWl1 = seg.seq;
  d.sndWl2 = seg.ack;
}

function sendSynAck(d: Draft, out: Out, rtx: boolean): void {
  // Echo only the options the peer offered (RFC 7323 §1.3, §2.2).
  const seg = segment(d, SYN | ACK, d.iss, EMPTY);
  push(out, seg, rtx);
}

/** SYN_SENT, SYN arrives without ACK: simultaneous open (RFC 9293 §3.10.7.3, MUST-11 remembers it was active). */
export function simultaneousSyn(t: Tcb, seg: Segment, out: Out): Tcb {
  const d = draft(t);
  d.fired = null;
  receiveSyn(d, seg);
  sendSynAck(d, out, false);
  return d;
}

/** SYN_SENT, acceptable SYN,ACK arrives: ESTABLISHED, send ACK (RFC 9293 §3.10.7.3). */
export function synSentEstablish(t: Tcb, seg: Segment, out: Out): Tcb {
  const d = draft(t);
  d.fired = null;
  receiveSyn(d, seg);
  ackAdvance(d, seg);
  establishRto(d);
  // Continue with the sixth step: text and FIN in the SYN,ACK itself.
  // One ACK covers the SYN and whatever text or FIN came with it.
  text(d, seg);
  d.ackPending = true;
  sendAck(d, out);
  output(d, out);
  return d;
}

/** RFC 6298 §5.7: after a retransmitted SYN with no RTT sample, data starts with RTO = 3 s. */
function establishRto(d: Draft): void {
  // RFC 6928's initial window; RFC 5681 §3.1: one segment once a SYN or SYN,ACK was lost.
  // (Linux keeps TCP_INIT_CWND after one lost SYN and falls to 1 after two: not modelled.)
  d.cwnd = d.synRetransmitted && d.profile.name !== 'linux' ? d.sndMss : initialWindow(d);
  d.lastSend = d.now;
  setPhase(d);
  if (d.synRetransmitted && d.rto.srtt === undefined) {
    d.rto = { ...d.rto, base: Math.max(d.rto.base, d.profile.rtoAfterSynLoss), backoff: 0 };
  }
}

// ---------------------------------------------------------------- checks (RFC 9293 §3.10.7.4)

/** Table 6: is the segment's sequence number acceptable? */
export function acceptable(t: Tcb, seg: Segment): boolean {
  const len = segLen(seg);
  const wnd = t.rcvWnd;
  const rcvEnd = seqAdd(t.rcvNxt, wnd);
  if (len === 0) {
    if (wnd === 0) return seg.seq === t.rcvNxt;
    return seqInRange(seg.seq, t.rcvNxt, rcvEnd);
  }
  if (wnd === 0) return false;
  return (
    seqInRange(seg.seq, t.rcvNxt, rcvEnd) || seqInRange(seqAdd(seg.seq, len - 1), t.rcvNxt, rcvEnd)
  );
}

/** SND.UNA < SEG.ACK =< SND.NXT. */
export const ackNew = (t: Tcb, seg: Segment): boolean =>
  seqLt(t.sndUna, seg.ack) && seqLe(seg.ack, t.sndNxt);

/** The segment acknowledges our FIN (which must have been sent). */
export const acksFin = (t: Tcb, seg: Segment): boolean =>
  (seg.flags & ACK) !== 0 && finSent(t) && seg.ack === t.sndNxt;

/**
 * Will the peer's FIN be in order once this segment's text is taken? True when
 * the segment carries a FIN right after contiguous data, or fills the gap in
 * front of a FIN that arrived out of order.
 */
export function completesFin(t: Tcb, seg: Segment): boolean {
  if (t.finRcvd || (seg.payload.length === 0 && !(seg.flags & FIN))) return false;
  const taken = takenText(t, seg);
  if (!taken || taken.start !== t.rcvNxt) return false; // a duplicate, or held out of order
  // As text() does: take the bytes, then pull in the held pieces they reach.
  let fin = taken.fin;
  let nxt = seqAdd(t.rcvNxt, taken.data.length);
  for (const o of t.ooo) {
    if (seqGt(o.seq, nxt)) break;
    const oEnd = seqAdd(o.seq, o.data.length);
    if (seqGt(oEnd, nxt)) nxt = oEnd;
    if (o.fin && oEnd === nxt) fin = true;
  }
  return fin;
}

// ---------------------------------------------------------------- segment processing

/** Step 5 (the ACK field) for a synchronized connection. */
function ackAdvance(d: Draft, seg: Segment): void {
  // Congestion control runs once the connection is synchronized (cwnd set).
  const cc = d.cwnd > 0;
  const flightBefore = seqDiff(d.sndNxt, d.sndUna);
  let ackedBytes = 0;
  let ackedPackets = 0;
  let delivered = 0;
  let dup = false;
  if (ackNew(d, seg)) {
    ackedBytes = seqDiff(seg.ack, d.sndUna);
    d.sndUna = seg.ack;
    // Drop what is now acknowledged from the retransmission queue (and the scoreboard).
    const a = dropAcked(d, seg.ack);
    ackedPackets = a.packets;
    delivered = linuxRules(d.profile) ? a.delivered : a.deliveredBytes;
    // RFC 6298 §2 with Karn's rule: only a segment sent once gives a sample.
    // RFC 6298 §5 (after 5.7): a backed-off RTO stays until a valid sample replaces it;
    // Linux tcp_ack_update_rtt() ends the backoff on every valid sample.
    const ts = seg.options.ts;
    if (d.rttSeq !== null && seqGe(seg.ack, d.rttSeq)) {
      rttSample(d, d.now - d.rttStart);
      d.rttSeq = null;
    } else if (d.tsOk && ts && ts.ecr !== 0) {
      // RFC 7323 §4.1: with timestamps, the echoed TSval times even the ACK of a
      // retransmission (Karn's ambiguity is gone); Linux uses it when the sent-once
      // sample is not there (tcp_ack_update_rtt(), rcv_tsecr).
      const rtt = tsRtt(d, ts.ecr);
      if (rtt !== null) rttSample(d, rtt);
    }
    d.retransmits = 0;
    d.retransStart = d.now;
    // Without SACK, Linux counts duplicate ACKs as SACKed packets and takes the
    // acknowledged ones off that count (tcp_remove_reno_sacks()).
    d.dupAcks =
      linuxRules(d.profile) && !d.sackOk && d.ccPhase === 'fast-recovery'
        ? Math.max(0, d.dupAcks - ackedPackets)
        : 0;
    // RFC 6298 §5.2 and §5.3 (a loss probe may take the RTO's place below).
    if (d.sndUna === d.sndNxt) setTimer(d, 'rtx', null);
    else armRtx(d);
    // A loss probe is answered once the ACK covers what was out when it went.
    if (d.tlpHigh !== null && seqGe(seg.ack, d.tlpHigh)) d.tlpHigh = null;
  } else if (
    seg.ack === d.sndUna &&
    seg.payload.length === 0 &&
    !(seg.flags & (SYN | FIN)) &&
    d.sndUna !== d.sndNxt &&
    seg.window << d.sndWscale === d.sndWnd
  ) {
    d.dupAcks++;
    dup = true;
  }
  if (cc) {
    if (d.sackOk && seg.options.sack && d.sndUna !== d.sndNxt) {
      const u = usableBlocks(seg.options.sack, d.sndUna, d.sndNxt);
      if (u.blocks.length > 0) {
        const s = takeSack(d, u.blocks);
        delivered += linuxRules(d.profile) ? s.packets : s.bytes;
      }
    }
    // Without SACK, Linux takes a duplicate ACK as one packet delivered.
    if (dup && !d.sackOk && linuxRules(d.profile)) delivered += 1;
    congestionOnAck(d, { ackedBytes, ackedPackets, delivered, dup, flightBefore });
    // RACK's reordering timer, if armed, stands; else, when the ACK delivered something,
    // a loss probe may replace the RTO, or an RTO replaces a probe no longer wanted
    // (Linux tcp_set_xmit_timer()).
    if (d.rtxKind !== 'reo' && delivered > 0 && d.sndUna !== d.sndNxt)
      if (!scheduleLossProbe(d, true) && d.rtxKind === 'tlp') armRtx(d);
  }
  // Window update (RFC 9293 §3.10.7.4, fifth check).
  if (seqLt(d.sndWl1, seg.seq) || (d.sndWl1 === seg.seq && seqLe(d.sndWl2, seg.ack))) {
    setSndWnd(d, seg.flags & SYN ? seg.window : seg.window << d.sndWscale);
    d.sndWl1 = seg.seq;
    d.sndWl2 = seg.ack;
  }
  // RFC 7323 §4.3: TS.Recent takes a segment's TSval only if it is not past the last ACK
  // sent (Last.ACK.sent; Linux rcv_wup): an ACK echoes the earliest segment it
  // acknowledges, and a segment above a hole does not change what is echoed.
  if (
    d.tsOk &&
    seg.options.ts &&
    seqGe(seg.options.ts.val, d.tsRecent) &&
    seqLe(seg.seq, d.lastAckSent)
  )
    d.tsRecent = seg.options.ts.val;
}

/**
 * RACK's reordering timer (RFC 8985 §6.3; Linux tcp_rack_mark_lost()): a segment
 * sent before a delivered one but not yet overdue is looked at again when it
 * will be, plus two timer ticks (TCP_TIMEOUT_MIN), on the retransmission timer.
 */
function armReo(d: Draft, wait: number | null): void {
  if (wait === null || d.probing) return;
  d.rtxKind = 'reo';
  setTimer(d, 'rtx', d.now + wait + 2 * Math.max(d.profile.timerTick, 1));
}

/** Fold an RTT measurement (ms) into the estimator, and the minimum RTT. */
function rttSample(d: Draft, rtt: number): void {
  d.rto = resetBackoff(sampleRtt(d.rto, rtt, d.profile));
  if (d.minRtt < 0 || rtt < d.minRtt) d.minRtt = rtt;
}

interface AckNews {
  /** Bytes and whole segments the cumulative ACK took off the queue. */
  readonly ackedBytes: number;
  readonly ackedPackets: number;
  /** Newly delivered (cumulatively ACKed or SACKed), in the window's units. */
  readonly delivered: number;
  readonly dup: boolean;
  /** SND.NXT − SND.UNA before the ACK. */
  readonly flightBefore: number;
}

/**
 * What an ACK means for the congestion window and loss recovery
 * (congestion.ts): growth, loss detection, entering, running and leaving
 * recovery. What must be resent goes at the next output().
 */
function congestionOnAck(d: Draft, a: AckNews): void {
  const L = linuxRules(d.profile);
  const unaAdvanced = a.ackedBytes > 0;
  const phase = d.ccPhase;
  const recovering = phase === 'fast-recovery' || phase === 'rto-recovery';
  if (recovering && unaAdvanced && seqGe(d.sndUna, d.recover)) {
    if (phase === 'rto-recovery') grow(d, a.ackedBytes, a.ackedPackets, a.flightBefore, true);
    exitRecovery(d);
    return;
  }
  if (phase === 'fast-recovery') {
    if (L) {
      const lostBefore = d.lostOut;
      if (d.sackOk) armReo(d, rackDetect(d));
      else if (unaAdvanced) markHeadLost(d); // tcp_newreno_mark_lost() on a partial ACK
      prrReduce(d, a.delivered, unaAdvanced, d.lostOut > lostBefore);
    } else if (d.sackOk) {
      markLostBySack(d); // RFC 6675: cwnd stays at ssthresh; pipe decides
    } else if (a.dup) {
      d.cwnd += d.sndMss; // RFC 5681 §3.2 step 4: inflate for each segment that left
    } else if (unaAdvanced) {
      if (d.profile.cc === 'reno') {
        exitRecovery(d); // plain Reno: any new ACK ends recovery (RFC 5681 §3.2 step 6)
      } else {
        // RFC 6582 §3.2 step 5: a partial ACK; resend the next hole, deflate, add one back.
        markHeadLost(d);
        d.cwnd = Math.max(
          d.sndMss,
          d.cwnd - a.ackedBytes + (a.ackedBytes >= d.sndMss ? d.sndMss : 0),
        );
      }
    }
    return;
  }
  if (phase === 'rto-recovery') {
    grow(d, a.ackedBytes, a.ackedPackets, a.flightBefore, true);
    if (L && d.sackOk) armReo(d, rackDetect(d));
    else if (d.sackOk) markLostBySack(d);
    return;
  }
  grow(d, a.ackedBytes, a.ackedPackets, a.flightBefore);
  if (L) {
    if (d.sackOk) armReo(d, rackDetect(d));
    else if (d.dupAcks >= d.profile.reordering) markHeadLost(d);
  } else {
    if (d.sackOk) markLostBySack(d);
    if (d.dupAcks >= d.profile.reordering) markHeadLost(d);
  }
  if (d.lostOut > 0) {
    enterRecovery(d);
    if (L) prrReduce(d, Math.max(1, a.delivered), unaAdvanced, true);
  }
}

type TextResult = 'none' | 'inorder' | 'ack-now' | 'fin' | 'fin-filled';

/**
 * Steps 7 and 8's bookkeeping: take the segment's text into the receive buffer
 * (trimmed to the window, out-of-order pieces held back) and note whether its
 * FIN is now in order. Returns what the ACK policy needs to know.
 */
/**
 * What of a segment's text the receiver takes (RFC 9293 §3.10.7.4, seventh step):
 * null when it carries nothing, or nothing new; else where it starts, its bytes
 * trimmed to the window (what lies beyond is dropped, with its FIN), and whether
 * a FIN is still with it. `text()` applies it and `completesFin` predicts from it.
 */
function takenText(t: Tcb, seg: Segment): { start: number; data: Uint8Array; fin: boolean } | null {
  let start = seg.flags & SYN ? seqAdd(seg.seq, 1) : seg.seq;
  let data = seg.payload;
  let fin = (seg.flags & FIN) !== 0;
  // Trim what we already have.
  const old = seqDiff(t.rcvNxt, start);
  if (old > 0) {
    if (old >= data.length + (fin ? 1 : 0)) return null; // all old: a duplicate
    data = data.subarray(Math.min(old, data.length));
    start = seqAdd(start, Math.min(old, seg.payload.length));
  }
  // Trim what lies beyond the receive window:
  const room = seqDiff(seqAdd(t.rcvNxt, Math.max(t.rcvWnd, freeWindow(t))), start);
  if (room < data.length) {
    data = data.subarray(0, Math.max(0, room));
    fin = false;
  }
  return { start, data, fin };
}

function text(d: Draft, seg: Segment): TextResult {
  if (seg.payload.length === 0 && !(seg.flags & FIN)) return 'none';
  const dataSeq = seg.flags & SYN ? seqAdd(seg.seq, 1) : seg.seq;
  if (d.finRcvd) {
    // A retransmission of what we have.
    reportDuplicate(d, dataSeq, seg.payload.length);
    return 'ack-now';
  }
  const taken = takenText(d, seg);
  if (!taken) {
    // A duplicate: ACK it (with a D-SACK for its bytes).
    reportDuplicate(d, dataSeq, seg.payload.length);
    return 'ack-now';
  }
  const { start, data } = taken;
  // Partly old: D-SACK the part we had (Linux tcp_data_queue()).
  if (seqLt(dataSeq, start)) reportDuplicate(d, dataSeq, seqDiff(start, dataSeq));
  let fin = taken.fin;
  if (start !== d.rcvNxt) {
    // Out of order: hold it, and ACK at once so the sender sees the gap (RFC 5681 §4.2).
    if (data.length > 0 || fin) {
      const fresh = insertOoo(d, { seq: start, data: data.slice(), fin });
      const piece = { start, end: seqAdd(start, data.length) };
      if (!fresh) reportDuplicate(d, start, data.length);
      else if (d.sackOk && data.length > 0)
        d.rcvSack = reportPiece(d.rcvSack, heldRanges(d.ooo), piece);
    }
    return 'ack-now';
  }
  let filled = false;
  if (data.length > 0) {
    measureRcvMss(d, data.length);
    d.rcvLog.write(d.rcvLen, data);
    d.rcvLen += data.length;
    d.rcvNxt = seqAdd(d.rcvNxt, data.length);
    d.ackUnackedBytes += data.length;
  }
  // Pull in held segments that are now contiguous.
  while (d.ooo.length > 0 && seqLe(d.ooo[0]!.seq, d.rcvNxt)) {
    const o = d.ooo[0]!;
    d.ooo = d.ooo.slice(1);
    filled = true;
    const skip = seqDiff(d.rcvNxt, o.seq);
    if (skip < o.data.length) {
      d.rcvLog.write(d.rcvLen, o.data.subarray(skip));
      d.rcvLen += o.data.length - skip;
      d.rcvNxt = seqAdd(d.rcvNxt, o.data.length - skip);
    }
    if (o.fin && seqAdd(o.seq, o.data.length) === d.rcvNxt) fin = true;
  }
  if (data.length > 0) noteDataReceived(d);
  if (d.rcvSack.length > 0) d.rcvSack = dropDelivered(d.rcvSack, d.rcvNxt);
  if (fin) {
    d.rcvNxt = seqAdd(d.rcvNxt, 1);
    d.finRcvd = true;
    d.ooo = [];
    d.rcvSack = [];
    // A FIN that came in order by filling a gap is ACKed at once, as the filled gap is.
    return filled ? 'fin-filled' : 'fin';
  }
  // RFC 5681 §4.2: a segment that fills all or part of a gap is ACKed at once
  // (Linux tcp_data_queue() sets ACK-now; with data still held, __tcp_ack_snd_check() does).
  return filled || d.ooo.length > 0 ? 'ack-now' : 'inorder';
}

/**
 * Linux tcp_measure_rcv_mss(): the largest segment seen so far, capped at the MSS we
 * announced (less the timestamp option).
 */
function measureRcvMss(d: Draft, len: number): void {
  if (len >= d.rcvMss) d.rcvMss = Math.min(len, d.profile.mss - (d.tsOk ? 12 : 0));
}

/** Hold an out-of-order piece; false when all of it is held already (a duplicate). */
function insertOoo(d: Draft, s: OooSegment): boolean {
  const end = seqAdd(s.seq, s.data.length);
  if (
    s.data.length > 0 &&
    heldRanges(d.ooo).some((r) => seqLe(r.start, s.seq) && seqGe(r.end, end))
  )
    return false;
  const q = d.ooo.filter((o) => !(o.seq === s.seq && o.data.length <= s.data.length));
  if (q.some((o) => o.seq === s.seq)) return false; // a longer copy is held already
  let i = 0;
  while (i < q.length && seqLt(q[i]!.seq, s.seq)) i++;
  d.ooo = [...q.slice(0, i), s, ...q.slice(i)];
  return true;
}

/** The receiver's out-of-order data as ascending, disjoint ranges. */
function heldRanges(ooo: readonly OooSegment[]): SackBlock[] {
  const out: SackBlock[] = [];
  for (const o of ooo) {
    if (o.data.length === 0) continue;
    const end = seqAdd(o.seq, o.data.length);
    const last = out[out.length - 1];
    if (last && seqLe(o.seq, last.end)) {
      if (seqGt(end, last.end)) out[out.length - 1] = { start: last.start, end };
    } else out.push({ start: o.seq, end });
  }
  return out;
}

/** A duplicate of `len` bytes at `seq` arrived: report it in the next ACK's first block (RFC 2883). */
function reportDuplicate(d: Draft, seq: number, len: number): void {
  if (d.sackOk && len > 0) d.dsack = { start: seq, end: seqAdd(seq, len) };
}

/** Linux tcp_event_data_recv(): the first data starts quick-ACK mode; a long silence restarts it. */
function noteDataReceived(d: Draft): void {
  const p = d.profile;
  if (p.quickAck) {
    if (d.ackAto === 0) {
      grantQuickAcks(d);
      d.ackAto = p.delAckTimeout;
    } else if (d.now - d.ackLrcv > currentRto(d.rto, p)) {
      grantQuickAcks(d);
    }
  } else {
    d.ackAto = p.delAckTimeout;
  }
  d.ackLrcv = d.now;
}

/**
 * Linux tcp_incr_quickack(): enough quick ACKs to open the peer's window, counted in the
 * segments it sends (the measured receive MSS), at least 2, at most TCP_MAX_QUICKACKS.
 */
function grantQuickAcks(d: Draft): void {
  const n = Math.floor(d.rcvWnd / (2 * Math.max(1, d.rcvMss))) || 2;
  d.ackQuick = Math.max(d.ackQuick, Math.min(d.profile.maxQuickAcks, n));
}

/** Decide whether the data just taken is ACKed now or after the delayed-ACK timeout. */
function ackPolicy(d: Draft, r: TextResult, out: Out): void {
  if (r === 'none') return;
  d.ackPending = true;
  if (r === 'ack-now') return sendAck(d, out);
  const p = d.profile;
  const quick = p.quickAck && d.ackQuick > 0 && !d.ackPingpong;
  if (quick || secondFullSegment(d)) return sendAck(d, out);
  if (d.timers.delack === null)
    setTimer(d, 'delack', d.now + Math.min(d.ackAto || p.delAckTimeout, p.delAckMax));
}

/**
 * RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full-sized segment.
 * Linux (__tcp_ack_snd_check()) counts more than one measured receive MSS since the last
 * ACK, and holds the ACK back while it would have to offer a smaller window.
 */
function secondFullSegment(d: Draft): boolean {
  if (!linuxRules(d.profile)) return d.ackUnackedBytes > d.sndMss + (d.tsOk ? 12 : 0);
  return d.ackUnackedBytes > d.rcvMss && selectWindow(d) >= d.rcvWnd;
}

/**
 * The peer's FIN is in order: RFC 9293 eighth check, with Linux's choice of when to ACK
 * it. `filled`: it came in order by filling a gap, which is ACKed at once.
 */
function finArrived(d: Draft, from: StateName, filled: boolean, out: Out): void {
  d.ackPending = true;
  const p = d.profile;
  if (from === 'ESTABLISHED' && p.quickAck && !filled) {
    // Linux tcp_fin(): entering CLOSE_WAIT turns on ping-pong mode, so the ACK
    // waits in the hope that the application's close() carries it. The wait is the
    // ACK timeout, which stays 0 until data has arrived (icsk_ack.ato): then the
    // delayed-ACK timer is due at once and the ACK goes at the next timer tick.
    d.ackPingpong = true;
    if (d.timers.delack === null) {
      const wait = Math.min(d.ackAto, p.delAckMax);
      setTimer(d, 'delack', wait > 0 ? d.now + wait : nextTick(d.now, p.timerTick));
    }
    return;
  }
  sendAck(d, out);
}

/** The first timer tick after `now` (the same instant when timers are exact). */
function nextTick(now: number, tick: number): number {
  if (tick <= 0) return now;
  return (Math.floor(now / tick) + 1) * tick;
}

/**
 * Steps 5 to 8 for an acceptable segment with ACK in a synchronized state (or
 * in SYN_RECEIVED once its ACK was found acceptable), arriving at `now`. `from`
 * is the state the segment arrived in.
 */
export function processSegment(t: Tcb, now: number, seg: Segment, from: StateName, out: Out): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  if (from === 'SYN_RECEIVED') {
    establishRto(d);
    // The ACK that completes the handshake counts as a window update from the peer.
    d.sndWl1 = seg.seq;
    d.sndWl2 = seg.ack;
    setSndWnd(d, seg.window << d.sndWscale);
  }
  ackAdvance(d, seg);
  const takesText =
    from === 'ESTABLISHED' ||
    from === 'FIN_WAIT_1' ||
    from === 'FIN_WAIT_2' ||
    from === 'SYN_RECEIVED';
  if (takesText) {
    const r = text(d, seg);
    if (r === 'fin' || r === 'fin-filled')
      finArrived(d, from === 'SYN_RECEIVED' ? 'ESTABLISHED' : from, r === 'fin-filled', out);
    else ackPolicy(d, r, out);
  } else if (seg.flags & FIN || seg.payload.length > 0) {
    // CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: the FIN was had already;
    // this is a retransmission: ACK it (eighth check).
    sendAck(d, out);
  }
  output(d, out);
  return d;
}

// ---------------------------------------------------------------- sending

/** SEND call: queue the bytes (RFC 9293 §3.10.2) and send what the window allows. */
export function queueData(t: Tcb, now: number, bytes: Uint8Array, out: Out): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  d.sndLog.write(t.sndWritten, bytes);
  d.sndWritten += bytes.length;
  output(d, out);
  return d;
}

/** CLOSE / shutdown(SHUT_WR): queue a FIN after the data (RFC 9293 §3.10.4). */
export function queueFin(t: Tcb, now: number, orphan: boolean, out: Out): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  d.finQueued = true;
  d.orphan = t.orphan || orphan;
  output(d, out);
  return d;
}

/**
 * RECEIVE call: the application read `n` bytes; reopen the window if it grew enough.
 * RFC 1122 §4.2.3.3: a window update goes out once the window can grow by at least
 * min(half the buffer, one MSS), the MSS capped at the buffer size. Linux
 * (tcp_cleanup_rbuf()) sends it when the window it would now offer is at least twice
 * what is left of the one offered, and that remainder is at most half the buffer;
 * its window choice (selectWindow) carries the RFC's threshold.
 */
export function consume(t: Tcb, now: number, n: number, mayUpdate: boolean, out: Out): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  d.rcvRead = t.rcvRead + n;
  if (!mayUpdate || n === 0) return d;
  const buf = d.profile.rcvBuf;
  const remaining = Math.max(0, seqDiff(d.rcvAdvRight, d.rcvNxt));
  let update: boolean;
  if (linuxRules(d.profile)) {
    if (2 * remaining > buf) return d;
    const offer = selectWindow(d);
    update = offer > 0 && offer >= 2 * remaining;
  } else {
    update = freeWindow(d) - remaining >= Math.min(buf / 2, Math.min(d.rcvMss, buf));
  }
  if (update) sendAck(d, out);
  return d;
}

/**
 * Send whatever the window, Nagle's algorithm and the queue allow (RFC 9293
 * §3.8.6, RFC 1122 §4.2.3.4), then the FIN once all data is out.
 */
export function output(d: Draft, out: Out, most = Infinity): void {
  const p = d.profile;
  const dataStart = seqAdd(d.iss, 1);
  const dataEnd = seqAdd(dataStart, d.sndWritten);
  const mss = sendMss(d);
  // Segments deemed lost go first (RFC 6675 NextSeg() rule 1; Linux tcp_xmit_retransmit_queue()).
  if (d.lostOut > d.retransOut) retransmitLost(d, out);
  if (seqDiff(dataEnd, d.sndNxt) > 0) restartAfterIdle(d, currentRto(d.rto, p));
  let cwndHeld = false;
  let sent = 0;
  for (; sent < most; sent++) {
    const unsent = seqDiff(dataEnd, d.sndNxt);
    if (unsent <= 0) break;
    const usable = seqDiff(seqAdd(d.sndUna, d.sndWnd), d.sndNxt);
    if (usable <= 0) break;
    const len = Math.min(mss, unsent, usable);
    if (!cwndAllows(d, len)) {
      cwndHeld = true;
      break;
    }
    const last = len === unsent;
    // Nagle: hold a small segment while anything sent is unacknowledged (not for a loss probe).
    if (
      p.nagle &&
      most === Infinity &&
      len < mss &&
      d.sndNxt !== d.sndUna &&
      !(last && d.finQueued)
    )
      break;
    // Sender-side silly window avoidance: do not send a sliver of window space.
    if (len < mss && !last && len < d.sndWnd / 2) break;
    const off = seqDiff(d.sndNxt, dataStart);
    const payload = d.sndLog.read(off, off + len);
    const end = seqAdd(d.sndNxt, len);
    // PSH as Linux sets it (tcp_mark_push()): on the segment that ends the data written
    // so far, and, in a long write, once more than half the largest window the peer
    // has offered has gone since the last PSH (forced_push()).
    const forced = linuxRules(p) && seqGt(end, seqAdd(d.pushedSeq, d.maxWindow >> 1));
    let flags = ACK | (last || forced ? PSH : 0);
    if (flags & PSH) d.pushedSeq = end;
    const withFin = last && d.finQueued;
    if (withFin) flags |= FIN;
    const seq = d.sndNxt;
    noteDataSent(d);
    push(out, segment(d, flags, seq, payload));
    noteSent(d, true);
    d.sndNxt = seqAdd(seq, len + (withFin ? 1 : 0));
    track(d, seq, len + (withFin ? 1 : 0), flags & (FIN | PSH));
  }
  d.cwndLimited = cwndHeld;
  if (d.finQueued && !finSent(d) && d.sndNxt === dataEnd && sent < most && cwndAllows(d, 1)) {
    const seq = d.sndNxt;
    push(out, segment(d, FIN | ACK, seq, EMPTY));
    noteSent(d, false);
    d.sndNxt = seqAdd(seq, 1);
    track(d, seq, 1, FIN);
    sent++;
  }
  // Linux tcp_write_xmit(): new data out, schedule a loss probe (not for the probe itself).
  if (sent > 0 && most === Infinity && d.rtxKind !== 'reo') scheduleLossProbe(d, false);
  // Zero window with data waiting and nothing in flight: probe (RFC 9293 §3.8.6.1).
  if (
    d.sndNxt === d.sndUna &&
    seqDiff(dataEnd, d.sndNxt) > 0 &&
    d.sndWnd === 0 &&
    d.timers.rtx === null
  ) {
    d.probing = true;
    setTimer(d, 'rtx', d.now + currentRto(d.rto, p));
  }
}

/** Linux tcp_event_data_sent(): a reply within ATO of the last data received means an interactive exchange. */
function noteDataSent(d: Draft): void {
  if (d.profile.quickAck && d.ackAto > 0 && d.now - d.ackLrcv < d.ackAto) d.ackPingpong = true;
}

// ---------------------------------------------------------------- timers

/**
 * Resend the oldest unacknowledged segment (RFC 6298 §5.4, RFC 9293 §3.8.1):
 * the SYN (or SYN,ACK once the peer's SYN is in), or up to one MSS of data
 * from SND.UNA, with the FIN if it fits.
 */
function retransmitHead(d: Draft, state: StateName, out: Out): void {
  if (d.rtxQueue.length > 0) retransmitEntry(d, 0, state, out);
}

/**
 * Resend queue entry `i`: the SYN (or SYN,ACK once the peer's SYN is in), or the
 * segment as it was sent — its queue entry, less what was acknowledged of it —
 * not repacketized with the segments after it: Linux merges those only when no
 * other copy of them is held (tcp_retrans_try_collapse(), skb_cloned()), and a
 * segment still on its way or queued at the receiver is held.
 */
function retransmitEntry(d: Draft, i: number, state: StateName, out: Out): void {
  const h = d.rtxQueue[i]!;
  d.rttSeq = null; // Karn: no sample from anything sent before this point
  if (h.ctl & SYN) {
    d.synRetransmitted = true;
    push(out, state === 'SYN_SENT' ? activeSyn(d) : segment(d, SYN | ACK, d.iss, EMPTY), true);
  } else {
    const dataStart = seqAdd(d.iss, 1);
    const dataEnd = seqAdd(dataStart, d.sndWritten);
    const own = h.len - (h.ctl & FIN ? 1 : 0);
    const len = Math.max(
      0,
      Math.min(d.sndMss, own, seqDiff(dataEnd, h.seq), seqDiff(d.sndNxt, h.seq)),
    );
    const off = seqDiff(h.seq, dataStart);
    const payload = len > 0 ? d.sndLog.read(off, off + len) : EMPTY;
    const withFin = finSent(d) && seqAdd(h.seq, len) === finSeq(d);
    // PSH belongs to the segment's last byte (Linux keeps it on the skb, tcp_fragment()
    // moves it to the tail piece): resent whole, the segment keeps it.
    const whole = len === own;
    const flags = ACK | (withFin ? FIN : 0) | (len > 0 && whole && h.ctl & PSH ? PSH : 0);
    push(out, segment(d, flags, h.seq, payload), true);
  }
  noteSent(d, false);
  setEntry(d, i, { ...h, retransmitted: true, sentAt: d.now, order: d.xmits, rtxOut: h.lost });
}

/**
 * Resend the segments deemed lost, in order, while the congestion window allows. The
 * first of a fast recovery goes whatever the window: the fast retransmit itself
 * (RFC 5681 §3.2 step 2, RFC 6675 §5 step 4.3; PRR forces it too, RFC 6937).
 */
function retransmitLost(d: Draft, out: Out): void {
  const q = d.rtxQueue;
  for (let i = 0; i < q.length && d.lostOut > d.retransOut; i++) {
    const e = d.rtxQueue[i]!;
    if (!e.lost || e.rtxOut || e.sacked) continue;
    const fastRetransmit = d.ccPhase === 'fast-recovery' && d.prrOut === 0;
    if (!fastRetransmit && !cwndAllows(d, e.len)) break;
    retransmitEntry(d, i, 'ESTABLISHED', out);
  }
}

/** Has the retransmission timer run out of retries (Linux tcp_write_timeout())? */
export function rtxGiveUp(t: Tcb, state: StateName): boolean {
  const p = t.profile;
  if (t.probing || t.rtxKind !== 'rto') return false;
  const now = t.timers.rtx ?? t.now;
  if (state === 'SYN_SENT') {
    if (t.retransmits >= p.tcp_syn_retries + p.tcp_syn_linear_timeouts) return true;
    return (
      p.synGiveUpByTime &&
      now - t.retransStart >= modelTimeout(p.tcp_syn_retries, p.rtoInitial, p.rtoMax)
    );
  }
  if (state === 'SYN_RECEIVED') return t.retransmits >= p.tcp_synack_retries;
  if (linuxRules(p))
    return now - t.retransStart >= modelTimeout(p.tcp_retries2, p.rtoMin, p.rtoMax);
  return t.retransmits >= p.tcp_retries2;
}

/** The retransmission (or zero-window probe) timer expired and we go on (RFC 6298 §5.4–5.6). */
export function onRtxTimeout(t: Tcb, state: StateName, out: Out): Tcb {
  const d = fire(t, 'rtx');
  const p = d.profile;
  if (!d.probing && d.rtxKind === 'tlp') return sendLossProbe(d, out);
  if (!d.probing && d.rtxKind === 'reo') return reoTimeout(d, out);
  if (d.probing) {
    // Zero-window probe: an old sequence number makes the peer answer with its current window size.
    push(out, segment(d, ACK, seqAdd(d.sndUna, -1), EMPTY));
    d.rto = backOff(d.rto);
    d.probing = true;
    setTimer(d, 'rtx', d.now + currentRto(d.rto, p));
    return d;
  }
  // Congestion control's answer to the timeout (RFC 5681 §3.1, RFC 6675 §5.1).
  if (state !== 'SYN_SENT' && state !== 'SYN_RECEIVED') enterLoss(d);
  retransmitHead(d, state, out);
  d.retransmits++;
  // Linux keeps the SYN's RTO for the first tcp_syn_linear_timeouts retries, then doubles.
  const linear = state === 'SYN_SENT' && d.retransmits <= p.tcp_syn_linear_timeouts;
  if (!linear) d.rto = backOff(d.rto);
  d.dupAcks = 0;
  if (d.rtxQueue.length > 0) setTimer(d, 'rtx', d.now + currentRto(d.rto, p));
  return d;
}

/**
 * The loss probe timer fired (RFC 8985 §7.3; Linux tcp_send_loss_probe()): send one
 * new segment if the windows allow, else the last segment again, so that an ACK —
 * with SACK, if the tail was lost — comes back and recovery starts without waiting
 * for the RTO. One probe per tail: while one is out, the timer becomes the RTO.
 */
function sendLossProbe(d: Draft, out: Out): Draft {
  d.rtxKind = 'rto';
  if (d.tlpHigh === null && d.rtxQueue.length > 0) {
    const before = d.sndNxt;
    output(d, out, 1);
    if (d.sndNxt === before) {
      // Nothing new could go: the last segment not SACKed, as it was sent.
      let i = d.rtxQueue.length - 1;
      while (i > 0 && d.rtxQueue[i]!.sacked) i--;
      retransmitEntry(d, i, 'ESTABLISHED', out);
    }
    d.tlpHigh = d.sndNxt;
  }
  if (d.rtxQueue.length > 0) armRtx(d);
  return d;
}

/**
 * RACK's reordering timer fired (Linux tcp_rack_reo_timeout()): what is overdue now is
 * lost; recovery starts if it had not, and the lost segments go as the window allows.
 */
function reoTimeout(d: Draft, out: Out): Draft {
  d.rtxKind = 'rto';
  const lost = d.lostOut;
  const wait = rackDetect(d);
  if (d.lostOut > lost && d.ccPhase !== 'fast-recovery' && d.ccPhase !== 'rto-recovery') {
    enterRecovery(d);
    prrReduce(d, 1, false, true);
  }
  if (d.rtxQueue.length > 0) armRtx(d);
  armReo(d, wait);
  output(d, out);
  return d;
}

/** The connection gives up: the timer expired once too often. */
export function onRtxGiveUp(t: Tcb): Tcb {
  const d = fire(t, 'rtx');
  d.error = 'ETIMEDOUT';
  return closeTimers(d);
}

/** Delayed-ACK timer (RFC 1122 §4.2.3.2; Linux tcp_delack_timer_handler()). */
export function onDelackTimeout(t: Tcb, out: Out): Tcb {
  const d = fire(t, 'delack');
  if (!d.ackPending) return d;
  if (d.profile.quickAck) {
    if (d.ackPingpong) {
      // The reply did not come in time: leave interactive mode.
      d.ackPingpong = false;
      d.ackAto = d.profile.delAckTimeout;
    } else {
      d.ackAto = Math.min(d.ackAto * 2, d.profile.delAckMax);
    }
  }
  sendAck(d, out);
  return d;
}

// ---------------------------------------------------------------- closing and resets

/** CLOSED: no timers, nothing to retransmit. */
function closeTimers(d: Draft): Draft {
  d.timers = NO_TIMERS;
  clearQueue(d);
  d.probing = false;
  return d;
}

/** Enter CLOSED after a reset (RFC 9293 second check), recording the error the application will see. */
export function resetReceived(t: Tcb, now: number, error: Errno | null): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  d.error = error;
  return closeTimers(d);
}

/** RST in SYN_RECEIVED after a passive OPEN: back to LISTEN, forgetting the half-open connection. */
export function backToListen(t: Tcb, now: number): Tcb {
  return {
    ...initialTcb({ profile: t.profile, local: t.local }),
    now,
  };
}

/** ABORT (RFC 9293 §3.10.5): send a reset where the state calls for one, then CLOSED. */
export function abort(t: Tcb, now: number, sendRst: boolean, out: Out): Tcb {
  const d = draft(t);
  d.now = now;
  d.fired = null;
  closeTimers(d);
  if (sendRst) {
    // RFC 9293: <SEQ=SND.NXT><CTL=RST>; Linux's active reset carries ACK as well.
    const flags = d.profile.name === 'linux' ? RST | ACK : RST;
    push(out, segment(d, flags, d.sndNxt, EMPTY));
  }
  return d;
}

/** Answer a segment with <SEQ=SEG.ACK><CTL=RST> (an unacceptable ACK in LISTEN, SYN_SENT or SYN_RECEIVED). */
export function rstForAck(t: Tcb, seg: Segment, out: Out): Tcb {
  const r = resetFor(seg);
  if (r) push(out, r);
  const d = draft(t);
  d.fired = null;
  return d;
}

/** SYN_RECEIVED (Linux): a retransmitted SYN is answered with the SYN,ACK again. */
export function resendSynAck(t: Tcb, out: Out): Tcb {
  const d = draft(t);
  d.fired = null;
  sendSynAck(d, out, true);
  return d;
}

/** Enter TIME_WAIT, or restart its timer on a retransmitted FIN (RFC 9293 eighth check). */
export function enterTimeWait(t: Tcb): Tcb {
  const d = draft(t);
  clearQueue(d);
  d.probing = false;
  d.timers = { ...t.timers, rtx: null, finWait2: null, timeWait: t.now + t.profile.timeWait };
  return d;
}

/** FIN_WAIT_2 of an orphaned socket: Linux gives the peer tcp_fin_timeout to send its FIN. */
export function armFinWait2(t: Tcb): Tcb {
  if (!t.orphan || t.timers.finWait2 !== null) return t;
  const d = draft(t);
  d.timers = { ...t.timers, finWait2: t.now + t.profile.tcp_fin_timeout };
  return d;
}

/** LAST_ACK, our FIN is acknowledged: the connection is gone, and so are its timers. */
export function lastAckDone(t: Tcb): Tcb {
  const d = draft(t);
  clearQueue(d);
  d.timers = { ...t.timers, rtx: null, delack: null };
  return d;
}

/** Linux tcp_fin_timeout: an orphaned FIN_WAIT_2 waited long enough for the peer's FIN. */
export function onFinWait2Timeout(t: Tcb): Tcb {
  const d = fire(t, 'finWait2');
  setTimer(d, 'rtx', null);
  setTimer(d, 'delack', null);
  return d;
}

/** 2MSL passed in TIME_WAIT (RFC 9293 §3.10.8). */
export const onTimeWaitTimeout = (t: Tcb): Tcb => fire(t, 'timeWait');

/** Time moves on without an event: stamp the TCB with the time of the event being handled. */
export function at(t: Tcb, now: number): Tcb {
  if (t.now === now && t.fired === null) return t;
  const d = draft(t);
  d.now = now;
  d.fired = null;
  return d;
}
