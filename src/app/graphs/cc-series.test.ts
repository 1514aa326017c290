import { describe, expect, it } from 'vitest';
import { Trace, World, type CcSample } from '../../core';
import { CcIndex, ccIndexFor, phaseBands } from './cc-series';

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

  it('reads the bottleneck queue per direction, as the link records it', () => {
    const w = new World({
      seed: 2,
      link: { client: { delay: 10, rate: 2_000_000 }, server: { delay: 10 } },
    });
    w.call('server', { name: 'socket' });
    w.call('server', { name: 'bind', fd: 3, port: 80 });
    w.call('server', { name: 'listen', fd: 3 });
    w.call('server', { name: 'accept', fd: 3 });
    w.call('client', { name: 'socket' });
    w.call('client', { name: 'connect', fd: 3, ip: w.server.ip, port: 80 });
    w.runUntil(100);
    w.call('client', { name: 'send', fd: 3, data: new Uint8Array(200_000) });
    w.runUntil(400);
    const idx = ccIndexFor(w.trace);
    const q = idx.queue.client;
    expect(q.t.length).toBeGreaterThan(0);
    expect(Math.max(...q.bytes)).toBeGreaterThan(1500);
    expect(Math.max(...q.packets)).toBeGreaterThan(1);
    // In time order; the other direction, with no rate, has no queue.
    expect([...q.t].sort((a, b) => a - b)).toEqual(q.t);
    expect(idx.queue.server.t).toEqual([]);
    // Samples recorded later are taken in.
    const before = q.t.length;
    w.runUntil(2000);
    expect(ccIndexFor(w.trace).queue.client.t.length).toBeGreaterThan(before);
  });
});
