/**
 * Records of a trace by kind and side, with their times, built incrementally:
 * the trace only grows (a fork or a reset makes a new one), so each look-up
 * reads just the records added since the last, and a question about the
 * cursor is a binary search instead of a scan of the run (which, at 100,000
 * segments, cost panels a few milliseconds every frame).
 */
import type { Side } from '../core';

interface Timed {
  readonly kind: string;
  readonly t: number;
}

/** One kind and side of record, in trace (time) order. */
export interface TimedList<R> {
  readonly recs: readonly R[];
  /** recs[i].t, sorted ascending. */
  readonly t: readonly number[];
}

class RecordIndex {
  processed = 0;
  readonly lists = new Map<string, { recs: Timed[]; t: number[] }>();
  constructor(readonly records: readonly Timed[]) {}

  update(): this {
    const recs = this.records;
    for (let i = this.processed; i < recs.length; i++) {
      const r = recs[i]!;
      const side = (r as { side?: unknown }).side;
      if (r.kind !== 'state' && r.kind !== 'call') continue;
      const key = `${r.kind}|${typeof side === 'string' ? side : ''}`;
      let l = this.lists.get(key);
      if (!l) this.lists.set(key, (l = { recs: [], t: [] }));
      l.recs.push(r);
      l.t.push(r.t);
    }
    this.processed = recs.length;
    return this;
  }
}

const cache = new WeakMap<readonly Timed[], RecordIndex>();
const EMPTY: TimedList<never> = { recs: [], t: [] };

/** The state or call records of one side, from the (cached, brought up to date) index of `records`. */
export function recordsOf<R>(
  records: readonly Timed[],
  kind: 'state' | 'call',
  side: Side,
): TimedList<R> {
  let idx = cache.get(records);
  // A trace only grows; one that shrank is not the one indexed.
  if (!idx || idx.processed > records.length) {
    idx = new RecordIndex(records);
    cache.set(records, idx);
  }
  return (idx.update().lists.get(`${kind}|${side}`) ?? EMPTY) as TimedList<R>;
}

/** Number of items of the sorted `a` that are <= x. */
export function countAtOrBefore(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
