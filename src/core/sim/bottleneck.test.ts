/**
 * The link's bottleneck: serialization at a rate, a FIFO drop-tail queue in
 * packets or bytes, the queue samples beside the trace, and what a bottleneck
 * does to a run (throughput, replay and fork), and what its absence does not.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACK, PSH, SYN, type Segment } from '../tcp/segment';
import { Link, type DirectionConfig, type LinkRule } from './link';
import { Prng } from './prng';
import { recordToJson, type QueueLevel, type QueueSample, type Side } from './trace';
import { World, type WorldOptions } from './world';
import { connectTo, listenOn, okRet, readAll } from '../testing/test-world';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';

/** A segment whose IPv4 packet is `len` bytes (no options: 40 bytes of headers). */
function packet(len: number, flags = PSH | ACK): Segment {
  return {
    srcIp: 1,
    dstIp: 2,
    srcPort: 1000,
    dstPort: 2000,
    seq: 0,
    ack: 0,
    flags,
    window: 1000,
    options: {},
    payload: new Uint8Array(len - 40),
  };
}

/** A link whose directions have `c` (delay 50 ms by default), and the queue samples it records. */
function link(
  c: Partial<DirectionConfig>,
  server: Partial<DirectionConfig> = c,
): { link: Link; samples: QueueSample[] } {
  const samples: QueueSample[] = [];
  const l = new Link(new Prng(1), { client: c, server }, (s) => samples.push(s));
  return { link: l, samples };
}

/** 10 Mbit/s: a 1250-byte packet takes exactly 1 ms. */
const MBIT10 = 10_000_000;
const P1250 = packet(1250);

describe('serialization', () => {
  it('a segment takes its IPv4 length × 8 / rate to leave, then the delay', () => {
    const { link: l } = link({ rate: MBIT10 });
    expect(l.fate('client', P1250, 0)).toEqual({ arriveAt: 51, dropped: null, dupAt: null });
    // 64 kbit/s: a 40-byte ACK takes 5 ms; 1500 bytes with timestamps take 187.5 ms.
    const slow = link({ rate: 64_000, delay: 10 }).link;
    expect(slow.fate('server', packet(40, ACK), 100).arriveAt).toBe(115);
    const ts: Segment = { ...packet(1488), options: { ts: { val: 1, ecr: 2 } } };
    expect(slow.fate('client', ts, 0).arriveAt).toBe(197.5);
  });

  it('back-to-back segments leave one serialization time apart, in the order they came', () => {
    const { link: l } = link({ rate: MBIT10 });
    const at = [0, 0, 0, 0.5, 2.5].map((t) => l.fate('client', P1250, t).arriveAt);
    expect(at).toEqual([51, 52, 53, 54, 55]);
    // Once the queue has drained, a segment leaves as soon as it is serialized.
    expect(l.fate('client', P1250, 10).arriveAt).toBe(61);
    // Each direction has its own bottleneck.
    expect(l.fate('server', P1250, 10).arriveAt).toBe(61);
  });

  it('jitter, reordering and duplication come after the bottleneck, on the path', () => {
    const dup = link({ rate: MBIT10, duplicate: 1 });
    const f = dup.link.fate('client', P1250, 0);
    expect(f.arriveAt).toBe(51);
    expect(f.dupAt).toBeCloseTo(51.001, 9);
    // The copy takes no place in the queue: one sample in, one out.
    expect(dup.link.fate('client', P1250, 0).arriveAt).toBe(52);
    dup.link.settle(10);
    expect(dup.samples.map((s) => s.packets)).toEqual([1, 2, 1, 0]);
    // A reordered segment is held back past the bottleneck, not in it.
    const re = link({ rate: MBIT10, reorder: 1 }).link;
    expect(re.fate('client', P1250, 0).arriveAt).toBe(101);
    expect(re.fate('client', P1250, 0).arriveAt).toBe(102);
    // Jitter is drawn as without a bottleneck and added to the path's delay.
    const a = new Link(new Prng(9), { client: { jitter: 20 } }).fate('client', P1250, 0);
    const b = new Link(new Prng(9), { client: { jitter: 20, rate: MBIT10 } }).fate(
      'client',
      P1250,
      0,
    );
    expect(b.arriveAt).toBeCloseTo(a.arriveAt + 1, 9);
  });
});

