/**
 * Congestion control and loss recovery, rule by rule: the initial window, slow
 * start, the reaction to duplicate ACKs and to a timeout in each profile, SACK
 * blocks on the wire, D-SACK, CUBIC's reduction, and restart after idle.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';
import type { World } from '../sim/world';
import type { SegmentRecord } from '../sim/trace';
import { ACK } from './segment';
import type { Tcb } from './tcb';

const SERVER = `
0     server l = socket()
0     server bind(l, 9821)
0     server listen(l, 8) => 0
0     server c = accept(l)
`;

function run(text: string, profile = 'linux'): World {
  return runScenario(parseScenario(`seed 1\nprofile ${profile}\n${text}`, 'test.scenario')).world;
}

const clientTcb = (w: World, t: number): Tcb => w.at(t).conns.find((c) => c.side === 'client')!.tcb;
const dataFrom = (w: World, side: 'client' | 'server'): SegmentRecord[] =>
  w.trace.segments.filter((r) => r.from === side && r.seg.payload.length > 0);
/** Data segments the client sent at instant t (first sends, not retransmissions). */
const burstAt = (w: World, t: number): number =>
  dataFrom(w, 'client').filter((r) => r.t === t && !r.rtx).length;

/** A client that writes `bytes` at once to a server that reads as data comes. */
const bulk = (bytes: number, extra = '') => `link both delay 10ms
${extra}
${SERVER}
+0    server recv(c, 1000000) => ${bytes}
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, ${bytes}) => ${bytes}
run 5s
`;

describe('the initial window and slow start (RFC 5681 §3.1, RFC 6928)', () => {
  it('linux: the first flight is TCP_INIT_CWND = 10 segments', () => {
    const w = run(bulk(100_000, 'set rcvBuf 1000000'));
    expect(burstAt(w, 100)).toBe(10);
    expect(clientTcb(w, 100).cwnd).toBe(10 * 1448);
  });

  it('rfc: the first flight is min(10·MSS, max(2·MSS, 14600)) bytes', () => {
    const w = run(bulk(100_000, 'set rcvBuf 1000000'), 'rfc');
    // MSS 1460 without timestamps: 10 segments are 14600 bytes.
    expect(clientTcb(w, 100).cwnd).toBe(14_600);
    expect(burstAt(w, 100)).toBe(10);
  });

  it('linux: each ACK opens the window by the segments it acknowledges, until ssthresh', () => {
    const w = run(bulk(400_000, 'set rcvBuf 4000000'));
    const samples = Array.from({ length: w.trace.ccCount }, (_, i) => w.trace.ccSample(i)).filter(
      (s) => s.side === 'client',
    );
    // No loss: slow start all the way, the window growing at every sample until the data runs out.
    expect(samples.every((s) => s.phase === 'slow-start')).toBe(true);
    const cwnds = samples.map((s) => s.cwnd / 1448);
    for (let i = 1; i < cwnds.length; i++) expect(cwnds[i]).toBeGreaterThanOrEqual(cwnds[i - 1]!);
    // After one round trip the window has about doubled (20 with an ACK per segment; with
    // delayed ACKs every second, 10 + what was acknowledged).
    const afterOneRtt = clientTcb(w, 121).cwnd / 1448;
    expect(afterOneRtt).toBeGreaterThanOrEqual(15);
    expect(afterOneRtt).toBeLessThanOrEqual(20);
  });
});

/** Ten segments in flight at once; the link drops the third data segment. */
const lossInWindow = (extra: string) => `link both delay 10ms
set rcvBuf 1000000
${extra}
0.1 link drop next client P.
${SERVER}
+0    server recv(c, 1000000) => 14480
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, 1448) => 1448
0.1   client send(s, 13032) => 13032
run 5s
`;

