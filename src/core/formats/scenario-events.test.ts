/**
 * The scenario language's event constructs: drop rules that match flags under
 * a mask and payload bytes, drop rules armed by a segment, and `wait` lines.
 * Each is parsed, written back, run (the trace is what is checked), shared as
 * a link and exported as a file.
 */
import { describe, expect, it } from 'vitest';
import {
  formatScenario,
  parseScenario,
  type LinkAtStatement,
  type Scenario,
  type WaitStatement,
} from './scenario';
import { NOT_REACHED, STILL_WAITING, runScenario, type ScenarioRun } from './scenario-runner';
import { decodeRun, encodeRun } from './run-codec';
import { scenarioFromRun } from './scenario-export';
import { ACK, FIN, PSH } from '../tcp/segment';
import type { CallRecord, SegmentRecord, StateRecord } from '../sim/trace';
import { World } from '../sim/world';

const run = (text: string): ScenarioRun => runScenario(parseScenario(text, 'events.scenario'));
const segments = (r: ScenarioRun): SegmentRecord[] => r.world.trace.segments;
const calls = (r: ScenarioRun, side?: string): CallRecord[] =>
  r.world.trace.records.filter(
    (x): x is CallRecord => x.kind === 'call' && (side === undefined || x.side === side),
  );
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const linkActions = (sc: Scenario) =>
  sc.statements.filter((s): s is LinkAtStatement => s.kind === 'linkAt').map((s) => s.action);
const waits = (sc: Scenario) =>
  sc.statements.filter((s): s is WaitStatement => s.kind === 'wait').map((s) => s.event);

/** A connection, then the client closes first; the server closes when it reads the FIN. */
const TEARDOWN = [
  'seed 1',
  'link both delay 50ms',
  '0     server l = socket()',
  '0     server bind(l, 9821) => 0',
  '0     server listen(l, 64) => 0',
  '0     server c = accept(l)',
  '+0    server recv(c, 1024) => 0',
  '+0    server close(c) => 0',
  '0.05  client s = socket()',
  '+0    client connect(s, server) => 0',
  '+0.2  client close(s) => 0',
].join('\n');

// ------------------------------------------------------------------ parsing and writing

describe('drop rules with patterns: parsing and writing back', () => {
  it('reads masks, payload conditions and triggers', () => {
    const sc = parseScenario(
      [
        '0 link drop next client +F',
        '0 link drop next server -.+S',
        '0 link drop next client . empty',
        '0 link drop next client data',
        '0 link drop next client P. containing "msg2"',
        '0 link drop next client containing 0x16030100',
        '0 link drop next client . empty after server +F',
        '0 link drop next server after client containing "\\x00"',
        '0 link drop next client after server',
      ].join('\n'),
    );
    expect(linkActions(sc)).toEqual([
      { kind: 'dropNext', from: 'client', flags: '+F', payload: null, after: null },
      { kind: 'dropNext', from: 'server', flags: '+S-.', payload: null, after: null },
      { kind: 'dropNext', from: 'client', flags: '.', payload: 'empty', after: null },
      { kind: 'dropNext', from: 'client', flags: null, payload: 'data', after: null },
      {
        kind: 'dropNext',
        from: 'client',
        flags: 'P.',
        payload: { contains: [109, 115, 103, 50] },
        after: null,
      },
      {
        kind: 'dropNext',
        from: 'client',
        flags: null,
        payload: { contains: [0x16, 0x03, 0x01, 0x00] },
        after: null,
      },
      {
        kind: 'dropNext',
        from: 'client',
        flags: '.',
        payload: 'empty',
        after: { from: 'server', flags: '+F', payload: null },
      },
      {
        kind: 'dropNext',
        from: 'server',
        flags: null,
        payload: null,
        after: { from: 'client', flags: null, payload: { contains: [0] } },
      },
      {
        kind: 'dropNext',
        from: 'client',
        flags: null,
        payload: null,
        after: { from: 'server', flags: null, payload: null },
      },
    ]);
  });

  it('writes them back canonically, and the text reads back to the same scenario', () => {
    const src = [
      '0 link drop next server -.+S',
      '0 link drop next client containing 0x6d736732',
      '0 link drop next client . empty after server +F',
      '0 link drop next server after client containing "a\\"b"',
    ].join('\n');
    const sc = parseScenario(src);
    const out = formatScenario(sc);
    expect(out).toBe(
      [
        '0 link drop next server +S-.',
        '0 link drop next client containing "msg2"',
        '0 link drop next client . empty after server +F',
        '0 link drop next server after client containing "a\\"b"',
        '',
      ].join('\n'),
    );
    expect(parseScenario(out)).toEqual(sc);
  });
});

