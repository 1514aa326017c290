/**
 * One TCP connection endpoint as an XState v5 machine.
 *
 * The top-level states are exactly RFC 9293's eleven. Each transition is one
 * rule of §3.10 (Event Processing), chosen by state, event and guard in the
 * order the RFC checks them; its action, from tcb.ts, carries the rule out.
 * Every transition has a stable id in its `meta` (`<STATE>/<what>`), by which
 * the diagram's translations and the walkthrough's explanations are keyed.
 *
 * The machine's context is the TCB and the segments the last step sent. The
 * one kind of action runs a tcb.ts handler (`assign`). Whoever runs the
 * machine reads `sent` from each new snapshot and puts those segments on the
 * link: the endpoint never calls the link. (An `emit` action per step did the
 * same job and cost about a third of a bulk run's time.)
 *
 * Timers are deadlines in the TCB (`tcb.timers`, one record keyed by name).
 * Whoever runs the machine raises a timer's event when its deadline comes
 * (`timers.ts`), so a run's every input to a machine is an event it was sent:
 * replaying those events through `transition()` rebuilds any snapshot.
 */
import { assertEvent, assign, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
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
  answerOutOfWindow,
  at,
  backToListen,
  completesFin,
  consume,
  draft,
  enterTimeWait,
  initialTcb,
  lastAckDone,
  listenSyn,
  onDelackTimeout,
  onFinWait2Timeout,
  onRtxGiveUp,
  onRtxTimeout,
  onTimeWaitTimeout,
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
  type EmittedSegment,
  type Errno,
  type Out,
  type StateName,
  type Tcb,
  type TcbInput,
  type TimerName,
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
  | { type: 'FIN_WAIT_2_TIMEOUT' }
  | { type: 'TIME_WAIT_TIMEOUT' };

/** The event each timer raises when its deadline comes. */
export const TIMEOUT_EVENTS = {
  rtx: { type: 'RTX_TIMEOUT' },
  delack: { type: 'DELACK_TIMEOUT' },
  finWait2: { type: 'FIN_WAIT_2_TIMEOUT' },
  timeWait: { type: 'TIME_WAIT_TIMEOUT' },
} as const satisfies Record<TimerName, TcpEvent>;

/** The event types that are timers expiring. */
export const TIMEOUT_TYPES: ReadonlySet<string> = new Set(
  Object.values(TIMEOUT_EVENTS).map((e) => e.type),
);

/** The machine's context: the TCB, and what the step that made this snapshot sent. */
export interface EndpointContext {
  readonly tcb: Tcb;
  readonly sent: readonly EmittedSegment[];
}

type Ev<T extends TcpEvent['type']> = Extract<TcpEvent, { type: T }>;
type SegmentEvent = Ev<'SEGMENT'>;

/**
 * The segment of a SEGMENT event. Every guard reads it, so the check is a
 * comparison first; `assertEvent` (which builds an array per call) only
 * reports a wrong event.
 */
const seg = (e: TcpEvent): Segment => {
  if (e.type === 'SEGMENT') return e.seg;
  assertEvent(e as TcpEvent, 'SEGMENT');
  throw new Error('unreachable');
};
const flag = (e: TcpEvent, f: number): boolean => (seg(e).flags & f) !== 0;
/** The time an outside event happened (timer events take theirs from their deadline). */
const now = (e: TcpEvent): number => ('now' in e ? e.now : 0);

/** Where processing of an acceptable segment goes once §3.10.7.4's fifth to eighth steps are done. */
export type ThenWhat = 'stay' | 'timeWait' | 'finWait2' | 'closed';

const sendAckOnly = (t: Tcb, e: TcpEvent, out: Out): Tcb => {
  const d = draft(t);
  d.now = now(e);
  d.fired = null;
  sendAck(d, out);
  return d;
};

/**
 * A handler runs one rule over the TCB, collecting the segments it sends in
 * `out`. Wrapped in `assign`, it is the machine's one kind of action.
 */
function step<P = undefined>(fn: (t: Tcb, e: TcpEvent, out: Out, params: P) => Tcb) {
  return assign<EndpointContext, TcpEvent, P, TcpEvent, never>(({ context, event }, params) => {
    const out: Out = [];
    return { tcb: fn(context.tcb, event, out, params), sent: out };
  });
}

const processSegmentThen = (t: Tcb, e: TcpEvent, out: Out, from: StateName, then: ThenWhat) => {
  const r = processSegment(t, now(e), seg(e), from, out);
  if (then === 'timeWait') return enterTimeWait(r);
  if (then === 'finWait2') return armFinWait2(r);
  if (then === 'closed') return lastAckDone(r);
  return r;
};

const actions = {
  passiveOpen: step((t, e) => {
    assertEvent(e, 'PASSIVE_OPEN');
    return passiveOpen(t, e);
  }),
  activeOpen: step((t, e, out) => {
    assertEvent(e, 'ACTIVE_OPEN');
    return activeOpen(t, e, out);
  }),
  listenSyn: step((t, e, out) => listenSyn(t, seg(e), now(e), out)),
  /**
   * RFC 9293 §3.10.7.1–3: a segment with a bad (or, for a closed connection,
   * any) ACK is answered with <SEQ=SEG.ACK><CTL=RST>, else <SEQ=0><ACK=…><CTL=RST,ACK>.
   */
  rstForAck: step((t, e, out) => rstForAck(at(t, now(e)), seg(e), out)),
  synSentEstablish: step((t, e, out) => synSentEstablish(at(t, now(e)), seg(e), out)),
  simultaneousSyn: step((t, e, out) => simultaneousSyn(at(t, now(e)), seg(e), out)),
  /** Reset received (or connection refused): CLOSED, and the error the application will see. */
  reset: step((t, e, _out, p: { error: Errno | null }) => resetReceived(t, now(e), p.error)),
  backToListen: step((t, e) => backToListen(t, now(e))),
  /** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
  sendAck: step(sendAckOnly),
  /** The same for an unacceptable segment or as RFC 5961's challenge ACK, rate-limited as Linux does. */
  oowAck: step((t, e, out, p: { challenge: boolean }) =>
    answerOutOfWindow(t, now(e), seg(e), p.challenge, out),
  ),
  resendSynAck: step((t, e, out) => resendSynAck(at(t, now(e)), out)),
  /**
   * The fifth to eighth steps of §3.10.7.4 for an acceptable segment (ACK, URG,
   * text, FIN) in state `from`, and then what the state change needs: TIME_WAIT's
   * timer, FIN_WAIT_2's orphan timer, or the end of the connection.
   */
  process: step((t, e, out, p: { from: StateName; then: ThenWhat }) =>
    processSegmentThen(t, e, out, p.from, p.then),
  ),
  /**
   * RFC 1122 §4.2.2.13 (Linux TCPAbortOnData): new data for an application that
   * has closed its socket is answered with RST and the connection ends.
   */
  abortOnData: step((t, e, out) => resetReceived(rstForAck(t, seg(e), out), now(e), null)),
  /** TIME_WAIT, the FIN again: our last ACK was lost. ACK it again and restart the timer. */
  timeWaitFin: step((t, e, out) => enterTimeWait(sendAckOnly(t, e, out))),
  send: step((t, e, out) => {
    assertEvent(e, 'SEND');
    return queueData(t, e.now, e.data, out);
  }),
  /** RECEIVE; `update`: reading may reopen the window (the peer may still send). */
  receive: step((t, e, out, p: { update: boolean }) => {
    assertEvent(e, 'RECEIVE');
    return consume(t, e.now, e.n, p.update, out);
  }),
  close: step((t, e, out) => {
    assertEvent(e, 'CLOSE');
    return queueFin(t, e.now, e.orphan, out);
  }),
  /** close() once our FIN is out: the application lets go; in FIN_WAIT_2, tcp_fin_timeout starts. */
  orphan: step((t, e, _out, p: { finWait2: boolean }) => {
    assertEvent(e, ['CLOSE', 'ORPHAN']);
    const d = draft(t);
    d.now = e.now;
    d.fired = null;
    if (!p.finWait2) {
      d.orphan = true;
      return d;
    }
    // FIN_WAIT_2: shutdown(SHUT_WR) again leaves the socket open; close() lets go.
    d.orphan = t.orphan || e.type === 'ORPHAN' || e.orphan;
    return armFinWait2(d);
  }),
  /** ABORT (RFC 9293 §3.10.5), with a RST where the state calls for one. */
  abort: step((t, e, out, p: { rst: boolean }) => abort(t, now(e), p.rst, out)),
  rtxTimeout: step((t, _e, out, p: { state: StateName }) => onRtxTimeout(t, p.state, out)),
  rtxGiveUp: step((t) => onRtxGiveUp(t)),
  delackTimeout: step((t, _e, out) => onDelackTimeout(t, out)),
  finWait2Timeout: step((t) => onFinWait2Timeout(t)),
  timeWaitTimeout: step((t) => onTimeWaitTimeout(t)),
};

type ActionName = keyof typeof actions;
type ParamsOf<A extends ActionName> = Parameters<(typeof actions)[A]>[1];
type PlainAction = { [A in ActionName]: ParamsOf<A> extends undefined ? A : never }[ActionName];
type ParamAction = Exclude<ActionName, PlainAction>;

/** A transition's action: the handler, with its parameters. */
function act<A extends PlainAction>(type: A): A;
function act<A extends ParamAction>(
  type: A,
  params: ParamsOf<A>,
): { readonly type: A; readonly params: ParamsOf<A> };
function act(type: ActionName, params?: unknown): unknown {
  return params === undefined ? type : { type, params };
}

/** A transition, with its stable id and the text the diagram shows. */
function tr<const C extends object>(id: string, description: string, config: C) {
  return { ...config, description, meta: { id } } as const;
}

export const tcpMachine = setup({
  types: {
    context: {} as EndpointContext,
    events: {} as TcpEvent,
    input: {} as TcbInput,
  },
  actions,
  guards: {
    isRst: ({ event }) => flag(event, RST),
    isSyn: ({ event }) => flag(event, SYN),
    hasAck: ({ event }) => flag(event, ACK),
    noAck: ({ event }) => !flag(event, ACK),
    finNotRst: ({ event }) => flag(event, FIN) && !flag(event, RST),
    /** SYN_SENT: SEG.ACK =< ISS or SEG.ACK > SND.NXT. */
    badAckSynSent: ({ context: { tcb }, event }) =>
      flag(event, ACK) && !(seqLt(tcb.iss, seg(event).ack) && seqLe(seg(event).ack, tcb.sndNxt)),
    rstWithGoodAck: ({ event }) => flag(event, RST) && flag(event, ACK),
    synWithGoodAck: ({ event }) => flag(event, SYN) && flag(event, ACK),
    /** RFC 9293 §3.10.7.3: after the SYN,ACK, processing continues at the sixth step, FIN included. */
    synAckWithFin: ({ event }) => flag(event, SYN) && flag(event, ACK) && flag(event, FIN),
    unacceptableRst: ({ context: { tcb }, event }) =>
      flag(event, RST) && !acceptable(tcb, seg(event)),
    unacceptable: ({ context: { tcb }, event }) => !acceptable(tcb, seg(event)),
    /** RFC 5961 §3.2: only a RST exactly at RCV.NXT resets the connection. */
    rstExact: ({ context: { tcb }, event }) => flag(event, RST) && seg(event).seq === tcb.rcvNxt,
    passiveSyn: ({ context: { tcb }, event }) => flag(event, SYN) && tcb.passiveOpen,
    passiveRstExact: ({ context: { tcb }, event }) =>
      flag(event, RST) && seg(event).seq === tcb.rcvNxt && tcb.passiveOpen,
    /** Linux: the peer's SYN,ACK during a simultaneous open completes it (tcp_validate_incoming()). */
    simOpenSynAck: ({ context: { tcb }, event }) =>
      tcb.profile.linuxSynReceived &&
      !tcb.passiveOpen &&
      flag(event, SYN) &&
      flag(event, ACK) &&
      !flag(event, RST) &&
      seqAdd(seg(event).seq, 1) === tcb.rcvNxt &&
      seg(event).ack === tcb.sndNxt,
    /** Linux: a retransmitted SYN (same ISN) in SYN_RECEIVED. */
    dupSyn: ({ context: { tcb }, event }) =>
      tcb.profile.linuxSynReceived &&
      flag(event, SYN) &&
      !flag(event, ACK) &&
      !flag(event, RST) &&
      seg(event).seq === tcb.irs,
    ackNotNew: ({ context: { tcb }, event }) => !ackNew(tcb, seg(event)),
    ackOfUnsent: ({ context: { tcb }, event }) => seqGt(seg(event).ack, tcb.sndNxt),
    /** The text step will take the peer's FIN in order (the same function text() applies). */
    completesFin: ({ context: { tcb }, event }) => completesFin(tcb, seg(event)),
    acksFin: ({ context: { tcb }, event }) => acksFin(tcb, seg(event)),
    acksFinAndCompletesFin: ({ context: { tcb }, event }) =>
      acksFin(tcb, seg(event)) && completesFin(tcb, seg(event)),
    /** The retransmission timer has run out of retries in `state` (Linux tcp_write_timeout()). */
    giveUp: ({ context: { tcb } }, p: { state: StateName }) => rtxGiveUp(tcb, p.state),
    forcedRst: ({ event }) => (event as { rst?: boolean }).rst === true,
    dataAfterClose: ({ context: { tcb }, event }) => {
      const s = seg(event);
      return (
        tcb.orphan && s.payload.length > 0 && seqGt(seqAdd(s.seq, s.payload.length), tcb.rcvNxt)
      );
    },
  },
}).createMachine({
  id: 'tcp',
  context: ({ input }) => ({ tcb: initialTcb(input), sent: [] }),
  initial: 'CLOSED',
  states: {
    CLOSED: {
      on: {
        PASSIVE_OPEN: tr('CLOSED/listen', 'listen()', {
          target: 'LISTEN',
          actions: act('passiveOpen'),
        }),
        ACTIVE_OPEN: tr('CLOSED/connect', 'connect() / snd SYN', {
          target: 'SYN_SENT',
          actions: act('activeOpen'),
        }),
        SEGMENT: [
          tr('CLOSED/rcv-rst', 'rcv RST / (drop)', { guard: 'isRst' }),
          tr('CLOSED/rcv-any', 'rcv any / snd RST', { actions: act('rstForAck') }),
        ],
      },
    },
    LISTEN: {
      on: {
        SEGMENT: [
          tr('LISTEN/rcv-rst', 'rcv RST / (ignore)', { guard: 'isRst' }),
          tr('LISTEN/rcv-ack', 'rcv ACK / snd RST', { guard: 'hasAck', actions: act('rstForAck') }),
          tr('LISTEN/rcv-syn', 'rcv SYN / snd SYN,ACK', {
            guard: 'isSyn',
            target: 'SYN_RECEIVED',
            actions: act('listenSyn'),
          }),
        ],
        CLOSE: tr('LISTEN/close', 'close()', {
          target: 'CLOSED',
          actions: act('abort', { rst: false }),
        }),
        ABORT: tr('LISTEN/abort', 'abort', {
          target: 'CLOSED',
          actions: act('abort', { rst: false }),
        }),
      },
    },
    SYN_SENT: {
      on: {
        SEGMENT: [
          tr('SYN_SENT/rcv-bad-ack', 'rcv bad ACK / snd RST', {
            guard: 'badAckSynSent',
            actions: act('rstForAck'),
          }),
          tr('SYN_SENT/rcv-rst-ack', 'rcv RST,ACK / ECONNREFUSED', {
            guard: 'rstWithGoodAck',
            target: 'CLOSED',
            actions: act('reset', { error: 'ECONNREFUSED' }),
          }),
          tr('SYN_SENT/rcv-rst', 'rcv RST without ACK / (drop)', { guard: 'isRst' }),
          tr('SYN_SENT/rcv-syn-ack-fin', 'rcv SYN,ACK,FIN / snd ACK', {
            guard: 'synAckWithFin',
            target: 'CLOSE_WAIT',
            actions: act('synSentEstablish'),
          }),
          tr('SYN_SENT/rcv-syn-ack', 'rcv SYN,ACK / snd ACK', {
            guard: 'synWithGoodAck',
            target: 'ESTABLISHED',
            actions: act('synSentEstablish'),
          }),
          tr('SYN_SENT/rcv-syn', 'rcv SYN / snd SYN,ACK (simultaneous open)', {
            guard: 'isSyn',
            target: 'SYN_RECEIVED',
            actions: act('simultaneousSyn'),
          }),
        ],
        SEND: tr('SYN_SENT/send', 'send() (queued)', { actions: act('send') }),
        RTX_TIMEOUT: [
          tr('SYN_SENT/give-up', 'timeout, retries spent / ETIMEDOUT', {
            guard: { type: 'giveUp', params: { state: 'SYN_SENT' } },
            target: 'CLOSED',
            actions: act('rtxGiveUp'),
          }),
          tr('SYN_SENT/rtx', 'timeout / snd SYN again', {
            actions: act('rtxTimeout', { state: 'SYN_SENT' }),
          }),
        ],
        CLOSE: tr('SYN_SENT/close', 'close()', {
          target: 'CLOSED',
          actions: act('abort', { rst: false }),
        }),
        ABORT: tr('SYN_SENT/abort', 'abort', {
          target: 'CLOSED',
          actions: act('abort', { rst: false }),
        }),
      },
    },
    SYN_RECEIVED: {
      on: {
        SEGMENT: [
          tr('SYN_RECEIVED/rcv-rst-outside', 'rcv RST out of window / (drop)', {
            guard: 'unacceptableRst',
          }),
          tr('SYN_RECEIVED/rcv-syn-ack', 'rcv SYN,ACK (simultaneous open)', {
            guard: 'simOpenSynAck',
            target: 'ESTABLISHED',
            actions: act('process', { from: 'SYN_RECEIVED', then: 'stay' }),
          }),
          tr('SYN_RECEIVED/rcv-syn-again', 'rcv SYN again / snd SYN,ACK', {
            guard: 'dupSyn',
            actions: act('resendSynAck'),
          }),
          tr('SYN_RECEIVED/rcv-unacceptable', 'rcv unacceptable / snd ACK', {
            guard: 'unacceptable',
            actions: act('oowAck', { challenge: false }),
          }),
          tr('SYN_RECEIVED/rcv-rst-passive', 'rcv RST (passive open) / back to LISTEN', {
            guard: 'passiveRstExact',
            target: 'LISTEN',
            actions: act('backToListen'),
          }),
          tr('SYN_RECEIVED/rcv-rst-active', 'rcv RST (active open) / ECONNREFUSED', {
            guard: 'rstExact',
            target: 'CLOSED',
            actions: act('reset', { error: 'ECONNREFUSED' }),
          }),
          tr('SYN_RECEIVED/rcv-rst-in-window', 'rcv RST in window / challenge ACK', {
            guard: 'isRst',
            actions: act('oowAck', { challenge: true }),
          }),
          tr('SYN_RECEIVED/rcv-syn-passive', 'rcv SYN in window (passive open) / back to LISTEN', {
            guard: 'passiveSyn',
            target: 'LISTEN',
            actions: act('backToListen'),
          }),
          tr('SYN_RECEIVED/rcv-syn', 'rcv SYN / challenge ACK', {
            guard: 'isSyn',
            actions: act('oowAck', { challenge: true }),
          }),
          tr('SYN_RECEIVED/rcv-no-ack', 'rcv no ACK / (drop)', { guard: 'noAck' }),
          tr('SYN_RECEIVED/rcv-bad-ack', 'rcv bad ACK / snd RST', {
            guard: 'ackNotNew',
            actions: act('rstForAck'),
          }),
          tr('SYN_RECEIVED/rcv-ack-fin', 'rcv ACK,FIN / snd ACK', {
            guard: 'completesFin',
            target: 'CLOSE_WAIT',
            actions: act('process', { from: 'SYN_RECEIVED', then: 'stay' }),
          }),
          tr('SYN_RECEIVED/rcv-ack', 'rcv ACK of SYN', {
            target: 'ESTABLISHED',
            actions: act('process', { from: 'SYN_RECEIVED', then: 'stay' }),
          }),
        ],
        SEND: tr('SYN_RECEIVED/send', 'send() (queued)', { actions: act('send') }),
        RTX_TIMEOUT: [
          tr('SYN_RECEIVED/give-up', 'timeout, retries spent', {
            guard: { type: 'giveUp', params: { state: 'SYN_RECEIVED' } },
            target: 'CLOSED',
            actions: act('rtxGiveUp'),
          }),
          tr('SYN_RECEIVED/rtx', 'timeout / snd SYN,ACK again', {
            actions: act('rtxTimeout', { state: 'SYN_RECEIVED' }),
          }),
        ],
        CLOSE: tr('SYN_RECEIVED/close', 'close() / snd FIN', {
          target: 'FIN_WAIT_1',
          actions: act('close'),
        }),
        ABORT: abortWithRst('SYN_RECEIVED'),
      },
    },
    ESTABLISHED: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('ESTABLISHED', 'ECONNRESET'),
          tr('ESTABLISHED/rcv-fin', 'rcv FIN / snd ACK', {
            guard: 'completesFin',
            target: 'CLOSE_WAIT',
            actions: act('process', { from: 'ESTABLISHED', then: 'stay' }),
          }),
          tr('ESTABLISHED/rcv', 'rcv data or ACK', {
            actions: act('process', { from: 'ESTABLISHED', then: 'stay' }),
          }),
        ],
        SEND: tr('ESTABLISHED/send', 'send() / snd data', { actions: act('send') }),
        RECEIVE: receive('ESTABLISHED', true),
        CLOSE: tr('ESTABLISHED/close', 'close() / snd FIN', {
          target: 'FIN_WAIT_1',
          actions: act('close'),
        }),
        ABORT: abortWithRst('ESTABLISHED'),
        RTX_TIMEOUT: rtxTimeout('ESTABLISHED'),
        DELACK_TIMEOUT: delayedAck('ESTABLISHED'),
      },
    },
    FIN_WAIT_1: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('FIN_WAIT_1', 'ECONNRESET'),
          dataAfterClose('FIN_WAIT_1'),
          tr('FIN_WAIT_1/rcv-fin-ack', 'rcv FIN,ACK / snd ACK', {
            guard: 'acksFinAndCompletesFin',
            target: 'TIME_WAIT',
            actions: act('process', { from: 'FIN_WAIT_1', then: 'timeWait' }),
          }),
          tr('FIN_WAIT_1/rcv-ack-of-fin', 'rcv ACK of FIN', {
            guard: 'acksFin',
            target: 'FIN_WAIT_2',
            actions: act('process', { from: 'FIN_WAIT_1', then: 'finWait2' }),
          }),
          tr('FIN_WAIT_1/rcv-fin', 'rcv FIN / snd ACK', {
            guard: 'completesFin',
            target: 'CLOSING',
            actions: act('process', { from: 'FIN_WAIT_1', then: 'stay' }),
          }),
          tr('FIN_WAIT_1/rcv', 'rcv data or ACK', {
            actions: act('process', { from: 'FIN_WAIT_1', then: 'stay' }),
          }),
        ],
        RECEIVE: receive('FIN_WAIT_1', true),
        ...letGo('FIN_WAIT_1'),
        ABORT: abortWithRst('FIN_WAIT_1'),
        RTX_TIMEOUT: rtxTimeout('FIN_WAIT_1'),
        DELACK_TIMEOUT: delayedAck('FIN_WAIT_1'),
      },
    },
    FIN_WAIT_2: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('FIN_WAIT_2', 'ECONNRESET'),
          dataAfterClose('FIN_WAIT_2'),
          tr('FIN_WAIT_2/rcv-fin', 'rcv FIN / snd ACK', {
            guard: 'completesFin',
            target: 'TIME_WAIT',
            actions: act('process', { from: 'FIN_WAIT_2', then: 'timeWait' }),
          }),
          tr('FIN_WAIT_2/rcv', 'rcv data or ACK', {
            actions: act('process', { from: 'FIN_WAIT_2', then: 'stay' }),
          }),
        ],
        RECEIVE: receive('FIN_WAIT_2', true),
        ...letGo('FIN_WAIT_2', true),
        ABORT: abortWithRst('FIN_WAIT_2'),
        DELACK_TIMEOUT: delayedAck('FIN_WAIT_2'),
        FIN_WAIT_2_TIMEOUT: tr('FIN_WAIT_2/timeout', 'tcp_fin_timeout (orphaned socket)', {
          target: 'CLOSED',
          actions: act('finWait2Timeout'),
        }),
      },
    },
    CLOSE_WAIT: {
      on: {
        SEGMENT: [
          // Linux tcp_reset(): a RST in CLOSE_WAIT is reported as EPIPE.
          ...synchronizedChecks('CLOSE_WAIT', 'EPIPE'),
          tr('CLOSE_WAIT/rcv', 'rcv ACK', {
            actions: act('process', { from: 'CLOSE_WAIT', then: 'stay' }),
          }),
        ],
        SEND: tr('CLOSE_WAIT/send', 'send() / snd data', { actions: act('send') }),
        RECEIVE: receive('CLOSE_WAIT', false),
        CLOSE: tr('CLOSE_WAIT/close', 'close() / snd FIN', {
          target: 'LAST_ACK',
          actions: act('close'),
        }),
        ABORT: abortWithRst('CLOSE_WAIT'),
        RTX_TIMEOUT: rtxTimeout('CLOSE_WAIT'),
        DELACK_TIMEOUT: delayedAck('CLOSE_WAIT'),
      },
    },
    CLOSING: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('CLOSING', null),
          tr('CLOSING/rcv-ack-of-fin', 'rcv ACK of FIN', {
            guard: 'acksFin',
            target: 'TIME_WAIT',
            actions: act('process', { from: 'CLOSING', then: 'timeWait' }),
          }),
          tr('CLOSING/rcv', 'rcv ACK', {
            actions: act('process', { from: 'CLOSING', then: 'stay' }),
          }),
        ],
        RECEIVE: receive('CLOSING', false),
        ...letGo('CLOSING'),
        ABORT: abortAfterFin('CLOSING'),
        RTX_TIMEOUT: rtxTimeout('CLOSING'),
        DELACK_TIMEOUT: delayedAck('CLOSING'),
      },
    },
    LAST_ACK: {
      on: {
        SEGMENT: [
          ...synchronizedChecks('LAST_ACK', null),
          tr('LAST_ACK/rcv-ack-of-fin', 'rcv ACK of FIN', {
            guard: 'acksFin',
            target: 'CLOSED',
            actions: act('process', { from: 'LAST_ACK', then: 'closed' }),
          }),
          tr('LAST_ACK/rcv', 'rcv ACK', {
            actions: act('process', { from: 'LAST_ACK', then: 'stay' }),
          }),
        ],
        RECEIVE: receive('LAST_ACK', false),
        ...letGo('LAST_ACK'),
        ABORT: abortAfterFin('LAST_ACK'),
        RTX_TIMEOUT: rtxTimeout('LAST_ACK'),
        DELACK_TIMEOUT: delayedAck('LAST_ACK'),
      },
    },
    TIME_WAIT: {
      on: {
        SEGMENT: [
          tr('TIME_WAIT/rcv-fin-again', 'rcv FIN again / snd ACK, restart timer', {
            guard: 'finNotRst',
            actions: act('timeWaitFin'),
          }),
          ...synchronizedChecks('TIME_WAIT', null),
          tr('TIME_WAIT/rcv', 'rcv ACK', {
            actions: act('process', { from: 'TIME_WAIT', then: 'stay' }),
          }),
        ],
        RECEIVE: receive('TIME_WAIT', false),
        ...letGo('TIME_WAIT'),
        ABORT: tr('TIME_WAIT/abort', 'abort', {
          target: 'CLOSED',
          actions: act('abort', { rst: false }),
        }),
        TIME_WAIT_TIMEOUT: tr('TIME_WAIT/timeout', 'TIME_WAIT timer (2MSL; Linux 60 s)', {
          target: 'CLOSED',
          actions: act('timeWaitTimeout'),
        }),
      },
    },
  },
});

