import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateOf } from '../tcp/endpoint-machine';
import { parseScenario } from './scenario';
import { WORK_BUDGET } from './limits';
import {
  NOT_REACHED,
  RunBudgetExceeded,
  STILL_BLOCKED,
  runScenario,
  worldOptions,
  type RunOptions,
} from './scenario-runner';
import { recordToJson, type CallRecord, type SegmentRecord, type StateRecord } from '../sim/trace';
import { World } from '../sim/world';

const SCENARIO_DIR = join(import.meta.dirname, '../../../public/scenarios');
const example = (name: string): string => readFileSync(join(SCENARIO_DIR, name), 'utf8');

const run = (text: string, opts?: RunOptions) => runScenario(parseScenario(text), opts);

const SERVER = [
  'link both delay 50ms',
  '0 server l = socket()',
  '0 server bind(l, 9821)',
  '0 server listen(l, 64)',
  '0 server c = accept(l)',
].join('\n');

const callsOf = (w: World, side?: string): CallRecord[] =>
  w.trace.records.filter(
    (r): r is CallRecord => r.kind === 'call' && (side === undefined || r.side === side),
  );
const statesOf = (w: World, conn: string): string[] =>
  w.trace.records
    .filter((r): r is StateRecord => r.kind === 'state' && r.conn === conn)
    .map((r) => r.to);
const finalStates = (w: World): Record<string, string> =>
  Object.fromEntries(w.allConns().map((c) => [c.id, stateOf(c.snap)]));

describe('runScenario: the example scenarios', () => {
  it('handshake: both ends ESTABLISHED, the run stops at 2 s', () => {
    const r = run(example('handshake.scenario'));
    expect(finalStates(r.world)).toEqual({
      'client:1': 'ESTABLISHED',
      'server:1': 'LISTEN',
      'server:2': 'ESTABLISHED',
    });
    expect(r.hitCap).toBe(false);
    expect(r.world.now).toBe(2000);
    expect(r.expectations.every((x) => x.ok)).toBe(true);
    const connect = callsOf(r.world, 'client').find((c) => c.call === 'connect')!;
    expect({ start: connect.start, t: connect.t, ret: connect.ret }).toEqual({
      start: 50,
      t: 150,
      ret: 0,
    });
    const accept = callsOf(r.world, 'server').find((c) => c.call === 'accept')!;
    expect({ start: accept.start, t: accept.t, ret: accept.ret }).toEqual({
      start: 0,
      t: 200,
      ret: 4,
    });
  });

  it('teardown-client: the client goes through TIME_WAIT, everything ends CLOSED', () => {
    const r = run(example('teardown-client.scenario'));
    expect(statesOf(r.world, 'client:1')).toEqual([
      'SYN_SENT',
      'ESTABLISHED',
      'FIN_WAIT_1',
      'FIN_WAIT_2',
      'TIME_WAIT',
      'CLOSED',
    ]);
    expect(statesOf(r.world, 'server:2')).toContain('CLOSE_WAIT');
    expect(statesOf(r.world, 'server:2').slice(-2)).toEqual(['LAST_ACK', 'CLOSED']);
    expect(Object.values(finalStates(r.world))).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    expect(r.hitCap).toBe(false);
    // TIME_WAIT (60 s on Linux) was the last thing to happen.
    const tw = r.world.trace.records.find(
      (x): x is StateRecord => x.kind === 'state' && x.to === 'TIME_WAIT',
    )!;
    expect(r.world.now).toBe(tw.t + 60_000);
    expect(r.expectations.map((x) => [x.line, x.call, x.ok])).toEqual(
      expect.arrayContaining([
        [expect.any(Number), 'recv', true],
        [expect.any(Number), 'close', true],
      ]),
    );
    expect(r.expectations.every((x) => x.ok)).toBe(true);
  });

  it('lost-syn: the first SYN is dropped by the rule and retransmitted after 1 s', () => {
    const text = example('lost-syn.scenario');
    const r = run(text);
    const segs = r.world.trace.segments;
    expect(segs[0]!.dropped).toBe('rule');
    expect(segs[1]!.rtx).toBe(true);
    expect(segs[1]!.t).toBe(1050);
    const connect = callsOf(r.world, 'client').find((c) => c.call === 'connect')!;
    expect(connect.t).toBe(1150);
    expect(finalStates(r.world)['client:1']).toBe('ESTABLISHED');
    expect(r.expectations).toEqual([
      {
        line: text.split('\n').findIndex((l) => l.includes('client connect(')) + 1,
        side: 'client',
        call: 'connect',
        expected: '0',
        actual: '0',
        ok: true,
      },
    ]);
  });

  it('records every call and link rule as an input: replay rebuilds each run exactly', () => {
    for (const f of ['handshake.scenario', 'teardown-client.scenario', 'lost-syn.scenario']) {
      const r = run(example(f));
      expect(r.world.inputs.some((i) => i.action.kind === 'call')).toBe(true);
      const again = World.replay(r.world.options, r.world.inputs, r.world.now);
      expect(again.trace.records.map(recordToJson), f).toEqual(
        r.world.trace.records.map(recordToJson),
      );
    }
    const lost = run(example('lost-syn.scenario'));
    expect(lost.world.inputs[0]!.action).toEqual({
      kind: 'rule',
      rule: { kind: 'dropNext', from: 'client', flags: 'S' },
    });
  });

  it('is deterministic', () => {
    const a = run(example('teardown-client.scenario'));
    const b = run(example('teardown-client.scenario'));
    expect(b.world.trace.toJsonLines()).toBe(a.world.trace.toJsonLines());
  });
});