describe('wait lines: parsing and writing back', () => {
  it('reads waits for a call (by name, or name and socket) and for a state', () => {
    const sc = parseScenario(
      [
        // A wait may name a call the file only makes further down.
        '0 server wait client close(s)',
        '+0 server wait client close',
        '+0 server wait client socket()',
        '+0 server wait client send(3)',
        '+0 server wait server state CLOSED',
        '0 client s = socket()',
        '+0 client send(3, "x")',
        '+0 client close(s)',
        '+1.5 client wait server state TIME_WAIT',
      ].join('\n'),
    );
    expect(waits(sc)).toEqual([
      { kind: 'return', side: 'client', call: 'close', fd: { kind: 'var', name: 's' } },
      { kind: 'return', side: 'client', call: 'close', fd: null },
      { kind: 'return', side: 'client', call: 'socket', fd: null },
      { kind: 'return', side: 'client', call: 'send', fd: { kind: 'fd', fd: 3 } },
      { kind: 'state', side: 'server', state: 'CLOSED' },
      { kind: 'state', side: 'server', state: 'TIME_WAIT' },
    ]);
    const w = sc.statements[8] as WaitStatement;
    expect(w.time).toEqual({ relative: true, ms: 1500 });
    expect(w.side).toBe('client');
    const out = formatScenario(sc);
    expect(out.split('\n')).toEqual([
      '0 server wait client close(s)',
      '+0 server wait client close',
      '+0 server wait client socket',
      '+0 server wait client send(3)',
      '+0 server wait server state CLOSED',
      '0 client s = socket()',
      '+0 client send(3, "x")',
      '+0 client close(s)',
      '+1.5 client wait server state TIME_WAIT',
      '',
    ]);
    expect(parseScenario(out)).toEqual(sc);
  });

  it('a variable may still be called wait', () => {
    const sc = parseScenario('0 client wait = socket()\n+0 client close(wait)');
    expect(sc.statements.map((s) => s.kind)).toEqual(['call', 'call']);
  });

  it('the same socket written two ways is two different calls to a wait', () => {
    // `close(3)` on the client does not make `wait client close(s)` true, even if s is 3.
    expect(() =>
      parseScenario('0 client s = socket()\n+0 client close(3)\n0 server wait client close(s)'),
    ).toThrow(/the client has no line that calls close\(s\)/);
  });
});

// ------------------------------------------------------------------ running: drop rules

