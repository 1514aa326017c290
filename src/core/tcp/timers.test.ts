import { describe, expect, it } from 'vitest';
import { Scheduler } from '../sim/scheduler';
import { NO_TIMERS, type TimerName, type Timers } from './tcb';
import { MachineTimers } from './timers';

/** A machine stand-in: its deadlines, and what it does when a timer fires. */
function harness(onFire: (name: TimerName, now: number) => Timers | null) {
  const sched = new Scheduler();
  let timers: Timers = NO_TIMERS;
  const fired: string[] = [];
  const driver: MachineTimers = new MachineTimers(sched, (name) => {
    fired.push(`${name}@${sched.now}`);
    const next = onFire(name, sched.now);
    if (next) {
      timers = next;
      driver.sync(timers);
    }
  });
  const set = (t: Timers): void => {
    timers = t;
    driver.sync(t);
  };
  return { sched, fired, set, driver };
}

describe('MachineTimers', () => {
  it('a deadline that moves is scheduled again, one that stops is cancelled', () => {
    const h = harness(() => ({ ...NO_TIMERS }));
    h.set({ ...NO_TIMERS, rtx: 100, delack: 40 });
    h.set({ ...NO_TIMERS, rtx: 300, delack: null });
    h.sched.runUntil(1000);
    expect(h.fired).toEqual(['rtx@300']);
  });

  it('a timer re-armed at the very deadline it fired at fires again (an RTO of 0 does not stall)', () => {
    let n = 0;
    const h = harness((_name, now) => (++n < 3 ? { ...NO_TIMERS, rtx: now } : { ...NO_TIMERS }));
    h.set({ ...NO_TIMERS, rtx: 50 });
    h.sched.runUntil(1000);
    expect(h.fired).toEqual(['rtx@50', 'rtx@50', 'rtx@50']);
  });

  it('a timeout the machine ignores is spent: it is not raised again until its deadline changes', () => {
    const h = harness(() => null); // no transition for it: the deadline stays as it was
    h.set({ ...NO_TIMERS, delack: 20 });
    h.sched.runUntil(1000);
    expect(h.fired).toEqual(['delack@20']);
    h.set({ ...NO_TIMERS, delack: 20, rtx: 2000 }); // the same spent deadline, another timer moves
    h.sched.runUntil(1500);
    expect(h.fired).toEqual(['delack@20']);
    h.set({ ...NO_TIMERS, delack: 1600, rtx: 2000 });
    h.sched.runUntil(3000);
    expect(h.fired).toEqual(['delack@20', 'delack@1600', 'rtx@2000']);
  });

  it('stop cancels everything', () => {
    const h = harness(() => ({ ...NO_TIMERS }));
    h.set({ ...NO_TIMERS, rtx: 10, timeWait: 60_000 });
    h.driver.stop();
    h.sched.runUntil(100_000);
    expect(h.fired).toEqual([]);
  });
});