// Transitions several states share, written once (each with its own state's id).

/**
 * RFC 9293 §3.10.7.4, first to fifth checks, the same in every synchronized
 * state: sequence number (Table 6), RST (with RFC 5961's exact-match rule), SYN
 * (RFC 5961 challenge ACK), ACK present, ACK not ahead of SND.NXT.
 */
function synchronizedChecks(state: StateName, error: Errno | null) {
  return [
    tr(`${state}/rcv-rst-outside`, 'rcv RST out of window / (drop)', { guard: 'unacceptableRst' }),
    tr(`${state}/rcv-unacceptable`, 'rcv unacceptable / snd ACK', {
      guard: 'unacceptable',
      actions: act('oowAck', { challenge: false }),
    }),
    tr(`${state}/rcv-rst`, error ? `rcv RST / ${error}` : 'rcv RST', {
      guard: 'rstExact',
      target: 'CLOSED',
      actions: act('reset', { error }),
    }),
    tr(`${state}/rcv-rst-in-window`, 'rcv RST in window / challenge ACK', {
      guard: 'isRst',
      actions: act('oowAck', { challenge: true }),
    }),
    tr(`${state}/rcv-syn`, 'rcv SYN / challenge ACK', {
      guard: 'isSyn',
      actions: act('oowAck', { challenge: true }),
    }),
    tr(`${state}/rcv-no-ack`, 'rcv no ACK / (drop)', { guard: 'noAck' }),
    tr(`${state}/rcv-ack-of-unsent`, 'rcv ACK of unsent data / snd ACK', {
      guard: 'ackOfUnsent',
      actions: act('sendAck'),
    }),
  ] as const;
}

