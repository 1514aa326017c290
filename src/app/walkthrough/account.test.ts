import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type SegmentRecord } from '../../core';
import { accountAt, instantAt, tcbChanges } from './account';
import { BEFORE_MS, buildSteps } from './steps';

const run = runScenario(
  parseScenario(
    `seed 1
profile linux
link both delay 10ms
0    server l = socket()
0    server bind(l, 9821)
0    server listen(l, 8) => 0
0    server c = accept(l)
0.1  server recv(c, 100) => "hello"
0.05 client s = socket()
0.05 client connect(s, server) => 0
0.1  client send(s, "hello") => 5
run 1s
`,
    'account.scenario',
  ),
);
const world = run.world;
const records = world.trace.records;
const steps = buildSteps(records);
const byId = new Map<number, SegmentRecord>();
for (const r of records) if (r.kind === 'segment') byId.set(r.id, r);
const seg = (id: number) => byId.get(id);
const at = (t: number, lang: 'en' | 'zh' = 'en') =>
  accountAt(records, steps, seg, t, lang, world.profile);

describe('the account of the step at the cursor', () => {
  it('before anything happened, says what to press', () => {
    const empty = accountAt([], [], seg, 0, 'en', world.profile);
    expect(empty.t).toBeNull();
    expect(empty.text).toMatch(/listen\(\).*connect\(\)/);
  });

  it("tells a state change with the walkthrough's explanation and sources", () => {
    // The SYN reaches the server at 60 ms: LISTEN -> SYN_RECEIVED.
    const a = at(60);
    expect(a.t).toBe(60);
    expect(a.text).toMatch(/^0\.06 s: /);
    expect(a.text).toContain('SYN_RECEIVED');
    expect(a.cites.some((c) => c.startsWith('RFC 9293'))).toBe(true);
  });

  it('holds the same account anywhere between two instants', () => {
    expect(at(65).text).toBe(at(60).text);
  });

  it('puts an instant no step covers together from its records: data arriving', () => {
    // "hello" leaves at 100 ms and arrives at 110 ms; no state changes then.
    const a = at(110);
    expect(a.t).toBe(110);
    expect(a.text).toContain('data segment (5 bytes) from the client arrives at the server');
    expect(a.cites).toEqual([]);
    expect(at(110, 'zh').text).toContain('数据报文段（5 字节）到达服务器');
  });

  it('finds the last instant at or before the cursor', () => {
    expect(instantAt(records, 109.99)!.t).toBe(100);
    expect(instantAt(records, -1)).toBeNull();
  });
});

describe('the TCB values a step changed', () => {
  it('the SYN,ACK arriving: the client goes to ESTABLISHED, RCV.NXT becomes 1', () => {
    const t = 70; // the SYN,ACK leaves the server at 60 ms and arrives at 70 ms
    const changes = tcbChanges(world.at(t - BEFORE_MS), world.at(t), 'en');
    const client = changes.find((c) => c.side === 'client')!;
    const f = Object.fromEntries(client.changes.map((c) => [c.field, [c.before, c.after]]));
    expect(f['state']).toEqual(['SYN_SENT', 'ESTABLISHED']);
    expect(f['RCV.NXT']).toEqual(['—', '1']);
    expect(f['SND.UNA']).toEqual(['0', '1']);
    expect(f['timer:rtx']?.[1]).toBe('—');
    // The server, which nothing reached at that instant, changed nothing.
    expect(changes.some((c) => c.side === 'server')).toBe(false);
  });
});
