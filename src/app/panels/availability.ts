/**
 * What an endpoint panel offers, decided without React: which socket calls make
 * sense at the cursor (and why the others do not), the first-step hints, and
 * the TCB read at a glance.
 *
 * The facts come from the socket table at the cursor (`World.at`, through
 * `Session.socketsOf`): acting in the past forks the run at the cursor, so the
 * sockets made later do not count, and they are not in that table.
 */
import {
  DEFAULT_SERVER_PORT,
  TIMER_NAMES,
  currentRto,
  seqAdd,
  seqDiff,
  unsentBytes,
  type LinkRule,
  type Side,
  type StateName,
  type Tcb,
  type TimerName,
  type TraceRecord,
} from '../../core';
import type { Msg } from './log';

export type CallButton =
  'listen' | 'accept' | 'connect' | 'send' | 'recv' | 'shutdown' | 'close' | 'reuseAddr' | 'abort';

/** The buttons of each side, in the order they are shown. */
export const BUTTONS: Readonly<Record<Side, readonly CallButton[]>> = {
  client: ['connect', 'send', 'recv', 'shutdown', 'close', 'abort', 'reuseAddr'],
  server: ['listen', 'accept', 'send', 'recv', 'shutdown', 'close', 'abort', 'reuseAddr'],
};

/** What a side holds at the cursor, as far as its buttons care. */
export interface SideFacts {
  readonly side: Side;
  /** The state of the side's machine at the cursor (CLOSED when it has none). */
  readonly state: StateName;
  /** The listening socket, if it exists at the cursor. */
  readonly listenFd: number | null;
  /** The connected socket, if it exists at the cursor. */
  readonly connFd: number | null;
  /** An accept() is blocked on the listener at the cursor. */
  readonly acceptWaiting: boolean;
}

export interface Availability {
  readonly enabled: boolean;
  /** Why the call is not offered (disabled), or what it will do (enabled, where it is not obvious). */
  readonly why: Msg | null;
}

const yes: Availability = { enabled: true, why: null };
const no = (why: Msg): Availability => ({ enabled: false, why });

function needsConnected(f: SideFacts): Availability {
  if (f.side === 'client') return no({ key: 'whyNeedsConnectedClient' });
  if (f.listenFd === null) return no({ key: 'whyNeedsConnectedServerListen' });
  return no({ key: 'whyNeedsConnectedServerAccept' });
}

/** Whether one call makes sense now, and why not. */
export function availability(f: SideFacts, b: CallButton): Availability {
  switch (b) {
    case 'listen':
      if (f.side !== 'server') return no({ key: 'whyServerOnly' });
      return f.listenFd === null
        ? yes
        : no({ key: 'whyAlreadyListening', vars: { fd: f.listenFd, port: DEFAULT_SERVER_PORT } });
    case 'accept':
      if (f.side !== 'server') return no({ key: 'whyServerOnly' });
      if (f.listenFd === null) return no({ key: 'whyNeedsListener' });
      if (f.connFd !== null) return no({ key: 'whyHasConnection', vars: { fd: f.connFd } });
      if (f.acceptWaiting) return no({ key: 'whyAcceptWaiting' });
      return yes;
    case 'connect':
      if (f.side !== 'client') return no({ key: 'whyClientOnly' });
      // A socket whose connection is over (refused, reset, timed out, closed) may be replaced.
      return f.connFd !== null && f.state !== 'CLOSED'
        ? no({ key: 'whyConnInProgress', vars: { state: f.state } })
        : yes;
    case 'send':
    case 'recv':
    case 'shutdown':
    case 'abort':
      return f.connFd === null ? needsConnected(f) : yes;
    case 'close':
      if (f.connFd !== null) return yes;
      if (f.side === 'server' && f.listenFd !== null)
        return { enabled: true, why: { key: 'noteClosesListener', vars: { fd: f.listenFd } } };
      return needsConnected(f);
    case 'reuseAddr':
      return { enabled: true, why: { key: 'noteReuseAddr' } };
  }
}

// ---------------------------------------------------------------- sockets at the cursor

/** Has `side` (or anyone, when side is null) made a socket call by instant `t`? */
export function calledBy(records: readonly TraceRecord[], side: Side | null, t: number): boolean {
  for (const r of records) {
    if (r.t > t) break;
    if (r.kind === 'call' && (side === null || r.side === side)) return true;
  }
  return false;
}

export type Hint = 'hintListen' | 'hintConnect';

/**
 * The first steps, for someone who has not done anything yet: the server
 * panel says to press listen(); once the server listens, the client panel says
 * to press connect().
 */
export function firstStepHint(
  side: Side,
  facts: {
    readonly anyCall: boolean;
    readonly clientCalled: boolean;
    readonly serverListening: boolean;
  },
): Hint | null {
  if (side === 'server') return facts.anyCall ? null : 'hintListen';
  return facts.serverListening && !facts.clientCalled ? 'hintConnect' : null;
}