/** The retransmission timer in a synchronized state: resend, or give up with ETIMEDOUT. */
function rtxTimeout(state: StateName) {
  return [
    tr(`${state}/give-up`, 'timeout, retries spent / ETIMEDOUT', {
      guard: { type: 'giveUp', params: { state: 'ESTABLISHED' } },
      target: 'CLOSED',
      actions: act('rtxGiveUp'),
    }),
    tr(`${state}/rtx`, 'timeout / retransmit', {
      actions: act('rtxTimeout', { state: 'ESTABLISHED' }),
    }),
  ] as const;
}

/** The delayed-ACK timer: send the ACK that was held back. */
function delayedAck(state: StateName) {
  return tr(`${state}/delayed-ack`, 'delayed-ACK timeout / snd ACK', {
    actions: act('delackTimeout'),
  });
}

/**
 * recv(): while the peer may still send, reading may reopen the window; once
 * its FIN is in (or ours is acknowledged), the window no longer matters.
 */
function receive(state: StateName, update: boolean) {
  return tr(`${state}/recv`, 'recv()', { actions: act('receive', { update }) });
}

/** close() after our FIN is queued: the application lets go of the socket. */
function letGo(state: StateName, finWait2 = false) {
  return {
    CLOSE: tr(`${state}/close`, 'close()', { actions: act('orphan', { finWait2 }) }),
    ORPHAN: tr(`${state}/orphan`, 'close()', { actions: act('orphan', { finWait2 }) }),
  };
}

