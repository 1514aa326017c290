/**
 * Running a machine's timers on a discrete-event clock.
 *
 * A TCB holds each timer as a deadline (`tcb.timers`). After every step the
 * runner calls `sync`, which keeps exactly one clock entry per armed timer:
 * a deadline that moved is cancelled and scheduled again, one that was
 * stopped is cancelled. When an entry comes due, the timer's event
 * (`TIMEOUT_EVENTS`) is sent to the machine.
 *
 * Syncing after the step, as the machine's own delayed events would be
 * scheduled after the segments it emitted, keeps the order of events at one
 * instant the same. A timer that fired is no longer scheduled, so a handler
 * that arms it again at the very same deadline (an RTO of 0) schedules it
 * again: re-arming never depends on the deadline changing.
 */
import { TIMER_NAMES, type TimerName, type Timers } from './tcb';

/** The part of the scheduler this needs. */
export interface TimerClock {
  at(time: number, fn: () => void): number;
  cancel(id: number): void;
}

export class MachineTimers {
  /** The clock entry and deadline of each timer as scheduled. */
  private readonly ids: Record<TimerName, number | null> = {
    rtx: null,
    delack: null,
    finWait2: null,
    timeWait: null,
  };
  private readonly due: Record<TimerName, number | null> = {
    rtx: null,
    delack: null,
    finWait2: null,
    timeWait: null,
  };
  private readonly callbacks: Record<TimerName, () => void>;
  private last: Timers | null = null;

  constructor(
    private readonly clock: TimerClock,
    /** Raise timer `name` (send its event to the machine). */
    expire: (name: TimerName) => void,
  ) {
    const cb = (name: TimerName) => () => {
      this.ids[name] = null;
      const spent = this.due[name];
      const before = this.last;
      // Forget it, so that a handler arming it again at the same deadline schedules it.
      this.due[name] = null;
      this.firing = before;
      expire(name);
      if (this.firing !== undefined) {
        // The machine did not take the timeout (no transition for it in this state):
        // the timer is spent, as a delayed event that nobody handles; it stays
        // unscheduled until its deadline changes.
        this.due[name] = spent;
        this.last = before;
        this.firing = undefined;
      }
    };
    this.callbacks = {
      rtx: cb('rtx'),
      delack: cb('delack'),
      finWait2: cb('finWait2'),
      timeWait: cb('timeWait'),
    };
  }

  /** While a timer's event is being handled: the deadlines before it fired. */
  private firing: Timers | null | undefined = undefined;

  /** Make the clock's entries match the machine's deadlines (call after every step). */
  sync(timers: Timers): void {
    if (this.firing !== undefined) {
      const unchanged = timers === this.firing;
      if (unchanged) return; // handled by the timer's callback
      this.firing = undefined;
    } else if (timers === this.last) return; // the record is replaced whenever a deadline changes
    this.last = timers;
    for (const name of TIMER_NAMES) {
      const d = timers[name];
      if (d === this.due[name]) continue;
      const id = this.ids[name];
      if (id !== null) this.clock.cancel(id);
      this.due[name] = d;
      this.ids[name] = d === null ? null : this.clock.at(d, this.callbacks[name]);
    }
  }

  /** Cancel every entry (the machine has stopped). */
  stop(): void {
    for (const name of TIMER_NAMES) {
      const id = this.ids[name];
      if (id !== null) this.clock.cancel(id);
      this.ids[name] = null;
      this.due[name] = null;
    }
    this.last = null;
  }
}