describe('drop rules with patterns: running', () => {
  it('drops the first pure ACK the client sends after the server has sent a FIN', () => {
    const r = run(`${TEARDOWN}\n0 link drop next client . empty after server +F\nrun 5s`);
    const segs = segments(r);
    const serverFin = segs.find((s) => s.from === 'server' && s.seg.flags & FIN)!;
    const dropped = segs.filter((s) => s.dropped === 'rule');
    expect(dropped).toHaveLength(1);
    const d = dropped[0]!;
    expect({ from: d.from, flags: d.seg.flags, len: d.seg.payload.length }).toEqual({
      from: 'client',
      flags: ACK,
      len: 0,
    });
    // It is the first pure ACK of the client sent after the server's FIN …
    const pureAcksAfter = segs.filter(
      (s) =>
        s.from === 'client' && s.id > serverFin.id && s.seg.flags === ACK && !s.seg.payload.length,
    );
    expect(pureAcksAfter[0]!.id).toBe(d.id);
    // … and the handshake's pure ACK, sent before it, went through.
    const handshakeAck = segs.find((s) => s.from === 'client' && s.seg.flags === ACK)!;
    expect(handshakeAck.id).toBeLessThan(serverFin.id);
    expect(handshakeAck.dropped).toBeNull();
    // The server sends its FIN again, and the client's second ACK ends LAST_ACK.
    expect(segs.filter((s) => s.from === 'server' && s.seg.flags & FIN)).toHaveLength(2);
    expect(r.expectations.every((x) => x.ok)).toBe(true);
  });

  it('without the trigger the same rule drops the handshake ACK instead', () => {
    const r = run(`${TEARDOWN}\n0 link drop next client . empty\nrun 5s`);
    const d = segments(r).filter((s) => s.dropped === 'rule');
    expect(d.map((s) => s.id)).toEqual([2]);
    expect(d[0]!.t).toBe(150);
  });

  it('a mask drops any segment with FIN set, where exact flags need F. written out', () => {
    const exact = run(`${TEARDOWN}\n0 link drop next server F\nrun 5s`);
    expect(segments(exact).filter((s) => s.dropped)).toEqual([]);
    const masked = run(`${TEARDOWN}\n0 link drop next server +F\nrun 5s`);
    const d = segments(masked).filter((s) => s.dropped === 'rule');
    expect(d.map((s) => [s.from, s.seg.flags])).toEqual([['server', FIN | ACK]]);
  });

  it('drops the segment whose payload holds the bytes, as a string or in hex', () => {
    const base = [
      'seed 1',
      'link both delay 50ms',
      '0 server l = socket()',
      '0 server bind(l, 9821)',
      '0 server listen(l, 64)',
      '0 server c = accept(l)',
      '+0 server recv(c, 4) => "msg1"',
      '+0 server recv(c, 4) => "msg2"',
      '+0 server recv(c, 4) => "msg3"',
      '0.05 client s = socket()',
      '+0 client connect(s, server) => 0',
      '+0.1 client send(s, "msg1") => 4',
      '+0.1 client send(s, "msg2") => 4',
      '+0.1 client send(s, "msg3") => 4',
      'run 5s',
    ].join('\n');
    for (const pattern of ['"msg2"', '0x6d736732', '"sg"']) {
      const r = run(`${base}\n0 link drop next client containing ${pattern}`);
      const d = segments(r).filter((s) => s.dropped === 'rule');
      // "sg" is in msg1 too: the first segment that holds the bytes is the one dropped.
      const want = pattern === '"sg"' ? 'msg1' : 'msg2';
      expect(d.map((s) => text(s.seg.payload))).toEqual([want]);
      expect(d[0]!.seg.flags).toBe(PSH | ACK);
      // The retransmission gets through, and the server reads everything in order.
      const copies = segments(r).filter((s) => text(s.seg.payload) === want);
      expect(copies.map((s) => [s.rtx, s.dropped])).toEqual([
        [false, 'rule'],
        [true, null],
      ]);
      expect(r.expectations.every((x) => x.ok)).toBe(true);
    }
  });
});

// ------------------------------------------------------------------ running: waits

/** The server closes first (TIME_WAIT is on its side), then restarts once the client has closed. */
const REBIND = [
  'seed 1',
  'link both delay 50ms',
  '0     server l = socket()',
  '0     server setsockopt(l, SO_REUSEADDR, 1) => 0',
  '0     server bind(l, 9821) => 0',
  '0     server listen(l, 64) => 0',
  '0     server c = accept(l)',
  '+0.2  server close(c) => 0',
  '+0    server close(l) => 0',
  '+0    server wait client close(s)',
  '+0    server n = socket()',
  '+0    server setsockopt(n, SO_REUSEADDR, 1) => 0',
  '+0    server bind(n, 9821) => 0',
  '+0    server listen(n, 64) => 0',
  '0.05  client s = socket()',
  '+0    client connect(s, server) => 0',
  '+0    client recv(s, 1024) => 0',
  '+0.3  client close(s) => 0',
  'run 5s',
].join('\n');