describe('the drop-tail queue', () => {
  it('a burst larger than the queue: exactly the overflow is dropped, with reason queue', () => {
    const { link: l } = link({ rate: MBIT10, queue: { packets: 3 } });
    const fates = Array.from({ length: 10 }, () => l.fate('client', P1250, 0).dropped);
    expect(fates).toEqual([null, null, null, ...Array<string>(7).fill('queue')]);
    // The one being serialized counts: at 0.999 ms all three are still there…
    expect(l.fate('client', P1250, 0.999).dropped).toBe('queue');
    // …and at 1 ms the first has left, so one more fits, behind the other two.
    expect(l.fate('client', P1250, 1)).toMatchObject({ dropped: null, arriveAt: 54 });
    expect(l.fate('client', P1250, 1).dropped).toBe('queue');
  });

  it('in bytes: a segment is dropped when it would take the queue past the limit', () => {
    const { link: l } = link({ rate: MBIT10, queue: { bytes: 3000 } });
    const fate = (len: number) => l.fate('server', packet(len), 0).dropped;
    expect([fate(1250), fate(1250), fate(1250)]).toEqual([null, null, 'queue']);
    // 2500 + 500 is exactly the limit: it fits; one byte more does not.
    expect(fate(501)).toBe('queue');
    expect(fate(500)).toBe(null);
    expect(fate(40)).toBe('queue');
    // A segment larger than the whole queue never fits (as bfifo).
    const small = link({ rate: MBIT10, queue: { bytes: 1000 } }).link;
    expect(small.fate('client', P1250, 0).dropped).toBe('queue');
  });

  it('rules and random loss come first: a segment they drop takes no place in the queue', () => {
    const { link: l, samples } = link({ rate: MBIT10, queue: { packets: 1 }, loss: 1 });
    expect(l.fate('client', P1250, 0).dropped).toBe('loss');
    expect(samples).toEqual([]);
    const r = link({ rate: MBIT10, queue: { packets: 1 } });
    const rule: LinkRule = { kind: 'dropNth', from: 'client', n: 1 };
    r.link.addRule(rule);
    expect(r.link.fate('client', P1250, 0).dropped).toBe('rule');
    expect(r.link.fate('client', P1250, 0).dropped).toBe(null);
  });

  it('a queue limit without a rate does nothing: nothing ever waits', () => {
    const { link: l, samples } = link({ queue: { packets: 1 } });
    for (let i = 0; i < 5; i++) expect(l.fate('client', P1250, 0).dropped).toBe(null);
    expect(samples).toEqual([]);
    expect(l.backlog).toBe(0);
  });

  it('a rate set to 0 while segments wait: new ones still leave after them, then at once', () => {
    const { link: l, samples } = link({ rate: MBIT10 });
    l.fate('client', P1250, 0);
    l.fate('client', P1250, 0);
    l.configure('client', { rate: 0 });
    expect(l.fate('client', P1250, 0.5).arriveAt).toBe(52);
    expect(l.fate('client', P1250, 2).arriveAt).toBe(52);
    expect(samples.length).toBe(6); // 3 in, 3 out (two at 2 ms), and none for the last
    expect(l.backlog).toBe(0);
  });
});

