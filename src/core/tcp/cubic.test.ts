/**
 * CUBIC's window function (RFC 9438 §4), driven directly on a TCB draft: after
 * a loss at W_max the window is cut to β·W_max, grows back concave to W_max at
 * K = ∛(W_max·(1−β)/C) seconds, then convex beyond; fast convergence lowers
 * W_max when a loss comes below the previous one; the Reno-friendly estimate
 * wins when CUBIC alone would grow slower than Reno.
 */
import { describe, expect, it } from 'vitest';
import { CUBIC_BETA, CUBIC_C, enterRecovery, exitRecovery, grow } from './congestion';
import { makeProfile } from './profile';
import { draft, initialTcb, type Draft } from './tcb';

const MSS = 1000;

function sender(profile: 'rfc' | 'linux', segments: number): Draft {
  const d = draft(
    initialTcb({ profile: makeProfile(profile, { cc: 'cubic' }), local: { ip: 1, port: 1 } }),
  );
  d.sndMss = MSS;
  d.cwnd = segments * MSS;
  d.ssthresh = 1; // congestion avoidance
  d.ccPhase = 'avoidance';
  d.cwndLimited = true;
  d.minRtt = 100;
  d.sndUna = 0;
  d.sndNxt = segments * MSS;
  return d;
}

/** Run `seconds` of ACKs, one per segment of the window each 100 ms round trip; the window after each second. */
function ackFor(d: Draft, seconds: number): number[] {
  const out: number[] = [];
  const rounds = seconds * 10;
  for (let r = 0; r < rounds; r++) {
    d.now += 100;
    const w = Math.floor(d.cwnd / MSS);
    for (let k = 0; k < w; k++) grow(d, MSS, 1, d.cwnd);
    if ((r + 1) % 10 === 0) out.push(d.cwnd / MSS);
  }
  return out;
}

describe('CUBIC (RFC 9438)', () => {
  it('cuts the window to β·W_max and regains W_max about K seconds later', () => {
    const d = sender('rfc', 100);
    d.now = 1000;
    enterRecovery(d);
    expect(d.ssthresh).toBeCloseTo(CUBIC_BETA * 100 * MSS, 6);
    exitRecovery(d);
    expect(d.cwnd / MSS).toBeCloseTo(70, 6);
    const K = Math.cbrt((100 * (1 - CUBIC_BETA)) / CUBIC_C); // ≈ 4.2 s
    const w = ackFor(d, 8);
    // Concave: fast at first, slowing as it nears W_max.
    expect(w[0]! - 70).toBeGreaterThan(w[2]! - w[1]!);
    // Near W_max around K (within a round trip or two of growth), above it later.
    const at = Math.round(K) - 1;
    expect(w[at]!).toBeGreaterThan(97);
    expect(w[at]!).toBeLessThan(103);
    expect(w[7]!).toBeGreaterThan(w[at]! + 2);
  });

  it('fast convergence: a loss below the last W_max remembers less than the window (§4.7)', () => {
    const d = sender('rfc', 100);
    enterRecovery(d);
    exitRecovery(d);
    // A second loss at 80 segments, below W_max = 100.
    d.cwnd = 80 * MSS;
    d.sndNxt = d.sndUna + 80 * MSS;
    enterRecovery(d);
    expect(d.cubicWMax).toBeCloseTo((80 * (1 + CUBIC_BETA)) / 2, 6);
  });

  it('linux: whole packets, ssthresh = max(cwnd·717/1024, 2)', () => {
    const d = sender('linux', 100);
    enterRecovery(d);
    expect(d.ssthresh).toBe(Math.floor((100 * 717) / 1024) * MSS);
    exitRecovery(d);
    ackFor(d, 2);
    expect(Number.isInteger(d.cwnd / MSS)).toBe(true);
  });

  it('the Reno-friendly estimate wins when CUBIC would grow slower than Reno (§4.3)', () => {
    // A small window: W_cubic's growth is slow far from the epoch's start (its plateau
    // around K), while Reno adds about α segments a round trip.
    const d = sender('rfc', 10);
    enterRecovery(d);
    exitRecovery(d);
    const w = ackFor(d, 3);
    // 30 round trips of Reno at α ≈ 0.53 a round trip add about 16 segments from 7.
    expect(w[2]!).toBeGreaterThan(7 + 10);
  });
});