describe('wait lines: running', () => {
  it('the server rebinds its port once the client has closed', () => {
    const r = run(REBIND);
    const clientClose = calls(r, 'client').find((c) => c.call === 'close')!;
    // The client reads the server's FIN at 0.45 s and closes 0.3 s later.
    expect(clientClose.t).toBe(750);
    const server = calls(r, 'server');
    const firstClose = server.findIndex((c) => c.call === 'close');
    const after = server.slice(firstClose + 2);
    expect(after.map((c) => [c.call, c.start, c.t, c.ret])).toEqual([
      ['socket', clientClose.t, clientClose.t, 5],
      ['setsockopt', clientClose.t, clientClose.t, 0],
      ['bind', clientClose.t, clientClose.t, 0],
      ['listen', clientClose.t, clientClose.t, 0],
    ]);
    // The old connection still holds the port: FIN_WAIT_2 then, TIME_WAIT when the FIN arrives.
    // The client has received no data, so it ACKs the server's FIN at the next 4 ms tick
    // (Linux's ACK timeout is still 0): sent at 452 ms, it arrives at 502 ms.
    const old = r.world.trace.records.filter(
      (x): x is StateRecord => x.kind === 'state' && x.conn === 'server:2',
    );
    expect(old.slice(-2).map((x) => [x.to, x.t])).toEqual([
      ['FIN_WAIT_2', 502],
      ['TIME_WAIT', 800],
    ]);
    expect(r.expectations.find((x) => x.line === 10)).toEqual({
      line: 10,
      side: 'server',
      call: 'wait',
      expected: 'client close(s)',
      actual: 'ended at 0.75 s',
      ok: true,
    });
    expect(r.expectations.filter((x) => !x.ok)).toEqual([]);
  });

  it('a wait for what has already happened ends at once', () => {
    // The server only starts waiting at 2 s, long after the client's close.
    const r = run(
      REBIND.replace('+0    server wait client close(s)', '2 server wait client close(s)'),
    );
    const socket = calls(r, 'server').find(
      (c) => c.call === 'socket' && c.request.name === 'socket' && c.ret === 5,
    )!;
    expect(socket.start).toBe(2000);
    expect(r.expectations.find((x) => x.call === 'wait')!.actual).toBe('ended at 2 s');
  });

  it('a wait for a state ends when the side’s newest connection enters it', () => {
    const r = run(
      [
        TEARDOWN,
        '+0 server close(l) => 0', // its machine goes CLOSED now, but it is not the newest
        '+0 server wait server state CLOSED', // after close(c): LAST_ACK until the last ACK arrives
        '+0 server l2 = socket()',
        '+0 server bind(l2, 9821) => 0',
        '+0 client wait server state CLOSE_WAIT',
        '+0 client wait server state LAST_ACK',
        'run 5s',
      ].join('\n'),
    );
    const closed = r.world.trace.records.find(
      (x): x is StateRecord =>
        x.kind === 'state' && x.side === 'server' && x.to === 'CLOSED' && x.from === 'LAST_ACK',
    )!;
    const bind = calls(r, 'server').filter((c) => c.call === 'bind')[1]!;
    expect(bind.start).toBe(closed.t);
    expect(bind.ret).toBe(0);
    expect(closed.t).toBe(500);
    const listenerClosed = r.world.trace.records.find(
      (x): x is StateRecord => x.kind === 'state' && x.conn === 'server:1' && x.to === 'CLOSED',
    )!;
    expect(listenerClosed.t).toBe(400);
    const ends = r.expectations.filter((x) => x.call === 'wait').map((x) => [x.line, x.actual]);
    expect(ends).toEqual([
      [13, 'ended at 0.5 s'],
      [16, 'ended at 0.4 s'],
      [17, 'ended at 0.4 s'],
    ]);
    expect(r.expectations.filter((x) => !x.ok)).toEqual([]);
  });

  it('a wait for a state looks at the newest connection only, between steps', () => {
    // The listener stays in LISTEN, but once a connection is accepted it is no longer the
    // newest machine; a second connection's machine starts out in SYN_RECEIVED.
    const r = run(
      [
        'seed 1',
        'link both delay 50ms',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l, 64)',
        '0 server c = accept(l)',
        '+0 server wait server state LISTEN',
        '+0 server l2 = socket()',
        '0.05 client s = socket()',
        '+0 client connect(s, server) => 0',
        '1 client s2 = socket()',
        '+0 client connect(s2, server) => 0',
        'run 5s',
      ].join('\n'),
    );
    expect(r.world.trace.records.some((x) => x.kind === 'state' && x.conn === 'server:3')).toBe(
      true,
    );
    expect(r.expectations.find((x) => x.line === 7)!.actual).toBe(STILL_WAITING);
    expect(calls(r, 'server').map((c) => c.call)).toEqual(['socket', 'bind', 'listen', 'accept']);
  });

  it('a wait that never ends fails, names its line, and holds back the lines after it', () => {
    const r = run(
      [
        'seed 1',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l, 64)',
        '0 server c = accept(l)', // no client ever connects: blocked for good
        '0 client wait server accept(l)',
        '+0 client s = socket() => 3',
        '0 server wait client state ESTABLISHED',
      ].join('\n'),
    );
    expect(r.hitCap).toBe(false);
    expect(r.expectations).toEqual([
      {
        line: 6,
        side: 'client',
        call: 'wait',
        expected: 'server accept(l)',
        actual: STILL_WAITING,
        ok: false,
      },
      { line: 7, side: 'client', call: 'socket', expected: '3', actual: NOT_REACHED, ok: false },
      {
        line: 8,
        side: 'server',
        call: 'wait',
        expected: 'client state ESTABLISHED',
        actual: NOT_REACHED,
        ok: false,
      },
    ]);
    // Nothing ran after the waits: no client call at all.
    expect(calls(r, 'client')).toEqual([]);
  });

  it('the line after a wait runs right after the step that made it happen', () => {
    const r = run(
      [TEARDOWN, '0 server wait client state TIME_WAIT', '+0 server l2 = socket()', 'run 5s'].join(
        '\n',
      ),
    );
    const tw = r.world.trace.records.find(
      (x): x is StateRecord => x.kind === 'state' && x.to === 'TIME_WAIT',
    )!;
    const input = r.world.inputs.find(
      (i) => i.action.kind === 'call' && i.action.side === 'server' && i.t === tw.t,
    )!;
    expect(input.action).toEqual({ kind: 'call', side: 'server', call: { name: 'socket' } });
    // Replay the inputs before it and step until the client is in TIME_WAIT: that is the
    // step the socket() call came after, and no event of the same instant ran between.
    const w = World.replay(
      r.world.options,
      r.world.inputs.filter((i) => i !== input && i.steps <= input.steps),
    );
    while (!w.trace.records.some((x) => x.kind === 'state' && x.to === 'TIME_WAIT')) w.step();
    expect(w.stepsRun).toBe(input.steps);
    expect(w.now).toBe(tw.t);
  });
});

