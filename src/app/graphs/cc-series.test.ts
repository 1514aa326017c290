import { describe, expect, it } from 'vitest';
import { Trace, type CcSample } from '../../core';
import { CcIndex, ccIndexFor, hasQueue, phaseBands } from './cc-series';

const sample = (t: number, phase: CcSample['phase'], conn = 'client:1'): CcSample => ({
  t,
  conn,
  side: 'client',
  cwnd: 14480 + t,
  ssthresh: t > 20 ? 20000 : null,
  flight: 1000,
  srtt: t > 0 ? 100 : null,
  rto: 300,
  phase,
  una: 1,
  nxt: 1001,
  wnd: 65535,
});

describe('the congestion series', () => {
  it('copies samples out per connection, incrementally; null as NaN', () => {
    const tr = new Trace();
    tr.pushCc(sample(0, 'slow-start'));
    tr.pushCc(sample(5, 'slow-start', 'server:1'));
    const idx = ccIndexFor(tr);
    expect(idx.conns.get('client:1')!.t).toEqual([0]);
    expect(idx.conns.get('client:1')!.srtt[0]).toBeNaN();
    tr.pushCc(sample(30, 'fast-recovery'));
    expect(ccIndexFor(tr)).toBe(idx);
    const c = idx.conns.get('client:1')!;
    expect(c.t).toEqual([0, 30]);
    expect(c.ssthresh).toEqual([NaN, 20000]);
    expect(c.phase).toEqual([0, 2]);
  });

  it('phases become bands, each until the next change', () => {
    const idx = new CcIndex(new Trace());
    for (const [t, p] of [
      [0, 'slow-start'],
      [10, 'slow-start'],
      [20, 'fast-recovery'],
      [30, 'avoidance'],
      [40, 'avoidance'],
    ] as const)
      idx.add(sample(t, p));
    const s = idx.conns.get('client:1')!;
    expect(phaseBands(s, 0, 5, 50)).toEqual([
      { phase: 'slow-start', t0: 0, t1: 20 },
      { phase: 'fast-recovery', t0: 20, t1: 30 },
      { phase: 'avoidance', t0: 30, t1: 50 },
    ]);
    expect(phaseBands(s, 1, 2, 15)).toEqual([{ phase: 'slow-start', t0: 10, t1: 15 }]);
    expect(phaseBands(s, 0, 0, 15)).toEqual([]);
  });

  it('reads queue samples only from a trace that records them', () => {
    expect(hasQueue(new Trace())).toBe('queueCount' in new Trace());
    const fake = Object.assign(new Trace(), {
      queueCount: 2,
      queueSample: (i: number) => ({
        t: i * 10,
        from: 'client' as const,
        packets: i,
        bytes: i * 1500,
      }),
    });
    const idx = new CcIndex(fake).update();
    expect(idx.queue.client).toEqual({ t: [0, 10], packets: [0, 1], bytes: [0, 1500] });
    expect(idx.queue.server.t).toEqual([]);
  });
});
