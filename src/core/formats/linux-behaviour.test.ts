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
