import { describe, expect, it } from 'vitest';
import { LINUX, RFC } from './profile';
import {
  backOff,
  currentRto,
  initialRto,
  resetBackoff,
  sampleRtt,
  type RtoLimits,
  type RtoState,
} from './rto';

/** Limits wide enough that clamping never interferes with the formulas. */
const OPEN: RtoLimits = { rtoInitial: 1000, rtoMin: 0, rtoMax: 1e9 };

const samples = (rs: readonly number[], limits: RtoLimits = OPEN): RtoState =>
  rs.reduce((s, r) => sampleRtt(s, r, limits), initialRto(limits));

describe('RFC 6298 §2.1: before any measurement', () => {
  it.each([
    { name: 'linux', limits: LINUX },
    { name: 'rfc', limits: RFC },
  ])('$name: RTO is the initial 1 s, no SRTT, no backoff', ({ limits }) => {
    const s = initialRto(limits);
    expect(s).toEqual({ srtt: undefined, rttvar: undefined, base: 1000, backoff: 0 });
    expect(currentRto(s, limits)).toBe(1000);
  });
});

describe('RFC 6298 §2.2: the first measurement', () => {
  it.each([100, 250, 1000, 7])('R = %i: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR', (r) => {
    const s = samples([r]);
    expect(s.srtt).toBe(r);
    expect(s.rttvar).toBe(r / 2);
    expect(s.base).toBe(r + 4 * (r / 2));
  });
});

describe('RFC 6298 §2.3: later measurements (alpha 1/8, beta 1/4, RTTVAR from the old SRTT)', () => {
  it.each([
    { rs: [100, 200] },
    { rs: [200, 100] },
    { rs: [100, 100, 100] },
    { rs: [80, 120, 400, 60, 90] },
  ])('samples $rs', ({ rs }) => {
    let srtt = rs[0]!;
    let rttvar = rs[0]! / 2;
    for (const r of rs.slice(1)) {
      rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
      srtt = 0.875 * srtt + 0.125 * r;
    }
    const s = samples(rs);
    expect(s.srtt).toBeCloseTo(srtt, 9);
    expect(s.rttvar).toBeCloseTo(rttvar, 9);
    expect(s.base).toBeCloseTo(srtt + 4 * rttvar, 9);
  });

  it('worked example: 100 then 200 ms', () => {
    const s = samples([100, 200]);
    // RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5.
    expect(s.rttvar).toBe(62.5);
    expect(s.srtt).toBe(112.5);
    expect(s.base).toBe(362.5);
  });

  it('steady RTT: RTTVAR decays by 3/4 per sample, SRTT stays', () => {
    const s = samples([100, 100, 100]);
    expect(s.srtt).toBe(100);
    expect(s.rttvar).toBe(50 * 0.75 * 0.75);
  });

  it('clock granularity G = 1 ms: RTO is at least SRTT + G', () => {
    const s = samples([0, 0, 0]);
    expect(s.rttvar).toBe(0);
    expect(s.base).toBe(1);
  });
});

describe('clamping (RFC 6298 §2.4, §2.5; Linux adds rto_min to SRTT)', () => {
  it.each([
    // Linux: SRTT + max(4·RTTVAR, rto_min) = 10 + max(20, 200).
    { name: 'linux', limits: LINUX, r: 10, rto: 210 },
    { name: 'rfc', limits: RFC, r: 10, rto: 1000 },
    { name: 'linux', limits: LINUX, r: 100, rto: 300 },
    { name: 'rfc', limits: RFC, r: 100, rto: 1000 },
    { name: 'rfc', limits: RFC, r: 500, rto: 1500 },
    { name: 'linux', limits: LINUX, r: 60_000, rto: 120_000 },
    { name: 'rfc', limits: RFC, r: 60_000, rto: 120_000 },
  ])('$name, R = $r ms → RTO $rto ms', ({ limits, r, rto }) => {
    const s = sampleRtt(initialRto(limits), r, limits);
    expect(s.base).toBe(rto);
    expect(currentRto(s, limits)).toBe(rto);
  });

  it('linux keeps SRTT + rto_min once the RTT settles; RFC 6298 falls to rto_min', () => {
    const steady = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
    const linux = samples(steady, LINUX);
    expect(linux.base).toBe(100 + 200);
    const rfcLike = samples(steady, { ...LINUX, rtoMinOnVariance: false });
    expect(rfcLike.base).toBeLessThan(300);
    expect(rfcLike.base).toBeGreaterThanOrEqual(200);
  });

  it('the clamp applies to RTO, not to the estimator', () => {
    const s = sampleRtt(initialRto(RFC), 10, RFC);
    expect(s.srtt).toBe(10);
    expect(s.rttvar).toBe(5);
  });
});

describe('backoff (RFC 6298 §5.5)', () => {
  it('doubles the timeout once per expiry', () => {
    let s = initialRto(RFC);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(currentRto(s, RFC));
      s = backOff(s);
    }
    expect(seen).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000]);
    expect(s.backoff).toBe(6);
    // The base is untouched; only the multiplier grows.
    expect(s.base).toBe(1000);
  });

  it('is capped at the maximum RTO (§2.5)', () => {
    let s = initialRto(LINUX);
    for (let i = 0; i < 7; i++) s = backOff(s);
    expect(currentRto(s, LINUX)).toBe(120_000); // 1 s · 2^7 = 128 s → 120 s
    for (let i = 0; i < 30; i++) s = backOff(s);
    expect(currentRto(s, LINUX)).toBe(120_000);
  });

  it('resetBackoff returns to the base, keeping the estimator', () => {
    const s = backOff(backOff(samples([300], LINUX)));
    expect(currentRto(s, LINUX)).toBe(4 * 900);
    const r = resetBackoff(s);
    expect(r.backoff).toBe(0);
    expect(r.srtt).toBe(300);
    expect(currentRto(r, LINUX)).toBe(900);
    // Nothing to reset: the same state back.
    expect(resetBackoff(r)).toBe(r);
  });

  it('a sample keeps the backoff count; the caller decides when it ends', () => {
    const s = sampleRtt(backOff(initialRto(RFC)), 100, RFC);
    expect(s.backoff).toBe(1);
  });

  it('the state is immutable', () => {
    const s = initialRto(RFC);
    const b = backOff(s);
    sampleRtt(s, 50, RFC);
    expect(s).toEqual({ srtt: undefined, rttvar: undefined, base: 1000, backoff: 0 });
    expect(b).not.toBe(s);
  });
});