describe('runScenario: timing', () => {
  it('a blocking accept() holds back the lines after it', () => {
    const r = run(
      [
        SERVER,
        '0.01 server x = socket()  # written for 10 ms, but accept() returns at 200 ms',
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
      ].join('\n'),
    );
    const sockets = callsOf(r.world, 'server').filter((c) => c.call === 'socket');
    expect(sockets.map((c) => c.start)).toEqual([0, 200]);
  });

  it('a blocking recv() holds back the lines after it, and +T counts from its return', () => {
    const r = run(
      [
        SERVER,
        '+0 server recv(c, 100) => "hi"',
        '+0.5 server close(c)',
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '1 client send(s, "hi")',
      ].join('\n'),
    );
    const recv = callsOf(r.world, 'server').find((c) => c.call === 'recv')!;
    expect(recv.t).toBe(1050); // sent at 1 s, 50 ms on the link
    const close = callsOf(r.world, 'server').find((c) => c.call === 'close')!;
    expect(close.start).toBe(1550);
  });

  it('relative times count from the same side only', () => {
    const r = run(
      [
        '0 client a = socket()',
        '1 server b = socket()',
        '+0.25 client c = socket()',
        '+250ms server d = socket()',
        '+1.5s client e = socket()',
      ].join('\n'),
    );
    expect(callsOf(r.world).map((c) => [c.side, c.start])).toEqual([
      ['client', 0],
      ['client', 250],
      ['server', 1000],
      ['server', 1250],
      ['client', 1750],
    ]);
  });

  it('lines due at the same instant run in file order', () => {
    const r = run(
      ['0 server a = socket()', '0 client b = socket()', '0 server c = socket()'].join('\n'),
    );
    expect(callsOf(r.world).map((c) => c.side)).toEqual(['server', 'client', 'server']);
  });

  it('run DURATION stops there, and later lines are not reached', () => {
    const r = run(
      [
        SERVER,
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '5 client close(s) => 0',
        'run 1s',
      ].join('\n'),
    );
    expect(r.world.now).toBe(1000);
    expect(r.hitCap).toBe(false);
    expect(r.expectations).toEqual([
      expect.objectContaining({ call: 'close', expected: '0', actual: NOT_REACHED, ok: false }),
    ]);
  });

  it('run until idle stops at the safety cap when the run does not go idle', () => {
    const r = run(
      [
        SERVER,
        'link both loss 1',
        '0 client s = socket()',
        '+0 client connect(s, server) => 0',
      ].join('\n'),
      { capMs: 10_000 },
    );
    expect(r.hitCap).toBe(true);
    expect(r.world.now).toBe(10_000);
    expect(r.expectations).toEqual([
      expect.objectContaining({ call: 'connect', actual: STILL_BLOCKED, ok: false }),
    ]);
  });

  it('run until idle ends when nothing is left to happen, even with a call still blocked', () => {
    const r = run([SERVER, '0 server x = socket() => 4'].join('\n'));
    expect(r.hitCap).toBe(false);
    expect(r.world.now).toBe(0);
    expect(r.expectations).toEqual([
      expect.objectContaining({ line: 6, call: 'socket', actual: NOT_REACHED, ok: false }),
    ]);
  });
});

