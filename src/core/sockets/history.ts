/**
 * A connection's history, kept small: the events its machine took, each with
 * its instant, and a snapshot every `CHECKPOINT_EVERY` events. The state at any
 * instant is the nearest checkpoint before it with the events after it replayed
 * through the machine's pure transition: at most CHECKPOINT_EVERY - 1 steps.
 * The actor scope it needs is an inert one made once, where actions that
 * would have effects (the emit of what a step sent) do nothing. (XState's
 * `transition()` builds a new actor and system for every step, and restoring
 * an actor from a snapshot walks the whole context, byte stores included.)
 *
 * Replay is exact because a machine's every input is an event it was sent
 * (timers included: their deadlines are in the TCB), its handlers are pure,
 * and the byte stores it shares with its snapshots are written by offset.
 */
import { createActor } from 'xstate';
import {
  tcpMachine,
  type EndpointContext,
  type TcpEvent,
  type TcpSnapshot,
} from '../tcp/endpoint-machine';
import type { Segment } from '../tcp/segment';
import type { TcbInput } from '../tcp/tcb';

export const CHECKPOINT_EVERY = 32;

export class ConnHistory {
  private readonly times: number[] = [];
  /**
   * The events, a segment's arrival as the id of the segment in the trace (a
   * number, rebuilt by `segmentOf` when replayed): a run's history then keeps no
   * segment objects of its own.
   */
  private readonly events: (TcpEvent | number)[] = [];
  /** checkpoints[j]: the snapshot after the first j * CHECKPOINT_EVERY events. */
  private readonly checkpoints: TcpSnapshot[];

  constructor(
    /** When the connection was made. */
    readonly start: number,
    initial: TcpSnapshot,
    /** What the machine was started with (a restored actor takes its snapshot instead). */
    private readonly input: TcbInput,
    /** The segment the trace holds under an id. */
    private readonly segmentOf: ((id: number) => Segment) | null = null,
  ) {
    this.checkpoints = [initial];
  }

  private scope: ActorScopeOf | null = null;

  /** Events recorded so far. */
  get length(): number {
    return this.events.length;
  }

  /**
   * The machine took `event` at `t` and went to `after`; `segmentId`: the event
   * is the arrival (at `t`) of that segment of the trace.
   */
  record(t: number, event: TcpEvent, after: TcpSnapshot, segmentId?: number): void {
    this.times.push(t);
    this.events.push(
      segmentId !== undefined && this.segmentOf && event.type === 'SEGMENT' && event.now === t
        ? segmentId
        : event,
    );
    if (this.events.length % CHECKPOINT_EVERY === 0) this.checkpoints.push(kept(after));
  }

  /** The snapshot after every event at or before `t`; undefined before the connection existed. */
  at(t: number): TcpSnapshot | undefined {
    if (t < this.start) return undefined;
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const j = Math.floor(lo / CHECKPOINT_EVERY);
    let snap = this.checkpoints[j]!;
    const scope = this.scope ?? (this.scope = inertScope(this.input));
    for (let i = j * CHECKPOINT_EVERY; i < lo; i++) {
      const e = this.events[i]!;
      const event: TcpEvent =
        typeof e === 'number'
          ? { type: 'SEGMENT', now: this.times[i]!, seg: this.segmentOf!(e) }
          : e;
      snap = tcpMachine.transition(snap, event, scope);
    }
    return snap;
  }
}

type ActorScopeOf = Parameters<typeof tcpMachine.transition>[2];

const NOTHING_SENT: EndpointContext['sent'] = [];

/**
 * A snapshot as a checkpoint keeps it: without the segments its step sent
 * (the trace has them; a replayed step makes its own), which would otherwise
 * be the only copies of those segment objects left.
 */
function kept(s: TcpSnapshot): TcpSnapshot {
  if (s.context.sent.length === 0) return s;
  return { ...s, context: { tcb: s.context.tcb, sent: NOTHING_SENT } };
}

/** An actor scope in which replayed steps change nothing outside the snapshot. */
function inertScope(input: TcbInput): ActorScopeOf {
  const self = createActor(tcpMachine, { input });
  const scope = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    system: self.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  };
  return scope;
}