// ---------------------------------------------------------------- the TCB at a glance

export interface SeqValue {
  /** Relative to ISS (send side) or IRS (receive side), as tcpdump shows it. */
  readonly rel: number;
  readonly abs: number;
}

export interface TimerLeft {
  readonly timer: TimerName;
  readonly deadline: number;
  readonly left: number;
}

export interface TcbGlance {
  /** null until the connection has sent its SYN. */
  readonly sndUna: SeqValue | null;
  readonly sndNxt: SeqValue | null;
  /** null until the peer's SYN arrived. */
  readonly rcvNxt: SeqValue | null;
  readonly sndWnd: number;
  readonly rcvWnd: number;
  /** The retransmission timeout a segment sent now would get (ms), backoff included. */
  readonly rto: number;
  readonly timers: readonly TimerLeft[];
  readonly send: {
    /** Bytes the application wrote. */
    readonly written: number;
    readonly acked: number;
    /** Sent, not yet acknowledged. */
    readonly inFlight: number;
    readonly unsent: number;
    readonly capacity: number;
  };
  readonly recv: {
    /** Bytes delivered in order. */
    readonly delivered: number;
    readonly read: number;
    readonly unread: number;
    /** The unread bytes themselves. */
    readonly unreadBytes: Uint8Array;
    /** Bytes held out of order, waiting for a gap to fill. */
    readonly outOfOrder: number;
    readonly capacity: number;
    readonly finReceived: boolean;
  };
}

const DEADLINES: Readonly<Record<TimerName, (x: Tcb) => number | null>> = {
  rtx: (x) => x.timers.rtx,
  delack: (x) => x.timers.delack,
  finWait2: (x) => x.timers.finWait2,
  timeWait: (x) => x.timers.timeWait,
};

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The TCB of a snapshot, as the panel shows it at instant `now`. Buffer
 * figures come from sequence numbers and counters in the snapshot itself (not
 * from the shared byte logs' lengths), so they are right at any instant.
 */
export function tcbGlance(x: Tcb, state: StateName, now: number): TcbGlance {
  const sent = state !== 'LISTEN' && seqDiff(x.sndNxt, x.iss) > 0;
  const synced = seqDiff(x.rcvNxt, x.irs) > 0;
  const rel = (v: number, base: number): SeqValue => ({
    rel: seqDiff(v, base) >>> 0,
    abs: v >>> 0,
  });

  const dataStart = seqAdd(x.iss, 1);
  const written = x.sndWritten;
  const acked = sent ? clamp(seqDiff(x.sndUna, dataStart), 0, written) : 0;
  const unsent = sent ? unsentBytes(x) : written;
  const inFlight = Math.max(0, written - acked - unsent);

  const delivered = synced ? Math.max(0, seqDiff(x.rcvNxt, x.irs) - 1 - (x.finRcvd ? 1 : 0)) : 0;
  const read = Math.min(x.rcvRead, delivered);

  const timers: TimerLeft[] = [];
  for (const timer of TIMER_NAMES) {
    const deadline = DEADLINES[timer](x);
    if (deadline !== null && deadline > now) timers.push({ timer, deadline, left: deadline - now });
  }

  return {
    sndUna: sent ? rel(x.sndUna, x.iss) : null,
    sndNxt: sent ? rel(x.sndNxt, x.iss) : null,
    rcvNxt: synced ? rel(x.rcvNxt, x.irs) : null,
    sndWnd: x.sndWnd,
    rcvWnd: x.rcvWnd,
    rto: currentRto(x.rto, x.profile),
    timers,
    send: { written, acked, inFlight, unsent, capacity: x.profile.sndBuf },
    recv: {
      delivered,
      read,
      unread: delivered - read,
      unreadBytes: x.rcvLog.read(read, delivered),
      outOfOrder: x.ooo.reduce((n, o) => n + o.data.length, 0),
      capacity: x.profile.rcvBuf,
      finReceived: x.finRcvd,
    },
  };
}

/**
 * The pending drop rules of one direction, as the link panel tells them:
 * those that drop the very next segment (what its button sets), and those
 * that wait for a segment matching their pattern, or for the one that arms
 * them (set by a scenario file). Rules by number are not shown.
 */
export function pendingDrops(
  rules: readonly LinkRule[],
  from: Side,
): { readonly next: number; readonly waiting: number } {
  let next = 0;
  let waiting = 0;
  for (const r of rules) {
    if (r.kind !== 'dropNext' || r.from !== from) continue;
    if (r.flags === null && r.payload === undefined && r.after === undefined) next++;
    else waiting++;
  }
  return { next, waiting };
}
