/**
 * One TCP connection endpoint as an XState v5 machine.
 *
 * The top-level states are exactly RFC 9293's eleven. Each transition is one
 * rule of §3.10 (Event Processing), chosen by state, event and guard in the
 * order the RFC checks them; its action, from tcb.ts, carries the rule out.
 * Segments leave as emitted `segment` events; timers are named delays, so they
 * run on whatever clock the actor is given (the simulation's virtual clock).
 */
import { enqueueActions, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { Segment } from './segment';
import { ACK, FIN, RST, SYN } from './segment';
import { seqAdd, seqGt, seqLe, seqLt } from './seq';
import {
  abort,
  acceptable,
  ackNew,
  acksFin,
  activeOpen,
  armFinWait2,
  at,
  backToListen,
  completesFin,
  consume,
  enterTimeWait,
  initialTcb,
  listenSyn,
  onDelackTimeout,
  onRtxGiveUp,
  onRtxTimeout,
  passiveOpen,
  processSegment,
  queueData,
  queueFin,
  resendSynAck,
  resetReceived,
  rstForAck,
  rtxGiveUp,
  sendAck,
  simultaneousSyn,
  synSentEstablish,
  type Address,
  type Draft,
  type EmittedSegment,
  type Errno,
  type Out,
  type StateName,
  type Tcb,
  type TcbInput,
} from './tcb';

export type TcpEvent =
  | { type: 'PASSIVE_OPEN'; now: number; iss: number; tsOffset: number }
  | { type: 'ACTIVE_OPEN'; now: number; iss: number; tsOffset: number; remote: Address }
  | { type: 'SEGMENT'; now: number; seg: Segment }
  | { type: 'SEND'; now: number; data: Uint8Array }
  | { type: 'RECEIVE'; now: number; n: number }
  /** CLOSE (shutdown(SHUT_WR), or close() with `orphan`): no more data from us. */
  | { type: 'CLOSE'; now: number; orphan: boolean }
  /** close() after the FIN was already queued: the application lets go of the socket. */
  | { type: 'ORPHAN'; now: number }
  /** ABORT; `rst` forces a reset even where RFC 9293's ABORT sends none (Linux close() with unread data). */
  | { type: 'ABORT'; now: number; rst?: boolean }
  | { type: 'RTX_TIMEOUT' }
  | { type: 'DELACK_TIMEOUT' }
  | { type: 'FIN_WAIT_2_TIMEOUT' };

type SegmentEvent = Extract<TcpEvent, { type: 'SEGMENT' }>;
type Handler = (t: Tcb, e: TcpEvent, out: Out) => Tcb;

const seg = (e: TcpEvent): Segment => (e as SegmentEvent).seg;
const now = (e: TcpEvent): number => (e as { now: number }).now;
const flag = (e: TcpEvent, f: number): boolean => ((e as SegmentEvent).seg.flags & f) !== 0;

/** A segment handler stamps the TCB with the arrival time, then applies `fn`. */
const onSeg =
  (fn: (t: Tcb, s: Segment, out: Out) => Tcb): Handler =>
  (t, e, out) =>
    fn(at(t, now(e)), seg(e), out);

const sendAckOnly = (t: Tcb, out: Out): Tcb => {
  const d: Draft = { ...t };
  sendAck(d, out);
  return d;
};

/** Reset received in a synchronized state: CLOSED, and the error the application will see. */
const reset =
  (error: Errno | null): Handler =>
  (t, e) =>
    resetReceived(t, now(e), error);

const handlers = {
  passiveOpen: ((t, e) =>
    passiveOpen(t, e as Extract<TcpEvent, { type: 'PASSIVE_OPEN' }>)) as Handler,
  activeOpen: ((t, e, out) =>
    activeOpen(t, e as Extract<TcpEvent, { type: 'ACTIVE_OPEN' }>, out)) as Handler,
  listenSyn: ((t, e, out) => listenSyn(t, seg(e), now(e), out)) as Handler,
  /** RFC 9293 §3.10.7.1: a segment for a connection that does not exist draws a RST. */
  replyReset: onSeg(rstForAck),
  rstForAck: onSeg(rstForAck),
  synSentEstablish: onSeg(synSentEstablish),
  simultaneousSyn: onSeg(simultaneousSyn),
  refused: reset('ECONNREFUSED'),
  connReset: reset('ECONNRESET'),
  /** Linux tcp_reset(): a RST in CLOSE_WAIT is reported as EPIPE. */
  pipeReset: reset('EPIPE'),
  quietReset: reset(null),
  backToListen: ((t, e) => backToListen(t, now(e))) as Handler,
  ackAndDrop: onSeg((t, _s, out) => sendAckOnly(t, out)),
  challengeAck: onSeg((t, _s, out) => sendAckOnly(t, out)),
  resendSynAck: onSeg((t, _s, out) => resendSynAck(t, out)),
  /** SYN_RECEIVED, acceptable ACK: ESTABLISHED, then the rest of the segment (RFC 9293 fifth check). */
  synRcvdAck: onSeg((t, s, out) => processSegment(t, s, 'SYN_RECEIVED', out)),
  processEstablished: onSeg((t, s, out) => processSegment(t, s, 'ESTABLISHED', out)),
  processFinWait1: onSeg((t, s, out) => processSegment(t, s, 'FIN_WAIT_1', out)),
  processFinWait2: onSeg((t, s, out) => processSegment(t, s, 'FIN_WAIT_2', out)),
  processCloseWait: onSeg((t, s, out) => processSegment(t, s, 'CLOSE_WAIT', out)),
  processClosing: onSeg((t, s, out) => processSegment(t, s, 'CLOSING', out)),
  processLastAck: onSeg((t, s, out) => processSegment(t, s, 'LAST_ACK', out)),
  processTimeWait: onSeg((t, s, out) => processSegment(t, s, 'TIME_WAIT', out)),
  /** Entering TIME_WAIT: process the segment, then start the 2MSL (Linux: 60 s) timer. */
  finWait1ToTimeWait: onSeg((t, s, out) => enterTimeWait(processSegment(t, s, 'FIN_WAIT_1', out))),
  finWait2ToTimeWait: onSeg((t, s, out) => enterTimeWait(processSegment(t, s, 'FIN_WAIT_2', out))),
  closingToTimeWait: onSeg((t, s, out) => enterTimeWait(processSegment(t, s, 'CLOSING', out))),
  finWait1ToFinWait2: onSeg((t, s, out) => armFinWait2(processSegment(t, s, 'FIN_WAIT_1', out))),
  lastAckClosed: onSeg((t, s, out) => {
    const r = processSegment(t, s, 'LAST_ACK', out);
    return { ...r, timerRtx: null, rtxQueue: [], timerDelack: null };
  }),
  /**
   * RFC 1122 §4.2.2.13 (Linux TCPAbortOnData): new data for an application that
   * has closed its socket is answered with RST and the connection ends.
   */
  abortOnData: onSeg((t, s, out) => resetReceived(rstForAck(t, s, out), t.now, null)),
  /** TIME_WAIT, the FIN again: our last ACK was lost. ACK it again and restart the timer. */
  timeWaitFin: onSeg((t, _s, out) => enterTimeWait(sendAckOnly(t, out))),
  send: ((t, e, out) =>
    queueData(t, now(e), (e as Extract<TcpEvent, { type: 'SEND' }>).data, out)) as Handler,
  receive: ((t, e, out) =>
    consume(t, now(e), (e as Extract<TcpEvent, { type: 'RECEIVE' }>).n, true, out)) as Handler,
  receiveLate: ((t, e, out) =>
    consume(t, now(e), (e as Extract<TcpEvent, { type: 'RECEIVE' }>).n, false, out)) as Handler,
  close: ((t, e, out) =>
    queueFin(t, now(e), (e as Extract<TcpEvent, { type: 'CLOSE' }>).orphan, out)) as Handler,
  closeInFinWait2: ((t, e) =>
    armFinWait2({
      ...at(t, now(e)),
      orphan: t.orphan || (e as { orphan?: boolean }).orphan === true,
    })) as Handler,
  orphan: ((t, e) => ({ ...at(t, now(e)), orphan: true })) as Handler,
  orphanInFinWait2: ((t, e) => armFinWait2({ ...at(t, now(e)), orphan: true })) as Handler,
  closeQuietly: ((t, e, out) => abort(t, now(e), false, out)) as Handler,
  abortWithRst: ((t, e, out) => abort(t, now(e), true, out)) as Handler,
  rtxTimeoutSynSent: ((t, _e, out) => onRtxTimeout(t, 'SYN_SENT', out)) as Handler,
  rtxTimeoutSynRcvd: ((t, _e, out) => onRtxTimeout(t, 'SYN_RECEIVED', out)) as Handler,
  rtxTimeout: ((t, _e, out) => onRtxTimeout(t, 'ESTABLISHED', out)) as Handler,
  rtxGiveUp: ((t) => onRtxGiveUp(t)) as Handler,
  delackTimeout: ((t, _e, out) => onDelackTimeout(t, out)) as Handler,
  finWait2Timeout: ((t) => ({
    ...t,
    now: t.timerFinWait2 ?? t.now,
    timerFinWait2: null,
    fired: 'finWait2',
    timerRtx: null,
    timerDelack: null,
  })) as Handler,
  timeWaitExpired: ((t) => ({
    ...t,
    now: t.timerTimeWait ?? t.now,
    timerTimeWait: null,
    fired: 'timeWait',
  })) as Handler,
} satisfies Record<string, Handler>;

type HandlerName = keyof typeof handlers;

/**
 * The machine's one kind of action: run a handler over the TCB, then let the
 * world see its effects — the new TCB, the segments it sends, and the
 * retransmission, delayed-ACK and FIN_WAIT_2 timers it (re)armed or stopped.
 */
const run = (name: HandlerName) =>
  enqueueActions<
    Tcb,
    TcpEvent,
    undefined,
    TcpEvent,
    never,
    never,
    never,
    TimerDelay,
    EmittedSegment
  >(({ context, event, enqueue }) => {
    const out: Out = [];
    const next = handlers[name](context, event, out);
    enqueue.assign(() => next);
    for (const o of out) enqueue.emit(o);
    // The fired timer is no longer scheduled; others restart when their deadline moved.
    if (context.timerRtx !== next.timerRtx) {
      if (context.timerRtx !== null && next.fired !== 'rtx') enqueue.cancel('rtx');
      if (next.timerRtx !== null)
        enqueue.raise({ type: 'RTX_TIMEOUT' }, { id: 'rtx', delay: 'rto' });
    }
    if (context.timerDelack !== next.timerDelack) {
      if (context.timerDelack !== null && next.fired !== 'delack') enqueue.cancel('delack');
      if (next.timerDelack !== null)
        enqueue.raise({ type: 'DELACK_TIMEOUT' }, { id: 'delack', delay: 'delack' });
    }
    if (context.timerFinWait2 !== next.timerFinWait2) {
      if (context.timerFinWait2 !== null && next.fired !== 'finWait2') enqueue.cancel('finWait2');
      if (next.timerFinWait2 !== null)
        enqueue.raise({ type: 'FIN_WAIT_2_TIMEOUT' }, { id: 'finWait2', delay: 'finWait2' });
    }
  });

type TimerDelay = 'rto' | 'delack' | 'finWait2' | 'timeWait';

const actions = Object.fromEntries(
  (Object.keys(handlers) as HandlerName[]).map((n) => [n, run(n)]),
) as Record<HandlerName, ReturnType<typeof run>>;

const s = (e: TcpEvent): Segment => seg(e);

// Transitions several states share, written once.

/** The delayed-ACK timer: send the ACK that was held back. */
const DELAYED_ACK = {
  actions: 'delackTimeout',
  description: 'delayed-ACK timeout / snd ACK',
} as const;
/** recv() while the peer may still send: reading reopens the window. */
const RECEIVE_OPEN = { actions: 'receive', description: 'recv()' } as const;
/** recv() of what is left once the peer's FIN is in (or the window no longer matters). */
const RECEIVE_LATE = { actions: 'receiveLate', description: 'recv()' } as const;
/** close() after our FIN is queued: the application lets go of the socket. */
const LET_GO = { actions: 'orphan', description: 'close()' } as const;
/** ABORT in a state that still has a connection to reset (RFC 9293 §3.10.5). */
const ABORT_WITH_RST = {
  target: 'CLOSED',
  actions: 'abortWithRst',
  description: 'abort / snd RST',
} as const;
/**
 * ABORT in CLOSING or LAST_ACK: RFC 9293 just deletes the TCB; Linux's close()
 * with unread data still sends RST (`rst`).
 */
const ABORT_AFTER_FIN = [
  {
    guard: 'forcedRst',
    target: 'CLOSED',
    actions: 'abortWithRst',
    description: 'close() with unread data / snd RST',
  },
  { target: 'CLOSED', actions: 'closeQuietly', description: 'abort' },
] as const;

export const tcpMachine = setup({
  types: {
    context: {} as Tcb,
    events: {} as TcpEvent,
    emitted: {} as EmittedSegment,
    input: {} as TcbInput,
  },
  actions,
  delays: {
    rto: ({ context }) => (context.timerRtx ?? context.now) - context.now,
    delack: ({ context }) => (context.timerDelack ?? context.now) - context.now,
    finWait2: ({ context }) => (context.timerFinWait2 ?? context.now) - context.now,
    timeWait: ({ context }) => (context.timerTimeWait ?? context.now) - context.now,
  },
  guards: {
    isRst: ({ event }) => flag(event, RST),
    isSyn: ({ event }) => flag(event, SYN),
    hasAck: ({ event }) => flag(event, ACK),
    noAck: ({ event }) => !flag(event, ACK),
    finNotRst: ({ event }) => flag(event, FIN) && !flag(event, RST),
    /** SYN_SENT: SEG.ACK =< ISS or SEG.ACK > SND.NXT. */
    badAckSynSent: ({ context, event }) =>
      flag(event, ACK) &&
      !(seqLt(context.iss, s(event).ack) && seqLe(s(event).ack, context.sndNxt)),
    rstWithGoodAck: ({ event }) => flag(event, RST) && flag(event, ACK),
    synWithGoodAck: ({ event }) => flag(event, SYN) && flag(event, ACK),
    /** RFC 9293 §3.10.7.3: after the SYN,ACK, processing continues at the sixth step, FIN included. */
    synAckWithFin: ({ event }) => flag(event, SYN) && flag(event, ACK) && flag(event, FIN),
    unacceptableRst: ({ context, event }) => flag(event, RST) && !acceptable(context, s(event)),
    unacceptable: ({ context, event }) => !acceptable(context, s(event)),
    /** RFC 5961 §3.2: only a RST exactly at RCV.NXT resets the connection. */
    rstExact: ({ context, event }) => flag(event, RST) && s(event).seq === context.rcvNxt,
    passiveSyn: ({ context, event }) => flag(event, SYN) && context.passiveOpen,
    passiveRstExact: ({ context, event }) =>
      flag(event, RST) && s(event).seq === context.rcvNxt && context.passiveOpen,
    /** Linux: the peer's SYN,ACK during a simultaneous open completes it (tcp_validate_incoming()). */
    simOpenSynAck: ({ context, event }) =>
      context.profile.linuxSynReceived &&
      !context.passiveOpen &&
      flag(event, SYN) &&
      flag(event, ACK) &&
      !flag(event, RST) &&
      seqAdd(s(event).seq, 1) === context.rcvNxt &&
      s(event).ack === context.sndNxt,
    /** Linux: a retransmitted SYN (same ISN) in SYN_RECEIVED. */
    dupSyn: ({ context, event }) =>
      context.profile.linuxSynReceived &&
      flag(event, SYN) &&
      !flag(event, ACK) &&
      !flag(event, RST) &&
      s(event).seq === context.irs,
    ackNotNew: ({ context, event }) => !ackNew(context, s(event)),
    ackOfUnsent: ({ context, event }) => seqGt(s(event).ack, context.sndNxt),
    completesFin: ({ context, event }) => completesFin(context, s(event)),
    acksFin: ({ context, event }) => acksFin(context, s(event)),
    acksFinAndCompletesFin: ({ context, event }) =>
      acksFin(context, s(event)) && completesFin(context, s(event)),
    synGiveUp: ({ context }) => rtxGiveUp(context, 'SYN_SENT'),
    synAckGiveUp: ({ context }) => rtxGiveUp(context, 'SYN_RECEIVED'),
    dataGiveUp: ({ context }) => rtxGiveUp(context, 'ESTABLISHED'),
    orphaned: ({ context }) => context.orphan,
    forcedRst: ({ event }) => (event as { rst?: boolean }).rst === true,
    dataAfterClose: ({ context, event }) =>
      context.orphan &&
      s(event).payload.length > 0 &&
      seqGt(seqAdd(s(event).seq, s(event).payload.length), context.rcvNxt),
  },
}).createMachine({
  id: 'tcp',
  context: ({ input }) => initialTcb(input),
  initial: 'CLOSED',
  states: {
    CLOSED: {
      on: {
        PASSIVE_OPEN: { target: 'LISTEN', actions: 'passiveOpen', description: 'listen()' },
        ACTIVE_OPEN: {
          target: 'SYN_SENT',
          actions: 'activeOpen',
          description: 'connect() / snd SYN',
        },
        SEGMENT: [
          { guard: 'isRst', description: 'rcv RST / (drop)' },
          { actions: 'replyReset', description: 'rcv any / snd RST' },
        ],
      },
    },
    LISTEN: {
      on: {
        SEGMENT: [
          { guard: 'isRst', description: 'rcv RST / (ignore)' },
          { guard: 'hasAck', actions: 'rstForAck', description: 'rcv ACK / snd RST' },
          {
            guard: 'isSyn',
            target: 'SYN_RECEIVED',
            actions: 'listenSyn',
            description: 'rcv SYN / snd SYN,ACK',
          },
        ],
        CLOSE: { target: 'CLOSED', actions: 'closeQuietly', description: 'close()' },
        ABORT: { target: 'CLOSED', actions: 'closeQuietly', description: 'abort' },
      },
    },
    SYN_SENT: {
      on: {
        SEGMENT: [
          { guard: 'badAckSynSent', actions: 'rstForAck', description: 'rcv bad ACK / snd RST' },
          {
            guard: 'rstWithGoodAck',
            target: 'CLOSED',
            actions: 'refused',
            description: 'rcv RST,ACK / ECONNREFUSED',
          },
          { guard: 'isRst', description: 'rcv RST without ACK / (drop)' },
          {
            guard: 'synAckWithFin',
            target: 'CLOSE_WAIT',
            actions: 'synSentEstablish',
            description: 'rcv SYN,ACK,FIN / snd ACK',
          },
          {
            guard: 'synWithGoodAck',
            target: 'ESTABLISHED',
            actions: 'synSentEstablish',
            description: 'rcv SYN,ACK / snd ACK',
          },
          {
            guard: 'isSyn',
            target: 'SYN_RECEIVED',
            actions: 'simultaneousSyn',
            description: 'rcv SYN / snd SYN,ACK (simultaneous open)',
          },
        ],
        SEND: { actions: 'send', description: 'send() (queued)' },
        RTX_TIMEOUT: [
          {
            guard: 'synGiveUp',
            target: 'CLOSED',
            actions: 'rtxGiveUp',
            description: 'timeout, retries spent / ETIMEDOUT',
          },
          { actions: 'rtxTimeoutSynSent', description: 'timeout / snd SYN again' },
        ],
        CLOSE: { target: 'CLOSED', actions: 'closeQuietly', description: 'close()' },
        ABORT: { target: 'CLOSED', actions: 'closeQuietly', description: 'abort' },
      },
    },
    SYN_RECEIVED: {
      on: {
        SEGMENT: [
          { guard: 'unacceptableRst', description: 'rcv RST out of window / (drop)' },
          {
            guard: 'simOpenSynAck',
            target: 'ESTABLISHED',
            actions: 'synRcvdAck',
            description: 'rcv SYN,ACK (simultaneous open)',
          },
          { guard: 'dupSyn', actions: 'resendSynAck', description: 'rcv SYN again / snd SYN,ACK' },
          {
            guard: 'unacceptable',
            actions: 'ackAndDrop',
            description: 'rcv unacceptable / snd ACK',
          },
          {
            guard: 'passiveRstExact',
            target: 'LISTEN',
            actions: 'backToListen',
            description: 'rcv RST (passive open) / back to LISTEN',
          },
          {
            guard: 'rstExact',
            target: 'CLOSED',
            actions: 'refused',
            description: 'rcv RST (active open) / ECONNREFUSED',
          },
          {
            guard: 'isRst',
            actions: 'challengeAck',
            description: 'rcv RST in window / challenge ACK',
          },
          {
            guard: 'passiveSyn',
            target: 'LISTEN',
            actions: 'backToListen',
            description: 'rcv SYN in window (passive open) / back to LISTEN',
          },
          { guard: 'isSyn', actions: 'challengeAck', description: 'rcv SYN / challenge ACK' },
          { guard: 'noAck', description: 'rcv no ACK / (drop)' },
          { guard: 'ackNotNew', actions: 'rstForAck', description: 'rcv bad ACK / snd RST' },
          {
            guard: 'completesFin',
            target: 'CLOSE_WAIT',
            actions: 'synRcvdAck',
            description: 'rcv ACK,FIN / snd ACK',
          },
          { target: 'ESTABLISHED', actions: 'synRcvdAck', description: 'rcv ACK of SYN' },
        ],
        SEND: { actions: 'send', description: 'send() (queued)' },
        RTX_TIMEOUT: [
          {
            guard: 'synAckGiveUp',
            target: 'CLOSED',
            actions: 'rtxGiveUp',
            description: 'timeout, retries spent',
          },
          { actions: 'rtxTimeoutSynRcvd', description: 'timeout / snd SYN,ACK again' },
        ],
        CLOSE: { target: 'FIN_WAIT_1', actions: 'close', description: 'close() / snd FIN' },
        ABORT: ABORT_WITH_RST,
      },
    },
    ESTABLISHED: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('connReset'),
          {
            guard: 'completesFin',
            target: 'CLOSE_WAIT',
            actions: 'processEstablished',
            description: 'rcv FIN / snd ACK',
          },
          { actions: 'processEstablished', description: 'rcv data or ACK' },
        ],
        SEND: { actions: 'send', description: 'send() / snd data' },
        RECEIVE: RECEIVE_OPEN,
        CLOSE: { target: 'FIN_WAIT_1', actions: 'close', description: 'close() / snd FIN' },
        ABORT: ABORT_WITH_RST,
        RTX_TIMEOUT: rtxTimeout(),
        DELACK_TIMEOUT: DELAYED_ACK,
      },
    },
    FIN_WAIT_1: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('connReset'),
          {
            guard: 'dataAfterClose',
            target: 'CLOSED',
            actions: 'abortOnData',
            description: 'rcv data after close() / snd RST',
          },
          {
            guard: 'acksFinAndCompletesFin',
            target: 'TIME_WAIT',
            actions: 'finWait1ToTimeWait',
            description: 'rcv FIN,ACK / snd ACK',
          },
          {
            guard: 'acksFin',
            target: 'FIN_WAIT_2',
            actions: 'finWait1ToFinWait2',
            description: 'rcv ACK of FIN',
          },
          {
            guard: 'completesFin',
            target: 'CLOSING',
            actions: 'processFinWait1',
            description: 'rcv FIN / snd ACK',
          },
          { actions: 'processFinWait1', description: 'rcv data or ACK' },
        ],
        RECEIVE: RECEIVE_OPEN,
        CLOSE: LET_GO,
        ORPHAN: LET_GO,
        ABORT: ABORT_WITH_RST,
        RTX_TIMEOUT: rtxTimeout(),
        DELACK_TIMEOUT: DELAYED_ACK,
      },
    },
    FIN_WAIT_2: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('connReset'),
          {
            guard: 'dataAfterClose',
            target: 'CLOSED',
            actions: 'abortOnData',
            description: 'rcv data after close() / snd RST',
          },
          {
            guard: 'completesFin',
            target: 'TIME_WAIT',
            actions: 'finWait2ToTimeWait',
            description: 'rcv FIN / snd ACK',
          },
          { actions: 'processFinWait2', description: 'rcv data or ACK' },
        ],
        RECEIVE: RECEIVE_OPEN,
        CLOSE: { actions: 'closeInFinWait2', description: 'close()' },
        ORPHAN: { actions: 'orphanInFinWait2', description: 'close()' },
        ABORT: ABORT_WITH_RST,
        DELACK_TIMEOUT: DELAYED_ACK,
        FIN_WAIT_2_TIMEOUT: {
          target: 'CLOSED',
          actions: 'finWait2Timeout',
          description: 'tcp_fin_timeout (orphaned socket)',
        },
      },
    },
    CLOSE_WAIT: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('pipeReset'),
          { actions: 'processCloseWait', description: 'rcv ACK' },
        ],
        SEND: { actions: 'send', description: 'send() / snd data' },
        RECEIVE: RECEIVE_LATE,
        CLOSE: { target: 'LAST_ACK', actions: 'close', description: 'close() / snd FIN' },
        ABORT: ABORT_WITH_RST,
        RTX_TIMEOUT: rtxTimeout(),
        DELACK_TIMEOUT: DELAYED_ACK,
      },
    },
    CLOSING: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('quietReset'),
          {
            guard: 'acksFin',
            target: 'TIME_WAIT',
            actions: 'closingToTimeWait',
            description: 'rcv ACK of FIN',
          },
          { actions: 'processClosing', description: 'rcv ACK' },
        ],
        RECEIVE: RECEIVE_LATE,
        CLOSE: LET_GO,
        ORPHAN: LET_GO,
        ABORT: ABORT_AFTER_FIN,
        RTX_TIMEOUT: rtxTimeout(),
        DELACK_TIMEOUT: DELAYED_ACK,
      },
    },
    LAST_ACK: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('quietReset'),
          {
            guard: 'acksFin',
            target: 'CLOSED',
            actions: 'lastAckClosed',
            description: 'rcv ACK of FIN',
          },
          { actions: 'processLastAck', description: 'rcv ACK' },
        ],
        RECEIVE: RECEIVE_LATE,
        CLOSE: LET_GO,
        ORPHAN: LET_GO,
        ABORT: ABORT_AFTER_FIN,
        RTX_TIMEOUT: rtxTimeout(),
        DELACK_TIMEOUT: DELAYED_ACK,
      },
    },
    TIME_WAIT: {
      after: {
        timeWait: {
          target: 'CLOSED',
          actions: 'timeWaitExpired',
          description: 'TIME_WAIT timer (2MSL; Linux 60 s)',
        },
      },
      on: {
        SEGMENT: [
          {
            guard: 'finNotRst',
            target: 'TIME_WAIT',
            reenter: true,
            actions: 'timeWaitFin',
            description: 'rcv FIN again / snd ACK, restart timer',
          },
          ...synchronizedChecks('quietReset'),
          { actions: 'processTimeWait', description: 'rcv ACK' },
        ],
        RECEIVE: RECEIVE_LATE,
        CLOSE: LET_GO,
        ORPHAN: LET_GO,
        ABORT: { target: 'CLOSED', actions: 'closeQuietly', description: 'abort' },
      },
    },
  },
});

