/**
 * Congestion control and loss recovery, as functions over a TCB draft:
 *
 * - the window: initial window (RFC 6928), slow start and congestion avoidance
 *   (RFC 5681, byte counting), restart after idle (RFC 5681 §4.1), and CUBIC
 *   (RFC 9438) for `cc cubic`;
 * - the scoreboard over the retransmission queue: which segments are SACKed,
 *   deemed lost, or have a retransmission out, with counts kept beside it;
 * - loss detection: duplicate ACKs (RFC 5681 §3.2), RFC 6675's IsLost with
 *   SACK, and, in the `linux` profile with SACK, RACK (RFC 8985) as Linux's
 *   tcp_recovery=1 does it;
 * - recovery: NewReno (RFC 6582) or plain Reno without SACK, RFC 6675 with it
 *   (the `rfc` profile), and PRR (RFC 6937) in the `linux` profile; after a
 *   retransmission timeout, one segment and slow start (RFC 5681 §3.1).
 *
 * Linux counts the window and what is in flight in packets; the `rfc` profile
 * in bytes. `cwnd` itself is always held in bytes (packets × MSS for Linux),
 * so the views need not know.
 */
import { seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
import { addRange, trimBelow } from './sack';
import { FIN, SYN, type SackBlock } from './segment';
import type { Draft, RtxEntry } from './tcb';

/** RFC 9438 §5: C = 0.4 and β = 0.7 (Linux: beta 717/1024). */
export const CUBIC_C = 0.4;
export const CUBIC_BETA = 0.7;
const LINUX_CUBIC_BETA = 717 / 1024;
/** RFC 9438 §4.3: α for the Reno-friendly estimate. */
const CUBIC_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

const linux = (d: Draft): boolean => d.profile.name === 'linux';

// ------------------------------------------------------------------ the queue as a scoreboard

/**
 * The retransmission queue a draft made for itself in this step. A draft is a
 * fresh copy made by one handler, so a queue it made is seen by no snapshot yet
 * and may change in place: a burst of N segments costs N, not N²/2, copies.
 */
const ownQueue = new WeakMap<Draft, RtxEntry[]>();

/** The draft's queue as an array it may change. */
export function ownedQueue(d: Draft): RtxEntry[] {
  let q = ownQueue.get(d);
  if (q !== d.rtxQueue) {
    q = [...d.rtxQueue];
    ownQueue.set(d, q);
    d.rtxQueue = q;
  }
  return q;
}

/** Add (sign 1) or take away (sign -1) an entry's flags from the counts. */
function count(d: Draft, e: RtxEntry, sign: 1 | -1): void {
  if (e.sacked) {
    d.sackedOut += sign;
    d.sackedBytesOut += sign * e.len;
  }
  if (e.lost) {
    d.lostOut += sign;
    d.lostBytesOut += sign * e.len;
  }
  if (e.rtxOut) {
    d.retransOut += sign;
    d.retransBytesOut += sign * e.len;
  }
}

/** Replace entry `i` and keep the counts true. */
export function setEntry(d: Draft, i: number, next: RtxEntry): void {
  const q = ownedQueue(d);
  count(d, q[i]!, -1);
  q[i] = next;
  count(d, next, 1);
}

/** Append a newly sent segment. */
export function appendEntry(d: Draft, e: RtxEntry): void {
  ownedQueue(d).push(e);
  count(d, e, 1);
}

/** Forget the whole queue (the connection is closing or closed). */
export function clearQueue(d: Draft): void {
  d.rtxQueue = [];
  d.sackedOut = d.lostOut = d.retransOut = 0;
  d.sackedBytesOut = d.lostBytesOut = d.retransBytesOut = 0;
  d.sacked = [];
}

/** What a cumulative ACK took off the queue. */
export interface Acked {
  /** Whole entries removed. */
  readonly packets: number;
  /** Of the entries removed, those not SACKed before: newly delivered. */
  readonly delivered: number;
  readonly deliveredBytes: number;
}

/** Take what `ack` covers off the front of the queue (RFC 9293 §3.10.7.4, fifth check). */
export function dropAcked(d: Draft, ack: number): Acked {
  const q = d.rtxQueue;
  let i = 0;
  let delivered = 0;
  let deliveredBytes = 0;
  while (i < q.length && seqLe(seqAdd2(q[i]!.seq, q[i]!.len), ack)) {
    const e = q[i]!;
    count(d, e, -1);
    if (!e.sacked) {
      delivered++;
      deliveredBytes += e.len;
    }
    rackSeen(d, e);
    i++;
  }
  let rest = i > 0 ? q.slice(i) : q;
  if (rest.length > 0 && seqLt(rest[0]!.seq, ack)) {
    const h = rest[0]!;
    const cut = seqDiff(ack, h.seq);
    count(d, h, -1);
    const trimmed: RtxEntry = { ...h, seq: ack, len: h.len - cut, ctl: h.ctl & ~SYN };
    count(d, trimmed, 1);
    deliveredBytes += h.sacked ? 0 : cut;
    rest = rest === q ? [trimmed, ...q.slice(1)] : [trimmed, ...rest.slice(1)];
  }
  d.rtxQueue = rest;
  if (d.sacked.length > 0) d.sacked = trimBelow(d.sacked, ack);
  return { packets: i, delivered, deliveredBytes };
}

const seqAdd2 = (a: number, n: number): number => (a + n) >>> 0;

/** The first entry whose end lies after `seq` (the queue is in sequence order). */
function firstEndingAfter(q: readonly RtxEntry[], seq: number): number {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqLe(seqAdd2(q[mid]!.seq, q[mid]!.len), seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Take a SACK option's blocks (already checked to lie within SND.UNA..SND.NXT)
 * into the scoreboard. Returns the entries newly SACKed, and their bytes.
 */
export function takeSack(
  d: Draft,
  blocks: readonly SackBlock[],
): { packets: number; bytes: number } {
  let packets = 0;
  let bytes = 0;
  for (const b of blocks) {
    d.sacked = addRange(d.sacked, b);
    const q = d.rtxQueue;
    for (let i = firstEndingAfter(q, b.start); i < q.length; i++) {
      const e = q[i]!;
      if (seqGe(e.seq, b.end)) break;
      if (e.sacked || seqLt(e.seq, b.start) || seqGt(seqAdd2(e.seq, e.len), b.end)) continue;
      rackSeen(d, e);
      setEntry(d, i, { ...e, sacked: true, lost: false, rtxOut: false });
      packets++;
      bytes += e.len;
    }
  }
  return { packets, bytes };
}

// ------------------------------------------------------------------ the window, in the profile's units

/** Linux counts packets; the RFCs count bytes. */
const unitOf = (d: Draft, e: RtxEntry): number => (linux(d) ? 1 : e.len);

/**
 * What is in flight as the window is compared with it: RFC 6675's pipe (bytes
 * sent, not SACKed and not deemed lost, plus retransmissions out), or Linux's
 * tcp_packets_in_flight() in packets. Without SACK, Linux counts duplicate ACKs
 * as SACKed packets (tcp_add_reno_sack()).
 */
export function pipe(d: Draft): number {
  if (linux(d)) {
    const out = d.rtxQueue.length;
    const sacked = d.sackOk ? d.sackedOut : Math.min(d.dupAcks, Math.max(0, out - 1));
    return out - sacked - d.lostOut + d.retransOut;
  }
  const flight = seqDiff(d.sndNxt, d.sndUna);
  // Without SACK the RFC sender compares the (inflated) window with FlightSize.
  if (!d.sackOk) return flight - d.lostBytesOut + d.retransBytesOut;
  return flight - d.sackedBytesOut - d.lostBytesOut + d.retransBytesOut;
}

/** The window in the same units as `pipe`. */
export function window(d: Draft): number {
  if (linux(d)) return Math.max(1, Math.floor(d.cwnd / d.sndMss + 1e-9));
  return d.cwnd;
}

/** May a segment of `len` bytes go now, as far as the congestion window is concerned? */
export function cwndAllows(d: Draft, len: number): boolean {
  if (d.cwnd === 0) return true; // not yet synchronized: the handshake is not windowed
  if (linux(d)) return pipe(d) < window(d);
  return pipe(d) + len <= d.cwnd;
}

/** A segment went out: account for PRR, idle restart and the send time. */
export function noteSent(d: Draft, isData: boolean): void {
  d.xmits++;
  if (d.ccPhase === 'fast-recovery') d.prrOut += 1;
  if (isData) d.lastSend = d.now;
}

/** The initial window (bytes): Linux TCP_INIT_CWND packets; RFC 6928's min(10·MSS, max(2·MSS, 14600)). */
export function initialWindow(d: Draft): number {
  const mss = d.sndMss;
  const n = d.profile.initCwnd;
  if (linux(d)) return n * mss;
  return Math.min(n * mss, Math.max(2 * mss, Math.min(n, 10) * 1460));
}

/**
 * RFC 5681 §4.1 / Linux tcp_cwnd_restart(): data is about to go after more than
 * an RTO of silence with nothing in flight: start again from the restart window,
 * min(IW, cwnd). Linux halves cwnd once per RTO idle, down to that window.
 */
export function restartAfterIdle(d: Draft, rto: number): void {
  if (!d.profile.slowStartAfterIdle || d.cwnd === 0 || d.sndNxt !== d.sndUna) return;
  const idle = d.now - d.lastSend;
  if (d.lastSend === 0 || idle <= rto) return;
  const restart = Math.min(initialWindow(d), d.cwnd);
  if (linux(d)) {
    // tcp_current_ssthresh(): remember three quarters of the window given up.
    d.ssthresh = Math.max(d.ssthresh, Math.floor((window(d) * 3) / 4) * d.sndMss);
    let cwnd = window(d);
    const rw = Math.max(1, Math.floor(restart / d.sndMss));
    for (let left = idle - rto; left > 0 && cwnd > rw; left -= rto) cwnd >>= 1;
    d.cwnd = Math.max(cwnd, rw) * d.sndMss;
  } else {
    d.cwnd = restart;
  }
  d.cubicEpoch = -1;
  setPhase(d);
}

// ------------------------------------------------------------------ growth

/** Slow start below ssthresh, avoidance above, unless recovering. */
export function setPhase(d: Draft): void {
  if (d.ccPhase === 'fast-recovery' || d.ccPhase === 'rto-recovery') return;
  d.ccPhase = d.cwnd < d.ssthresh ? 'slow-start' : 'avoidance';
}

/**
 * Open the window for an ACK that acknowledged `bytes` (`packets` whole
 * segments): RFC 5681 §3.1 slow start (cwnd += min(N, SMSS)) and byte-counted
 * congestion avoidance, or Linux's packet-counted tcp_slow_start() and
 * tcp_cong_avoid_ai(); CUBIC above ssthresh. Only while the window is what
 * limits the sender (Linux tcp_is_cwnd_limited(); RFC 7661's spirit).
 */
export function grow(
  d: Draft,
  bytes: number,
  packets: number,
  flightBefore: number,
  force = false,
): void {
  if (bytes <= 0 || d.cwnd === 0) return;
  const mss = d.sndMss;
  const inSlowStart = d.cwnd < d.ssthresh;
  const limited = force || d.cwndLimited || (inSlowStart && d.cwnd < 2 * flightBefore);
  if (!limited) return;
  if (inSlowStart) {
    if (linux(d)) {
      const n = Math.max(1, packets);
      const room = Math.max(0, Math.floor(d.ssthresh / mss) - window(d));
      const add = Math.min(n, Math.max(room, 1));
      d.cwnd = (window(d) + add) * mss;
      if (d.cwnd > d.ssthresh) d.cwnd = Math.max(window(d), Math.floor(d.ssthresh / mss)) * mss;
    } else {
      d.cwnd += Math.min(bytes, mss);
    }
    setPhase(d);
    return;
  }
  if (d.profile.cc === 'cubic') return cubicGrow(d, linux(d) ? Math.max(1, packets) : bytes / mss);
  if (linux(d)) {
    // tcp_cong_avoid_ai(): one packet more once a window's worth of packets is acknowledged.
    const w = window(d);
    d.caAcked += Math.max(1, packets);
    if (d.caAcked >= w) {
      const add = Math.floor(d.caAcked / w);
      d.caAcked -= add * w;
      d.cwnd = (w + add) * mss;
    }
  } else {
    d.caAcked += bytes;
    if (d.caAcked >= d.cwnd) {
      d.caAcked -= d.cwnd;
      d.cwnd += mss;
    }
  }
  setPhase(d);
}

/**
 * RFC 9438 §4: in segments, with t the time since the epoch began plus one RTT
 * (the window a round trip from now), the target W_cubic(t) = C·(t − K)³ + W_max
 * clamped to [cwnd, 1.5·cwnd]; the Reno-friendly estimate W_est wins when larger.
 * HyStart (Linux's slow-start exit on delay) is not modelled.
 */
function cubicGrow(d: Draft, segments: number): void {
  const mss = d.sndMss;
  const w = d.cwnd / mss;
  if (d.cubicEpoch < 0) {
    d.cubicEpoch = d.now;
    d.caAcked = 0;
    if (w < d.cubicWMax) {
      d.cubicK = Math.cbrt((d.cubicWMax - w) / CUBIC_C);
      d.cubicOrigin = d.cubicWMax;
    } else {
      d.cubicK = 0;
      d.cubicOrigin = w;
    }
    d.cubicWEst = w;
  }
  const rtt = d.minRtt >= 0 ? d.minRtt : (d.rto.srtt ?? 0);
  const t = (d.now - d.cubicEpoch + rtt) / 1000;
  let target = d.cubicOrigin + CUBIC_C * (t - d.cubicK) ** 3;
  target = Math.min(Math.max(target, w), 1.5 * w);
  // §4.3: W_est grows like Reno's window would with β = 0.7 (α = 1 once past W_max).
  const alpha = d.cubicWEst >= d.cubicWMax ? 1 : CUBIC_ALPHA;
  d.cubicWEst += (alpha * segments) / w;
  if (d.cubicWEst > target) target = d.cubicWEst;
  let next = w + ((target - w) / w) * segments;
  if (linux(d)) {
    // Linux keeps whole packets: the fraction waits in the counter.
    d.caAcked += next - w;
    const whole = Math.floor(d.caAcked + 1e-9);
    d.caAcked -= whole;
    next = w + whole;
  }
  d.cwnd = next * mss;
}

// ------------------------------------------------------------------ loss

/** The slow-start threshold after a loss (RFC 5681 eq. 4; Linux tcp_reno_ssthresh(); RFC 9438 §4.6). */
function lossThreshold(d: Draft): number {
  const mss = d.sndMss;
  if (d.profile.cc === 'cubic') {
    const w = d.cwnd / mss;
    // Fast convergence (RFC 9438 §4.7).
    d.cubicWMax = w < d.cubicWMax ? (w * (1 + CUBIC_BETA)) / 2 : w;
    d.cubicEpoch = -1;
    if (linux(d)) return Math.max(Math.floor(w * LINUX_CUBIC_BETA), 2) * mss;
    return Math.max(w * CUBIC_BETA * mss, 2 * mss);
  }
  if (linux(d)) return Math.max(Math.floor(window(d) / 2), 2) * mss;
  return Math.max(Math.floor(seqDiff(d.sndNxt, d.sndUna) / 2), 2 * mss);
}

/** Loss found by ACKs: enter fast recovery (RFC 5681 §3.2, RFC 6582, RFC 6675 §5, RFC 6937). */
export function enterRecovery(d: Draft): void {
  d.recover = d.sndNxt;
  d.priorCwnd = d.cwnd;
  d.ssthresh = lossThreshold(d);
  d.prrDelivered = 0;
  d.prrOut = 0;
  d.caAcked = 0;
  d.ccPhase = 'fast-recovery';
  if (!linux(d)) d.cwnd = d.sackOk ? d.ssthresh : d.ssthresh + 3 * d.sndMss;
}

/** Recovery is over: SND.UNA reached `recover`. */
export function exitRecovery(d: Draft): void {
  const was = d.ccPhase;
  d.ccPhase = 'avoidance';
  if (was === 'fast-recovery') {
    if (!linux(d) && !d.sackOk && d.profile.cc !== 'reno') {
      // RFC 6582 §3.2 step 3, first option: min(ssthresh, max(FlightSize, SMSS) + SMSS).
      const flight = seqDiff(d.sndNxt, d.sndUna);
      d.cwnd = Math.min(d.ssthresh, Math.max(flight, d.sndMss) + d.sndMss);
    } else {
      // Linux tcp_end_cwnd_reduction(); RFC 5681 §3.2 step 6; RFC 6675 leaves cwnd = ssthresh.
      d.cwnd = d.ssthresh;
    }
  }
  setPhase(d);
}

/**
 * The retransmission timer expired (RFC 5681 §3.1 eq. 4 and §5, RFC 6675 §5.1,
 * Linux tcp_enter_loss()): ssthresh from the flight (held when the same segment
 * already timed out), one segment of window, and everything not SACKed deemed lost.
 */
export function enterLoss(d: Draft): void {
  if (d.cwnd === 0) return;
  if (!(d.ccPhase === 'rto-recovery' && d.retransmits > 0)) d.ssthresh = lossThreshold(d);
  d.recover = d.sndNxt;
  d.caAcked = 0;
  d.cwnd = d.sndMss;
  d.ccPhase = 'rto-recovery';
  const q = d.rtxQueue;
  for (let i = 0; i < q.length; i++) {
    const e = q[i]!;
    if (e.sacked || (e.lost && !e.rtxOut)) continue;
    setEntry(d, i, { ...e, lost: true, rtxOut: false });
  }
}

/** Mark entry `i` lost (a retransmission of it out is deemed lost too). */
function markLost(d: Draft, i: number): void {
  const e = d.rtxQueue[i]!;
  if (e.sacked || (e.lost && !e.rtxOut)) return;
  setEntry(d, i, { ...e, lost: true, rtxOut: false });
}

/** Duplicate ACKs reached the threshold, or a partial ACK came in recovery: the first segment is lost. */
export function markHeadLost(d: Draft): void {
  if (d.rtxQueue.length > 0) markLost(d, 0);
}

/**
 * RFC 6675 §4 IsLost(): a segment is lost once DupThresh segments, or more than
 * (DupThresh − 1)·SMSS bytes, above it are SACKed.
 */
export function markLostBySack(d: Draft): void {
  const q = d.rtxQueue;
  const thresh = d.profile.reordering;
  let above = 0;
  let aboveBytes = 0;
  for (let i = q.length - 1; i >= 0; i--) {
    const e = q[i]!;
    if (e.sacked) {
      above++;
      aboveBytes += e.len;
    } else if (!e.lost && (above >= thresh || aboveBytes > (thresh - 1) * d.sndMss)) {
      markLost(d, i);
    }
  }
}

// ------------------------------------------------------------------ RACK (RFC 8985), Linux tcp_recovery=1

/**
 * A segment was delivered (cumulatively ACKed or SACKed): if it was sent after
 * the one RACK knows, it becomes RACK's reference. A retransmission whose
 * apparent RTT is below the minimum RTT is ambiguous and skipped (§6.2 step 2).
 */
function rackSeen(d: Draft, e: RtxEntry): void {
  const rtt = d.now - e.sentAt;
  if (e.retransmitted && d.minRtt >= 0 && rtt < d.minRtt) return;
  if (e.sentAt > d.rackXmit || (e.sentAt === d.rackXmit && e.order > d.rackOrder)) {
    d.rackXmit = e.sentAt;
    d.rackOrder = e.order;
    d.rackRtt = rtt;
  }
}

/**
 * RACK's loss marking (RFC 8985 §6.2; Linux tcp_rack_detect_loss()): a segment
 * sent before the most recently sent delivered one, and longer ago than that
 * one's RTT plus a reordering window, is lost. The window is 0 in recovery or
 * once `reordering` segments are SACKed, else min_rtt/4 (at most SRTT)
 * (tcp_rack_reo_wnd()). Returns how long until the first segment sent before
 * RACK's that is not yet overdue becomes so (for the reordering timer, §6.3), or null.
 */
export function rackDetect(d: Draft): number | null {
  if (d.rackXmit < 0 || (d.sackedOut === 0 && d.lostOut === d.retransOut)) return null;
  const reo =
    d.ccPhase === 'fast-recovery' || d.sackedOut >= d.profile.reordering
      ? 0
      : Math.min(Math.max(0, d.minRtt) / 4, d.rto.srtt ?? Infinity);
  const q = d.rtxQueue;
  let wait: number | null = null;
  for (let i = 0; i < q.length; i++) {
    const e = q[i]!;
    if (e.sacked || (e.lost && !e.rtxOut)) continue;
    // Sent before RACK's segment. RFC 8985 breaks ties of send time by sequence
    // number; a simulation sends many segments in one instant, so by send order.
    const before = e.sentAt < d.rackXmit || (e.sentAt === d.rackXmit && e.order < d.rackOrder);
    if (!before) continue;
    const left = e.sentAt + d.rackRtt + reo - d.now;
    if (left <= 0) markLost(d, i);
    else if (wait === null || left < wait) wait = left;
  }
  return wait;
}

// ------------------------------------------------------------------ PRR (RFC 6937), Linux tcp_cwnd_reduction()

/**
 * One ACK in fast recovery delivered `delivered` packets: set the window so that
 * what goes out tracks what arrives, proportionally down to ssthresh while the
 * pipe is above it, then in slow start up to it (PRR-SSRB). A first ACK forces
 * one retransmission.
 */
export function prrReduce(
  d: Draft,
  delivered: number,
  unaAdvanced: boolean,
  newlyLost: boolean,
): void {
  if (delivered <= 0 || d.priorCwnd === 0) return;
  const mss = d.sndMss;
  const ssthresh = Math.floor(d.ssthresh / mss);
  const prior = Math.max(1, Math.floor(d.priorCwnd / mss));
  const inFlight = pipe(d);
  const delta = ssthresh - inFlight;
  d.prrDelivered += delivered;
  let sndcnt: number;
  if (delta < 0) {
    sndcnt = Math.floor((ssthresh * d.prrDelivered + prior - 1) / prior) - d.prrOut;
  } else {
    sndcnt = Math.max(d.prrDelivered - d.prrOut, delivered);
    if (unaAdvanced && !newlyLost) sndcnt++;
    sndcnt = Math.min(delta, sndcnt);
  }
  sndcnt = Math.max(sndcnt, d.prrOut ? 0 : 1);
  d.cwnd = Math.max(1, inFlight + sndcnt) * mss;
}

/** The units an entry counts for in the profile's window: 1 packet (Linux) or its bytes. */
export const entryUnits = unitOf;
export const isFin = (e: RtxEntry): boolean => (e.ctl & FIN) !== 0;