describe('a loss found by duplicate ACKs', () => {
  it('rfc without SACK: fast retransmit on the third duplicate ACK; ssthresh = FlightSize/2, cwnd = ssthresh + 3·SMSS (RFC 5681 §3.2)', () => {
    const w = run(lossInWindow(''), 'rfc');
    const rtx = dataFrom(w, 'client').filter((r) => r.rtx);
    expect(rtx.length).toBe(1);
    // The three duplicate ACKs are back at 120 ms: the retransmission goes then.
    expect(rtx[0]!.t).toBe(120);
    const t = clientTcb(w, 120);
    expect(t.ccPhase).toBe('fast-recovery');
    // 1448 bytes, then eight segments of 1460 filled the 14600-byte window.
    const flight = 1448 + 8 * 1460;
    expect(t.ssthresh).toBe(flight / 2);
    // Eight duplicate ACKs: + 3·SMSS on entering, then + SMSS for each of the five after.
    expect(t.cwnd).toBe(flight / 2 + 3 * 1460 + 5 * 1460);
    // The retransmission's ACK covers the flight: recovery ends with
    // cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (RFC 6582 §3.2 step 3).
    // That is below ssthresh: slow start again.
    const after = clientTcb(w, 140);
    expect(after.ccPhase).toBe('slow-start');
    expect(after.cwnd).toBe(Math.min(flight / 2, 1460 + 1460));
  });

  it('rfc with SACK: RFC 6675 recovery leaves cwnd at ssthresh', () => {
    const w = run(lossInWindow('set sack true'), 'rfc');
    const rtx = dataFrom(w, 'client').filter((r) => r.rtx);
    expect(rtx.length).toBe(1);
    const t = clientTcb(w, 120);
    expect(t.ccPhase).toBe('fast-recovery');
    expect(t.cwnd).toBe(t.ssthresh);
  });

  it('linux with SACK: RACK marks the hole lost at the first SACK, and PRR sends at once; CUBIC keeps β = 717/1024 of the window', () => {
    const w = run(lossInWindow(''));
    const rtx = dataFrom(w, 'client').filter((r) => r.rtx);
    expect(rtx.length).toBe(1);
    // The first duplicate ACK (sent at 110 ms, back at 120 ms) carries the SACK block,
    // and the lost segment goes again as it arrives.
    const firstDup = w.trace.segments.find(
      (r) => r.from === 'server' && r.seg.options.sack !== undefined,
    )!;
    expect(firstDup.t).toBe(110);
    expect(firstDup.arriveAt).toBe(120);
    expect(rtx[0]!.t).toBe(120);
    const t = clientTcb(w, 120);
    expect(t.ssthresh).toBe(Math.floor((10 * 717) / 1024) * 1448);
  });

  it('linux without SACK: the third duplicate ACK, as the kernel with tcp_sack=0', () => {
    const w = run(lossInWindow('set sack false'));
    const rtx = dataFrom(w, 'client').filter((r) => r.rtx);
    expect(rtx.length).toBe(1);
    expect(w.trace.segments.some((r) => r.seg.options.sack !== undefined)).toBe(false);
  });
});

describe('SACK blocks on the wire (RFC 2018, RFC 2883)', () => {
  it('the receiver reports the block with the newest segment first', () => {
    // Drop the 2nd and the 5th data segment of one flight (the client's 4th and 7th
    // segments, after SYN and ACK): two holes.
    const w = run(`link both delay 10ms
set rcvBuf 1000000
0 link drop nth client 4
0 link drop nth client 7
${SERVER}
+0    server recv(c, 1000000) => 14480
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, 1448) => 1448
0.1   client send(s, 13032) => 13032
run 5s
`);
    const acks = w.trace.segments.filter((r) => r.from === 'server' && r.seg.options.sack);
    // The first ACK with two blocks: the newer block (after the second hole) comes first.
    const two = acks.find((r) => r.seg.options.sack!.length === 2)!;
    expect(two).toBeDefined();
    const [b0, b1] = two.seg.options.sack!;
    expect(b0!.start >>> 0).toBeGreaterThan(b1!.start >>> 0);
  });

  it('a duplicate segment is reported in a D-SACK block below the ACK', () => {
    // The link duplicates every client segment: each second copy is a duplicate.
    const w = run(`link client delay 10ms duplicate 1
link server delay 10ms
${SERVER}
+0    server recv(c, 100) => "hello"
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, "hello") => 5
run 1s
`);
    const dsack = w.trace.segments.find(
      (r) =>
        r.from === 'server' &&
        r.seg.flags & ACK &&
        r.seg.options.sack?.some((b) => ((r.seg.ack - b.end) | 0) >= 0),
    );
    expect(dsack).toBeDefined();
    const b = dsack!.seg.options.sack![0]!;
    expect((b.end - b.start) >>> 0).toBe(5);
  });
});

describe('a retransmission timeout (RFC 5681 §3.1, eq. 4)', () => {
  it('collapses the window to one segment and halves ssthresh from the flight', () => {
    // Every data segment of the first flight and the ACKs are fine, but the last segment is lost:
    // no duplicate ACKs follow it, so only the timer finds it (the model has no tail loss probe).
    const w = run(
      `link both delay 10ms
set sack false
0.1 link drop next client P.
${SERVER}
+0    server recv(c, 100) => 4
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, "abcd") => 4
run 5s
`,
      'rfc',
    );
    const rtx = dataFrom(w, 'client').filter((r) => r.rtx);
    expect(rtx.length).toBe(1);
    const t = clientTcb(w, rtx[0]!.t);
    expect(t.ccPhase).toBe('rto-recovery');
    expect(t.cwnd).toBe(t.sndMss);
    expect(t.ssthresh).toBe(2 * t.sndMss); // max(FlightSize/2, 2·SMSS)
  });
});

describe('restart after idle (RFC 5681 §4.1)', () => {
  it('rfc: after more than an RTO of silence the window is min(IW, cwnd) again', () => {
    const w = run(
      `link both delay 10ms
set rcvBuf 1000000
${SERVER}
+0    server recv(c, 1000000) => 200000
+0    server recv(c, 1000000) => 200000
0     client s = socket()
0     client connect(s, server) => 0
0.1   client send(s, 200000) => 200000
5     client send(s, 200000) => 200000
run 10s
`,
      'rfc',
    );
    expect(clientTcb(w, 4.9 * 1000).cwnd).toBeGreaterThan(14_600);
    expect(burstAt(w, 5000)).toBe(10);
  });
});