// ------------------------------------------------------------------ sharing and exporting

describe('events, shared and exported', () => {
  const BOTH = `${REBIND.replace('run 5s', '')}\n0 link drop next client . empty after server +F\n0 link drop next client containing "\\x00"\nrun 5s`;

  it('a run with waits and pattern rules replays exactly from its share link', () => {
    const r = run(BOTH);
    expect(segments(r).some((s) => s.dropped === 'rule')).toBe(true);
    const d = decodeRun(
      encodeRun({ v: 1, options: r.world.options, inputs: r.world.inputs, cursor: r.world.now }),
    );
    if (!d.ok) throw new Error(d.error);
    const again = World.replay(d.run.options, d.run.inputs, d.run.cursor);
    expect(again.trace.toJsonLines()).toBe(r.world.trace.toJsonLines());
  });

  it('the scenario export writes the rules in the language, and re-runs to the same trace', () => {
    // Rules that never fire here, so no event shares the instant of the call after the wait.
    const r = run(
      `${REBIND.replace('run 5s', '')}\n0 link drop next server +F after client +F\n0 link drop next client containing "\\x00"\nrun 5s`,
    );
    const file = scenarioFromRun(r.world);
    expect(file).toContain('\n0 link drop next server +F after client +F\n');
    expect(file).toContain('\n0 link drop next client containing "\\x00"\n');
    // The call after the wait is at the instant the wait ended.
    expect(file).toContain('\n0.75 client close(3)\n0.75 server socket()\n');
    const again = runScenario(parseScenario(file, 'saved.scenario'));
    again.world.runUntil(r.world.now);
    expect(again.world.trace.toJsonLines()).toBe(r.world.trace.toJsonLines());
  });

  it('exported, a call made after some events of its instant runs before them, to the same effect here', () => {
    // The dropped ACK makes the server send its FIN again, and it arrives at 0.75 s, the
    // instant the client closes: in the run the server's socket() comes after that
    // delivery, in the file before it (docs/scenarios.md says so).
    const r = run(BOTH);
    const file = scenarioFromRun(r.world);
    expect(file).toContain('\n0 link drop next client . empty after server +F\n');
    const again = runScenario(parseScenario(file, 'saved.scenario'));
    again.world.runUntil(r.world.now);
    expect(again.world.trace.toJsonLines()).not.toBe(r.world.trace.toJsonLines());
    const segs = (w: World) =>
      w.trace.segments.map((x) => [x.t, x.from, x.seg.flags, x.seg.payload.length, x.dropped]);
    const callsOf = (w: World) =>
      w.trace.records
        .filter((x) => x.kind === 'call')
        .map((x) => JSON.stringify(x))
        .sort();
    expect(segs(again.world)).toEqual(segs(r.world));
    expect(callsOf(again.world)).toEqual(callsOf(r.world));
  });
});
