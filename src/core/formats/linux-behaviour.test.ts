/**
 * Behaviours of the `linux` profile that the kernel captures show, each tried
 * on a small program of its own (the captures themselves are compared in
 * wire/conformance.test.ts). Segments are read in tshark's relative numbering.
 */
import { describe, expect, it } from 'vitest';
import { wireLines, type WireLine } from '../wire/conformance';
import { parseScenario } from './scenario';
import { runScenario } from './scenario-runner';

const SERVER = `
0     server l = socket()
0     server bind(l, 9821)
0     server listen(l, 8) => 0
0     server c = accept(l)
`;

function run(text: string): { lines: WireLine[]; failed: unknown[] } {
  const r = runScenario(parseScenario(`seed 1\nprofile linux\n${text}`, 'test.scenario'));
  return {
    lines: wireLines(r.world.trace.records),
    failed: r.expectations.filter((e) => !e.ok),
  };
}

const show = (l: WireLine): string => `${l.dir} ${l.flags} ${l.seq}:${l.len} ack ${l.ack}`;
const ms = (l: WireLine): number => Math.round(l.time * 1e6) / 1e3;

describe('a retransmission carries the lost segment as it was sent', () => {
  // Four writes 10 ms apart without Nagle; the second is lost. The third
  // duplicate ACK resends the second write's 4 bytes, with its PSH, not the 12
  // bytes from it to the end.
  const { lines } = run(`set nagle false
link both delay 1ms
0.015 link drop next client P.
${SERVER}
0     client s = socket()
0     client connect(s, server) => 0
0.01  client send(s, "msg1") => 4
0.02  client send(s, "msg2") => 4
0.03  client send(s, "msg3") => 4
0.04  client send(s, "msg4") => 4
0.05  client send(s, "msg5") => 4
run 1s
`);
  it('fast retransmit: 4 bytes from seq 5, with PSH', () => {
    const resent = lines.filter((l) => l.dir === 'c>s' && l.seq === 5);
    expect(resent.map(show)).toEqual(['c>s AP 5:4 ack 1', 'c>s AP 5:4 ack 1']);
    // The whole stream arrives once the hole is filled: the receiver ACKs all 20 bytes.
    expect(lines.some((l) => l.dir === 's>c' && l.ack === 21)).toBe(true);
  });
});

describe('a FIN on a connection that has received no data', () => {
  // Linux's ACK timeout stays 0 until data arrives, so the delayed ACK of such a FIN
  // is due at once and goes at the next 4 ms timer tick; after data, it waits 40 ms.
  const program = (withData: boolean) => `link both delay 1ms
${SERVER}
${withData ? '0     server recv(c, 100) => "hi"\n' : ''}0     client s = socket()
0     client connect(s, server) => 0
${withData ? '0.01  client send(s, "hi") => 2\n' : ''}0.101 client close(s) => 0
run 1s
`;
  const finAck = (lines: WireLine[]) => {
    const fin = lines.find((l) => l.dir === 'c>s' && l.flags.includes('F'))!;
    const ack = lines.find((l) => l.dir === 's>c' && l.ack === fin.seq + 1)!;
    return { fin: ms(fin), ack: ms(ack) };
  };
  it('no data: the ACK leaves at the next tick after the FIN arrives (at 102 ms)', () => {
    expect(finAck(run(program(false)).lines)).toEqual({ fin: 101, ack: 104 });
  });
  it('after data: the ACK waits the 40 ms delayed-ACK timeout', () => {
    expect(finAck(run(program(true)).lines)).toEqual({ fin: 101, ack: 142 });
  });
});

describe('a segment that fills a gap is ACKed at once', () => {
  // msg1 is lost; msg2 and the FIN arrive out of order and are held. When msg1's
  // retransmission fills the gap, the FIN is in order too: the ACK of all of it
  // goes at once, though the connection enters CLOSE_WAIT (where Linux would
  // otherwise wait for the application's close). Without SACK, so that msg1 waits for
  // its retransmission timeout (with SACK, RACK resends it on the first duplicate ACK,
  // before the FIN leaves).
  const { lines } = run(`set nagle false
set sack false
link both delay 1ms
0.005 link drop next client P.
${SERVER}
0.5   server recv(c, 100) => "msg1msg2"
0     client s = socket()
0     client connect(s, server) => 0
0.01  client send(s, "msg1") => 4
0.02  client send(s, "msg2") => 4
0.03  client close(s) => 0
run 2s
`);
  it('the retransmission arrives and the ACK of data and FIN leaves the same instant', () => {
    const rtx = lines.filter((l) => l.dir === 'c>s' && l.seq === 1 && l.len === 4);
    expect(rtx).toHaveLength(2);
    const arrival = ms(rtx[1]!) + 1;
    const ack = lines.find((l) => l.dir === 's>c' && l.ack === 10);
    expect(ack && ms(ack)).toBe(arrival);
  });
});

describe('a receiver with a buffer smaller than the MSS (the zero-window capture)', () => {
  const { lines } = run(`set rcvBuf 2048
set mss 65495
link both delay 0.01ms
${SERVER}
2     server recv(c, 65536) => 2048
0     client s = socket()
0     client connect(s, server) => 0
0     client send(s, 20000) => 20000
run 3s
`);
  const data = lines.filter((l) => l.dir === 'c>s' && l.len > 0);
  it('segments are capped at half the largest window the peer offered (1024 of 2048)', () => {
    expect(data.slice(0, 2).map(show)).toEqual(['c>s A 1:1024 ack 1', 'c>s AP 1025:1024 ack 1']);
  });
  it('PSH comes once more than half that window has gone since the last (forced push)', () => {
    // 20000 bytes in one write: the first segment has no PSH, the second has.
    expect(data[0]!.flags).toBe('A');
    expect(data[1]!.flags).toBe('AP');
  });
  it('the first segment is quick-ACKed: credit counted in the measured receive MSS', () => {
    const ack = lines.find((l) => l.dir === 's>c' && l.ack === 1025)!;
    expect(ms(ack) - ms(data[0]!)).toBeLessThan(0.1);
    // The second is not: the buffer is full, and its ACK waits 40 ms.
    const ack2 = lines.find((l) => l.dir === 's>c' && l.ack === 2049)!;
    expect(Math.round(ms(ack2) - ms(data[1]!))).toBe(40);
  });
  it('zero-window probes are answered at most once per 500 ms', () => {
    const probes = lines.filter((l) => l.dir === 'c>s' && l.seq === 2048 && l.len === 0);
    // The kernel's probes left at 259, 687 and 1551 ms (its timers run in 4 ms jiffies).
    expect(probes.map(ms).map(Math.round)).toEqual([245, 655, 1475]);
    const answered = probes.map((p) =>
      lines.some((l) => l.dir === 's>c' && l.ack === 2049 && ms(l) > ms(p) && ms(l) - ms(p) < 0.1),
    );
    expect(answered).toEqual([true, false, true]);
  });
  it('reading reopens the window at once, though the buffer is smaller than the MSS', () => {
    const update = lines.find((l) => l.dir === 's>c' && ms(l) >= 2000);
    expect(update && ms(update)).toBe(2000);
    expect(data.some((l) => l.seq === 2049 && ms(l) > 2000 && ms(l) < 2001)).toBe(true);
  });
});
