import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('runs events by time, and by insertion order at the same time', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.at(30, () => ran.push('c30'));
    s.at(10, () => ran.push('a10'));
    s.at(20, () => ran.push('b20-1'));
    s.at(20, () => ran.push('b20-2'));
    s.at(10, () => ran.push('a10-2'));
    s.at(20, () => ran.push('b20-3'));
    s.runUntil(100);
    expect(ran).toEqual(['a10', 'a10-2', 'b20-1', 'b20-2', 'b20-3', 'c30']);
  });

  it('keeps insertion order among many simultaneous events (heap stability)', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    for (let i = 0; i < 200; i++) s.at(i % 3 === 0 ? 5 : 7, () => ran.push(i));
    s.runUntil(10);
    const fives = [...Array(200).keys()].filter((i) => i % 3 === 0);
    const sevens = [...Array(200).keys()].filter((i) => i % 3 !== 0);
    expect(ran).toEqual([...fives, ...sevens]);
  });

  it('sets the clock to each event time while it runs', () => {
    const s = new Scheduler();
    const times: number[] = [];
    s.after(15, () => times.push(s.now));
    s.after(5, () => times.push(s.now));
    s.runUntil(100);
    expect(times).toEqual([5, 15]);
    expect(s.now).toBe(100);
  });

  it('after() is relative to now; negative delays and past times run now, never earlier', () => {
    const s = new Scheduler();
    s.runUntil(50);
    const times: number[] = [];
    s.after(10, () => times.push(s.now));
    s.after(-5, () => times.push(s.now));
    s.at(20, () => times.push(s.now));
    expect(s.peekTime()).toBe(50);
    s.runUntil(100);
    expect(times).toEqual([50, 50, 60]);
  });

  it('a cancelled event never runs and is not counted', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const a = s.at(10, () => ran.push('a'));
    s.at(20, () => ran.push('b'));
    expect(s.pending).toBe(2);
    s.cancel(a);
    expect(s.pending).toBe(1);
    expect(s.peekTime()).toBe(20);
    s.runUntil(100);
    expect(ran).toEqual(['b']);
    // Cancelling again, or an id that already ran, is harmless.
    s.cancel(a);
    s.cancel(12345);
    expect(s.pending).toBe(0);
  });

  it('an event can cancel a later one at the same time', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    let second = 0;
    s.at(10, () => {
      ran.push('first');
      s.cancel(second);
    });
    second = s.at(10, () => ran.push('second'));
    s.runUntil(10);
    expect(ran).toEqual(['first']);
  });

  it('runUntil(t) runs events at exactly t, leaves later ones, and sets the clock to t', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    s.at(10, () => ran.push(10));
    s.at(20, () => ran.push(20));
    s.at(21, () => ran.push(21));
    s.runUntil(20);
    expect(ran).toEqual([10, 20]);
    expect(s.now).toBe(20);
    expect(s.pending).toBe(1);
    expect(s.peekTime()).toBe(21);
  });

  it('runUntil never moves the clock backwards', () => {
    const s = new Scheduler();
    s.runUntil(100);
    s.runUntil(40);
    expect(s.now).toBe(100);
  });

  it('an event scheduled from a callback for the same instant runs after those already queued', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.at(10, () => {
      ran.push('a');
      s.after(0, () => ran.push('a-child'));
    });
    s.at(10, () => ran.push('b'));
    s.at(10, () => ran.push('c'));
    s.runUntil(10);
    expect(ran).toEqual(['a', 'b', 'c', 'a-child']);
  });

  it('an event scheduled from a callback within the runUntil horizon runs in the same call', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    s.at(10, () => s.after(5, () => ran.push(s.now)));
    s.at(10, () => s.after(50, () => ran.push(s.now)));
    s.runUntil(20);
    expect(ran).toEqual([15]);
    s.runUntil(60);
    expect(ran).toEqual([15, 60]);
  });

  it('step() runs one event at a time; false when nothing is left', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    s.at(1, () => ran.push(1));
    s.at(2, () => ran.push(2));
    expect(s.step()).toBe(true);
    expect(ran).toEqual([1]);
    expect(s.now).toBe(1);
    expect(s.step()).toBe(true);
    expect(s.step()).toBe(false);
    expect(ran).toEqual([1, 2]);
    expect(s.peekTime()).toBeUndefined();
  });

  it('step() skips cancelled events at the head of the queue', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    const a = s.at(1, () => ran.push(1));
    s.at(2, () => ran.push(2));
    s.cancel(a);
    expect(s.step()).toBe(true);
    expect(ran).toEqual([2]);
    expect(s.now).toBe(2);
  });

  it('clock: the XState-facing setTimeout/clearTimeout run in virtual time', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    const id = s.clock.setTimeout(() => ran.push(s.now), 30);
    s.clock.setTimeout(() => ran.push(s.now), 10);
    s.clock.clearTimeout(id);
    s.runUntil(1000);
    expect(ran).toEqual([10]);
  });

  it('ordering holds for a large random-looking workload', () => {
    const s = new Scheduler();
    const ran: [number, number][] = [];
    for (let i = 0; i < 500; i++) {
      const t = (i * 7919) % 97;
      s.at(t, () => ran.push([t, i]));
    }
    s.runUntil(1000);
    expect(ran.length).toBe(500);
    for (let k = 1; k < ran.length; k++) {
      const [t0, i0] = ran[k - 1]!;
      const [t1, i1] = ran[k]!;
      expect(t0 < t1 || (t0 === t1 && i0 < i1)).toBe(true);
    }
  });
});