describe('queue samples', () => {
  it('record each entry and departure, both directions merged in time order', () => {
    const { link: l, samples } = link({ rate: MBIT10 });
    l.fate('client', P1250, 0);
    l.fate('client', P1250, 0);
    l.fate('server', packet(625), 0.25); // leaves at 0.75
    l.fate('server', P1250, 1); // the client's first leaves at 1 ms, before this one enters
    l.settle(100);
    expect(samples.map((s) => [s.t, s.from, s.packets, s.bytes])).toEqual([
      [0, 'client', 1, 1250],
      [0, 'client', 2, 2500],
      [0.25, 'server', 1, 625],
      [0.75, 'server', 0, 0],
      [1, 'client', 1, 1250],
      [1, 'server', 1, 1250],
      [2, 'client', 0, 0],
      [2, 'server', 0, 0],
    ]);
  });

  it('are in time order and match the drops of a run; World.at(t) reads them', () => {
    const w = bulkWorld({ client: { delay: 20, rate: 1_000_000, queue: { packets: 8 } } });
    w.runUntilIdle(600_000);
    const trace = w.trace;
    const samples = Array.from({ length: trace.queueCount }, (_, i) => trace.queueSample(i));
    expect(samples.length).toBeGreaterThan(100);
    for (let i = 1; i < samples.length; i++)
      expect(samples[i]!.t).toBeGreaterThanOrEqual(samples[i - 1]!.t);
    expect(samples.every((s) => s.from === 'client' && s.packets <= 8)).toBe(true);
    expect(samples.at(-1)).toMatchObject({ packets: 0, bytes: 0 });
    // Each segment that entered the queue is one sample up and one down.
    const segs = trace.segments.filter((s) => s.from === 'client');
    const entered = segs.filter((s) => s.dropped === null && s.dupOf === null);
    expect(samples.length).toBe(2 * entered.length);
    // A queue drop happens when the queue is full.
    const drops = segs.filter((s) => s.dropped === 'queue');
    expect(drops.length).toBeGreaterThan(0);
    for (const d of drops) expect(trace.queueAt(d.t).client.packets).toBe(8);
    // World.at(t) agrees with a plain scan of the samples, at each sample and between them.
    const scan = (t: number): Record<Side, QueueLevel> => {
      const q: Record<Side, QueueLevel> = {
        client: { packets: 0, bytes: 0 },
        server: { packets: 0, bytes: 0 },
      };
      for (const s of samples) if (s.t <= t) q[s.from] = { packets: s.packets, bytes: s.bytes };
      return q;
    };
    for (const s of samples.filter((_, i) => i % 7 === 0))
      for (const t of [s.t, s.t - 0.0001, s.t + 0.3]) expect(w.at(t).queues).toEqual(scan(t));
  });

  it('World.at(t) past the present counts the departures already due by then', () => {
    const w = new World({ seed: 1, link: { client: { rate: MBIT10 } } });
    listenOn(w);
    connectTo(w);
    // The SYN (60 bytes) is in the queue for 0.048 ms.
    expect(w.at(0).queues.client).toEqual({ packets: 1, bytes: 60 });
    expect(w.at(0.048).queues.client).toEqual({ packets: 0, bytes: 0 });
    expect(w.trace.queueCount).toBe(1);
    w.runUntil(1);
    expect(w.trace.queueCount).toBe(2);
    expect(w.trace.queueSample(1)).toEqual({ t: 0.048, from: 'client', packets: 0, bytes: 0 });
  });
});

// ------------------------------------------------------------------ runs

const MB2 = 2 * 1024 * 1024;

/** The client sends 2 MiB to a server that reads it all; both buffers as large as they go. */
function bulkWorld(link: WorldOptions['link'], size = MB2): World {
  const w = new World({
    seed: 3,
    overrides: { rcvBuf: 4 * 1024 * 1024, sndBuf: 4 * 1024 * 1024 },
    link,
  });
  const lfd = listenOn(w);
  const acc = w.call('server', { name: 'accept', fd: lfd });
  const { fd, connect } = connectTo(w);
  w.runUntil(200);
  okRet(connect);
  readAll(w, 'server', okRet(acc), undefined, 65536);
  w.call('client', { name: 'send', fd, data: new Uint8Array(size).fill(0x61) });
  w.call('client', { name: 'close', fd });
  return w;
}