/**
 * RFC 9293 §3.10.7.4, first to fifth checks, the same in every synchronized
 * state: sequence number (Table 6), RST (with RFC 5961's exact-match rule), SYN
 * (RFC 5961 challenge ACK), ACK present, ACK not ahead of SND.NXT.
 */
function synchronizedChecks(onReset: 'connReset' | 'pipeReset' | 'quietReset') {
  return [
    { guard: 'unacceptableRst', description: 'rcv RST out of window / (drop)' },
    { guard: 'unacceptable', actions: 'ackAndDrop', description: 'rcv unacceptable / snd ACK' },
    {
      guard: 'rstExact',
      target: 'CLOSED',
      actions: onReset,
      description:
        onReset === 'pipeReset'
          ? 'rcv RST / EPIPE'
          : onReset === 'connReset'
            ? 'rcv RST / ECONNRESET'
            : 'rcv RST',
    },
    { guard: 'isRst', actions: 'challengeAck', description: 'rcv RST in window / challenge ACK' },
    { guard: 'isSyn', actions: 'challengeAck', description: 'rcv SYN / challenge ACK' },
    { guard: 'noAck', description: 'rcv no ACK / (drop)' },
    {
      guard: 'ackOfUnsent',
      actions: 'ackAndDrop',
      description: 'rcv ACK of unsent data / snd ACK',
    },
  ] as const;
}

/** The retransmission timer in a synchronized state: resend, or give up with ETIMEDOUT. */
function rtxTimeout() {
  return [
    {
      guard: 'dataGiveUp',
      target: 'CLOSED',
      actions: 'rtxGiveUp',
      description: 'timeout, retries spent / ETIMEDOUT',
    },
    { actions: 'rtxTimeout', description: 'timeout / retransmit' },
  ] as const;
}

export type TcpActor = ActorRefFrom<typeof tcpMachine>;
export type TcpSnapshot = SnapshotFrom<typeof tcpMachine>;
export const stateOf = (snap: TcpSnapshot): StateName => snap.value;
