import { describe, expect, it } from 'vitest';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';
import type { StateRecord } from './trace';

// The server reads end of stream and closes at once: CLOSE_WAIT and LAST_ACK at one instant.
const { world } = runScenario(
  parseScenario(
    `seed 1
link both delay 10ms
0    server l = socket()
0    server bind(l, 9821)
0    server listen(l, 8) => 0
0    server c = accept(l)
+0   server recv(c, 100) => 0
+0   server close(c) => 0
0.05 client s = socket()
+0   client connect(s, server) => 0
+0.1 client close(s) => 0
run 1s
`,
    'prefix.scenario',
  ),
);
const records = world.trace.records;
const states = records.filter((r): r is StateRecord => r.kind === 'state' && r.side === 'server');
const closeWait = states.find((r) => r.to === 'CLOSE_WAIT')!;
const lastAck = states.find((r) => r.to === 'LAST_ACK')!;

describe('a prefix of a run: partway through an instant', () => {
  it('the two state changes share an instant', () => {
    expect(lastAck.t).toBe(closeWait.t);
  });

  it('stands after the first and before the second', () => {
    const n = records.indexOf(closeWait) + 1;
    const p = world.prefix(n);
    expect(p.trace.length).toBeGreaterThanOrEqual(n);
    expect(p.trace.length).toBeLessThanOrEqual(records.indexOf(lastAck));
    const conn = p.at(lastAck.t).conns.find((c) => c.id === lastAck.conn)!;
    expect(conn.state).toBe('CLOSE_WAIT');
    // What it has is the run's own beginning, record for record.
    const lines = world.trace.toJsonLines().split('\n');
    expect(p.trace.toJsonLines().split('\n').slice(0, -1)).toEqual(lines.slice(0, p.trace.length));
    // Asked for the whole run, it is the whole run.
    expect(world.prefix(records.length).trace.length).toBe(records.length);
    expect(world.prefix(0).trace.length).toBe(0);
  });
});
