/**
 * A connection's history, kept small: the events its machine took, each with
 * its instant, and a snapshot every `CHECKPOINT_EVERY` events. The state at any
 * instant is the nearest checkpoint before it with the events after it replayed
 * by an actor restored from that checkpoint: at most CHECKPOINT_EVERY - 1
 * steps. (XState's `transition()` would do the same, but builds a new actor
 * system for every step.) Nothing listens to the replaying actor, so what it
 * sends goes nowhere.
 *
 * Replay is exact because a machine's every input is an event it was sent
 * (timers included: their deadlines are in the TCB), its handlers are pure,
 * and the byte stores it shares with its snapshots are written by offset.
 */
import { createActor } from 'xstate';
import { tcpMachine, type TcpEvent, type TcpSnapshot } from '../tcp/endpoint-machine';
import type { TcbInput } from '../tcp/tcb';

export const CHECKPOINT_EVERY = 32;

export class ConnHistory {
  private readonly times: number[] = [];
  private readonly events: TcpEvent[] = [];
  /** checkpoints[j]: the snapshot after the first j * CHECKPOINT_EVERY events. */
  private readonly checkpoints: TcpSnapshot[];

  constructor(
    /** When the connection was made. */
    readonly start: number,
    initial: TcpSnapshot,
    /** What the machine was started with (a restored actor takes its snapshot instead). */
    private readonly input: TcbInput,
  ) {
    this.checkpoints = [initial];
  }

  /** Events recorded so far. */
  get length(): number {
    return this.events.length;
  }

  /** The machine took `event` at `t` and went to `after`. */
  record(t: number, event: TcpEvent, after: TcpSnapshot): void {
    this.times.push(t);
    this.events.push(event);
    if (this.events.length % CHECKPOINT_EVERY === 0) this.checkpoints.push(after);
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
    const snap = this.checkpoints[j]!;
    const first = j * CHECKPOINT_EVERY;
    if (first === lo) return snap;
    const replay = createActor(tcpMachine, { snapshot: snap, input: this.input });
    replay.start();
    for (let i = first; i < lo; i++) replay.send(this.events[i]!);
    const at = replay.getSnapshot();
    replay.stop();
    return at;
  }
}
