/**
 * The send-window strip's arithmetic (RFC 9293 §3.3.1, Figure 3, with the
 * congestion window of RFC 5681): from a TCB at the cursor, the sender's
 * sequence space cut into acknowledged | in flight | usable | beyond the
 * window, and the SACKed ranges, all relative to the ISS.
 */
import { seqDiff } from '../../core';

/** The TCB fields the strip reads. */
export interface StripTcb {
  readonly iss: number;
  readonly sndUna: number;
  readonly sndNxt: number;
  /** The peer's window (bytes, scaled). */
  readonly sndWnd: number;
  /** Congestion window (bytes); 0 before the connection sets one. */
  readonly cwnd: number;
  /** Bytes the application wrote: byte i has sequence number ISS + 1 + i. */
  readonly sndWritten: number;
  readonly sacked: readonly { readonly start: number; readonly end: number }[];
}

export interface Strip {
  /** SND.UNA − ISS: octets acknowledged (the SYN counts one). */
  readonly una: number;
  /** SND.NXT − ISS. */
  readonly nxt: number;
  /** Bytes sent and not yet acknowledged (sequence space). */
  readonly inFlight: number;
  /** min(SND.WND, cwnd): what the sender may have in flight. */
  readonly window: number;
  /** Whether the congestion window is the smaller one (it limits the sender). */
  readonly cwndLimits: boolean;
  /** The window's right edge: SND.UNA + window − ISS. */
  readonly edge: number;
  /** window − in flight, at least 0: what may be sent now. */
  readonly usable: number;
  /** End of what the application wrote (ISS + 1 + written − ISS). */
  readonly written: number;
  /** Written bytes not yet sent. */
  readonly unsent: number;
  /** SACKed ranges above SND.UNA, relative to the ISS. */
  readonly sacked: readonly { readonly start: number; readonly end: number }[];
  /** SACKed bytes. */
  readonly sackedBytes: number;
}

export function windowStrip(tcb: StripTcb): Strip {
  const rel = (x: number): number => seqDiff(x, tcb.iss) >>> 0;
  const una = rel(tcb.sndUna);
  const nxt = Math.max(una, rel(tcb.sndNxt));
  const inFlight = nxt - una;
  // A connection that has not set its congestion window yet (before ESTABLISHED)
  // is limited by the peer's window alone.
  const cwnd = tcb.cwnd > 0 ? tcb.cwnd : Number.POSITIVE_INFINITY;
  const window = Math.min(tcb.sndWnd, cwnd);
  const usable = Math.max(0, window - inFlight);
  const written = 1 + tcb.sndWritten;
  const sacked = tcb.sacked
    .map((b) => ({ start: Math.max(una, rel(b.start)), end: Math.min(nxt, rel(b.end)) }))
    .filter((b) => b.end > b.start);
  return {
    una,
    nxt,
    inFlight,
    window,
    cwndLimits: cwnd < tcb.sndWnd,
    edge: una + window,
    usable,
    written,
    unsent: Math.max(0, written - nxt),
    sacked,
    sackedBytes: sacked.reduce((n, b) => n + b.end - b.start, 0),
  };
}

/** One part of the strip as drawn: a kind and its share of the width. */
export interface StripPart {
  readonly kind: 'acked' | 'inflight' | 'usable' | 'beyond';
  /** Relative sequence numbers it covers [start, end). */
  readonly start: number;
  readonly end: number;
  /** Left edge and width, as fractions of the strip. */
  readonly x: number;
  readonly w: number;
}

/** Fraction of the strip the acknowledged part takes (however much it is: it is history). */
export const ACKED_SHARE = 0.18;

/**
 * The strip's layout: the acknowledged part a fixed share at the left, and the
 * sequence space from SND.UNA to a little past the window's edge (or to the end
 * of what was written, if further) spread over the rest in proportion. "Beyond
 * the window" shows at least a quarter of the window's size, so it reads as a
 * continuation even when nothing waits there.
 */
export function stripParts(s: Strip): {
  parts: StripPart[];
  x: (rel: number) => number;
} {
  const beyondEnd = Math.max(s.edge + Math.max(1, s.window) / 4, s.written, s.nxt + 1);
  const span = beyondEnd - s.una;
  const x = (rel: number): number =>
    rel <= s.una
      ? s.una === 0
        ? 0
        : (ACKED_SHARE * Math.max(0, rel)) / s.una
      : ACKED_SHARE + ((1 - ACKED_SHARE) * Math.min(rel - s.una, span)) / span;
  const part = (kind: StripPart['kind'], start: number, end: number): StripPart => ({
    kind,
    start,
    end,
    x: x(start),
    w: x(end) - x(start),
  });
  const sendEdge = Math.max(s.nxt, s.edge);
  return {
    parts: [
      part('acked', 0, s.una),
      part('inflight', s.una, s.nxt),
      part('usable', s.nxt, sendEdge),
      part('beyond', sendEdge, beyondEnd),
    ],
    x,
  };
}