/** ABORT in a state that still has a connection to reset (RFC 9293 §3.10.5). */
function abortWithRst(state: StateName) {
  return tr(`${state}/abort`, 'abort / snd RST', {
    target: 'CLOSED',
    actions: act('abort', { rst: true }),
  });
}

/**
 * ABORT in CLOSING or LAST_ACK: RFC 9293 just deletes the TCB; Linux's close()
 * with unread data still sends RST (`rst`).
 */
function abortAfterFin(state: StateName) {
  return [
    tr(`${state}/abort-unread`, 'close() with unread data / snd RST', {
      guard: 'forcedRst',
      target: 'CLOSED',
      actions: act('abort', { rst: true }),
    }),
    tr(`${state}/abort`, 'abort', { target: 'CLOSED', actions: act('abort', { rst: false }) }),
  ] as const;
}

/** New data after close(): RST, and the connection ends. */
function dataAfterClose(state: StateName) {
  return tr(`${state}/rcv-data-after-close`, 'rcv data after close() / snd RST', {
    guard: 'dataAfterClose',
    target: 'CLOSED',
    actions: act('abortOnData'),
  });
}

export type TcpActor = ActorRefFrom<typeof tcpMachine>;
export type TcpSnapshot = SnapshotFrom<typeof tcpMachine>;
export const stateOf = (snap: TcpSnapshot): StateName => snap.value;
export type { SegmentEvent };
