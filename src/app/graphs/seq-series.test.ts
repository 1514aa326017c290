import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World, parseScenario, runScenario, type TraceRecord } from '../../core';
import { Linear } from './scale';
import { hitMark, seqDomain, seqRanges } from './seq-frame';
import {
  DUP,
  FIN_MARK,
  LOST,
  RTX,
  SYN_MARK,
  relSeq,
  seqIndexFor,
  type Direction,
} from './seq-series';

const scenario = (file: string): World =>
  runScenario(
    parseScenario(
      readFileSync(join(import.meta.dirname, '../../../public/scenarios', file), 'utf8'),
      file,
    ),
  ).world;

describe('the time–sequence series', () => {
  it('lost-data: the data, its lost copies and the retransmission that got through', () => {
    const w = scenario('lost-data.scenario');
    const idx = seqIndexFor(w.trace.records);
    const d = idx.ranked()[0]!;
    // The client sends the most: its SYN and 6 bytes.
    expect(d.from).toBe('client');
    expect(d.bytes).toBe(7);
    const data = d.seq.map((s, i) => ({ s, e: d.end[i], f: d.flags[i], t: d.t[i] }));
    expect(data[0]).toMatchObject({ s: 0, e: 1, f: SYN_MARK });
    const hello = data.filter((m) => m.s === 1 && m.e === 7);
    expect(hello.map((m) => m.f)).toEqual([LOST, LOST | RTX, RTX]);
    expect(hello.map((m) => m.t)).toEqual([150, 450, 1050]);
    // The server's ACKs: the SYN,ACK acknowledges 1, then the data up to 7.
    expect(d.ack[0]).toBe(1);
    expect(d.ack[d.ack.length - 1]).toBe(7);
    expect(d.receiver).toMatch(/^server:/);
    // The window edge is the ACK plus the advertised window, scaled past the SYN.
    const last = d.ack.length - 1;
    expect(d.win[last]! - d.ack[last]!).toBeGreaterThan(1000);
  });

  it('marks a segment dropped in flight (a drop record) as lost, and finds marks by id', () => {
    const w = new World({ seed: 1, link: { client: { delay: 50 }, server: { delay: 50 } } });
    w.call('server', { name: 'socket' });
    w.call('server', { name: 'bind', fd: 3, port: 80 });
    w.call('server', { name: 'listen', fd: 3 });
    w.call('server', { name: 'accept', fd: 3 });
    w.call('client', { name: 'socket' });
    w.call('client', { name: 'connect', fd: 3, ip: w.server.ip, port: 80 });
    w.runUntil(200);
    w.call('client', { name: 'send', fd: 3, data: new Uint8Array(100) });
    w.runUntil(210);
    const id = w.trace.segmentCount - 1;
    const records = w.trace.records;
    const before = seqIndexFor(records);
    expect(before.mark(id)!.dir.flags[before.mark(id)!.i]! & LOST).toBe(0);
    w.act({ kind: 'drop', id });
    w.runUntil(2000);
    // The same (cached) index takes in the records added since.
    const idx = seqIndexFor(records);
    expect(idx).toBe(before);
    const m = idx.mark(id)!;
    expect(m.dir.flags[m.i]! & LOST).toBe(LOST);
    expect(m.dir.seq[m.i]).toBe(1);
    expect(m.dir.end[m.i]).toBe(101);
    // Its retransmission follows.
    expect(m.dir.flags.some((f) => f === RTX)).toBe(true);
  });

  it('counts a FIN as one octet and flags link duplicates', () => {
    const w = scenario('teardown-client.scenario');
    const d = seqIndexFor(w.trace.records).dirs.get('client:1')!;
    const fin = d.flags.findIndex((f) => (f & FIN_MARK) !== 0);
    expect(fin).toBeGreaterThan(0);
    expect(d.end[fin]! - d.seq[fin]!).toBe(1);
    expect(DUP).not.toBe(RTX);
  });

  it('unwraps relative sequence numbers past 2^32', () => {
    const d = { refAbs: 0xffffff00, refRel: 0 } as Direction;
    expect(relSeq(d, 0xffffff10)).toBe(0x10);
    expect(relSeq(d, 0x10)).toBe(0x110);
    expect(relSeq(d, 0x8000_0000)).toBe(0x8000_0000 + 0x100);
    // Behind the highest: relative to it, not wrapped forward.
    expect(relSeq(d, 0x7fff_ff00)).toBe(0x8000_0000);
  });

  it('finds the marks in view, a y domain around them, and the mark under a point', () => {
    const w = scenario('lost-data.scenario');
    const d = seqIndexFor(w.trace.records).ranked()[0]!;
    const r = seqRanges(d, 100, 500, 5000);
    expect(r.hi - r.lo).toBe(2); // the two lost copies
    const [y0, y1] = seqDomain([{ d, r }]);
    expect(y0).toBeLessThanOrEqual(1);
    expect(y1).toBeGreaterThanOrEqual(7);
    // Only what is sent by the cursor.
    expect(seqRanges(d, 100, 500, 300).hi - seqRanges(d, 100, 500, 300).lo).toBe(1);
    const xs = new Linear(100, 500, 0, 400);
    const ys = new Linear(y0, y1, 300, 0);
    const hit = (px: number, py: number) =>
      hitMark(
        d,
        r.lo,
        r.hi,
        (t) => xs.map(t),
        (v) => ys.map(v),
        (p) => xs.invert(p),
        px,
        py,
      );
    const at450 = hit(xs.map(450) + 3, ys.map(4));
    expect(d.t[at450!]).toBe(450);
    expect(hit(xs.map(300), ys.map(4))).toBeNull();
  });

  it('a new (forked) trace gets an index of its own', () => {
    const a: TraceRecord[] = [];
    const b: TraceRecord[] = [];
    expect(seqIndexFor(a)).not.toBe(seqIndexFor(b));
  });
});
