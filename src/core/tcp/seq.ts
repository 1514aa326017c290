/**
 * 32-bit sequence-number arithmetic (RFC 9293 §3.4).
 *
 * Sequence numbers live on a circle of 2^32 values, so every comparison is
 * modular: `a` is "less than" `b` when the signed 32-bit distance b - a is
 * positive. All values handled here are unsigned integers in [0, 2^32).
 */

/** a + n, wrapped to 32 bits. */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;

/** Signed distance a - b on the 2^32 circle, in [-2^31, 2^31). */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;

export const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
export const seqLe = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
export const seqGt = (a: number, b: number): boolean => ((a - b) | 0) > 0;
export const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;

/** lo <= x < hi, modulo 2^32 (an empty range when lo == hi). */
export const seqInRange = (x: number, lo: number, hi: number): boolean =>
  (x - lo) >>> 0 < (hi - lo) >>> 0;

/** The larger of two sequence numbers, modulo 2^32. */
export const seqMax = (a: number, b: number): number => (seqGe(a, b) ? a : b);
