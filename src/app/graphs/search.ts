/**
 * Binary search on sorted times. Every series of the graphs is kept in time
 * order (a trace only grows), so the part of a run in view is found in
 * O(log n) and a frame's work is proportional to what it shows.
 */

/** Arrays the searches read: plain arrays or typed ones. */
export type Sorted = ArrayLike<number>;

/** First index i in [lo, hi) with a[i] >= x (hi when none). */
export function lowerBound(a: Sorted, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in [lo, hi) with a[i] > x (hi when none). */
export function upperBound(a: Sorted, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indices [lo, hi) of the samples a step series needs to draw [t0, t1]:
 * those inside it, and the last one before it (its value holds at t0).
 */
export function stepRange(a: Sorted, t0: number, t1: number): [number, number] {
  const lo = Math.max(0, upperBound(a, t0) - 1);
  return [lo, Math.max(lo, upperBound(a, t1))];
}