describe('runScenario: expectations and variables', () => {
  it('reports expectations that failed, with what happened instead', () => {
    const r = run(
      [
        SERVER,
        '+0 server recv(c, 1024) => "OK!!!"',
        '0.05 client s = socket()',
        '+0 client connect(s, server) => 0',
        '+0 client send(s, "OK!!") => 5',
      ].join('\n'),
    );
    expect(r.expectations).toEqual([
      { line: 6, side: 'server', call: 'recv', expected: '"OK!!!"', actual: '"OK!!"', ok: false },
      { line: 8, side: 'client', call: 'connect', expected: '0', actual: '0', ok: true },
      { line: 9, side: 'client', call: 'send', expected: '5', actual: '4', ok: false },
    ]);
  });

  it('checks errno names, and -1 alone matches any error', () => {
    const r = run(
      [
        'link both delay 50ms',
        '0 client s = socket()',
        '+0 client connect(s, server) => -1 ECONNREFUSED',
        '0 client t = socket()',
        '+0 client connect(t, server, 80) => -1',
        '0 client u = socket()',
        '+0 client connect(u, 192.0.2.1, 81) => -1 ETIMEDOUT',
      ].join('\n'),
    );
    expect(r.expectations.map((x) => [x.expected, x.actual, x.ok])).toEqual([
      ['-1 ECONNREFUSED', '-1 ECONNREFUSED', true],
      ['-1', '-1 ECONNREFUSED', true],
      ['-1 ETIMEDOUT', '-1 ECONNREFUSED', false],
    ]);
  });

  it('recv => 0 and => "" both mean end of file', () => {
    const r = run(
      [
        SERVER,
        '+0 server recv(c) => 0',
        '+0 server recv(c) => ""',
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '+0 client close(s)',
      ].join('\n'),
    );
    expect(r.expectations.map((x) => x.ok)).toEqual([true, true]);
  });

  it('binds variables to the fds socket() and accept() return; several sockets per side', () => {
    const r = run(
      [
        SERVER,
        '+0 server d = accept(l) => 5',
        '+0 server recv(c, 100) => "one"',
        '+0 server recv(d, 100) => "two"',
        '0.05 client s1 = socket() => 3',
        '+0 client s2 = socket() => 4',
        '+0 client connect(s1, server) => 0',
        '+0 client connect(s2, server) => 0',
        '+0 client send(s1, "one")',
        '+0 client send(s2, "two")',
      ].join('\n'),
    );
    expect(r.expectations.filter((x) => !x.ok)).toEqual([]);
    expect(r.expectations).toHaveLength(7);
    const ports = r.world.client.liveConns().map((c) => c.localPort);
    expect(new Set(ports).size).toBe(2);
  });

  it('a failed socket call binds its variable to -1, and using it gives EBADF', () => {
    const r = run(
      [
        '0 server l = socket()',
        '0 server c = accept(l) => -1 EINVAL',
        '0 server close(c) => -1 EBADF',
        '0 server close(l) => 0',
      ].join('\n'),
    );
    expect(r.expectations.map((x) => x.ok)).toEqual([true, true, true]);
  });

  it('send(s, N) writes N filler bytes', () => {
    const r = run(
      [
        SERVER,
        '+0 server recv(c, 30) => "abcdefghijklmnopqrstuvwxyzabcd"',
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '+0 client send(s, 100) => 100',
      ].join('\n'),
    );
    expect(r.expectations.map((x) => x.ok)).toEqual([true, true]);
  });
});

