import { describe, expect, it } from 'vitest';
import { ACKED_SHARE, stripParts, windowStrip, type StripTcb } from './window-strip';

const ISS = 4_294_967_000; // close to 2^32: relative numbers wrap correctly
const at = (n: number) => (ISS + n) >>> 0;
const tcb = (o: Partial<StripTcb> = {}): StripTcb => ({
  iss: ISS,
  sndUna: at(1001),
  sndNxt: at(5001),
  sndWnd: 10_000,
  cwnd: 6000,
  sndWritten: 20_000,
  sacked: [],
  ...o,
});

describe('the send-window strip', () => {
  it('cuts sequence space into acknowledged, in flight, usable and beyond, relative to the ISS', () => {
    const s = windowStrip(tcb());
    expect(s).toMatchObject({
      una: 1001,
      nxt: 5001,
      inFlight: 4000,
      window: 6000,
      cwndLimits: true,
      edge: 7001,
      usable: 2000,
      written: 20_001,
      unsent: 15_000,
      sackedBytes: 0,
    });
  });

  it('usable = min(SND.WND, cwnd) − in flight, never below zero', () => {
    expect(windowStrip(tcb({ sndWnd: 3000 })).usable).toBe(0);
    expect(windowStrip(tcb({ sndWnd: 3000 })).cwndLimits).toBe(false);
    expect(windowStrip(tcb({ cwnd: 100_000 })).usable).toBe(6000);
    // No congestion window yet (before ESTABLISHED): the peer's window alone.
    expect(windowStrip(tcb({ cwnd: 0 })).window).toBe(10_000);
  });

  it('keeps SACKed ranges inside what is in flight', () => {
    const s = windowStrip(
      tcb({
        sacked: [
          { start: at(2001), end: at(3001) },
          { start: at(4501), end: at(9000) },
        ],
      }),
    );
    expect(s.sacked).toEqual([
      { start: 2001, end: 3001 },
      { start: 4501, end: 5001 },
    ]);
    expect(s.sackedBytes).toBe(1500);
  });

  it('lays the parts out left to right, filling the strip', () => {
    const { parts, x } = stripParts(windowStrip(tcb()));
    expect(parts.map((p) => p.kind)).toEqual(['acked', 'inflight', 'usable', 'beyond']);
    expect(parts[0]!.x).toBe(0);
    expect(parts[0]!.w).toBeCloseTo(ACKED_SHARE);
    for (let i = 1; i < parts.length; i++)
      expect(parts[i]!.x).toBeCloseTo(parts[i - 1]!.x + parts[i - 1]!.w);
    const last = parts[parts.length - 1]!;
    expect(last.x + last.w).toBeCloseTo(1);
    expect(x(5001)).toBeCloseTo(parts[2]!.x);
    // The written data reaches past the window: the strip extends to it.
    expect(last.end).toBe(20_001);
  });

  it('a window smaller than what is in flight leaves no usable part', () => {
    const { parts } = stripParts(windowStrip(tcb({ sndWnd: 1000 })));
    expect(parts.find((p) => p.kind === 'usable')!.w).toBe(0);
  });
});