describe('a run through a bottleneck', () => {
  it('cannot deliver faster than the rate (whatever the sender’s window)', () => {
    const rate = MBIT10;
    const delay = 50;
    const w = bulkWorld({ client: { delay, rate }, server: { delay } });
    const t0 = w.now;
    w.runUntilIdle(600_000);
    const trace = w.trace;
    let ipBytes = 0;
    let data = 0;
    let last = t0;
    for (const r of trace.records) {
      if (r.kind !== 'deliver') continue;
      const s = trace.segment(r.id);
      if (s.from !== 'client' || s.t < t0) continue;
      ipBytes += 40 + 12 + s.seg.payload.length; // headers with timestamps
      data += s.seg.payload.length;
      last = r.t;
      // Everything sent since t0 left the bottleneck at most at the rate, then took the delay.
      expect(ipBytes * 8000).toBeLessThanOrEqual((r.t - delay - t0) * rate + 1e-3);
    }
    expect(data).toBeGreaterThanOrEqual(MB2);
    expect(last - t0).toBeGreaterThan((MB2 * 8000) / rate);
  });

  it('replays and forks exactly: the same trace and the same queue samples', () => {
    const w = bulkWorld(
      {
        client: { delay: 5, jitter: 2, loss: 0.01, rate: 4_000_000, queue: { packets: 20 } },
        server: { delay: 5, rate: 64_000, queue: { bytes: 2000 } },
      },
      300_000,
    );
    w.runUntil(w.now + 300);
    w.act({ kind: 'link', from: 'client', change: { rate: 8_000_000, queue: { bytes: 30_000 } } });
    w.runUntilIdle(600_000);
    expect(w.trace.segments.some((s) => s.dropped === 'queue')).toBe(true);
    const samples = (x: World, until = Infinity) =>
      Array.from({ length: x.trace.queueCount }, (_, i) => x.trace.queueSample(i)).filter(
        (s) => s.t <= until,
      );
    const again = World.replay(w.options, w.inputs);
    again.runUntilIdle(600_000);
    expect(again.trace.toJsonLines()).toBe(w.trace.toJsonLines());
    expect(samples(again)).toEqual(samples(w));
    for (const f of [0.1, 0.37, 0.5, 0.8]) {
      const t = w.now * f;
      const fork = w.fork(t);
      const a = w.trace.records.filter((r) => r.t <= t).map(recordToJson);
      expect(fork.trace.records.map(recordToJson)).toEqual(a);
      expect(samples(fork)).toEqual(samples(w, t));
      const va = fork.at(t);
      const vb = w.at(t);
      expect(va.queues).toEqual(vb.queues);
      expect(va.inFlight).toEqual(vb.inFlight);
      // (A TCB's buffers are the run's own, which have grown since t in the original.)
      const states = (v: typeof va) => v.conns.map((c) => `${c.id} ${c.state} ${c.tcb.sndNxt}`);
      expect(states(va)).toEqual(states(vb));
    }
  });
});

describe('without a rate', () => {
  const GALLERY = join(import.meta.dirname, '../../../public/scenarios');

  it('the gallery’s runs are the same with "link both rate 0 queue 1", and record no samples', () => {
    let tried = 0;
    for (const f of readdirSync(GALLERY).filter((x) => x.endsWith('.scenario'))) {
      const text = readFileSync(join(GALLERY, f), 'utf8');
      // The lessons about bottlenecks set a rate of their own: that is no run without one.
      if (/^[^#\n]*\blink\b[^#\n]*\brate\b/m.test(text)) continue;
      tried++;
      const plain = runScenario(parseScenario(text, f)).world;
      const zero = runScenario(parseScenario(`${text}\nlink both rate 0 queue 1\n`, f)).world;
      expect(zero.trace.toJsonLines(), f).toBe(plain.trace.toJsonLines());
      expect(zero.trace.queueCount, f).toBe(0);
    }
    expect(tried).toBeGreaterThanOrEqual(15);
  });

  it('a faulty link gives the same trace with rate 0 as without the setting', () => {
    const faulty = { delay: 7, jitter: 5, loss: 0.03, duplicate: 0.05, reorder: 0.05 };
    const a = bulkWorld({ client: faulty, server: faulty }, 300_000);
    const zero = { ...faulty, rate: 0, queue: { packets: 1 } };
    const b = bulkWorld({ client: zero, server: zero }, 300_000);
    a.runUntilIdle(600_000);
    b.runUntilIdle(600_000);
    expect(b.trace.toJsonLines()).toBe(a.trace.toJsonLines());
    expect(b.trace.queueCount).toBe(0);
  });

  it('a SYN through the link is the same segment, whether or not another direction has a rate', () => {
    const a = new World({ seed: 5 });
    const b = new World({ seed: 5, link: { server: { rate: 1_000 } } });
    for (const w of [a, b]) {
      listenOn(w);
      connectTo(w);
      w.runUntil(10);
    }
    expect(b.trace.segment(0)).toEqual(a.trace.segment(0));
    expect(b.trace.segment(0).seg.flags).toBe(SYN);
  });
});
