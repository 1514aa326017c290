/**
 * The discrete-event scheduler: the single owner of virtual time.
 *
 * Events are ordered by (time, insertion order), so two events at the same
 * instant run in the order they were scheduled. Link deliveries, socket calls
 * and XState's delayed events (through `clock`) all share this one queue, which
 * is what makes a run deterministic.
 */

/** The clock interface XState's actors accept (`createActor(logic, { clock })`). */
export interface Clock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

interface Entry {
  time: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

export type TimerId = number;

export class Scheduler {
  /** Virtual time, in milliseconds since the start of the run. */
  now = 0;
  private heap: Entry[] = [];
  private order = 0;
  private live = new Map<TimerId, Entry>();

  /** XState's view of this scheduler: delays run in virtual time. */
  readonly clock: Clock = {
    setTimeout: (fn: (...args: unknown[]) => void, timeout: number) => this.after(timeout, fn),
    clearTimeout: (id: unknown) => this.cancel(id as TimerId),
  };

  /** Run `fn` `delay` ms from now. */
  after(delay: number, fn: () => void): TimerId {
    return this.at(this.now + Math.max(0, delay), fn);
  }

  /** Run `fn` at virtual time `time` (never earlier than now). */
  at(time: number, fn: () => void): TimerId {
    const id = ++this.order;
    const entry: Entry = { time: Math.max(time, this.now), order: id, fn, cancelled: false };
    this.live.set(id, entry);
    this.push(entry);
    return id;
  }

  cancel(id: TimerId): void {
    const e = this.live.get(id);
    if (e) {
      e.cancelled = true;
      this.live.delete(id);
    }
  }

  /** Time of the next pending event, or undefined when nothing is left to happen. */
  peekTime(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.time;
  }

  /** Number of events still pending. */
  get pending(): number {
    return this.live.size;
  }

  /** Run the next event; false when the queue is empty. */
  step(): boolean {
    this.dropCancelled();
    const e = this.pop();
    if (!e) return false;
    this.live.delete(e.order);
    this.now = e.time;
    e.fn();
    return true;
  }

  /** Run every event up to and including time `t`, then set the clock to `t`. */
  runUntil(t: number): void {
    for (;;) {
      const next = this.peekTime();
      if (next === undefined || next > t) break;
      this.step();
    }
    if (t > this.now) this.now = t;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
