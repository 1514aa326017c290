/**
 * A connection's history, kept small: the events its machine took, each with
 * its instant, and a snapshot every `CHECKPOINT_EVERY` events. The state at any
 * instant is the nearest checkpoint before it with the events after it replayed
 * through XState's pure `transition()`: at most CHECKPOINT_EVERY - 1 steps.
 *
 * Replay is exact because a machine's every input is an event it was sent
 * (timers included: their deadlines are in the TCB), its handlers are pure,
 * and the byte stores it shares with its snapshots are written by offset.
 */
import { transition } from 'xstate';
import { tcpMachine, type TcpEvent, type TcpSnapshot } from '../tcp/endpoint-machine';

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
    let snap = this.checkpoints[j]!;
    for (let i = j * CHECKPOINT_EVERY; i < lo; i++)
      snap = transition(tcpMachine, snap, this.events[i]!)[0];
    return snap;
  }
}