describe('runScenario: the world and the link', () => {
  it('builds the world from the header lines', () => {
    const sc = parseScenario(
      [
        'seed 7',
        'profile rfc',
        'set msl 10s',
        'link client delay 20ms',
        'address client 10.0.0.2',
        'address server 10.0.0.1',
      ].join('\n'),
    );
    expect(worldOptions(sc)).toEqual({
      seed: 7,
      profile: 'rfc',
      overrides: { msl: 10_000 },
      link: { client: { delay: 20 }, server: {} },
      clientIp: '10.0.0.2',
      serverIp: '10.0.0.1',
    });
    const { world } = runScenario(sc);
    expect(world.profile.timeWait).toBe(20_000);
    expect(world.link.config.client.delay).toBe(20);
    expect(world.link.config.server.delay).toBe(50);
  });

  it('connects to the addresses the header gives, on port 9821 by default', () => {
    const r = run(
      [
        'address server 10.0.0.1',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l)',
        '0 client s = socket()',
        '+0 client connect(s, server) => 0',
        '+0 client t = socket()',
        '+0 client connect(t, 10.0.0.1) => 0',
      ].join('\n'),
    );
    expect(r.expectations.map((x) => x.ok)).toEqual([true, true]);
    const syn = r.world.trace.segments[0]!.seg;
    expect(syn.dstIp).toBe(0x0a000001);
    expect(syn.dstPort).toBe(9821);
  });

  it('applies timed link changes from their time on, as inputs', () => {
    const r = run(
      [
        SERVER,
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '1 link client loss 100%',
        '2 client send(s, "x")',
      ].join('\n'),
    );
    const data = r.world.trace.segments.filter(
      (s: SegmentRecord) => s.from === 'client' && s.seg.payload.length > 0,
    );
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((s) => s.dropped === 'loss')).toBe(true);
    expect(r.world.inputs.find((i) => i.action.kind === 'link')).toMatchObject({
      t: 1000,
      action: { kind: 'link', from: 'client', change: { loss: 1 } },
    });
  });

  it('link both changes both directions', () => {
    const r = run('0 link both delay 7ms');
    expect(r.world.link.config.client.delay).toBe(7);
    expect(r.world.link.config.server.delay).toBe(7);
  });

  it('drop nth drops the Nth segment a side sends', () => {
    const r = run(
      [
        '0 link drop nth server 1',
        SERVER,
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
      ].join('\n'),
    );
    const fromServer = r.world.trace.segments.filter((s) => s.from === 'server');
    expect(fromServer[0]!.dropped).toBe('rule');
    expect(fromServer[1]!.dropped).toBeNull();
    expect(finalStates(r.world)['client:1']).toBe('ESTABLISHED');
  });

  it('the example runs are the same as a direct run of the World', () => {
    // The handshake by hand, through the same World API the runner uses.
    const w = new World({ seed: 1, link: { client: { delay: 50 }, server: { delay: 50 } } });
    const l = w.call('server', { name: 'socket' }).result!.ret;
    w.call('server', { name: 'bind', fd: l, port: 9821 });
    w.call('server', { name: 'listen', fd: l, backlog: 64 });
    w.call('server', { name: 'accept', fd: l });
    w.runUntil(49.999);
    w.sched.now = 50;
    const s = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd: s, ip: 0xc0000201, port: 9821 });
    w.runUntil(2000);
    const r = run(example('handshake.scenario'));
    expect(r.world.trace.toJsonLines()).toBe(w.trace.toJsonLines());
  });
});

/** A zero window probed every millisecond: the virtual time it needs grows without end. */
const PROBE_STORM = `set rtoMin 1ms
set rtoInitial 1ms
set rtoMax 1ms
set rcvBuf 256
link both delay 0.1ms
0 server l = socket()
0 server bind(l, 9821)
0 server listen(l)
0 server c = accept(l)
0 client s = socket()
+0 client connect(s, server)
+0 client send(s, 100000)
run until idle
`;

describe('runScenario: the work budget', () => {
  it('stops a zero-window probe storm with a 1 ms RTO at the default budget, saying which', () => {
    let err: unknown;
    try {
      runScenario(parseScenario(PROBE_STORM));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunBudgetExceeded);
    const e = err as RunBudgetExceeded;
    expect([e.what, e.limit]).toEqual(['segments', WORK_BUDGET.segments]);
    // Long before the idle cap of one hour.
    expect(e.at).toBeLessThan(60_000);
    expect(e.message).toMatch(
      /^the run was stopped at \d+\.\d{6} s: it needs more than 25,000 segments, the work budget of a scenario run\. Stop it sooner .* raise the segments budget/,
    );
  }, 120_000);

  it('takes a budget of its own, part by part', () => {
    const sc = parseScenario(PROBE_STORM);
    expect(() => runScenario(sc, { budget: { events: 300 } })).toThrow(
      expect.objectContaining({ what: 'events', limit: 300 }),
    );
    expect(() => runScenario(sc, { budget: { segments: 50 } })).toThrow(
      expect.objectContaining({ what: 'segments', limit: 50 }),
    );
  });

  it('leaves an ordinary run alone, and its world replays within the same budget', () => {
    const r = runScenario(
      parseScenario(readFileSync(join(SCENARIO_DIR, 'lost-data.scenario'), 'utf8')),
    );
    expect(r.world.options.budget).toEqual(WORK_BUDGET);
    const again = World.replay(r.world.options, r.world.inputs, r.world.now);
    expect(again.trace.records.map(recordToJson)).toEqual(r.world.trace.records.map(recordToJson));
  });

  it('does not stop a run that stays in time: `run 200ms` of the same storm', () => {
    const r = runScenario(parseScenario(PROBE_STORM.replace('run until idle', 'run 200ms')));
    expect(r.world.now).toBe(200);
    expect(r.world.stepsRun).toBeLessThan(WORK_BUDGET.events);
  });
});
